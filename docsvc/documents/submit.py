"""Taking a file in: check it, keep its bytes once, record the document and its job together.

Bad input is refused before anything is stored (no blob, no row). The same bytes twice
give the same document, but only within what the uploader can see: bytes that exist in
another unit or at a secrecy above their clearance become a document of their own that
shares the stored blob, and the answer is the one any new upload gets, so an upload never
tells that the other document exists. The job is enqueued only after the commit, with its id.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import and_, case, not_, select
from sqlalchemy.exc import IntegrityError

from archive.accounts import SECRECY_LABELS, Unit
from archive.blobstore import BlobTooLarge
from archive.models import DOC_QUEUED, JOB_QUEUED, Document, Job
from docsvc.access import Principal, document_filter
from docsvc.services.audit import PermissionDenied, record
from docsvc.services.container import Services
from ingest.errors import IngestError
from archive.records import document_state, record_blob

log = logging.getLogger(__name__)


@dataclass
class Submission:
    status: str                  # queued | duplicate
    document_id: int
    job_id: int | None
    page_count: int | None
    media_type: str


class SubmissionRefused(Exception):
    """The file is fine but the request is not (secrecy above clearance, a unit not held)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


def _placement(services: Services, principal: Principal, unit_code: str | None, secrecy: int) -> int:
    """The unit that will hold the document, after checking the principal may place it there."""
    if secrecy not in SECRECY_LABELS:
        raise SubmissionRefused("invalid_secrecy", "Độ mật phải từ 0 (thường) đến 3 (tuyệt mật).")
    if secrecy > principal.clearance:
        raise SubmissionRefused("secrecy_above_clearance",
                                "Không thể lưu văn bản có độ mật cao hơn mức bạn được tiếp cận.")
    with services.session_factory() as session:
        if unit_code:
            unit = session.scalar(select(Unit).where(Unit.code == unit_code))
            if unit is None:
                raise SubmissionRefused("unknown_unit", f"Không có đơn vị mã {unit_code}.")
            unit_id = unit.id
        elif principal.unit_id is not None:
            unit_id = principal.unit_id
        else:  # the system operator with no unit named: the root of the tree
            unit_id = session.scalar(select(Unit.id).where(Unit.parent_id.is_(None)).order_by(Unit.id))
            if unit_id is None:
                raise SubmissionRefused("no_unit", "Chưa có đơn vị nào; hãy chạy 'docsvc init'.")
    if principal.unit_ids is not None and unit_id not in principal.unit_ids:
        raise SubmissionRefused("unit_not_held", "Bạn không thể lưu văn bản vào đơn vị này.")
    return unit_id


def submit_stream(services: Services, stream: BinaryIO, filename: str | None, *, principal: Principal,
                  unit_code: str | None = None, secrecy: int = 0, fields: dict | None = None,
                  personal_data: bool = False, permission: str = "document.upload") -> Submission:
    """Check and record one file. Raises IngestError for bad input and SubmissionRefused for a
    request the rules refuse; nothing is kept in either case. ``personal_data`` marks the
    document as holding personal data (docsvc.access: only ``person.view`` holders see it).
    ``permission``: the action that allows this upload (``civil.book`` for the scans of a
    register book, which a civil-status officer adds without the general upload right)."""
    if not principal.can(permission):
        raise PermissionDenied(permission)
    fields = dict(fields or {})
    personal_data = bool(personal_data or fields.pop("personal_data", False))
    unit_id = _placement(services, principal, unit_code, secrecy)
    limits = services.limits
    try:
        staged = services.blobs.stage(stream, max_bytes=limits.max_bytes)
    except BlobTooLarge:
        raise IngestError("too_large", limit_mb=limits.max_bytes // 1048576) from None
    try:
        if staged.size == 0:
            raise IngestError("empty_file")
        existing = _existing(services, principal, staged.sha256, unit_id, secrecy)
        if existing:
            return existing
        from ingest.inspect import inspect_file

        info = inspect_file(staged.path, limits)
        services.blobs.commit(staged)
    finally:
        staged.discard()  # no-op once committed (the file has moved)

    with services.uow() as uow:
        for attempt in range(1, _ATTEMPTS + 1):
            try:
                record_blob(uow.session, staged.sha256, staged.size, info.media_type, "original")
                doc = Document(sha256=staged.sha256, media_type=info.media_type, size_bytes=staged.size,
                               original_name=_clean_name(filename), status=DOC_QUEUED, page_count=info.page_count,
                               unit_id=unit_id, secrecy=secrecy, personal_data=bool(personal_data),
                               created_by=principal.user_id)
                for name, value in (fields or {}).items():  # register fields given at upload
                    setattr(doc, name, value)
                job = Job(kind="ingest", document=doc, status=JOB_QUEUED,
                          max_attempts=services.settings.job_max_attempts, progress_total=info.page_count)
                uow.session.add_all([doc, job])
                uow.session.flush()
                break
            except IntegrityError:
                # The same bytes arrived at the same moment through another door: the blob row
                # (shared by every holder) or this holder's document was made meanwhile.
                uow.rollback()
                existing = _existing(services, principal, staged.sha256, unit_id, secrecy)
                if existing:
                    return existing
                place = (unit_id, secrecy, personal_data)
                if attempt == _ATTEMPTS or _taken_unseen(services, principal, staged.sha256, *place):
                    raise _cannot_place(services, principal, staged.sha256, *place) from None
        doc_id, job_id = doc.id, job.id
        record(services, uow.session, principal, "document.create", object_type="document",
               object_id=doc_id, state=document_state(doc), details={"job_id": job_id})
        uow.after_commit(lambda: _enqueue(services, job_id))
        uow.commit()
    return Submission("queued", doc_id, job_id, info.page_count, info.media_type)


def submit_path(services: Services, path: Path, **kwargs) -> Submission:
    with open(path, "rb") as fh:
        return submit_stream(services, fh, path.name, **kwargs)


_ATTEMPTS = 5   # lost races for the blob row, then for the document; a few more tries for a busy machine


def _existing(services: Services, principal: Principal, sha256: str, unit_id: int,
              secrecy: int) -> Submission | None:
    """A document with these bytes that the uploader can see, the one at the requested holder
    and secrecy first. One they cannot see is never answered (see the module docstring)."""
    same_place = case((and_(Document.unit_id == unit_id, Document.secrecy == secrecy), 0), else_=1)
    with services.session_factory() as session:
        doc = session.scalar(select(Document)
                             .where(Document.sha256 == sha256, document_filter(principal))
                             .order_by(same_place, Document.id).limit(1))
        if doc is None:
            return None
        last_job = session.scalar(select(Job.id).where(Job.document_id == doc.id).order_by(Job.id.desc()))
        return Submission("duplicate", doc.id, last_job, doc.page_count, doc.media_type)


def _taken_unseen(services: Services, principal: Principal, sha256: str, unit_id: int, secrecy: int,
                  personal_data: bool) -> bool:
    """These bytes already have a document at this very holder, secrecy and mark that the
    uploader may not see (only when they mark an upload personal without holding
    ``person.view``): one cannot be made beside it. A document there that they *can* see is not
    this case: it committed after ``_existing`` looked, and the next attempt answers it."""
    with services.session_factory() as session:
        return session.scalar(select(Document.id).where(
            Document.sha256 == sha256, Document.unit_id == unit_id, Document.secrecy == secrecy,
            Document.personal_data == personal_data, not_(document_filter(principal)))) is not None


def _cannot_place(services: Services, principal: Principal, sha256: str, unit_id: int, secrecy: int,
                  personal_data: bool) -> Exception:
    if _taken_unseen(services, principal, sha256, unit_id, secrecy, personal_data):
        return SubmissionRefused("cannot_place", "Không thể lưu tệp này vào đơn vị và độ mật đã chọn; "
                                                 "hãy liên hệ văn thư của đơn vị.")
    return RuntimeError(f"could not record the upload of {sha256} after {_ATTEMPTS} attempts")


def _enqueue(services: Services, job_id: int) -> None:
    try:
        services.queue.enqueue(job_id)
    except Exception:
        # The job row is committed; recovery will enqueue it again. Never lose the upload.
        log.exception("could not enqueue job %s; recovery will pick it up", job_id)


def _clean_name(filename: str | None) -> str | None:
    if not filename:
        return None
    # NUL is never part of a name, and PostgreSQL text cannot hold it (SQLite can).
    name = Path(filename.replace("\\", "/").replace("\x00", "")).name.strip()
    return name[:500] or None

