"""Page preparation with Pillow: grayscale from every mode, contrast, display images."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from docsvc.sampledata.render import Noise, add_noise
from ingest.images import display_images, image_dpi, prepare_for_ocr, to_grayscale


@pytest.mark.parametrize("mode, ink, paper", [
    ("1", 0, 1), ("L", 0, 255), ("P", 0, 1), ("RGB", (0, 0, 0), (255, 255, 255)),
    ("CMYK", (0, 0, 0, 255), (0, 0, 0, 0)), ("I;16", 0, 65535), ("I", 0, 65535), ("F", 0.0, 255.0),
    ("LA", (0, 255), (0, 0)), ("RGBA", (0, 0, 0, 255), (0, 0, 0, 0)),
])
def test_every_mode_becomes_8bit_grayscale_with_black_ink_and_white_paper(mode, ink, paper):
    image = Image.new(mode, (40, 30), paper)
    if mode == "P":
        image.putpalette([0, 0, 0, 255, 255, 255])
    image.paste(ink, (0, 0, 20, 30))
    gray = to_grayscale(image)
    assert gray.mode == "L" and gray.size == (40, 30)
    assert gray.getpixel((5, 5)) == 0
    assert gray.getpixel((30, 5)) == 255  # transparent areas are paper, not black


def test_16bit_scale_is_kept_not_clipped():
    image = Image.new("I;16", (4, 1), 32768)
    assert to_grayscale(image).getpixel((0, 0)) == 128


def test_grayscale_is_a_new_image_even_when_already_gray():
    image = Image.new("L", (10, 10), 200)
    assert to_grayscale(image) is not image


def test_clean_page_goes_to_ocr_unchanged():
    page = Image.new("L", (300, 400), 255)
    page.paste(0, (50, 50, 250, 60))
    assert prepare_for_ocr(page) is page


def test_faded_grey_scan_is_stretched_to_black_on_white():
    page = Image.new("L", (300, 400), 200)
    page.paste(110, (50, 50, 250, 70))
    prepared = prepare_for_ocr(page)
    assert prepared.getpixel((100, 60)) <= 10
    assert prepared.getpixel((10, 300)) >= 245


def test_grainy_scan_is_smoothed_and_keeps_its_dpi():
    page = Image.new("L", (600, 800), 255)
    page.paste(0, (50, 50, 550, 70))
    page.info["dpi"] = (300, 300)
    noisy = add_noise(page, Noise(grain_sigma=20), seed=1)
    noisy.info["dpi"] = (300, 300)
    prepared = prepare_for_ocr(noisy)
    spread = lambda im: im.crop((100, 300, 500, 700)).getextrema()  # noqa: E731 - paper only
    assert spread(prepared)[1] - spread(prepared)[0] < spread(noisy)[1] - spread(noisy)[0]
    assert prepared.info["dpi"] == (300, 300)


def test_display_image_and_thumbnail_sizes():
    page = Image.new("L", (2480, 3508), 255)
    display, thumbnail = display_images(page)
    with Image.open(io.BytesIO(display)) as d, Image.open(io.BytesIO(thumbnail)) as t:
        assert d.format == t.format == "JPEG"
        assert max(d.size) == 1600 and d.mode == "L"
        assert t.width == 240


@pytest.mark.parametrize("info, expected", [({"dpi": (300.0, 300.0)}, 300), ({"dpi": (1, 1)}, None),
                                            ({}, None), ({"dpi": (199.9, 199.9)}, 200)])
def test_dpi_is_what_the_file_says_or_none(info, expected):
    image = Image.new("L", (10, 10))
    image.info.update(info)
    assert image_dpi(image) == expected
