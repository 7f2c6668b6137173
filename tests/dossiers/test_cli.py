"""`docsvc procedure ...` and `docsvc dossier ...` through click's runner on the real app, as
the user in DOCSVC_USER (or the local operator, who names the office).

Bad inputs tried: an unknown procedure (exit 1, naming the field), a clerk receiving
(refused, nothing written), a second apology (exit 1), another commune's officer showing the
dossier (exit 1, not found), the local operator receiving without an office (exit 1)."""

from __future__ import annotations

import json

import pytest
from pypdf import PdfReader


def _run(runner, *args, user=None):
    return runner.invoke(args=[str(a) for a in args], env={"DOCSVC_USER": user} if user else None)


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def test_procedures(runner, people):
    added = _run(runner, "procedure", "add", "CT-BS", "Chứng thực bản sao", "--field", "Chứng thực", "--days", "1")
    assert added.exit_code == 0 and "Đã thêm thủ tục CT-BS" in added.output
    listed = json.loads(_run(runner, "procedure", "list", "--json", user="vanthu").output)
    assert {p["code"] for p in listed} == {"CT-BS", "HT-KS", "DD-CN", "KD-HKD"}
    assert "Chứng thực bản sao" in _run(runner, "procedure", "list").output
    refused = _run(runner, "procedure", "add", "X", "Y", "--field", "Z", "--days", "1", user="motcua")
    assert refused.exit_code == 1 and "procedure.manage" in refused.output


def test_life_of_a_dossier(runner, people, tmp_path):
    got = _run(runner, "dossier", "receive", "--procedure", "DD-CN", "--applicant", "Võ Thị Em",
               "--received", "2026-03-02T09:00", "--document", "Đơn đề nghị", "--json", user="motcua")
    assert got.exit_code == 0, got.output
    data = json.loads(got.output)
    assert data["code"] == "XA-A-260302-0001" and data["due_on"] == "2026-03-09"
    ident = data["id"]
    steps = ((("route", ident, "--user", "diachinh"), "motcua"),
             (("apology", ident, "--new-date", "12/03/2026", "--reason", "Chờ đo đạc", "--at", "2026-03-05T09:00"),
              "diachinh"),
             (("return", ident, "--note", "Đã cấp", "--at", "2026-03-09T10:00", "--json"), "diachinh"))
    for args, user in steps:
        result = _run(runner, "dossier", *args, user=user)
        assert result.exit_code == 0, (args, result.output)
    assert json.loads(result.output)["standing"] == "on_time"
    again = _run(runner, "dossier", "apology", ident, "--new-date", "2026-03-13", "--reason", "x", user="diachinh")
    assert again.exit_code == 1
    out = tmp_path / "giay.pdf"
    printed = _run(runner, "dossier", "receipt", ident, "--out", out, user="motcua")
    assert printed.exit_code == 0, printed.output
    assert "Võ Thị Em" in "".join(p.extract_text() for p in PdfReader(out).pages)
    shown = _run(runner, "dossier", "show", ident, user="lanhdao")
    assert shown.exit_code == 0 and "Đã trả kết quả" in shown.output and "apology" in shown.output
    assert _run(runner, "dossier", "show", ident, user="motcuab").exit_code == 1
    listed = json.loads(_run(runner, "dossier", "list", "--json", user="motcua").output)
    assert listed["total"] == 1


def test_refusals(runner, people):
    unknown = _run(runner, "dossier", "receive", "--procedure", "KHONG", "--applicant", "A", user="motcua")
    assert unknown.exit_code == 1 and "procedure" in unknown.output
    clerk = _run(runner, "dossier", "receive", "--procedure", "DD-CN", "--applicant", "A", user="vanthu")
    assert clerk.exit_code == 1 and "dossier.receive" in clerk.output
    operator = _run(runner, "dossier", "receive", "--procedure", "DD-CN", "--applicant", "A")
    assert operator.exit_code == 1 and "office" in operator.output
    ok = _run(runner, "dossier", "receive", "--procedure", "DD-CN", "--applicant", "A", "--office", "XA-B",
              "--outcome", "supplement", "--note", "Thiếu đơn")
    assert ok.exit_code == 0 and "Chờ bổ sung" in ok.output
    office = _run(runner, "dossier", "office", "XA-A", "--agency-code", "000.00.12.H29", "--heading",
                  "UBND HUYỆN X\\nUBND XÃ A", "--json")
    assert office.exit_code == 0 and json.loads(office.output)["heading"] == ["UBND HUYỆN X", "UBND XÃ A"]
