"""Honest downloads: a file is named and typed by what its bytes are, not by what it was called.

The type comes from detection at upload (``Document.media_type``), so an upload called
``evil.html`` that is a PDF goes out as ``evil.pdf``, ``application/pdf``, and a browser
never renders it as a page of our site. The stem keeps the person's name for the file with
control and invisible formatting characters (line breaks, bidi overrides that turn
``gpj.exe`` around), path separators and quotes taken out, so it cannot split a header or
land outside the download folder. ``Content-Disposition`` carries an ASCII name for old
clients and the full name as RFC 5987 ``filename*``.
"""

from __future__ import annotations

import unicodedata
from pathlib import PurePosixPath
from urllib.parse import quote

from ingest.results import JPEG, PDF, PNG, TIFF

EXTENSIONS = {PDF: ".pdf", TIFF: ".tif", PNG: ".png", JPEG: ".jpg"}
MAX_STEM = 150
_DROP = set('/\\"\'`') | {"\x7f"}
_ASCII_SAFE = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.()+,=@ ")


def _clean_stem(original_name: str | None) -> str:
    if not original_name:
        return ""
    name = unicodedata.normalize("NFC", original_name)
    # Control (Cc), formatting (Cf: bidi overrides, zero-width) and line/paragraph separators
    # go; so do separators and quotes. A Windows-style path keeps only its last part.
    name = name.replace("\\", "/")
    name = PurePosixPath(name).name if "/" in name else name
    kept = "".join(" " if unicodedata.category(c) in ("Zs", "Zl", "Zp") else c for c in name
                   if c not in _DROP and unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Co", "Cn"))
    kept = " ".join(kept.split())            # no runs of spaces, none at the ends
    stem = kept.rsplit(".", 1)[0] if "." in kept.lstrip(".") else kept
    return stem.strip(" .")[:MAX_STEM].strip(" .")


def download_name(original_name: str | None, media_type: str, fallback: str) -> str:
    """The name a download gets: the cleaned stem of ``original_name`` (or ``fallback``) and
    the extension of the detected ``media_type``."""
    stem = _clean_stem(original_name) or fallback
    return stem + EXTENSIONS.get(media_type, ".bin")


def _ascii(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return "".join(c if c in _ASCII_SAFE else "_" for c in plain)


def content_disposition(name: str, fallback: str) -> str:
    """``attachment`` with an ASCII ``filename`` (diacritics dropped; ``fallback`` when little
    is left) and the full UTF-8 name as ``filename*`` (RFC 5987/6266)."""
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    ascii_stem = _ascii(stem)
    if not ascii_stem.strip("_. "):
        ascii_stem = fallback
    ascii_name = ascii_stem + (dot + _ascii(ext) if dot else "")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


def attachment_headers(doc_id: int, original_name: str | None, media_type: str) -> dict[str, str]:
    """Headers that make a stored original an honest attachment."""
    fallback = f"document-{doc_id}"
    name = download_name(original_name, media_type, fallback)
    return {"Content-Disposition": content_disposition(name, fallback),
            "Content-Type": media_type,
            "X-Content-Type-Options": "nosniff"}
