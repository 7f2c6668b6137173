"""No codes where a person reads: every audit action the code appends has a sentence, every
role, unit kind, state and permission has words in both languages, and the audit page reads
as sentences with filters by person, action and date (dd/mm/yyyy)."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

from docsvc import labels
from docsvc.dates import format_day, parse_day
from docsvc.translations_en import CATALOG
from tests.app.inputs import text_pdf
from tests.conftest import login

ROOT = Path(__file__).resolve().parents[2]
# Audit actions are string literals passed to record(...), record_now(...), append(...) or a
# runner's _audit(...): "area.verb" as the first quoted argument after the session/principal.
# ... or a module constant naming the action a module appends (ACTION = "person.read").
CONSTANT = re.compile(r"""^[A-Z_]*ACTION[A-Z_]* = ["']([a-z_]+\.[a-z_]+)["']""", re.M)
APPENDED = re.compile(r"""(?:record|record_now|append|_audit)\((?:[^()"']|\([^()]*\))*?["']([a-z_]+\.[a-z_]+)["']""")


def appended_actions() -> set[str]:
    found = set()
    for package in ("docsvc", "ingest", "archive"):
        for path in (ROOT / package).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            found |= set(APPENDED.findall(text)) | set(CONSTANT.findall(text))
    return found


def test_every_appended_action_reads_as_a_sentence():
    actions = appended_actions()
    assert {"document.create", "document.download", "auth.login", "document.processed", "person.read"} <= actions
    missing = sorted(a for a in actions if a not in labels.ACTIONS)
    assert not missing, "add to docsvc/labels.py ACTIONS: " + ", ".join(missing)


def test_every_label_has_an_english_translation():
    from archive.accounts import ROLE_LABELS
    from docsvc.permissions import TABLE

    words = list(ROLE_LABELS.values()) + [label for label, _ in TABLE.values()]
    for mapping in (labels.UNIT_KINDS, labels.DOCUMENT_STATES, labels.JOB_STATES, labels.OBJECT_TYPES):
        words += mapping.values()
    for name, sentence in labels.ACTIONS.values():
        words += [name, sentence]
    missing = sorted({w for w in words if w not in CATALOG})
    assert not missing, "add to docsvc/translations_en.py:\n" + "\n".join(missing)


def test_dates_read_and_write_day_month_year():
    assert parse_day("05/01/2026") == date(2026, 1, 5)
    assert parse_day("5/1/2026") == date(2026, 1, 5)
    assert parse_day("05.01.2026") == date(2026, 1, 5)
    assert parse_day("2026-01-05") == date(2026, 1, 5)  # what scripts send
    assert parse_day("  ") is None
    for bad in ("31/02/2025", "13/13/2025", "01/05", "hôm qua", "2025/01/05"):
        try:
            parse_day(bad)
        except ValueError:
            continue
        raise AssertionError(f"{bad!r} was accepted")
    assert format_day(date(2026, 1, 5)) == "05/01/2026"


def test_the_audit_page_reads_as_sentences_with_filters(client, services, accounts):
    from docsvc.documents.submit import submit_stream

    accounts.user("quantri", "admin", clearance=3)
    with services.session_factory() as db:
        from docsvc.accounts.services import get_user

        get_user(db, "quantri").full_name = "Trần Thị Quản"
        db.commit()
    clerk = accounts.user("vanthu2", "clerk")
    with services.session_factory() as db:
        from docsvc.accounts.services import get_user

        get_user(db, "vanthu2").full_name = "Nguyễn Văn An"
        db.commit()
    sub = submit_stream(services, io.BytesIO(text_pdf(["KẾ HOẠCH", "Số: 01/KH-UBND"])), "ke-hoach.pdf",
                        principal=accounts.principal("vanthu2"), fields={"number": 1, "symbol": "KH-UBND"})
    clerk_client = client.application.test_client()
    login(clerk_client, "vanthu2", accounts.passwords["vanthu2"])
    assert clerk_client.get(f"/documents/{sub.document_id}/download").status_code == 200

    login(client, "quantri", accounts.passwords["quantri"])
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "Nguyễn Văn An đã tải bản gốc văn bản 01/KH-UBND" in page
    assert "Nguyễn Văn An đã đưa văn bản 01/KH-UBND vào lưu trữ" in page
    shown = re.sub(r"<[^>]+>", " ", page)  # what a person reads (not the attributes)
    assert "document.download" not in shown and "{&#34;" not in shown and '{"' not in shown  # no codes, no JSON

    from tests.app.test_audit_trail import audit_text

    only_an = audit_text(client, "/admin/audit?person=Văn An")
    assert "Nguyễn Văn An đã tải bản gốc" in only_an and "Trần Thị Quản đã đăng nhập" not in only_an
    downloads = audit_text(client, "/admin/audit?action=document.download")
    assert "đã tải bản gốc" in downloads and "vào lưu trữ" not in downloads
    today = format_day(date.today())
    assert "đã tải bản gốc" in audit_text(client, f"/admin/audit?since={today}&until={today}")
    assert "đã tải bản gốc" not in audit_text(client, "/admin/audit?until=01/01/2020")
    bad = client.get("/admin/audit?since=31/02/2025").get_data(as_text=True)
    assert "Ngày không hợp lệ" in bad and "dd/mm/yyyy" in bad
    assert clerk.id
