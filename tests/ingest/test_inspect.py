"""inspect_file: every kind of bad input is refused with its code and a clear message;
good files give their media type and page count. Detection never looks at the name."""

from __future__ import annotations

import shutil
from contextlib import contextmanager

import pytest
from PIL import ImageFile
from pypdf import PdfWriter

from docsvc.sampledata import files
from ingest.detect import describe_unsupported, detect_media_type
from ingest.errors import IngestError
from ingest.inspect import examine, inspect_file
from ingest.results import JPEG, PDF, PNG, TIFF, Limits


def refused(path, limits=Limits()) -> IngestError:
    with pytest.raises(IngestError) as caught:
        inspect_file(path, limits)
    error = caught.value
    vi, en = error.message("vi"), error.message("en")
    # A clear message: filled in (no template braces left), Vietnamese first and distinct.
    assert vi and en and vi != en
    assert "{" not in vi and "{" not in en
    return error


# -- format detection -------------------------------------------------------------------

@pytest.mark.parametrize("head, expected", [
    (b"%PDF-1.7\n%\xe2\xe3", PDF),
    (b"\xef\xbb\xbf  junk from a mail gateway\n%PDF-1.4\n", PDF),
    (b"II*\x00\x08\x00\x00\x00", TIFF),
    (b"MM\x00*\x00\x00\x00\x08", TIFF),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", PNG),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", JPEG),
    (b"PK\x03\x04\x14\x00", None),
    (b"GIF89a\x01\x00", None),
    (b"Danh s\xc3\xa1ch h\xe1\xbb\x93 s\xc6\xa1", None),
    (b"", None),
])
def test_detects_pdf_tiff_png_jpeg_from_magic_bytes_only(head, expected):
    assert detect_media_type(head) == expected


@pytest.mark.parametrize("head, detail", [
    (b"PK\x03\x04\x14\x00\x00\x00[Content_Types].xml word/document.xml", " (DOCX)"),
    (b"PK\x03\x04\x14\x00\x00\x00so-ho-tich/danh-sach.csv", " (ZIP)"),
    (b"GIF89a\x01\x00", " (GIF)"),
    ("Danh sách hồ sơ tiếp nhận".encode(), " (text/plain)"),
    ("Tệp văn bản cắt giữa chữ ế".encode()[:-1], " (text/plain)"),
    (bytes(range(256)), ""),
])
def test_unsupported_files_are_named_when_recognisable(head, detail):
    assert describe_unsupported(head) == detail


def test_type_comes_from_the_bytes_not_the_name(samples, tmp_path):
    misnamed = shutil.copy(samples.png, tmp_path / "cong-van.pdf")
    assert inspect_file(misnamed, Limits()).media_type == PNG


# -- bad inputs ------------------------------------------------------------------------

def test_empty_file_is_refused(tmp_path):
    """Input: a 0-byte file."""
    assert refused(files.write_empty(tmp_path / "empty.pdf")).code == "empty_file"


def test_file_over_the_size_limit_is_refused(tmp_path):
    """Input: a 300 MB (sparse) file against the default 200 MB limit."""
    error = refused(files.write_oversized(tmp_path / "huge.png", 300 * 1024 * 1024))
    assert error.code == "too_large"
    assert "200 MB" in error.message("vi")


@pytest.mark.parametrize("writer, shown", [(files.write_zip, "ZIP"), (files.write_text_file, "text/plain")],
                         ids=["zip-archive", "plain-text"])
def test_unsupported_type_is_refused_and_named(tmp_path, writer, shown):
    """Inputs: a ZIP archive and a UTF-8 text file, both named .pdf."""
    error = refused(writer(tmp_path / "upload.pdf"))
    assert error.code == "unsupported_type"
    assert shown in error.message("vi") and "PDF, TIFF, PNG, JPEG" in error.message("vi")


def test_truncated_pdf_is_refused(samples):
    """Input: the first 60% of a scanned PDF (an interrupted upload)."""
    assert refused(samples.truncated_pdf).code == "truncated_pdf"


def test_corrupt_pdf_is_refused_with_the_reason(samples):
    """Input: a PDF header and %%EOF with no objects or cross-reference table between."""
    error = refused(samples.corrupt_pdf)
    assert error.code == "corrupt_pdf"
    assert error.params["detail"]  # says what the reader found wrong


@pytest.mark.parametrize("which", ["encrypted_pdf", "encrypted_rc4_pdf"], ids=["aes-256", "rc4-128"])
def test_password_protected_pdf_is_refused(samples, which):
    """Inputs: a text PDF encrypted with a user password, AES-256 and RC4-128."""
    error = refused(getattr(samples, which))
    assert error.code == "encrypted_pdf"
    assert "mật khẩu" in error.message("vi")


def test_pdf_with_an_empty_user_password_is_accepted(samples):
    """Owner-password-only PDFs (printing/editing restricted) open without a password."""
    assert inspect_file(samples.encrypted_open_pdf, Limits()) == inspect_file(samples.text_pdf, Limits())


def test_pdf_without_pages_is_refused(tmp_path):
    """Input: a well-formed PDF whose page tree is empty."""
    path = tmp_path / "no-pages.pdf"
    with open(path, "wb") as fh:
        PdfWriter().write(fh)
    assert refused(path).code == "empty_pdf"


def test_too_many_pages_is_refused(samples):
    """Input: a 3-page TIFF against a 2-page limit."""
    error = refused(samples.tiff, Limits(max_pages=2))
    assert error.code == "too_many_pages"
    assert error.params == {"pages": 3, "limit": 2}


@contextmanager
def no_decoding():
    """Any attempt to decode image data fails the test."""
    def forbidden(self):
        raise AssertionError("image data was decoded")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ImageFile.ImageFile, "load", forbidden)
        yield


@pytest.mark.parametrize("which, size", [("png_bomb", (20000, 20000)), ("tiff_bomb", (20000, 20000)),
                                         ("pdf_bomb", (20000, 20000))],
                         ids=["png-400MP", "tiff-second-frame-400MP", "pdf-image-400MP"])
def test_decompression_bomb_is_refused_before_decoding(samples, which, size):
    """Inputs: a 400 KB PNG of 20000×20000 pixels, a TIFF whose harmless first page hides a
    20000×20000 second page, a PDF showing a 20000×20000 image — all valid files."""
    path = getattr(samples, which)
    with no_decoding():  # in this process: the look itself (inspect_file runs it in a child)
        with pytest.raises(IngestError) as caught:
            examine(path, Limits())
    error = caught.value
    assert error.code == refused(path).code  # the same answer through the sandbox
    assert error.code == "image_too_large"
    assert (error.params["width"], error.params["height"]) == size
    assert "400" in error.message("vi") and "150" in error.message("vi")


def test_image_with_unreadable_header_is_refused(tmp_path):
    """Input: a PNG signature followed by garbage instead of the IHDR chunk."""
    path = tmp_path / "broken.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00\x01garbage" * 20)
    error = refused(path)
    assert error.code == "corrupt_image"


def test_every_error_code_has_both_languages():
    from ingest.errors import MESSAGES
    for code, texts in MESSAGES.items():
        assert texts.get("vi") and texts.get("en"), code


# -- good inputs -----------------------------------------------------------------------

@pytest.mark.parametrize("which, media_type, pages", [
    ("png", PNG, 1), ("jpeg_rotated", JPEG, 1), ("tiff", TIFF, 3), ("tiff_group4", TIFF, 2),
    ("text_pdf", PDF, 2), ("scanned_pdf", PDF, 2), ("mixed_pdf", PDF, 3),
])
def test_good_files_give_type_and_page_count(samples, which, media_type, pages):
    path = getattr(samples, which)
    with no_decoding():
        info = inspect_file(path, Limits())
    assert (info.media_type, info.page_count) == (media_type, pages)
