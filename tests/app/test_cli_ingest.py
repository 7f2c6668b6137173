"""`docsvc ingest` over a folder of good and bad files: it says what is wrong with each
file, goes on with the others, prints one JSON list, and exits 0 only when every file
succeeded; `docsvc show` prints a document as JSON.

Files tried: a text-layer PDF, a scanned PNG, an empty file, a text file named .pdf, a JPEG
cut in half (its header is fine, so it is only found broken while being read), the same
PDF again (a duplicate), a path that does not exist."""

from __future__ import annotations

import io
import json

import pytest
from PIL import Image, ImageDraw

from tests.app.inputs import FONT, text_pdf, text_png

pytestmark = [pytest.mark.ocr, pytest.mark.xdist_group("ocr")]


def _half_jpeg() -> bytes:
    from PIL import ImageFont

    image = Image.new("L", (1400, 600), 255)
    ImageDraw.Draw(image).text((80, 80), "Biên bản họp", font=ImageFont.truetype(FONT, 48), fill=0)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    data = out.getvalue()
    return data[: len(data) // 2]


@pytest.fixture
def folder(tmp_path):
    root = tmp_path / "scans"
    (root / "sub").mkdir(parents=True)
    (root / "a-ke-hoach.pdf").write_bytes(text_pdf(["Số: 21/KH-UBND", "Kế hoạch tiếp công dân"]))
    (root / "sub" / "b-trang.png").write_bytes(text_png(["Sổ đăng ký kết hôn năm 1992"]))
    (root / "c-rong.pdf").write_bytes(b"")
    (root / "d-ghi-chu.pdf").write_text("không phải PDF", encoding="utf-8")
    (root / "e-hong.jpg").write_bytes(_half_jpeg())
    return root


def test_a_folder_of_good_and_bad_files(app, services, folder):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["ingest", str(folder), "--wait", "--json"])
    assert result.exit_code == 1  # not every file succeeded
    items = {item["path"].split("/")[-1]: item for item in json.loads(result.stdout)}
    assert set(items) == {"a-ke-hoach.pdf", "b-trang.png", "c-rong.pdf", "d-ghi-chu.pdf", "e-hong.jpg"}
    for item in items.values():
        assert set(item) >= {"path", "document_id", "status", "pages", "error"}
    assert items["a-ke-hoach.pdf"]["status"] == "done" and items["a-ke-hoach.pdf"]["pages"] == 1
    assert items["b-trang.png"]["status"] == "done" and items["b-trang.png"]["error"] is None
    assert items["c-rong.pdf"] == {**items["c-rong.pdf"], "status": "failed", "document_id": None}
    assert "rỗng" in items["c-rong.pdf"]["error"]
    assert items["d-ghi-chu.pdf"]["status"] == "failed" and "không được hỗ trợ" in items["d-ghi-chu.pdf"]["error"]
    broken = items["e-hong.jpg"]
    assert broken["status"] == "failed" and "hỏng" in broken["error"] and broken["document_id"] is not None
    with services.session_factory() as db:  # the original is kept, the failure recorded
        from archive.models import Document

        doc = db.get(Document, broken["document_id"])
        assert doc.status == "failed" and services.blobs.exists(doc.sha256)

    again = runner.invoke(args=["ingest", str(folder / "a-ke-hoach.pdf"), "--json"])
    assert again.exit_code == 0
    [dup] = json.loads(again.stdout)
    assert dup["status"] == "duplicate" and dup["document_id"] == items["a-ke-hoach.pdf"]["document_id"]

    missing = runner.invoke(args=["ingest", str(folder / "nope.pdf"), "--json"])
    assert missing.exit_code == 1 and json.loads(missing.stdout)[0]["error"]

    human = runner.invoke(args=["ingest", str(folder / "c-rong.pdf"), str(folder / "sub")])
    assert "c-rong.pdf: Tệp rỗng" in human.output and "b-trang.png" in human.output


def test_queued_without_wait_and_show(app, folder):
    runner = app.test_cli_runner()
    queued = runner.invoke(args=["ingest", str(folder / "a-ke-hoach.pdf"), "--json"])
    assert queued.exit_code == 0
    [item] = json.loads(queued.stdout)
    assert item["status"] == "queued" and item["pages"] == 1
    runner.invoke(args=["ingest", str(folder / "a-ke-hoach.pdf"), "--wait"])
    shown = json.loads(runner.invoke(args=["show", str(item["document_id"]), "--json"]).stdout)
    assert {"id", "sha256", "media_type", "status", "error", "pages"} <= set(shown)
    assert shown["status"] == "done" and shown["media_type"] == "application/pdf"
    [page] = shown["pages"]
    assert (page["number"], page["source"], page["confidence"]) == (1, "text_layer", None)
    assert "Kế hoạch tiếp công dân" in page["text"]
    assert runner.invoke(args=["show", "999"]).exit_code == 1
