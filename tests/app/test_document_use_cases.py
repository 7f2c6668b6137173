"""The document use cases called directly, without HTTP (the pattern in docs/architecture.md):
``edit_fields`` checks permission and scope, writes the change and its audit record in one
transaction, and tells the index only after the commit; a refused edit leaves no trace.

Bad inputs tried: an unknown field name (``nubmer``), an impossible date (31/02/2026), a
negative number, taking the personal-data mark off, a role without ``document.edit``, a
clerk of another unit, a document id that does not exist, marking an unmarked copy of a file
already marked in the same unit and secrecy.
"""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from archive.audit import AuditRecord
from archive.models import Document
from docsvc.documents import services as documents
from docsvc.documents.fields import FieldError, MarkTaken
from docsvc.documents.queries import Hidden, NotFound
from docsvc.documents.submit import submit_stream
from docsvc.finding.services import run_search
from docsvc.services.audit import PermissionDenied
from docsvc.worker import wait_for_jobs
from tests.app.inputs import text_pdf


ABSTRACT = "số hóa sổ hộ tịch"  # read from page 1 by the ingest


@pytest.fixture
def doc_id(services, accounts):
    sub = submit_stream(services, io.BytesIO(text_pdf(["KẾ HOẠCH", "Về việc số hóa sổ hộ tịch"])), "kh.pdf",
                        principal=accounts.system, unit_code="XA-A")
    wait_for_jobs(services, [sub.job_id], timeout=600)
    assert _abstract(services, sub.document_id) == ABSTRACT
    return sub.document_id


def _updates(services, doc_id) -> list[dict]:
    with services.session_factory() as db:
        return [r.details for r in db.scalars(select(AuditRecord).where(
            AuditRecord.action == "document.update", AuditRecord.object_id == str(doc_id)))]


def _abstract(services, doc_id):
    with services.session_factory() as db:
        return db.get(Document, doc_id).abstract


def _hits(services, principal, query) -> list[int]:
    return [h.id for h in run_search(services, principal, query).hits]


def test_an_edit_commits_with_its_audit_record_and_reaches_the_index(services, accounts, doc_id):
    accounts.user("lan", "clerk", unit="XA-A")
    lan = accounts.principal("lan")
    assert _hits(services, lan, "phòng cháy") == []

    edited = documents.edit_fields(services, lan, doc_id, {"abstract": "Tăng cường phòng cháy", "number": "140"})
    assert sorted(edited.changed) == ["abstract", "number"]
    assert edited.still_open and edited.document["number"] == 140
    assert _updates(services, doc_id) == [{"fields": edited.changed}]
    assert _hits(services, lan, "phòng cháy") == [doc_id]  # told after the commit

    again = documents.edit_fields(services, lan, doc_id, {"abstract": "Tăng cường phòng cháy"})
    assert again.changed == [] and len(_updates(services, doc_id)) == 1  # no change, no record


@pytest.mark.parametrize("raw", [{"nubmer": "1"}, {"issued_on": "31/02/2026"}, {"number": "-3"}])
def test_a_refused_value_changes_nothing(services, accounts, doc_id, raw):
    accounts.user("lan", "clerk", unit="XA-A")
    with pytest.raises(FieldError):
        documents.edit_fields(services, accounts.principal("lan"), doc_id, {"abstract": "mới", **raw})
    assert _abstract(services, doc_id) == ABSTRACT and _updates(services, doc_id) == []


def test_the_personal_data_mark_is_never_taken_off(services, accounts, doc_id):
    accounts.user("lan", "clerk", "civil_status", unit="XA-A")
    lan = accounts.principal("lan")
    assert documents.edit_fields(services, lan, doc_id, {"personal_data": "on"}).changed == ["personal_data"]
    with pytest.raises(FieldError) as refused:
        documents.edit_fields(services, lan, doc_id, {"personal_data": "off", "abstract": "x"})
    assert refused.value.name == "personal_data" and _abstract(services, doc_id) == ABSTRACT


def test_permission_and_scope_are_checked_by_the_use_case(services, accounts, doc_id):
    accounts.user("xem", "viewer", unit="XA-A")
    accounts.user("binh", "clerk", unit="XA-B")
    with pytest.raises(PermissionDenied):
        documents.edit_fields(services, accounts.principal("xem"), doc_id, {"abstract": "x"})
    with pytest.raises(Hidden):
        documents.edit_fields(services, accounts.principal("binh"), doc_id, {"abstract": "x"})
    with pytest.raises(NotFound):
        documents.edit_fields(services, accounts.principal("binh"), doc_id + 1000, {"abstract": "x"})
    assert _abstract(services, doc_id) == ABSTRACT and _updates(services, doc_id) == []


def test_marking_a_second_copy_of_a_marked_file_is_refused_not_a_crash(services, accounts):
    """The same bytes, unit and secrecy are one marked document: marking an unmarked copy
    would collide with it (it was a 500 on the API, found by the OpenAPI conformance run)."""
    data = text_pdf(["TRÍCH LỤC", "Khai sinh"])
    marked = submit_stream(services, io.BytesIO(data), "a.pdf", principal=accounts.system, unit_code="XA-A",
                           personal_data=True)
    accounts.user("van", "clerk", unit="XA-A")  # may not see personal data: makes a copy of its own
    copy = submit_stream(services, io.BytesIO(data), "b.pdf", principal=accounts.principal("van"), unit_code="XA-A")
    assert copy.document_id != marked.document_id
    doc_id = copy.document_id
    accounts.user("lan", "clerk", "civil_status", unit="XA-A")
    with pytest.raises(MarkTaken) as refused:
        documents.edit_fields(services, accounts.principal("lan"), doc_id, {"personal_data": True, "abstract": "x"})
    assert refused.value.name == "personal_data"
    assert _abstract(services, doc_id) != "x" and _updates(services, doc_id) == []
