"""The OCR adapter: TSV parsing (no engine needed) and the real Tesseract engine."""

from __future__ import annotations

import os
import unicodedata

import pytest
from PIL import Image

from docsvc.sampledata.cer import character_error_rate
from ingest.errors import IngestError, TransientIngestError
from ingest.ocr import FakeOcrEngine, TesseractEngine, parse_tsv
from ingest.pipeline import Pipeline
from ingest.results import JPEG, Limits

HEADER = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"


def tsv(*words: tuple) -> str:
    rows = [HEADER, "1\t1\t0\t0\t0\t0\t0\t0\t2480\t3508\t-1\t"]
    for block, par, line, text, conf in words:
        rows.append(f"5\t1\t{block}\t{par}\t{line}\t1\t10\t20\t30\t40\t{conf}\t{text}")
    return "\n".join(rows) + "\n"


def test_text_is_rebuilt_from_blocks_paragraphs_and_lines():
    result = parse_tsv(tsv((1, 1, 1, "CỘNG", 96), (1, 1, 1, "HÒA", 95), (1, 1, 2, "Độc", 91),
                           (1, 2, 1, "Số:", 90), (2, 1, 1, "Nơi", 88), (2, 1, 1, "nhận:", 89)))
    assert result.text == "CỘNG HÒA\nĐộc\n\nSố:\n\nNơi nhận:"
    assert result.confidence == pytest.approx((96 + 95 + 91 + 90 + 88 + 89) / 6)
    assert [w.text for w in result.words] == ["CỘNG", "HÒA", "Độc", "Số:", "Nơi", "nhận:"]
    assert result.words[0].as_list() == ["CỘNG", 96.0, 10, 20, 30, 40]


def test_dust_read_as_punctuation_is_dropped_but_real_punctuation_kept():
    result = parse_tsv(tsv((1, 1, 1, "Độc", 95), (1, 1, 1, "lập", 95), (1, 1, 1, "-", 93),
                           (1, 1, 1, "Tự", 94), (1, 1, 1, "ˆ", 31), (1, 1, 1, ":", 12),
                           (1, 1, 1, "do", 96), (1, 1, 1, "x", 20)))
    assert result.text == "Độc lập - Tự do x"  # a low-confidence letter is text, not dust


def test_text_is_nfc_and_empty_page_has_no_confidence():
    nfd = unicodedata.normalize("NFD", "Nguyễn")
    assert parse_tsv(tsv((1, 1, 1, nfd, 90))).text == "Nguyễn"
    empty = parse_tsv(HEADER + "\n")
    assert (empty.text, empty.confidence, empty.words) == ("", None, [])


def test_fake_engine_records_calls_and_can_fail():
    engine = FakeOcrEngine({1: "một hai"}, fail={2: TransientIngestError("boom")})
    image = Image.new("L", (20, 30))
    assert engine.recognize(image, page=1).text == "một hai"
    with pytest.raises(TransientIngestError):
        engine.recognize(image, page=2)
    assert engine.calls == [1, 2] and engine.images[1][:2] == ("L", (20, 30))


# -- the real engine ---------------------------------------------------------------------


@pytest.mark.ocr
@pytest.mark.xdist_group("ocr")
def test_tesseract_reads_a_register_page_with_word_boxes(samples):
    page = samples.register_page
    engine = TesseractEngine()
    assert os.environ["OMP_THREAD_LIMIT"] == "1"
    result = engine.recognize(page.image, page=1)
    cer = character_error_rate(page.text, result.text)
    print(f"register page CER {cer:.2%}")
    assert cer <= 0.01
    assert 0 < result.confidence <= 100
    assert len(result.words) >= len(page.text.split()) * 0.9
    for word in result.words:
        assert 0 <= word.left and word.left + word.width <= page.image.width
        assert 0 <= word.top and word.top + word.height <= page.image.height
        assert 0 <= word.confidence <= 100


@pytest.mark.ocr
@pytest.mark.xdist_group("ocr")
def test_tesseract_output_is_deterministic(samples):
    engine = TesseractEngine()
    crop = samples.doc_page.image.crop((0, 0, 2480, 1200))
    crop.info["dpi"] = (300, 300)
    assert engine.recognize(crop, page=1) == engine.recognize(crop, page=1)


@pytest.mark.ocr
@pytest.mark.xdist_group("ocr")
def test_exif_rotated_jpeg_is_ocred_upright(samples):
    """The JPEG is stored sideways with orientation 6; OCR must read it as printed."""
    pages = list(Pipeline(TesseractEngine(), Limits(), concurrency=1).pages(samples.jpeg_rotated, JPEG))
    cer = character_error_rate(samples.register_page.text, pages[0].text)
    print(f"EXIF-rotated JPEG CER {cer:.2%}")
    assert cer <= 0.01


@pytest.mark.ocr
@pytest.mark.xdist_group("ocr")
def test_tesseract_timeout_is_an_ingest_error_naming_the_page(samples):
    engine = TesseractEngine(timeout=0.01)
    with pytest.raises(IngestError) as caught:
        engine.recognize(samples.doc_page.image, page=7)
    assert caught.value.code == "ocr_timeout"
    assert "7" in caught.value.message("vi")


@pytest.mark.ocr
@pytest.mark.xdist_group("ocr")
def test_tesseract_failure_is_transient():
    engine = TesseractEngine(lang="khong_co_ngon_ngu_nay")
    with pytest.raises(TransientIngestError):
        engine.recognize(Image.new("L", (200, 100), 255), page=1)
