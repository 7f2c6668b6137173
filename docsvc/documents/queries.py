"""Reading documents, pages and jobs, as plain dictionaries for the CLI, API and pages."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import extract, func, select
from sqlalchemy.orm import Session, selectinload

from archive.accounts import Unit
from archive.models import Document, Job, Page
from docsvc.access import ABSENT, VISIBLE, Principal, visibility


class NotFound(LookupError):
    pass


class Hidden(PermissionError):
    """The document exists but this principal is not cleared for it, or its unit is not theirs."""


def _check(principal: Principal | None, doc, what: str) -> None:
    """NotFound for what the principal may not know exists (personal data), Hidden for an
    ordinary document kept from them (docsvc.access.visibility)."""
    if principal is None:
        return
    seen = visibility(principal, doc)
    if seen == ABSENT:
        raise NotFound(what)
    if seen != VISIBLE:
        raise Hidden(what)


def job_dict(job: Job) -> dict:
    return {
        "id": job.id,
        "kind": job.kind,
        "document_id": job.document_id,
        "status": job.status,
        "attempts": job.attempts,
        "max_attempts": job.max_attempts,
        "progress": {"done": job.progress_done, "total": job.progress_total},
        "error": job.error,
        "error_code": job.error_code,
        "created_at": _iso(job.created_at),
        "started_at": _iso(job.started_at),
        "finished_at": _iso(job.finished_at),
        "run_after": _iso(job.run_after),
    }


def page_dict(page: Page, *, words: bool = False) -> dict:
    data = {
        "number": page.number,
        "text": page.text,
        "source": page.source,
        "confidence": None if page.confidence is None else round(page.confidence, 2),
        "width": page.width,
        "height": page.height,
        "dpi": page.dpi,
        "has_image": page.image_sha256 is not None,
    }
    if words:
        data["words"] = page.words or []
    return data


def document_dict(doc: Document, *, pages: bool = True, words: bool = False) -> dict:
    data = {
        "id": doc.id,
        "sha256": doc.sha256,
        "media_type": doc.media_type,
        "size_bytes": doc.size_bytes,
        "original_name": doc.original_name,
        "title": doc.display_title,  # the title a person set, else composed from the register fields
        "status": doc.status,
        "error": doc.error,
        "page_count": doc.page_count,
        "unit_id": doc.unit_id,
        "secrecy": doc.secrecy,
        "personal_data": doc.personal_data,
        "doc_type": doc.doc_type,
        "number": doc.number,
        "symbol": doc.symbol,
        "number_symbol": doc.number_symbol,
        "issuer": doc.issuer,
        "issued_on": _iso(doc.issued_on),
        "arrived_on": _iso(doc.arrived_on),
        "direction": doc.direction,
        "abstract": doc.abstract,
        "created_at": _iso(doc.created_at),
        "updated_at": _iso(doc.updated_at),
    }
    if pages:
        data["pages"] = [page_dict(p, words=words) for p in doc.pages]
        data["jobs"] = [job_dict(j) for j in doc.jobs]
    return data


def get_document(session: Session, doc_id: int, principal: Principal | None = None) -> Document:
    """The document with its pages and jobs; Hidden when ``principal`` may not see it."""
    doc = session.scalar(
        select(Document).where(Document.id == doc_id)
        .options(selectinload(Document.pages), selectinload(Document.jobs))
    )
    if doc is None:
        raise NotFound(f"document {doc_id}")
    _check(principal, doc, f"document {doc_id}")
    return doc


def get_page(session: Session, doc_id: int, number: int, principal: Principal | None = None) -> Page:
    page = session.scalar(select(Page).where(Page.document_id == doc_id, Page.number == number))
    if page is None:
        doc = session.get(Document, doc_id)  # a missing page of a document one may not see is not told
        if doc is not None:
            _check(principal, doc, f"document {doc_id}")
        raise NotFound(f"page {number} of document {doc_id}")
    _check(principal, page.document, f"document {doc_id}")
    return page


def page_blob(session: Session, doc_id: int, number: int, kind: str,
              principal: Principal | None = None) -> tuple[str, str]:
    """(sha256, media type) of a page's ``image`` or ``thumbnail``."""
    from archive.models import Blob

    page = get_page(session, doc_id, number, principal)
    sha = page.image_sha256 if kind == "image" else page.thumbnail_sha256
    if sha is None:
        raise NotFound(f"{kind} of page {number} of document {doc_id}")
    return sha, session.get(Blob, sha).media_type


def get_job(session: Session, job_id: int, principal: Principal | None = None) -> Job:
    job = session.get(Job, job_id)
    if job is None:
        raise NotFound(f"job {job_id}")
    if job.document is not None:
        _check(principal, job.document, f"job {job_id}")
    return job


@dataclass
class DocumentPage:
    items: list[Document]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def list_documents(session: Session, *, page: int = 1, per_page: int = 25,
                   status: str | None = None, doc_type: str | None = None, year: int | None = None,
                   unit_id: int | None = None, where=None) -> DocumentPage:
    """Newest first. ``where`` is an extra SQL condition (the access filter). ``year`` is the
    year of issue (the register date), ``unit_id`` the holding unit."""
    page, per_page = max(1, page), min(max(1, per_page), 200)
    conditions = []
    if status:
        conditions.append(Document.status == status)
    if doc_type:
        conditions.append(Document.doc_type == doc_type)
    if year:
        conditions.append(extract("year", Document.issued_on) == year)
    if unit_id:
        conditions.append(Document.unit_id == unit_id)
    if where is not None:
        conditions.append(where)
    query = select(Document).where(*conditions)
    count = select(func.count()).select_from(Document).where(*conditions)
    total = session.scalar(count) or 0
    if (page - 1) * per_page >= total:
        return DocumentPage([], total, page, per_page)  # past the end (no offset beyond SQL's integers)
    items = list(session.scalars(query.order_by(Document.id.desc())
                                 .offset((page - 1) * per_page).limit(per_page)))
    return DocumentPage(items, total, page, per_page)


@dataclass
class ListFilters:
    """What the document list can be narrowed by, among the documents the user sees."""
    doc_types: list[str]
    years: list[int]
    units: list[tuple[int, str]]


def list_filters(session: Session, where=None) -> ListFilters:
    def visible(query):
        return query if where is None else query.where(where)

    types = session.scalars(visible(select(Document.doc_type).where(Document.doc_type.is_not(None)))
                            .distinct().order_by(Document.doc_type))
    year = extract("year", Document.issued_on)
    years = session.scalars(visible(select(year).where(Document.issued_on.is_not(None))).distinct()
                            .order_by(year.desc()))
    unit_ids = set(session.scalars(visible(select(Document.unit_id).where(Document.unit_id.is_not(None)))
                                   .distinct()))
    units = [(u.id, u.name) for u in session.scalars(select(Unit).where(Unit.id.in_(unit_ids)).order_by(Unit.name))]
    return ListFilters(list(types), [int(y) for y in years], units)


def status_counts(session: Session, where=None) -> dict[str, int]:
    query = select(Document.status, func.count()).group_by(Document.status)
    if where is not None:
        query = query.where(where)
    return {status: n for status, n in session.execute(query)}


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None
