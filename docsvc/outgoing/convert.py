"""A draft's file in: which kind it is (PDF or DOCX, judged from the bytes), and a DOCX made
readable in the browser as PDF by LibreOffice headless.

The use cases (docsvc.outgoing) call ``draft_kind`` before a version is stored, so that a
draft the process cannot show, check or sign (an old .doc, a photo, a broken or encrypted
PDF) is refused at the door with a message the drafter can act on. ``docx_to_pdf`` runs
``soffice`` once per call in a fresh temporary directory with its own profile: two
conversions at once do not share (and lock) one user installation, and nothing is left
behind, whatever the outcome. When LibreOffice is not installed the original is kept and
the page says so (``ConversionUnavailable``); the caller records the message as the
version's ``conversion_note``.

Pure: no database, no Flask. Reads one setting, ``DOCSVC_SOFFICE`` (the soffice binary).
"""

from __future__ import annotations

import io
import os
import shutil
import signal
import subprocess
import tempfile
import zipfile
from pathlib import Path

from lxml import etree
from pypdf import PdfReader
from pypdf.errors import PyPdfError

MAX_BYTES = 50 * 1024 * 1024
# A DOCX is a zip: what it may unpack to is bounded too (a "zip bomb" is small on disk).
MAX_UNPACKED = 10 * MAX_BYTES
PDF, DOCX = "pdf", "docx"

_DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_DOCX_TEMPLATE = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"

# The Vietnamese messages (English in CATALOG_EN, for the capability's translations).
EMPTY = "Tệp rỗng: không có nội dung."
TOO_LARGE = "Tệp quá lớn: bản dự thảo tối đa 50 MB."
OLD_WORD = ("Đây là tệp Word cũ (.doc) hoặc tệp Office đặt mật khẩu: hãy lưu lại thành DOCX hoặc PDF "
            "(không đặt mật khẩu) rồi gửi lại.")
IMAGE = "Đây là tệp ảnh, không phải bản dự thảo: hãy gửi tệp DOCX hoặc PDF."
RTF = "Đây là tệp RTF: hãy lưu lại thành DOCX hoặc PDF rồi gửi lại."
ODT = "Đây là tệp OpenDocument (ODT): hãy lưu lại thành DOCX hoặc PDF rồi gửi lại."
UNKNOWN = "Không nhận ra định dạng tệp: bản dự thảo phải là tệp DOCX hoặc PDF."
PDF_BROKEN = "Tệp PDF bị hỏng, không đọc được: hãy xuất lại tệp PDF rồi gửi lại."
PDF_ENCRYPTED = "Tệp PDF đặt mật khẩu hoặc bị mã hóa: hãy gửi bản không đặt mật khẩu."
PDF_EMPTY = "Tệp PDF không có trang nào."
ZIP_BROKEN = "Tệp DOCX bị hỏng, không mở được: hãy lưu lại rồi gửi lại."
ZIP_NOT_DOCX = "Tệp nén này không phải văn bản Word (DOCX): thiếu phần nội dung word/document.xml."
DOCX_MACRO = "Tệp Word có macro (DOCM) không được nhận: hãy lưu lại thành DOCX rồi gửi lại."
DOCX_TOO_LARGE = "Tệp DOCX khi giải nén quá lớn (trên 500 MB): không nhận tệp này."
UNAVAILABLE = ("Máy chủ chưa cài LibreOffice nên chưa xem được bản DOCX dưới dạng PDF; bản gốc vẫn được lưu.")
FAILED = ("LibreOffice không chuyển được bản DOCX sang PDF; bản gốc vẫn được lưu. Hãy kiểm tra tệp "
          "hoặc gửi kèm bản PDF.")
TIMED_OUT = ("LibreOffice chuyển bản DOCX sang PDF quá lâu nên đã dừng; bản gốc vẫn được lưu. Hãy thử lại "
             "hoặc gửi kèm bản PDF.")

from docsvc.outgoing.translations_en import CATALOG as CATALOG_EN  # noqa: E402 - English of the messages above


class DraftInvalid(ValueError):
    """A file that cannot be a draft; ``message`` says what was wrong (Vietnamese)."""

    field = "file"

    def __init__(self, message: str, *, filename: str | None = None):
        super().__init__(message)
        self.message, self.filename = message, filename


class ConversionUnavailable(Exception):
    """No LibreOffice on this server: the DOCX is kept, without a PDF to read."""

    def __init__(self, message: str = UNAVAILABLE):
        super().__init__(message)
        self.message = message


class ConversionFailed(Exception):
    """LibreOffice ran and gave no usable PDF; ``detail`` is its own output (English, for
    the log), ``message`` what the drafter reads."""

    def __init__(self, message: str = FAILED, detail: str = ""):
        super().__init__(f"{message} ({detail})" if detail else message)
        self.message, self.detail = message, detail


# -- what the bytes are -------------------------------------------------------------------------

def draft_kind(data: bytes, filename: str | None = None) -> str:
    """``"pdf"`` or ``"docx"``, judged from the bytes (a DOCX named .pdf is a DOCX); any other
    file raises ``DraftInvalid`` naming what was wrong. ``filename`` is kept on the error
    for the caller's message; it decides nothing."""
    def invalid(message: str) -> DraftInvalid:
        return DraftInvalid(message, filename=filename)

    if not data:
        raise invalid(EMPTY)
    if len(data) > MAX_BYTES:
        raise invalid(TOO_LARGE)
    head = data[:1024]
    if b"%PDF-" in head:  # the header may follow a few stray bytes (PDF 1.7, 7.5.2)
        _check_pdf(data, invalid)
        return PDF
    if data.startswith(b"PK\x03\x04"):
        _check_docx(data, invalid)
        return DOCX
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):  # OLE compound file: .doc, or encrypted .docx
        raise invalid(OLD_WORD)
    if data.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*", b"BM")) or (
            data[:4] == b"RIFF" and data[8:12] == b"WEBP"):
        raise invalid(IMAGE)
    if data.lstrip().startswith(b"{\\rtf"):
        raise invalid(RTF)
    raise invalid(UNKNOWN)


def _check_pdf(data: bytes, invalid) -> None:
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise invalid(PDF_ENCRYPTED)
        pages = len(reader.pages)
        if pages:
            reader.pages[0].mediabox  # the first page's tree resolves
    except DraftInvalid:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError, OSError):
        raise invalid(PDF_BROKEN) from None
    if not pages:
        raise invalid(PDF_EMPTY)


def _check_docx(data: bytes, invalid) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            infos = package.infolist()
            names = {info.filename for info in infos}
            if "mimetype" in names and package.read("mimetype").startswith(b"application/vnd.oasis.opendocument"):
                raise invalid(ODT)
            if "word/document.xml" not in names or "[Content_Types].xml" not in names:
                raise invalid(ZIP_NOT_DOCX)
            if sum(info.file_size for info in infos) > MAX_UNPACKED:
                raise invalid(DOCX_TOO_LARGE)
            types = package.read("[Content_Types].xml")
            if b"macroEnabled" in types:
                raise invalid(DOCX_MACRO)
            parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
            etree.fromstring(types, parser)
            etree.fromstring(package.read("word/document.xml"), parser)
    except DraftInvalid:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, etree.XMLSyntaxError, NotImplementedError, OSError,
            EOFError, ValueError, KeyError):
        # NotImplementedError: an unknown compression method; ValueError/KeyError: a damaged directory
        raise invalid(ZIP_BROKEN) from None
    if _DOCX_MAIN.encode() not in types and _DOCX_TEMPLATE.encode() not in types:
        raise invalid(ZIP_NOT_DOCX)


# -- LibreOffice ----------------------------------------------------------------------------------

def soffice_path() -> str | None:
    """The LibreOffice binary: ``DOCSVC_SOFFICE`` when set (a path or a name on PATH; set
    and not found means none, not a fallback), else ``soffice`` or ``libreoffice`` on PATH."""
    configured = os.environ.get("DOCSVC_SOFFICE", "").strip()
    if configured:
        return shutil.which(configured)
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(data: bytes, *, timeout: float = 180) -> bytes:
    """The PDF LibreOffice makes of a DOCX. ``ConversionUnavailable`` without LibreOffice;
    ``ConversionFailed`` on a non-zero exit, on ``timeout`` seconds passed (its whole
    process group is killed) or when what it wrote is not a readable PDF; ``DraftInvalid``
    when ``data`` is not a DOCX. The temporary directory (input, output, profile, TMPDIR)
    is removed in every case."""
    if draft_kind(data) != DOCX:
        raise DraftInvalid(UNKNOWN)
    binary = soffice_path()
    if binary is None:
        raise ConversionUnavailable()
    work = Path(tempfile.mkdtemp(prefix="docsvc-soffice-"))
    process: subprocess.Popen | None = None
    try:
        source, out, tmp = work / "draft.docx", work / "out", work / "tmp"
        out.mkdir()
        tmp.mkdir()
        source.write_bytes(data)
        env = {**os.environ, "HOME": str(work), "TMPDIR": str(tmp)}
        env.pop("DISPLAY", None)
        command = [binary, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless", "--invisible",
                   "--nologo", "--nodefault", "--norestore", "--nolockcheck",
                   "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(out), str(source)]
        # A session of its own: on a timeout the wrapper script, oosplash and soffice.bin all go.
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, cwd=work, env=env, start_new_session=True)
        try:
            output, _ = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(process)
            process.communicate()
            raise ConversionFailed(TIMED_OUT, f"soffice still running after {timeout:g} s") from None
        said = output.decode("utf-8", "replace").strip()[-500:]
        if process.returncode != 0:
            raise ConversionFailed(FAILED, f"soffice exit status {process.returncode}: {said}")
        result = out / "draft.pdf"
        if not result.is_file():
            raise ConversionFailed(FAILED, f"soffice wrote no PDF: {said}")
        pdf = result.read_bytes()
        try:
            if draft_kind(pdf) != PDF:
                raise DraftInvalid(UNKNOWN)
        except DraftInvalid as exc:
            raise ConversionFailed(FAILED, f"soffice wrote an unusable PDF: {exc.message}") from None
        return pdf
    finally:
        if process is not None:
            _kill_group(process)  # anything the conversion left running
        shutil.rmtree(work, ignore_errors=True)


def _kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
