"""The on-time report's counts for the scripted quarter of tests/reports/conftest.py: every
number in every grouping, the score, the boundaries of the period, the scope.

Bad inputs tried: a period that ends before it starts, an unknown grouping, an unknown kind,
an impossible day, an unknown preset; a role without ``report.view``."""

from __future__ import annotations

from datetime import date

import pytest

from docsvc.reports import services as reports
from docsvc.services.audit import PermissionDenied
from tests.reports.conftest import Q1, TODAY

FIGURES = ("received", "returned_for_supplement", "early", "on_time", "late", "open", "overdue")


def _run(services, principal, group, start=Q1[0], end=Q1[1], kind="all"):
    return reports.on_time(services, principal, start=start, end=end, group=group, kind=kind, today=TODAY)


def _figures(row) -> tuple:
    return tuple(row[k] for k in FIGURES)


def _by_label(report) -> dict:
    return {row["label"]: _figures(row) for row in report["rows"]}


def test_total_and_score(services, accounts, quarter):
    report = _run(services, accounts.principal("lanhdao"), "total")
    #                        received supp early on_time late open overdue
    assert _figures(report["total"]) == (11, 2, 2, 2, 2, 2, 2)
    assert report["total"]["resolved"] == 6
    assert report["total"]["score"] == 50.0          # (2·2 + 2) / (2·6)
    assert report["total"]["on_time_rate"] == 66.7   # 4 / 6
    assert report["late_by_field"] == {"Văn bản đến": 1, "Đất đai": 1}
    assert report["summary"] == ("11 hồ sơ, văn bản tiếp nhận, 2 hồ sơ trả lại để bổ sung, 2 trước hạn, 2 đúng hạn, "
                                 "2 quá hạn (1 văn bản đến, 1 đất đai)")


def test_by_field(services, accounts, quarter):
    report = _run(services, accounts.principal("lanhdao"), "field")
    assert _by_label(report) == {"Đất đai": (4, 0, 1, 0, 1, 0, 1), "Hộ tịch": (4, 2, 0, 2, 0, 2, 0),
                                 "Văn bản đến": (3, 0, 1, 0, 1, 0, 1)}
    scores = {r["label"]: r["score"] for r in report["rows"]}
    assert scores == {"Đất đai": 50.0, "Hộ tịch": 50.0, "Văn bản đến": 50.0}
    assert _figures(report["total"]) == (11, 2, 2, 2, 2, 2, 2)


def test_by_unit(services, accounts, quarter):
    report = _run(services, accounts.principal("lanhdao"), "unit")
    assert _by_label(report) == {"Ủy ban nhân dân xã A": (9, 1, 2, 2, 2, 1, 2),
                                 "Chưa phân công đơn vị": (2, 1, 0, 0, 0, 1, 0)}
    assert [r["key"] for r in report["rows"]] == [quarter.a, None]   # the unassigned row last
    assert report["rows"][0]["score"] == 50.0 and report["rows"][1]["score"] is None


def test_by_person(services, accounts, quarter):
    report = _run(services, accounts.principal("lanhdao"), "person")
    assert _by_label(report) == {"Chuyên viên Một": (5, 0, 2, 0, 1, 0, 2), "Chuyên viên Hai": (3, 1, 0, 2, 1, 1, 0),
                                 "Chưa phân công người xử lý": (3, 1, 0, 0, 0, 1, 0)}
    scores = {r["label"]: r["score"] for r in report["rows"]}
    assert scores["Chuyên viên Một"] == 66.7 and scores["Chuyên viên Hai"] == 33.3


def test_by_month(services, accounts, quarter):
    report = _run(services, accounts.principal("lanhdao"), "period")
    assert [(r["key"], r["label"], _figures(r)) for r in report["rows"]] == [
        ("2026-01", "Tháng 01/2026", (3, 0, 2, 0, 0, 0, 0)),
        ("2026-02", "Tháng 02/2026", (3, 1, 0, 1, 2, 0, 0)),
        ("2026-03", "Tháng 03/2026", (5, 1, 0, 1, 0, 2, 2))]


def test_kinds_split_the_total(services, accounts, quarter):
    leader = accounts.principal("lanhdao")
    dossiers = _run(services, leader, "total", kind="dossiers")["total"]
    documents = _run(services, leader, "total", kind="documents")
    assert _figures(dossiers) == (8, 2, 1, 2, 1, 2, 1)
    assert _figures(documents["total"]) == (3, 0, 1, 0, 1, 0, 1)
    assert documents["summary"] == "3 văn bản tiếp nhận, 1 trước hạn, 0 đúng hạn, 1 quá hạn (1 văn bản đến)"


def test_period_boundaries(services, accounts, quarter):
    """d6 was returned on 31/03, the quarter's last day: it counts in Q1; d7 on 01/04: not in
    Q1, in a period from 01/04; d6's receipt (20/12/2025) is not in Q1."""
    leader = accounts.principal("lanhdao")
    civil = {r["label"]: r for r in _run(services, leader, "field", kind="dossiers")["rows"]}["Hộ tịch"]
    assert (civil["on_time"], civil["early"]) == (2, 0)
    last_day = _run(services, leader, "field", start=date(2026, 3, 31), end=date(2026, 3, 31), kind="dossiers")
    assert _by_label(last_day) == {"Hộ tịch": (0, 0, 0, 1, 0, 0, 0)}
    next_day = _run(services, leader, "field", start=date(2026, 4, 1), end=date(2026, 4, 1), kind="dossiers")
    assert _by_label(next_day) == {"Hộ tịch": (0, 0, 1, 0, 0, 0, 0)}
    december = _run(services, leader, "total", start=date(2025, 12, 1), end=date(2025, 12, 31), kind="dossiers")
    assert _figures(december["total"]) == (1, 0, 0, 0, 0, 0, 0)


def test_scope_counts_only_the_units_held(services, accounts, quarter):
    b = _run(services, accounts.principal("lanhdaob"), "total")
    assert _figures(b["total"]) == (2, 0, 2, 0, 0, 0, 0)
    from docsvc.access import system_principal

    everything = _run(services, system_principal("test"), "total")
    assert _figures(everything["total"]) == (13, 2, 4, 2, 2, 2, 2)


def test_refusals(services, accounts, quarter):
    leader = accounts.principal("lanhdao")
    with pytest.raises(PermissionDenied):
        _run(services, accounts.principal("cv1"), "unit")
    with pytest.raises(reports.ReportInvalid) as bad:
        _run(services, leader, "unit", start=date(2026, 3, 1), end=date(2026, 2, 1))
    assert bad.value.field == "to"
    with pytest.raises(reports.ReportInvalid) as bad:
        _run(services, leader, "room")
    assert bad.value.field == "group"
    with pytest.raises(reports.ReportInvalid) as bad:
        _run(services, leader, "unit", kind="letters")
    assert bad.value.field == "kind"
    with pytest.raises(reports.ReportInvalid) as bad:
        reports.parse_period("2026-02-30", "2026-03-01", TODAY)
    assert bad.value.field == "from"
    with pytest.raises(reports.ReportInvalid):
        reports.parse_period(None, None, TODAY, "next_decade")


def test_presets_and_sentence():
    assert reports.parse_period(None, None, TODAY) == (date(2026, 4, 1), date(2026, 6, 30))
    assert reports.presets(date(2026, 1, 15))["last_quarter"] == (date(2025, 10, 1), date(2025, 12, 31))
    assert reports.parse_period("01/01/2026", "2026-03-31", TODAY) == Q1
    total = {"received": 32843, "returned_for_supplement": 606, "early": 16018, "on_time": 15938, "late": 41}
    assert reports.summary_sentence(total, {"Hộ tịch": 2, "Đất đai": 39}) == (
        "32.843 hồ sơ tiếp nhận, 606 hồ sơ trả lại để bổ sung, 16.018 trước hạn, 15.938 đúng hạn, "
        "41 quá hạn (39 đất đai, 2 hộ tịch)")
