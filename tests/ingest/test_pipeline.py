"""Pipeline rules, on the fake OCR engine: which pages take the text layer and which are
OCR'd, page order, skipping, determinism, bounded work in flight, errors."""

from __future__ import annotations

import io
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from PIL import Image

from docsvc.sampledata import files
from docsvc.sampledata.render import RenderedPage
from ingest.errors import IngestError, TransientIngestError
from ingest.ocr import FakeOcrEngine
from ingest.pipeline import Pipeline
from ingest.results import JPEG, PDF, PNG, TIFF, Limits


def run(path, media_type, engine=None, limits=Limits(), **kw):
    engine = engine or FakeOcrEngine(lambda image, page: f"trang {page}")
    skip = kw.pop("skip", ())
    return list(Pipeline(engine, limits, **kw).pages(path, media_type, skip=skip)), engine


def is_jpeg(data: bytes) -> bool:
    return data[:3] == b"\xff\xd8\xff"


def test_text_layer_pdf_gives_the_exact_text_without_ocr(samples):
    pages, engine = run(samples.text_pdf, PDF)
    assert [p.source for p in pages] == ["text_layer", "text_layer"]
    assert pages[0].text == samples.doc_page.text
    assert pages[1].text == samples.register_page.text
    assert engine.calls == []
    for page in pages:
        assert page.confidence is None
        assert is_jpeg(page.image) and is_jpeg(page.thumbnail)
        assert max(page.width, page.height) == 1600
        # Word boxes from the text layer, in the display image's pixels.
        assert [w.text for w in page.words] == page.text.split()
        for word in page.words:
            assert word.confidence == 100.0
            assert 0 <= word.left < word.left + word.width <= page.width
            assert 0 <= word.top < word.top + word.height <= page.height
    first = pages[0].words[0]  # the header starts at the top left margin (30 mm, 20 mm)
    assert abs(first.left - 30 / 210 * pages[0].width) < 3
    assert abs(first.top - 20 / 297 * pages[0].height) < 20


def test_scanned_pdf_is_ocred_from_its_page_images(samples):
    pages, engine = run(samples.scanned_pdf, PDF)
    assert [(p.number, p.source, p.text) for p in pages] == [(1, "ocr", "trang 1"), (2, "ocr", "trang 2")]
    assert sorted(engine.calls) == [1, 2]
    mode, (width, height), dpi = engine.images[1]
    # The page's own embedded scan at its resolution, as 8-bit grayscale.
    assert mode == "L" and abs(width - 2480) <= 2 and abs(height - 3508) <= 2 and dpi == (300, 300)
    assert pages[0].dpi == 300 and pages[0].confidence == 90.0 and pages[0].words


def test_mixed_pdf_takes_text_layer_and_ocr_page_by_page(samples):
    pages, engine = run(samples.mixed_pdf, PDF)
    assert [p.source for p in pages] == ["text_layer", "ocr", "text_layer"]
    assert engine.calls == [2]
    assert pages[2].text == samples.register_page.text


@pytest.mark.parametrize("text, usable", [
    ("Số: 12/UBND-VX ngày 05 tháng 01", True),
    ("Trang 3", False),                              # a scanner's stamp on an image page
    ("\ue001\ue002\ue003 " * 10, False),              # glyph ids in the private use area
    ("\ufffd\ufffd abc" * 8, False),                  # undecodable
    ("Ủy ban nhân dân xã Tân Phú \x07", True),       # one stray control character is fine
])
def test_text_layer_must_be_real_text_to_replace_ocr(text, usable):
    from ingest.pdf import usable_text
    assert usable_text(text) is usable


def test_pdf_page_without_text_or_single_image_is_rendered_at_the_configured_dpi(tmp_path):
    """A page drawn as vector graphics (no text layer, no image) is rendered."""
    from reportlab.pdfgen import canvas
    path = tmp_path / "vector.pdf"
    pdf = canvas.Canvas(str(path), pagesize=(595, 842))
    pdf.rect(100, 100, 300, 500, fill=1)
    pdf.save()
    pages, engine = run(path, PDF, render_dpi=150)
    width, height = engine.images[1][1]
    assert abs(width - 595 * 150 / 72) <= 1 and abs(height - 842 * 150 / 72) <= 1
    assert pages[0].dpi == 150


def test_huge_pdf_page_is_rendered_smaller_than_the_pixel_limit(tmp_path):
    """A 2 m × 2 m page at 300 dpi would be 557 megapixels: rendered within the limit."""
    from reportlab.pdfgen import canvas
    path = tmp_path / "poster.pdf"
    pdf = canvas.Canvas(str(path), pagesize=(5669, 5669))
    pdf.circle(2800, 2800, 1000, fill=1)
    pdf.save()
    limits = Limits(max_pixels=4_000_000)
    pages, engine = run(path, PDF, limits=limits)
    width, height = engine.images[1][1]
    assert width * height <= limits.max_pixels
    assert pages[0].dpi < 300


def test_multipage_tiff_gives_every_page_in_order(samples):
    pages, engine = run(samples.tiff, TIFF, concurrency=3)
    assert [p.number for p in pages] == [1, 2, 3]
    assert [p.text for p in pages] == ["trang 1", "trang 2", "trang 3"]
    assert sorted(engine.calls) == [1, 2, 3]


def test_bilevel_fax_tiff_is_read_as_grayscale(samples):
    pages, engine = run(samples.tiff_group4, TIFF)
    assert len(pages) == 2
    assert {engine.images[n][0] for n in (1, 2)} == {"L"}


def test_exif_rotated_jpeg_reaches_ocr_upright(samples):
    with Image.open(samples.jpeg_rotated) as stored:
        assert stored.size == (3508, 2480)  # stored sideways
    pages, engine = run(samples.jpeg_rotated, JPEG)
    assert engine.images[1][1] == (2480, 3508)
    assert (pages[0].width, pages[0].height) == (2480, 3508)
    with Image.open(io.BytesIO(pages[0].image)) as display:
        assert display.height > display.width and display.mode == "L"


def test_skip_neither_renders_nor_ocrs_recorded_pages(samples, monkeypatch):
    from ingest import pdf as pdf_module
    rendered = []
    original = pdf_module.PdfPages.scan_image

    def spy(self, index):
        rendered.append(index + 1)
        return original(self, index)

    monkeypatch.setattr(pdf_module.PdfPages, "scan_image", spy)
    pages, engine = run(samples.mixed_pdf, PDF, skip={1, 2})
    assert [p.number for p in pages] == [3]
    assert engine.calls == [] and rendered == []

    pages, engine = run(samples.tiff, TIFF, skip=range(1, 3))
    assert [p.number for p in pages] == [3] and engine.calls == [3]


def test_same_input_gives_identical_results(samples):
    first, _ = run(samples.mixed_pdf, PDF)
    second, _ = run(samples.mixed_pdf, PDF, concurrency=1)
    assert first == second  # text, boxes, and the image and thumbnail bytes


def test_results_stay_in_page_order_when_ocr_finishes_out_of_order(tmp_path):
    pages = [RenderedPage(Image.new("L", (200, 280), 255), [], "document", "x") for _ in range(6)]
    path = files.write_tiff(pages, tmp_path / "six.tif")

    def slow_early_pages(image, page):
        time.sleep(0.05 * (6 - page))
        return f"trang {page}"

    results, _ = run(path, TIFF, FakeOcrEngine(slow_early_pages), concurrency=3)
    assert [r.number for r in results] == [1, 2, 3, 4, 5, 6]


def test_work_in_flight_is_bounded_while_an_early_page_is_slow(tmp_path):
    """Page 1 blocks; the pipeline must stop reading ahead (bounded memory) and then
    finish every page in order once page 1 completes."""
    count, concurrency = 20, 2
    blank = [RenderedPage(Image.new("L", (100, 140), 255), [], "document", "x") for _ in range(count)]
    path = files.write_tiff(blank, tmp_path / "many.tif")
    release = threading.Event()

    def engine_text(image, page):
        if page == 1:
            release.wait(30)
        return f"trang {page}"

    engine = FakeOcrEngine(engine_text)
    pipeline = Pipeline(engine, Limits(), concurrency=concurrency)
    results: list = []
    consumer = threading.Thread(target=lambda: results.extend(pipeline.pages(path, TIFF)))
    consumer.start()
    limit = pipeline.max_window + 1
    deadline = time.monotonic() + 10
    while len(engine.calls) < limit and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.3)  # room for a pipeline that reads ahead too far to show it
    started_while_blocked = len(engine.calls)
    release.set()
    consumer.join(30)
    assert started_while_blocked <= limit < count
    assert [r.number for r in results] == list(range(1, count + 1))


def test_ocr_runs_on_the_given_executor(samples):
    threads = set()

    def record_thread(image, page):
        threads.add(threading.current_thread().name)
        return "x"

    with ThreadPoolExecutor(2, thread_name_prefix="worker-ocr") as shared:
        run(samples.tiff, TIFF, FakeOcrEngine(record_thread), executor=shared)
    assert threads and all(name.startswith("worker-ocr") for name in threads)


def test_failure_on_a_page_comes_after_the_pages_before_it(samples):
    engine = FakeOcrEngine("chữ", fail={2: TransientIngestError("tesseract crashed")})
    got = []
    with pytest.raises(TransientIngestError):
        for page in Pipeline(engine, Limits(), concurrency=1).pages(samples.tiff, TIFF):
            got.append(page.number)
    assert got == [1]


def test_corrupt_image_data_found_while_decoding_is_an_ingest_error(samples, tmp_path):
    """Input: a PNG whose header is intact but whose pixel data is cut off."""
    data = samples.png.read_bytes()
    path = tmp_path / "cut.png"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(IngestError) as caught:
        run(path, PNG)
    assert caught.value.code == "corrupt_image"


def test_pdf_bomb_is_refused_by_the_pipeline_too(samples):
    """Even without inspect_file first, an over-limit image is never decoded."""
    with pytest.raises(IngestError) as caught:
        run(samples.pdf_bomb, PDF)
    assert caught.value.code == "image_too_large"


def test_unknown_media_type_is_refused():
    with pytest.raises(IngestError) as caught:
        Pipeline(FakeOcrEngine(), Limits()).pages("x.gif", "image/gif")
    assert caught.value.code == "unsupported_type"


def test_text_is_nfc(samples):
    decomposed = "Nguye\u0302\u0303n"  # NFD: e + circumflex + tilde
    pages, _ = run(samples.png, PNG, FakeOcrEngine(decomposed))
    assert pages[0].text == "Nguyễn"
