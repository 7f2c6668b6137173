"""Format detection from the first bytes of a file, never from its name."""

from __future__ import annotations

from ingest.results import JPEG, PDF, PNG, TIFF

HEAD_BYTES = 2048  # enough for every signature below, and for a look at text

# Readers (Acrobat, pdfium) accept a PDF header anywhere in the first kilobyte; some
# scanners and mail gateways put a few bytes before it.
_PDF_WINDOW = 1024

# Formats we refuse, by signature, so the message can say what the file seems to be.
# Names are language-neutral: they are shown inside both the Vietnamese and English text.
_OTHER_SIGNATURES: list[tuple[bytes, int, str]] = [
    (b"GIF87a", 0, "GIF"), (b"GIF89a", 0, "GIF"), (b"BM", 0, "BMP"), (b"WEBP", 8, "WebP"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 0, "DOC/XLS"), (b"Rar!\x1a\x07", 0, "RAR"),
    (b"7z\xbc\xaf\x27\x1c", 0, "7Z"), (b"\x1f\x8b", 0, "GZIP"), (b"{\\rtf", 0, "RTF"),
    (b"ftypheic", 4, "HEIC"), (b"ftypmif1", 4, "HEIF"), (b"\x00\x00\x00\x0cjP  ", 0, "JPEG 2000"),
    (b"II+\x00", 0, "BigTIFF"), (b"MM\x00+", 0, "BigTIFF"),
]


def detect_media_type(head: bytes) -> str | None:
    """The media type of a file from its first bytes: PDF, TIFF (``II*\\0`` / ``MM\\0*``),
    PNG or JPEG; None for anything else."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return TIFF
    if b"%PDF-" in head[:_PDF_WINDOW]:
        return PDF
    return None


def describe_unsupported(head: bytes) -> str:
    """A short, language-neutral name of what an unsupported file seems to be, as the
    ``detail`` of an ``unsupported_type`` error: " (ZIP)", " (text/plain)", or ""."""
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        if b"word/" in head:
            return " (DOCX)"
        if b"xl/" in head:
            return " (XLSX)"
        return " (ZIP)"
    for signature, offset, name in _OTHER_SIGNATURES:
        if head[offset:offset + len(signature)] == signature:
            return f" ({name})"
    if _looks_like_text(head):
        return " (text/plain)"
    return ""


def _looks_like_text(head: bytes) -> bool:
    if not head or b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
        return True
    except UnicodeDecodeError as exc:
        # A multi-byte character cut by the end of the head is still text.
        return exc.start >= len(head) - 3
