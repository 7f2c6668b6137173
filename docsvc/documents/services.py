"""The document use cases that the web pages, the API and the CLI call.

Each takes the services, the acting principal and plain values; it checks permission and
scope, reads or writes through one unit of work, appends the audit record in the same
transaction, commits, and leaves slow work (the search index) to after the commit. What it
returns is plain data or detached rows (the session factory keeps loaded attributes after
the session closes), so a view only parses the request and renders the answer.

Refusals are exceptions the callers translate: ``NotFound`` and ``Hidden``
(docsvc.documents.queries), ``FieldError`` (docsvc.documents.fields), ``PermissionDenied``,
``PurposeRequired`` (a read of personal data without its purpose).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from sqlalchemy import select

from archive.accounts import SECRECY_LABELS, Unit
from archive.models import Document
from docsvc.access import Principal, can_see, document_filter
from docsvc.audit.personal import Purpose
from docsvc.documents.fields import parse_fields, update_document
from docsvc.documents.queries import (
    DocumentPage,
    ListFilters,
    NotFound,
    document_dict,
    get_document,
    get_job,
    job_dict,
    list_documents,
    list_filters,
    page_blob,
    status_counts,
)
from docsvc.documents.reading import log_download, log_view
from docsvc.finding.indexing import index_documents
from docsvc.services.audit import PermissionDenied
from docsvc.services.container import Services


class PageNotFound(NotFound):
    """The document is there and visible, but not this page (or not its picture)."""


def _require(principal: Principal, action: str) -> None:
    if not principal.can(action):
        raise PermissionDenied(action)


def browse(services: Services, principal: Principal, *, page: int = 1, per_page: int = 25,
           status: str | None = None, doc_type: str | None = None, year: int | None = None,
           unit_id: int | None = None, with_filters: bool = False) -> tuple[DocumentPage, ListFilters | None]:
    """A page of the documents this principal may see, newest first, and (for the list page)
    what the list can be narrowed by."""
    _require(principal, "document.open")
    visible = document_filter(principal)
    with services.uow() as uow:
        result = list_documents(uow.session, page=page, per_page=per_page, status=status, doc_type=doc_type,
                                year=year, unit_id=unit_id, where=visible)
        filters = list_filters(uow.session, where=visible) if with_filters else None
    return result, filters


def overview(services: Services, principal: Principal, *, recent: int = 8) -> tuple[dict[str, int], list[Document]]:
    """For the home page: how many visible documents are in each state, and the newest ones."""
    if not principal.can("document.open"):
        return {}, []
    visible = document_filter(principal)
    with services.uow() as uow:
        return status_counts(uow.session, where=visible), list_documents(uow.session, per_page=recent,
                                                                         where=visible).items


def read_document(services: Services, principal: Principal, doc_id: int, *,
                  purpose: Purpose | None = None) -> Document:
    """The document with its pages and jobs, once its reading is recorded (docsvc.documents.reading)."""
    _require(principal, "document.open")
    with services.uow() as uow:
        doc = get_document(uow.session, doc_id, principal)
    log_view(services, principal, doc, purpose=purpose)
    return doc


def fetch_original(services: Services, principal: Principal, doc_id: int, *,
                   purpose: Purpose | None = None) -> tuple[Document, Path]:
    """The document and the path of its original bytes, once the download is recorded."""
    _require(principal, "document.download")
    with services.uow() as uow:
        doc = get_document(uow.session, doc_id, principal)
    log_download(services, principal, doc, purpose=purpose)
    return doc, services.blobs.path(doc.sha256)


@dataclass(frozen=True)
class PagePicture:
    path: Path
    sha256: str
    media_type: str
    personal_data: bool  # every read is logged, so none may be served from a cache


def page_picture(services: Services, principal: Principal, doc_id: int, number: int, kind: str, *,
                 purpose: Purpose | None = None) -> PagePicture:
    """A page's ``image`` or ``thumbnail``: NotFound/Hidden for the document, PageNotFound
    for a page (or picture) it does not have."""
    _require(principal, "document.open")
    with services.uow() as uow:
        doc = get_document(uow.session, doc_id, principal)
        try:
            sha, media_type = page_blob(uow.session, doc_id, number, kind)
        except NotFound as exc:
            raise PageNotFound(str(exc)) from None
    log_view(services, principal, doc, purpose=purpose, page=number, what=kind)
    return PagePicture(services.blobs.path(sha), sha, media_type, doc.personal_data)


def job_status(services: Services, principal: Principal, job_id: int) -> dict:
    """A job as plain data (docsvc.documents.queries.job_dict), if its document is visible."""
    _require(principal, "document.open")
    with services.uow() as uow:
        return job_dict(get_job(uow.session, job_id, principal))


@dataclass(frozen=True)
class FieldsEdited:
    changed: list[str]
    still_open: bool     # False once marked as personal data for someone who may not read it
    document: dict       # document_dict(pages=False) after the change


def edit_fields(services: Services, principal: Principal, doc_id: int, raw: Mapping[str, Any]) -> FieldsEdited:
    """Change a document's register fields from form or JSON values (an empty value clears
    one). The change and its audit record commit together; the index is told afterwards."""
    _require(principal, "document.edit")
    with services.uow() as uow:
        doc = get_document(uow.session, doc_id, principal)
        changed = update_document(services, uow.session, principal, doc, parse_fields(raw))
        if changed:
            uow.after_commit(lambda: index_documents(services, [doc_id]))
        uow.commit()
        return FieldsEdited(changed, can_see(principal, doc), document_dict(doc, pages=False))


@dataclass(frozen=True)
class UploadChoices:
    units: list[Unit]          # the units the principal may place a document in
    levels: dict[int, str]     # the secrecy levels up to their clearance
    own_unit: int | None


def upload_choices(services: Services, principal: Principal) -> UploadChoices:
    _require(principal, "document.upload")
    with services.uow() as uow:
        units = [u for u in uow.session.scalars(select(Unit).order_by(Unit.code))
                 if principal.unit_ids is None or u.id in principal.unit_ids]
    levels = {k: v for k, v in SECRECY_LABELS.items() if k <= principal.clearance}
    return UploadChoices(units, levels, principal.unit_id)


def page_counts(services: Services, doc_ids: list[int]) -> dict[int, int]:
    """For the CLI's summary after a wait: the pages read of each document done, else the
    pages it announced."""
    if not doc_ids:
        return {}
    with services.uow() as uow:
        docs = uow.session.scalars(select(Document).where(Document.id.in_(doc_ids)))
        return {d.id: (len(d.pages) if d.status == "done" else d.page_count) for d in docs}
