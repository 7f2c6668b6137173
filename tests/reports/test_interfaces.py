"""The report through the API (JSON and XLSX, read back with openpyxl), the CLI, the web page
with its SVG charts, and the demo's workflows (added once).

Bad inputs tried: an unknown grouping (400 from the OpenAPI validator), a period that ends
before it starts (409 ``invalid_period``), a day in the wrong form (400), a role without ``report.view`` (403), an
impossible day on the page (400)."""

from __future__ import annotations

import io
import json

from openpyxl import load_workbook

from tests.conftest import Api, login

Q1 = "from=2026-01-01&to=2026-03-31"
KEYS = {"received", "returned_for_supplement", "early", "on_time", "late", "score"}


def test_api_json_and_xlsx(client, accounts, quarter):
    api = Api(client, accounts.token("lanhdao"))
    answer = api.get(f"/api/v1/reports/on-time?{Q1}&group=field")
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert KEYS <= set(body["total"]) and all(KEYS <= set(r) for r in body["rows"])
    by = {r["label"]: (r["received"], r["returned_for_supplement"], r["early"], r["on_time"], r["late"])
          for r in body["rows"]}
    assert by == {"Đất đai": (4, 0, 1, 0, 1), "Hộ tịch": (4, 2, 0, 2, 0), "Văn bản đến": (3, 0, 1, 0, 1)}
    assert body["total"]["score"] == 50.0 and body["from"] == "2026-01-01"
    for url in (f"/api/v1/reports/on-time.xlsx?{Q1}&group=unit", f"/api/v1/reports/on-time?{Q1}&group=unit&format=xlsx"):
        xlsx = api.get(url)
        assert xlsx.status_code == 200 and xlsx.mimetype.endswith("spreadsheetml.sheet")
        rows = list(load_workbook(io.BytesIO(xlsx.data)).active.iter_rows(values_only=True))
        table = {r[1]: r[2:7] for r in rows if r and isinstance(r[2], int)}
        assert table == {"Ủy ban nhân dân xã A": (9, 1, 2, 2, 2), "Chưa phân công đơn vị": (2, 1, 0, 0, 0),
                         "Tổng cộng": (11, 2, 2, 2, 2)}
        assert any(r[0] and str(r[0]).startswith("11 hồ sơ, văn bản tiếp nhận") for r in rows)
    assert api.get(f"/api/v1/reports/on-time?{Q1}&group=room").status_code == 400
    bad = api.get("/api/v1/reports/on-time?from=2026-03-01&to=2026-02-01")
    assert bad.status_code == 409 and bad.get_json()["error"]["code"] == "invalid_period"
    assert api.get("/api/v1/reports/on-time?from=01/01/2026").status_code == 400   # the API takes ISO days
    alone = api.get("/api/v1/reports/on-time?from=2026-02-01&group=total").get_json()
    assert (alone["from"], alone["to"]) == ("2026-02-01", "2026-03-31")
    denied = Api(client, accounts.token("cv1")).get(f"/api/v1/reports/on-time?{Q1}")
    assert denied.status_code == 403


def test_cli_json_table_and_xlsx(app, accounts, quarter, tmp_path):
    runner = app.test_cli_runner()
    env = {"DOCSVC_USER": "lanhdao"}
    result = runner.invoke(args=["report", "on-time", "--from", "2026-01-01", "--to", "2026-03-31", "--group", "person",
                                 "--json"], env=env)
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert {r["label"]: r["received"] for r in body["rows"]} == {
        "Chuyên viên Một": 5, "Chuyên viên Hai": 3, "Chưa phân công người xử lý": 3}
    result = runner.invoke(args=["report", "on-time", "--from", "2026-01-01", "--to", "2026-03-31"], env=env)
    assert result.exit_code == 0 and "2 quá hạn (1 văn bản đến, 1 đất đai)" in result.output
    out = tmp_path / "q1.xlsx"
    result = runner.invoke(args=["report", "on-time", "--from", "2026-01-01", "--to", "2026-03-31", "--group", "period",
                                 "--xlsx", str(out)], env=env)
    assert result.exit_code == 0, result.output
    labels = [r[1] for r in load_workbook(out).active.iter_rows(values_only=True) if r and isinstance(r[2], int)]
    assert labels == ["Tháng 01/2026", "Tháng 02/2026", "Tháng 03/2026", "Tổng cộng"]
    refused = runner.invoke(args=["report", "on-time", "--from", "2026-03-01", "--to", "2026-01-01"], env=env)
    assert refused.exit_code == 1 and "to:" in refused.output
    refused = runner.invoke(args=["report", "on-time"], env={"DOCSVC_USER": "cv1"})
    assert refused.exit_code != 0


def test_page_renders_table_and_charts(client, accounts, quarter):
    assert login(client, "lanhdao", accounts.passwords["lanhdao"]).status_code == 302
    page = client.get(f"/reports/?{Q1}&group=unit")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Ủy ban nhân dân xã A" in text and "Quý trước" in text and "Theo lĩnh vực" in text
    assert "11 hồ sơ, văn bản tiếp nhận" in text
    assert '/reports/chart/groups.svg' in text and '/reports/chart/months.svg' in text
    for url in (f"/reports/chart/groups.svg?{Q1}&group=unit", f"/reports/chart/months.svg?{Q1}"):
        chart = client.get(url)
        assert chart.status_code == 200 and chart.mimetype == "image/svg+xml"
        assert b"<svg" in chart.data and b"<script" not in chart.data
    assert "Đất đai".encode() in client.get(f"/reports/chart/groups.svg?{Q1}&group=field").data
    xlsx = client.get(f"/reports/on-time.xlsx?{Q1}&group=field")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    assert client.get("/reports/?from=2026-02-30&to=2026-03-01").status_code == 400
    assert client.get("/reports/?lang=en").status_code == 200


def test_page_is_refused_without_the_permission(client, accounts, quarter):
    login(client, "cv1", accounts.passwords["cv1"])
    assert client.get("/reports/").status_code == 403


def test_demo_adds_workflows_once(services):
    from sqlalchemy import func, select

    from archive.dossiers import Dossier
    from archive.incoming import IncomingDocument
    from archive.routing import Assignment
    from archive.sequences import last_taken
    from docsvc.accounts.bootstrap import ensure_demo_accounts
    from docsvc.reports.demo import add_demo_workflows

    ensure_demo_accounts(services)
    lines = add_demo_workflows(services)
    assert lines and "hồ sơ" in lines[0]

    def counts():
        with services.session_factory() as db:
            return tuple(db.scalar(select(func.count()).select_from(m)) for m in (Dossier, IncomingDocument, Assignment))

    first = counts()
    assert all(first)
    assert add_demo_workflows(services) == []
    assert counts() == first
    with services.session_factory() as db:
        standings = set(db.scalars(select(Dossier.standing).distinct()))
        statuses = set(db.scalars(select(Dossier.status).distinct()))
        assert {"early", "on_time", "late"} <= standings
        assert {"returned", "in_progress", "refused"} <= statuses
        office, year, top = db.execute(select(IncomingDocument.office_unit_id, IncomingDocument.year,
                                              func.max(IncomingDocument.arrival_number))
                                       .where(IncomingDocument.scope == "incoming")
                                       .group_by(IncomingDocument.office_unit_id, IncomingDocument.year)).first()
        assert last_taken(db, "incoming", office, year) == top   # a later registration continues the sequence
