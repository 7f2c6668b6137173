"""Sample files: each writer produces the kind of file it promises."""

from __future__ import annotations

import zipfile

import pytest
from PIL import Image
from pypdf import PdfReader

from docsvc.sampledata import files
from docsvc.sampledata.documents import generate_documents
from docsvc.sampledata.render import render_document


@pytest.fixture(scope="module")
def page():
    return render_document(next(generate_documents(1, seed=9)))[0]


def test_png_keeps_resolution(page, tmp_path):
    with Image.open(files.write_png(page, tmp_path / "p.png")) as image:
        assert image.size == (2480, 3508) and round(image.info["dpi"][0]) == 300


def test_jpeg_stored_sideways_with_exif_orientation(page, tmp_path):
    with Image.open(files.write_jpeg(page, tmp_path / "p.jpg", orientation=6)) as image:
        assert image.size == (3508, 2480)
        assert image.getexif()[0x0112] == 6
    with Image.open(files.write_jpeg(page, tmp_path / "q.jpg")) as image:
        assert image.size == (2480, 3508) and 0x0112 not in image.getexif()


@pytest.mark.parametrize("compression, mode", [("tiff_deflate", "L"), ("group4", "1")])
def test_multipage_tiff(page, tmp_path, compression, mode):
    path = files.write_tiff([page, page, page], tmp_path / "t.tif", compression=compression)
    with Image.open(path) as image:
        assert image.n_frames == 3 and image.mode == mode


def test_text_pdf_extracts_exactly_and_scanned_pdf_has_no_text(page, tmp_path):
    text = PdfReader(files.write_text_pdf([page.lines], tmp_path / "t.pdf")).pages[0].extract_text()
    assert text.rstrip("\n") == page.text
    scanned = PdfReader(files.write_scanned_pdf([page, page], tmp_path / "s.pdf"))
    assert len(scanned.pages) == 2
    assert scanned.pages[0].extract_text().strip() == ""
    assert len(scanned.pages[0].images) == 1


def test_mixed_pdf_keeps_the_order_given(page, tmp_path):
    reader = PdfReader(files.write_mixed_pdf([page.lines, page, page.lines], tmp_path / "m.pdf"))
    has_text = [bool(p.extract_text().strip()) for p in reader.pages]
    assert has_text == [True, False, True]


def test_encrypted_pdf_needs_its_password(page, tmp_path):
    source = files.write_text_pdf([page.lines], tmp_path / "t.pdf")
    reader = PdfReader(files.write_encrypted_pdf(source, tmp_path / "e.pdf", user_password="abc"))
    assert reader.is_encrypted and reader.decrypt("") == 0 and reader.decrypt("abc") != 0


def test_truncated_file_lacks_its_end(page, tmp_path):
    source = files.write_text_pdf([page.lines], tmp_path / "t.pdf")
    cut = files.write_truncated(source, tmp_path / "c.pdf", keep=0.5)
    assert cut.stat().st_size == source.stat().st_size // 2 and b"%%EOF" not in cut.read_bytes()


def test_bad_inputs_are_what_they_claim(tmp_path):
    assert files.write_empty(tmp_path / "e").stat().st_size == 0
    assert zipfile.is_zipfile(files.write_zip(tmp_path / "z.pdf"))
    assert "Nguyễn" in files.write_text_file(tmp_path / "x.png").read_text("utf-8")
    big = files.write_oversized(tmp_path / "big.png", 10 * 1024 * 1024)
    assert big.stat().st_size == 10 * 1024 * 1024


def test_png_bomb_is_small_but_declares_a_huge_image(tmp_path):
    path = files.write_png_bomb(tmp_path / "b.png", 8000, 6000)
    assert path.stat().st_size < 200_000
    from PIL import PngImagePlugin
    assert PngImagePlugin.PngImageFile(str(path)).size == (8000, 6000)


def test_pdf_bomb_declares_its_image_size(tmp_path):
    reader = PdfReader(files.write_pdf_bomb(tmp_path / "b.pdf", 6000, 5000))
    image = reader.pages[0]["/Resources"]["/XObject"]["/Im0"].get_object()
    assert (image["/Width"], image["/Height"]) == (6000, 5000)
