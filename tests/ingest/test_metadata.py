"""Register fields read from page 1: from generated documents' text (every type, with and
without a type abbreviation), from real OCR output of a rendered scan, and from text with
nothing to read (a register page), which must give nothing rather than a guess."""

from __future__ import annotations

from datetime import date

import pytest

from docsvc.sampledata.documents import generate_documents
from docsvc.sampledata.registers import make_entry
from ingest.metadata import extract_fields


def test_fields_of_generated_documents():
    docs = list(generate_documents(300, seed=21))
    assert len({d.type_name for d in docs}) >= 8
    for doc in docs:
        fields = extract_fields(doc.text())
        assert (fields.number, fields.symbol) == (doc.number, doc.symbol), doc.number_symbol
        assert fields.doc_type == doc.type_name
        assert fields.issued_on == doc.issued_on
        assert fields.abstract and doc.abstract.startswith(fields.abstract.split(" và ")[0][:20])


def test_dispatch_and_year_forms():
    text = "UBND TỈNH NINH BÌNH CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nỦY BAN NHÂN DÂN Độc lập - Tự do - Hạnh phúc\n" \
           "XÃ TÂN PHÚ\nSố: 12/UBND-VX Tân Phú, ngày 05 tháng 01 năm 2026\nV/v triển khai số hóa"
    fields = extract_fields(text)
    assert (fields.number, fields.symbol, fields.doc_type) == (12, "UBND-VX", "Công văn")
    assert fields.issuer == "ỦY BAN NHÂN DÂN XÃ TÂN PHÚ" and fields.issued_on == date(2026, 1, 5)
    assert fields.abstract == "triển khai số hóa"
    extract = extract_fields("Số: 470/2025/TLKT-BS\nngày 31 tháng 12 năm 2025")
    assert (extract.number, extract.symbol, extract.doc_type) == (470, "2025/TLKT-BS", "Trích lục khai tử")


@pytest.mark.parametrize("text", ["", "Sổ đăng ký khai sinh\nHọ, chữ đệm, tên: Nguyễn Văn An",
                                  "ngày 31 tháng 02 năm 2025"])
def test_nothing_to_read_gives_nothing(text):
    fields = extract_fields(text)
    assert fields.number is None and fields.symbol is None and fields.doc_type is None
    assert fields.issued_on is None  # 31 February is not a date


def test_a_register_entry_is_not_mistaken_for_a_document():
    entry = make_entry("birth", 5)
    text = "\n".join(f"{label}: {value}" for label, value in entry.fields)
    assert extract_fields(text).number is None


@pytest.mark.ocr
@pytest.mark.xdist_group("ocr")
def test_fields_from_ocr_of_a_rendered_scan(tmp_path):
    from docsvc.sampledata.render import Noise, render_document
    from ingest.ocr import TesseractEngine
    from ingest.images import prepare_for_ocr

    doc = next(generate_documents(1, seed=44))
    page = render_document(doc, noise=Noise.scan(), seed=3)[0]
    text = TesseractEngine(lang="vie").recognize(prepare_for_ocr(page.image), page=1).text
    fields = extract_fields(text)
    assert (fields.number, fields.symbol, fields.issued_on) == (doc.number, doc.symbol, doc.issued_on)
    assert fields.doc_type == doc.type_name


@pytest.mark.parametrize("text, expected", [
    # Tried: a meeting time before the date on one line, the same wrapped onto the next line,
    # a time then a comma, a legal basis's date, and a meeting date written before the real
    # date line (the register's issue 13 case).
    ("Kính mời dự họp vào lúc 8 giờ ngày 10 tháng 01 năm 2026 tại hội trường", None),
    ("Kính mời dự họp vào lúc 8 giờ\nngày 10 tháng 01 năm 2026 tại hội trường", None),
    ("Thời gian: 8 giờ 00, ngày 10 tháng 01 năm 2026", None),
    ("Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ", None),
    ("Họp lúc 8 giờ ngày 10 tháng 01 năm 2026\nTân Phú, ngày 05 tháng 01 năm 2026", date(2026, 1, 5)),
    ("Phường 3, ngày 05 tháng 01 năm 2026", date(2026, 1, 5)),
])
def test_the_date_line_and_not_another_date(text, expected):
    assert extract_fields(text).issued_on == expected
