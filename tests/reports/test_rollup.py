"""The report's roll-up (archive/rollup.py) stays equal to a recomputation from the records
after a scripted series of use-case calls, some of them at the same moment, on SQLite and on
PostgreSQL; and the bulk sample's grouped INSERT adds what the listener would have.

Series tried: dossiers accepted and returned (early, on time, late after an apology),
received for supplement then completed, asked a supplement twice (counted once), asked a
supplement and then refused, refused at the desk, routed to a person then returned; eight
receptions and four returns at once (the same roll-up keys: concurrent upserts); incoming
documents assigned to a unit then forwarded to a person and completed, assigned to a person
directly and completed, assigned to cooperate and for information (not counted); the demo's
bulk workflows on top. Bad inputs: a period inside one month, across month edges, whole
months only (``_spans``)."""

from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import select

from docsvc.dossiers import services as dossiers
from docsvc.routing import services as routing
from tests.backends import at_once, backend_fixture
from tests.conftest import Accounts

backend = backend_fixture("rollup")


def _incoming(services, office: int, clerk: int, n: int) -> int:
    from archive.incoming import IncomingDocument

    with services.session_factory() as db:
        row = IncomingDocument(office_unit_id=office, scope="incoming", year=2026, arrival_number=n, number=str(n),
                               symbol="UBND-VP", doc_type="Công văn", issuer="UBND tỉnh", abstract="Về việc thử",
                               arrived_at=datetime(2026, 4, 22, 2, tzinfo=timezone.utc), arrived_on=date(2026, 4, 22),
                               registered_by=clerk)
        db.add(row)
        db.commit()
        return row.id


def _compare(services) -> dict:
    from archive.rollup import rebuild_rollup, snapshot

    with services.session_factory() as db:
        kept = snapshot(db)
        rebuild_rollup(db)
        db.commit()
        assert snapshot(db) == kept
    return kept


def test_rollup_follows_the_use_cases(backend):
    from archive.accounts import Unit

    accounts = Accounts(backend)
    for name, role in (("quantri", "admin"), ("lanhdao", "leader"), ("chuyenvien", "specialist"),
                       ("vanthu", "clerk"), *((f"motcua{i}", "one_stop") for i in range(8))):
        accounts.user(name, role, unit="XA-A", full_name=name.title())
    p = accounts.principal
    desk, leader, handler = p("motcua0"), p("lanhdao"), p("chuyenvien")
    dossiers.save_procedure(backend, p("quantri"), "HT-KS", "Đăng ký khai sinh", "Hộ tịch", 1)
    dossiers.save_procedure(backend, p("quantri"), "DD-CN", "Đăng ký đất đai", "Đất đai", 5)

    def receive(proc, when, **kw):
        return dossiers.receive_dossier(backend, desk, proc, "Nguyễn Văn A", received_at=when, **kw)["id"]

    d1 = receive("HT-KS", "2026-03-02T09:00")
    dossiers.route(backend, leader, d1, unit="XA-A", user="chuyenvien")
    dossiers.return_result(backend, leader, d1, at="2026-03-02T16:00")                  # early
    d2 = receive("DD-CN", "2026-03-03T09:00", outcome="supplement", note="Thiếu sổ hộ khẩu")
    dossiers.complete_supplement(backend, desk, d2, at="2026-03-05T09:00")
    dossiers.route(backend, leader, d2, unit="XA-A")
    dossiers.request_supplement(backend, desk, d2, "Thiếu bản đồ", at="2026-03-06T09:00")  # twice: counted once
    dossiers.complete_supplement(backend, desk, d2, at="2026-03-09T09:00")
    dossiers.return_result(backend, leader, d2, at="2026-04-01T09:00")                  # late, in April
    d3 = receive("HT-KS", "2026-03-03T10:00", outcome="refused", note="Không thuộc thẩm quyền")
    d4 = receive("HT-KS", "2026-03-04T10:00")
    dossiers.request_supplement(backend, desk, d4, "Thiếu giấy tờ", at="2026-03-04T11:00")
    dossiers.refuse(backend, desk, d4, "Không bổ sung")
    d5 = receive("DD-CN", "2026-03-02T08:00")
    dossiers.route(backend, leader, d5, unit="XA-A", user="chuyenvien")
    dossiers.apologize(backend, leader, d5, "2026-03-16", "Cần xác minh thêm", at="2026-03-05T09:00")
    dossiers.return_result(backend, leader, d5, at="2026-03-13T09:00")                  # late against the first date
    assert d3

    # Eight desks at once, then four returns at once: the same keys, concurrent upserts.
    desks = [p(f"motcua{i}") for i in range(8)]
    made = at_once([lambda d=d: dossiers.receive_dossier(backend, d, "HT-KS", "Người nộp",
                                                         received_at="2026-03-10T09:00") for d in desks])
    assert not [r for r in made if isinstance(r, Exception)], made
    ids = [r["id"] for r in made]
    for i in ids[:4]:
        dossiers.route(backend, leader, i, unit="XA-A")
    returned = at_once([lambda i=i: dossiers.return_result(backend, leader, i, at="2026-03-11T09:00")
                        for i in ids[:4]])
    assert not [r for r in returned if isinstance(r, Exception)], returned

    # Incoming documents: a unit, forwarded to a person, completed; a person directly; shares not scored.
    with backend.session_factory() as db:
        office = db.scalar(select(Unit.id).where(Unit.code == "XA-A"))
    now = datetime(2026, 4, 22, 3, tzinfo=timezone.utc)
    i1, i2 = _incoming(backend, office, accounts.principal("vanthu").user_id, 1), \
        _incoming(backend, office, accounts.principal("vanthu").user_id, 2)
    a1 = routing.assign(backend, leader, i1, unit="XA-A", working_days=5, now=now)["id"]
    child = routing.forward(backend, leader, a1, user="chuyenvien", now=now)["id"]
    routing.complete(backend, handler, child, note="Xong", now=datetime(2026, 4, 23, 3, tzinfo=timezone.utc))
    a2 = routing.assign(backend, leader, i2, user="chuyenvien", working_days=1, now=now)["id"]
    routing.assign(backend, leader, i2, unit="XA-A", role="cooperate", working_days=3, now=now)
    routing.assign(backend, leader, i2, unit="XA-A", role="info", now=now)
    routing.complete(backend, handler, a2, note="Xong", now=datetime(2026, 4, 29, 3, tzinfo=timezone.utc))

    kept = _compare(backend)
    supplemented = sum(n for k, n in kept.items() if k[0] == "d" and k[2] == "returned_for_supplement")
    assert supplemented == 2                                    # d2 (twice) and d4
    received = sum(n for k, n in kept.items() if k[0] == "m" and k[2] == "received" and k[1] == "2026-03-01")
    assert received == 13
    documents = sum(n for k, n in kept.items() if k[0] == "d" and k[2] == "received" and k[3] == "document")
    assert documents == 2                                       # the two main assignments, not the hand-over

    # The report over March reads what the records say.
    from docsvc.reports.services import on_time

    report = on_time(backend, leader, start=date(2026, 3, 1), end=date(2026, 3, 31), group="total",
                     kind="dossiers", today=date(2026, 4, 1))
    total = report["total"]
    assert (total["received"], total["returned_for_supplement"], total["early"], total["on_time"],
            total["late"]) == (13, 2, 1, 4, 1)


def test_sample_bulk_rows_are_counted(backend):
    from docsvc.accounts.bootstrap import ensure_demo_accounts
    from docsvc.reports.demo import add_demo_workflows

    ensure_demo_accounts(backend)
    assert add_demo_workflows(backend)
    kept = _compare(backend)
    assert sum(n for k, n in kept.items() if k[0] == "d" and k[2] == "received") > 0


def test_spans_whole_months_and_edges():
    from docsvc.reports.services import _spans

    d = date
    assert _spans(d(2026, 3, 5), d(2026, 3, 20)) == [("d", d(2026, 3, 5), d(2026, 3, 20))]
    assert _spans(d(2026, 3, 1), d(2026, 3, 31)) == [("m", d(2026, 3, 1), d(2026, 3, 31))]
    assert _spans(d(2026, 1, 15), d(2026, 4, 2)) == [("d", d(2026, 1, 15), d(2026, 1, 31)),
                                                     ("m", d(2026, 2, 1), d(2026, 3, 31)),
                                                     ("d", d(2026, 4, 1), d(2026, 4, 2))]
    assert _spans(d(2025, 12, 31), d(2026, 1, 1)) == [("d", d(2025, 12, 31), d(2026, 1, 1))]
    assert _spans(d(2016, 11, 1), d(2026, 11, 29)) == [("m", d(2016, 11, 1), d(2026, 10, 31)),
                                                       ("d", d(2026, 11, 1), d(2026, 11, 29))]
