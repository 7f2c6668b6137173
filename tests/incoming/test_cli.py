"""The incoming-register commands: ``docsvc incoming register DOCUMENT_ID --json`` prints the
same object as the API; ``add`` (typed), ``confirm``, ``list``, ``register-print``. Refusals
tried: a repeat (exit 1 naming the earlier row, then accepted with --reason), an unknown
urgency, a document of another unit, a role without the right, the local operator without
an office for a typed registration."""

from __future__ import annotations

import io
import json

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.incoming.conftest import INVITATION, scanned


def _run(runner, *args, user=None):
    env = {"DOCSVC_USER": user} if user else None
    return runner.invoke(args=[str(a) for a in args], env=env)


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def test_register_a_document_prints_the_api_object(services, accounts, people, runner):
    doc_id = scanned(services, accounts, INVITATION)
    done = _run(runner, "incoming", "register", doc_id, "--arrived", "2026-01-06T09:00", "--urgency", "khan", "--json",
                user="vt_a")
    assert done.exit_code == 0, done.output
    row = json.loads(done.stdout)
    assert {"id", "arrival_number", "year"} <= set(row) and (row["arrival_number"], row["year"]) == (1, 2026)
    assert row["urgency"] == "khan" and row["issued_on"] == "2026-01-05" and "issued_on" in row["machine_fields"]
    again = _run(runner, "incoming", "register", doc_id, "--arrived", "2026-01-06T10:00", user="vt_a")
    assert again.exit_code == 1 and "số đến 1/2026" in again.output and "--reason" in again.output
    kept = _run(runner, "incoming", "register", doc_id, "--arrived", "2026-01-06T10:00", "--reason", "gửi lại",
                user="vt_a")
    assert kept.exit_code == 0 and "Số đến 2/2026" in kept.output
    confirmed = _run(runner, "incoming", "confirm", row["id"], "--field", "abstract=Họp số hóa", "--all", "--json",
                     user="vt_a")
    assert confirmed.exit_code == 0, confirmed.output
    assert json.loads(confirmed.stdout)["machine_fields"] == []
    other = scanned(services, accounts, INVITATION, name="b.pdf", unit="XA-B")
    assert _run(runner, "incoming", "register", other, user="vt_a").exit_code == 1


def test_add_list_and_print(services, accounts, people, runner, tmp_path):
    added = _run(runner, "incoming", "add", "--number", "7", "--symbol", "BC-UBND", "--issuer", "UBND huyện Tân Phú",
                 "--abstract", "Báo cáo tình hình", "--date", "2026-01-02", "--arrived", "2026-01-05T08:00",
                 "--urgency", "Thượng khẩn", "--json", user="vt_a")
    assert added.exit_code == 0, added.output
    assert json.loads(added.stdout)["urgency"] == "thuong_khan"
    bad = _run(runner, "incoming", "add", "--issuer", "X", "--abstract", "Y", "--urgency", "gấp", user="vt_a")
    assert bad.exit_code == 1 and "urgency" in bad.output
    assert _run(runner, "incoming", "add", "--issuer", "X", "--abstract", "Y", user="cv_a").exit_code == 1
    assert _run(runner, "incoming", "add", "--issuer", "X", "--abstract", "Y").exit_code == 1  # no office
    listed = _run(runner, "incoming", "list", "--year", 2026, "--json", user="ld_a")
    assert [r["number_symbol"] for r in json.loads(listed.stdout)] == ["7/BC-UBND"]
    pdf, xlsx = tmp_path / "so.pdf", tmp_path / "so.xlsx"
    printed = _run(runner, "incoming", "register-print", "--year", 2026, "--format", "pdf", "--out", pdf, user="ld_a")
    assert printed.exit_code == 0, printed.output
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.read_bytes())).pages)
    assert "7/BC-UBND" in text and "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN" in text
    assert _run(runner, "incoming", "register-print", "--year", 2026, "--format", "xlsx", "--out", xlsx,
                user="ld_a").exit_code == 0
    assert load_workbook(xlsx).active.max_row >= 7
