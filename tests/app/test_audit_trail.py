"""The audit trail at work in the app: what leaves a record, ``docsvc audit verify`` naming
the first bad record after rows are edited, deleted or reordered directly in the database,
the personal-data read hook, and the audit page's filters."""

from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import select, text

from archive.audit import AuditRecord
from docsvc.services.audit import PermissionDenied
from docsvc.audit.personal import PurposeRequired, make_purpose, record_personal_read
from docsvc.documents.submit import submit_stream
from docsvc.worker import wait_for_jobs
from tests.app.inputs import text_pdf
from tests.backends import lift_append_only_guard
from tests.conftest import Api, csrf_token, login


def _actions(services) -> list[tuple[str, str]]:
    with services.session_factory() as db:
        return [(r.action, r.actor) for r in db.scalars(select(AuditRecord).order_by(AuditRecord.seq))]


def test_changes_downloads_and_sign_ins_leave_records(app, client, services, accounts):
    accounts.user("lan", "clerk", clearance=1)
    login(client, "lan", accounts.passwords["lan"])
    response = client.post("/upload", data={"file": (io.BytesIO(text_pdf(["Quyết định 05/QĐ-UBND"])), "qd.pdf")},
                           headers={"X-CSRFToken": csrf_token(client)}, content_type="multipart/form-data")
    assert response.status_code == 202, response.get_json()
    body = response.get_json()
    wait_for_jobs(services, [body["job_id"]], timeout=600)
    assert client.get(f"/documents/{body['document_id']}/download").status_code == 200
    client.post("/account/tokens", data={"password": accounts.passwords["lan"], "csrf_token": csrf_token(client)})
    actions = _actions(services)
    assert [a for a in actions if a[1] == "lan"] == [
        ("auth.login", "lan"), ("document.create", "lan"), ("document.download", "lan"), ("token.create", "lan")]
    assert ("document.processed", "system:cli") in actions
    with services.session_factory() as db:
        created = db.scalar(select(AuditRecord).where(AuditRecord.action == "document.create"))
        assert created.object_type == "document" and created.object_id == str(body["document_id"])
        assert created.ip == "127.0.0.1" and len(created.state_digest) == 64


def _tamper(services, *statements):
    with services.engine.begin() as conn:
        lift_append_only_guard(conn)
        for statement in statements:
            conn.execute(text(statement))


@pytest.mark.parametrize("statements, bad", [
    (["UPDATE audit_records SET actor = 'someone-else' WHERE seq = 3"], 3),
    (["DELETE FROM audit_records WHERE seq = 2"], 3),
    (["UPDATE audit_records SET seq = -1 WHERE seq = 2", "UPDATE audit_records SET seq = 2 WHERE seq = 3",
      "UPDATE audit_records SET seq = 3 WHERE seq = -1"], 2),
], ids=["edited", "deleted", "reordered"])
def test_audit_verify_fails_and_names_the_record(app, services, accounts, statements, bad):
    for name in ("a1", "a2", "a3"):
        accounts.user(name, "viewer")  # each a user.create record
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["audit", "verify", "--json"])
    assert ok.exit_code == 0 and json.loads(ok.output)["intact"] is True
    _tamper(services, *statements)
    broken = runner.invoke(args=["audit", "verify", "--json"])
    assert broken.exit_code == 1
    report = json.loads(broken.output)
    assert report["intact"] is False and report["first_bad_seq"] == bad
    human = runner.invoke(args=["audit", "verify"])
    assert human.exit_code == 1 and f"#{bad}" in human.output


def test_the_application_cannot_rewrite_records(services, accounts):
    accounts.user("a1", "viewer")
    with pytest.raises(Exception, match="append-only"):
        with services.session_factory() as db:
            db.execute(text("UPDATE audit_records SET actor = 'x'"))
            db.commit()


def test_personal_data_reads_are_recorded_with_their_purpose(services, accounts):
    """The hook every read of a civil-status entry goes through. Tried: no purpose, a role
    without person.view, then a proper read with an 'other' purpose and its request number."""
    accounts.user("hoa", "civil_status")
    accounts.user("xem", "viewer")
    officer = accounts.principal("hoa").with_ip("10.0.0.7")
    with pytest.raises(PurposeRequired):
        record_personal_read(services, officer, None, what="entry", object_type="civil_status_entry", object_id=42)
    with pytest.raises(PermissionDenied):
        record_personal_read(services, accounts.principal("xem"), make_purpose("verification"), what="entry",
                             object_type="civil_status_entry", object_id=42)
    seq = record_personal_read(services, officer, make_purpose("other", "Cấp bản sao trích lục khai sinh"),
                               what="entry", object_type="civil_status_entry", object_id=42,
                               person="Nguyễn Thị Hoa", request="HS-260105-0001")
    with services.session_factory() as db:
        row = db.get(AuditRecord, seq)
    assert (row.action, row.actor, row.object_type, row.object_id, row.ip) == (
        "person.read", "hoa", "civil_status_entry", "42", "10.0.0.7")
    assert row.details == {"purpose": "other", "purpose_text": "Cấp bản sao trích lục khai sinh", "what": "entry",
                           "via": "session", "person": "Nguyễn Thị Hoa", "request": "HS-260105-0001"}


def test_the_audit_page_filters(app, client, services, accounts):
    accounts.user("boss", "admin")
    accounts.user("lan", "clerk")
    login(client, "boss", accounts.passwords["boss"])
    page = audit_text(client, "/admin/audit?person=boss")
    assert "boss đã đăng nhập" in page and "đã tạo người dùng" not in page
    page = audit_text(client, "/admin/audit?action=user.*")
    assert page.count("đã tạo người dùng") == 2 and "đã đăng nhập" not in page
    page = audit_text(client, "/admin/audit?object_type=user&object_id=2")
    assert page.count("đã tạo người dùng") == 1
    assert "Nhật ký nguyên vẹn" in client.get("/admin/audit/verify").get_data(as_text=True)
    clerk = app.test_client()
    login(clerk, "lan", accounts.passwords["lan"])
    assert clerk.get("/admin/audit").status_code == 403
    assert Api(app.test_client(), accounts.token("lan")).get("/api/v1/documents").status_code == 200


def audit_text(client, url: str) -> str:
    """The sentences of the audit page, as a person reads them."""
    import re

    page = client.get(url).get_data(as_text=True)
    return "\n".join(re.findall(r'<td class="sentence">([^<]*)</td>', page))
