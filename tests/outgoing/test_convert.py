"""A draft's file in (docsvc.outgoing.convert): its kind judged from the bytes, every other
file refused with a reason, and a DOCX converted by the real LibreOffice.

Bad inputs tried: an empty file, a file over 50 MB, an old Word .doc (OLE compound file),
PNG and JPEG pictures, an RTF file, plain text, a PDF cut in half, a "%PDF" header over
garbage, an encrypted PDF, a PDF without pages, a zip of a text file, an ODT, a DOCM (macro
content type), a DOCX whose word/document.xml is not XML, a zip cut in half; for the
conversion: no LibreOffice (DOCSVC_SOFFICE pointing at a missing file, or nothing on PATH),
a converter that exits non-zero (/bin/false), one that exits 0 and writes nothing
(/bin/true), LibreOffice stopped by a timeout, and a PDF given where a DOCX is expected.
LibreOffice runs four times in this module (two at once, the timeout, and none else).
"""

from __future__ import annotations

import io
import shutil
import tempfile
import time
import unicodedata
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter

from docsvc.outgoing import convert, drafts
from docsvc.outgoing.convert import ConversionFailed, ConversionUnavailable, DraftInvalid, docx_to_pdf, draft_kind
from docsvc.outgoing.formcheck import check_form, form_passed

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
ISSUER = "Ủy ban nhân dân xã Tân Phú"


def flat(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def pdf_text(pdf: bytes) -> str:
    return flat(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))


def processes_mentioning(fragment: str) -> list[int]:
    """Live processes whose command line names ``fragment`` (a conversion's directory)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if fragment.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def wait_until_gone(fragment: str, limit: float = 60.0) -> list[int]:
    """Waits on state (the processes ending), not on a fixed delay."""
    deadline = time.monotonic() + limit
    while (left := processes_mentioning(fragment)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


@pytest.fixture
def own_tmp(tmp_path, monkeypatch):
    """A temporary root of the test's own, to see that a conversion leaves nothing there."""
    root = tmp_path / "tmp"
    root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(root))
    return root


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    """The decision and the letter converted by LibreOffice at the same moment, each in its
    own profile; the temporary root they used, and what was left in it."""
    assert SOFFICE, "LibreOffice (soffice) is a system package of make setup"
    root = tmp_path_factory.mktemp("conversions")
    saved, tempfile.tempdir = tempfile.tempdir, str(root)
    try:
        with ThreadPoolExecutor(2) as pool:
            decision = pool.submit(docx_to_pdf, drafts.decision_docx())
            letter = pool.submit(docx_to_pdf, drafts.letter_docx())
            pdfs = {"decision": decision.result(), "letter": letter.result()}
    finally:
        tempfile.tempdir = saved
    return pdfs, root, sorted(p.name for p in root.iterdir()), wait_until_gone(str(root))


def test_two_docx_drafts_convert_at_once_with_their_vietnamese_text_intact(converted):
    pdfs, _root, left_files, left_processes = converted
    decision, letter = pdf_text(pdfs["decision"]), pdf_text(pdfs["letter"])
    assert draft_kind(pdfs["decision"]) == "pdf" and draft_kind(pdfs["letter"]) == "pdf"
    assert "Về việc thành lập Tổ công tác số hóa sổ đăng ký hộ tịch" in decision
    assert "V/v đề nghị cung cấp danh sách sổ hộ tịch cần số hóa" in letter
    for text in (decision, letter):
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
        assert "Độc lập - Tự do - Hạnh phúc" in text
        assert "ỦY BAN NHÂN DÂN XÃ TÂN PHÚ" in text
        assert "Nguyễn Văn An" in text
        assert text == unicodedata.normalize("NFC", text)
    assert "Điều 1. Thành lập Tổ công tác" in decision and "Điều 3. Quyết định này có hiệu lực" in decision
    assert "Kính gửi: Sở Tư pháp tỉnh Đồng Nai." in letter
    assert left_files == [] and left_processes == []


def test_the_converted_drafts_pass_the_automatic_form_check(converted):
    pdfs, *_ = converted
    decision = check_form(pdfs["decision"], doc_type="Quyết định", expected_symbol="QĐ-UBND", issuer_name=ISSUER,
                          signer_name="Nguyễn Văn An", place="Tân Phú")
    letter = check_form(pdfs["letter"], doc_type="Công văn", expected_symbol="UBND-VP", issuer_name=ISSUER,
                        signer_name="Nguyễn Văn An", place="Tân Phú")
    assert [c.code for c in decision if not c.ok] == [] and form_passed(decision)
    assert [c.code for c in letter if not c.ok] == [] and form_passed(letter)
    assert [c.code for c in letter] == ["national_heading", "issuer", "number_symbol", "place_date", "abstract",
                                        "signer", "recipients"]


def test_a_timeout_stops_libreoffice_and_its_whole_process_group(own_tmp):
    assert SOFFICE
    with pytest.raises(ConversionFailed) as failed:
        docx_to_pdf(drafts.letter_docx(), timeout=0.5)  # LibreOffice needs over a second to start
    assert failed.value.message == convert.TIMED_OUT
    assert "still running after 0.5 s" in failed.value.detail
    assert wait_until_gone(str(own_tmp)) == []
    assert list(own_tmp.iterdir()) == []


def test_a_converter_that_fails_or_writes_nothing_is_a_failed_conversion(own_tmp, monkeypatch):
    monkeypatch.setenv("DOCSVC_SOFFICE", shutil.which("false"))
    with pytest.raises(ConversionFailed) as failed:
        docx_to_pdf(drafts.letter_docx())
    assert failed.value.message == convert.FAILED and "exit status 1" in failed.value.detail
    monkeypatch.setenv("DOCSVC_SOFFICE", shutil.which("true"))
    with pytest.raises(ConversionFailed) as failed:
        docx_to_pdf(drafts.letter_docx())
    assert "wrote no PDF" in failed.value.detail
    assert list(own_tmp.iterdir()) == []


def test_without_libreoffice_the_conversion_is_unavailable(tmp_path, own_tmp, monkeypatch):
    monkeypatch.setenv("DOCSVC_SOFFICE", str(tmp_path / "no-such" / "soffice"))
    assert convert.soffice_path() is None  # a configured path that is missing is not replaced by PATH
    with pytest.raises(ConversionUnavailable) as unavailable:
        docx_to_pdf(drafts.decision_docx())
    assert unavailable.value.message.startswith("Máy chủ chưa cài LibreOffice")
    assert "bản gốc vẫn được lưu" in unavailable.value.message
    monkeypatch.delenv("DOCSVC_SOFFICE")
    monkeypatch.setenv("PATH", str(tmp_path))
    assert convert.soffice_path() is None
    assert list(own_tmp.iterdir()) == []


def test_soffice_is_found_from_the_setting_first_then_on_path(monkeypatch):
    assert SOFFICE
    assert convert.soffice_path() == SOFFICE
    monkeypatch.setenv("DOCSVC_SOFFICE", shutil.which("true"))
    assert convert.soffice_path() == shutil.which("true")
    monkeypatch.setenv("DOCSVC_SOFFICE", "soffice")  # a name is looked up on PATH
    assert convert.soffice_path() == SOFFICE


def test_only_a_docx_is_converted():
    with pytest.raises(DraftInvalid):
        docx_to_pdf(drafts.letter_pdf())


# -- what the bytes are ----------------------------------------------------------------------

def test_drafts_are_known_by_their_bytes_not_their_names():
    assert draft_kind(drafts.decision_pdf(), "quyet-dinh.pdf") == "pdf"
    assert draft_kind(drafts.decision_docx(), "quyet-dinh.docx") == "docx"
    assert draft_kind(drafts.letter_docx(), "cong-van.pdf") == "docx"
    assert draft_kind(drafts.letter_pdf(), "cong-van.docx") == "pdf"
    assert draft_kind(drafts.letter_pdf(), None) == "pdf"
    assert draft_kind(b"\n\x00junk%PDF-" + drafts.letter_pdf()[5:]) == "pdf"  # stray bytes before the header


def _zip(parts: dict[str, bytes | str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        for name, data in parts.items():
            package.writestr(name, data)
    return out.getvalue()


def _docx_parts() -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(drafts.letter_docx())) as package:
        return {name: package.read(name) for name in package.namelist()}


def _picture(kind: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(out, kind)
    return out.getvalue()


def _encrypted_pdf() -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(drafts.letter_pdf()))
    writer.encrypt(user_password="", owner_password="văn thư", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _pdf_without_pages() -> bytes:
    out = io.BytesIO()
    PdfWriter().write(out)
    return out.getvalue()


BAD = {
    "empty": (b"", convert.EMPTY),
    "old word": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, convert.OLD_WORD),
    "png": (_picture("PNG"), convert.IMAGE),
    "jpeg": (_picture("JPEG"), convert.IMAGE),
    "rtf": (rb"{\rtf1\ansi Quyet dinh}", convert.RTF),
    "text": ("Quyết định về việc thành lập".encode(), convert.UNKNOWN),
    "half a pdf": (drafts.letter_pdf()[:20000], convert.PDF_BROKEN),
    "pdf header over garbage": (b"%PDF-1.7\n" + b"\x8f" * 3000, convert.PDF_BROKEN),
    "encrypted pdf": (_encrypted_pdf(), convert.PDF_ENCRYPTED),
    "pdf without pages": (_pdf_without_pages(), convert.PDF_EMPTY),
    "zip of a text": (_zip({"ghi-chu.txt": "không phải văn bản"}), convert.ZIP_NOT_DOCX),
    "odt": (_zip({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<x/>"}), convert.ODT),
    "docm": (_zip({**_docx_parts(), "[Content_Types].xml": _docx_parts()["[Content_Types].xml"].replace(
        b"officedocument.wordprocessingml.document.main+xml", b"ms-word.document.macroEnabled.main+xml")}),
        convert.DOCX_MACRO),
    "document.xml not xml": (_zip({**_docx_parts(), "word/document.xml": "<w:document><w:body>"}), convert.ZIP_BROKEN),
    "half a docx": (drafts.letter_docx()[:1500], convert.ZIP_BROKEN),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_every_other_file_is_refused_saying_what_was_wrong(name):
    data, message = BAD[name]
    with pytest.raises(DraftInvalid) as refused:
        draft_kind(data, f"{name}.docx")
    assert refused.value.message == message
    assert refused.value.field == "file" and refused.value.filename == f"{name}.docx"
    assert message in convert.CATALOG_EN


def test_a_draft_over_fifty_megabytes_is_refused_before_it_is_read():
    big = drafts.letter_pdf() + b"\n%" + b"0" * convert.MAX_BYTES
    with pytest.raises(DraftInvalid) as refused:
        draft_kind(big, "lon.pdf")
    assert refused.value.message == convert.TOO_LARGE


def test_the_sample_docx_is_a_minimal_valid_package():
    with zipfile.ZipFile(io.BytesIO(drafts.decision_docx(revision_note="Sửa đổi: thêm thời hạn báo cáo."))) as package:
        assert sorted(package.namelist()) == ["[Content_Types].xml", "_rels/.rels", "word/document.xml"]
        document = package.read("word/document.xml").decode("utf-8")
    assert "Về việc thành lập Tổ công tác số hóa sổ đăng ký hộ tịch" in document
    assert "Sửa đổi: thêm thời hạn báo cáo." in document
    assert "<w:b/>" in document and '<w:jc w:val="center"/>' in document
