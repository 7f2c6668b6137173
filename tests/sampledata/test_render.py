"""Rendered sample pages: A4 at 300 dpi, Vietnamese fonts, ground truth that matches what
is drawn (wrapping included), realistic and reproducible noise."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from PIL import ImageChops

from docsvc.sampledata.documents import generate_documents
from docsvc.sampledata.registers import make_entry
from docsvc.sampledata.render import (A4_PX, FONTS, Noise, _covers_vietnamese, _font, add_noise,
                                      entry_lines, font_path, render_document, render_register)


@pytest.fixture(scope="module")
def doc():
    return next(generate_documents(1, seed=5))


def test_pages_are_a4_at_300_dpi_in_grayscale(doc):
    page = render_document(doc)[0]
    assert page.image.size == A4_PX == (2480, 3508)
    assert page.image.mode == "L" and page.image.info["dpi"] == (300, 300) and page.dpi == 300


@pytest.mark.parametrize("name", list(FONTS))
def test_every_font_has_vietnamese_glyphs(name):
    for style in ("regular", "bold", "italic"):
        assert _covers_vietnamese(font_path(name, style))


def test_a_font_without_vietnamese_is_recognised():
    # Noto Sans Math (fonts-noto-core, installed by `make setup`) draws Latin letters but
    # has no Vietnamese ones: the probe must tell it apart from the fonts we render with.
    latin_only = Path("/usr/share/fonts/truetype/noto/NotoSansMath-Regular.ttf")
    assert latin_only.exists(), "fonts-noto-core is missing: run `make setup`"
    assert not _covers_vietnamese(latin_only)


def test_document_ground_truth_follows_decree_30_layout(doc):
    lines = render_document(doc)[0].lines
    # The two-column header is read across, row by row.
    assert lines[0] == f"{doc.issuer_parent} CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert lines[1] == f"{doc.issuer_name} Độc lập - Tự do - Hạnh phúc"
    assert lines[2].startswith(f"Số: {doc.number_symbol} {doc.place}, ngày ")
    text = " ".join(line for page in render_document(doc) for line in page.lines)
    for sentence in doc.body:
        assert sentence in text  # wrapped lines join back into the sentence
    assert doc.signer_name in text and "Nơi nhận:" in text


def test_register_ground_truth_has_every_labelled_field():
    entries = [make_entry("death", 1, number=3), make_entry("marriage", 2, number=4)]
    pages = render_register(entries)
    text = " ".join(line for page in pages for line in page.lines)
    assert pages[0].lines[0] == "SỔ ĐĂNG KÝ KHAI TỬ"
    for entry in entries:
        for label, value in entry_lines(entry)[4:]:
            assert f"{label} {value}".strip() in text


def test_long_entries_flow_one_per_page_and_lines_fit_the_text_width():
    births = [make_entry("birth", seed) for seed in range(3)]
    pages = render_register(births, per_page=2)
    assert len(pages) >= 2
    font = _font("liberation-serif", "regular", 13.0)
    for page in pages:
        for line in page.lines:
            assert font.getlength(line) <= 2480 - round(45 * 300 / 25.4)  # within the margins


def test_rendering_is_deterministic(doc):
    first, second = render_document(doc, noise=Noise.scan(), seed=3), render_document(doc, noise=Noise.scan(), seed=3)
    assert first[0].image.tobytes() == second[0].image.tobytes()
    assert first[0].lines == second[0].lines


def test_noise_degrades_the_page_realistically(doc):
    clean = render_document(doc)[0].image
    noisy = add_noise(clean, Noise.scan(), seed=1)
    assert noisy.size == clean.size and noisy.mode == "L"
    # Paper is no longer white and flat, ink no longer pure black.
    def median(image):
        histogram, seen = image.histogram(), 0
        for value, count in enumerate(histogram):
            seen += count
            if seen * 2 >= image.width * image.height:
                return value
    assert median(clean) == 255 and median(noisy) < 245
    black = lambda image: sum(image.histogram()[:8])  # noqa: E731
    assert black(noisy) < black(clean) / 10
    paper = noisy.crop((100, 3300, 2300, 3450)).getextrema()  # bottom margin
    assert paper[1] - paper[0] > 40  # grain and dust
    other = add_noise(clean, Noise.scan(), seed=2)
    assert other.tobytes() != noisy.tobytes()


def test_noise_strength_scales_every_defect():
    mild, strong = Noise.scan(0.5), Noise.scan(1.5)
    for field in ("skew_degrees", "blur_radius", "grain_sigma", "dust_per_mpx", "shading", "ink"):
        assert getattr(strong, field) > getattr(mild, field)
    assert strong.paper < mild.paper and strong.jpeg_quality < mild.jpeg_quality
    assert replace(Noise(), skew_degrees=1).skew_degrees == 1


def test_skew_turns_the_text(doc):
    page = render_document(doc)[0].image
    turned = add_noise(page, Noise(skew_degrees=2.0), seed=0)
    ink, turned_ink = ImageChops.invert(page).getbbox(), ImageChops.invert(turned).getbbox()
    # Turning a block of text makes its bounding box taller and wider.
    assert turned_ink[3] - turned_ink[1] > ink[3] - ink[1]
    assert turned_ink[2] - turned_ink[0] > ink[2] - ink[0]
