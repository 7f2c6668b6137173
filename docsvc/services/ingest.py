"""Taking a file in: check it, keep its bytes once, record the document and its job together.

Bad input is refused before anything is stored (no blob, no row). The same bytes twice
give the same document. The job is enqueued only after the commit, with its id.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from archive.blobstore import BlobTooLarge
from archive.models import DOC_QUEUED, JOB_QUEUED, Document, Job
from docsvc.services.container import Services
from ingest.errors import IngestError
from ingest.jobs import record_blob

log = logging.getLogger(__name__)


@dataclass
class Submission:
    status: str                  # queued | duplicate
    document_id: int
    job_id: int | None
    page_count: int | None
    media_type: str


def submit_stream(services: Services, stream: BinaryIO, filename: str | None) -> Submission:
    """Check and record one file. Raises IngestError for bad input (nothing is kept)."""
    limits = services.limits
    try:
        staged = services.blobs.stage(stream, max_bytes=limits.max_bytes)
    except BlobTooLarge:
        raise IngestError("too_large", limit_mb=limits.max_bytes // 1048576) from None
    try:
        if staged.size == 0:
            raise IngestError("empty_file")
        existing = _existing(services, staged.sha256)
        if existing:
            return existing
        from ingest.inspect import inspect_file

        info = inspect_file(staged.path, limits)
        services.blobs.commit(staged)
    finally:
        staged.discard()  # no-op once committed (the file has moved)

    with services.uow() as uow:
        record_blob(uow.session, staged.sha256, staged.size, info.media_type, "original")
        doc = Document(sha256=staged.sha256, media_type=info.media_type, size_bytes=staged.size,
                       original_name=_clean_name(filename), title=_title_from(filename),
                       status=DOC_QUEUED, page_count=info.page_count)
        job = Job(kind="ingest", document=doc, status=JOB_QUEUED,
                  max_attempts=services.settings.job_max_attempts, progress_total=info.page_count)
        uow.session.add_all([doc, job])
        try:
            uow.session.flush()
        except IntegrityError:
            # The same bytes arrived at the same moment through another door.
            uow.rollback()
            existing = _existing(services, staged.sha256)
            if existing:
                return existing
            raise
        doc_id, job_id = doc.id, job.id
        uow.after_commit(lambda: _enqueue(services, job_id))
        uow.commit()
    return Submission("queued", doc_id, job_id, info.page_count, info.media_type)


def submit_path(services: Services, path: Path) -> Submission:
    with open(path, "rb") as fh:
        return submit_stream(services, fh, path.name)


def _existing(services: Services, sha256: str) -> Submission | None:
    with services.session_factory() as session:
        doc = session.scalar(select(Document).where(Document.sha256 == sha256))
        if doc is None:
            return None
        last_job = session.scalar(select(Job.id).where(Job.document_id == doc.id).order_by(Job.id.desc()))
        return Submission("duplicate", doc.id, last_job, doc.page_count, doc.media_type)


def _enqueue(services: Services, job_id: int) -> None:
    try:
        services.queue.enqueue(job_id)
    except Exception:
        # The job row is committed; recovery will enqueue it again. Never lose the upload.
        log.exception("could not enqueue job %s; recovery will pick it up", job_id)


def _clean_name(filename: str | None) -> str | None:
    if not filename:
        return None
    name = Path(filename.replace("\\", "/")).name.strip()
    return name[:500] or None


def _title_from(filename: str | None) -> str | None:
    name = _clean_name(filename)
    if not name:
        return None
    return Path(name).stem.replace("_", " ")[:1000]
