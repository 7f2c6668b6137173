"""Small helpers over the records that several writers share (the job runner, the use cases).

They live here, beside the models, because both ``ingest/`` (the worker) and ``docsvc/``
(uploads, field edits) write documents and blobs, and neither should import the other.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from archive.models import Blob, Document

# The register fields read from page 1 when a person left them empty (ingest.metadata).
REGISTER_FIELDS = ("doc_type", "number", "symbol", "issuer", "issued_on", "abstract")


def document_state(doc: Document) -> dict:
    """What the audit trail digests about a document after a change."""
    return {"id": doc.id, "sha256": doc.sha256, "media_type": doc.media_type, "status": doc.status,
            "page_count": doc.page_count, "unit_id": doc.unit_id, "secrecy": doc.secrecy,
            "title": doc.title, "error": doc.error, "direction": doc.direction,
            "arrived_on": doc.arrived_on, **{f: getattr(doc, f) for f in REGISTER_FIELDS}}


def record_blob(session: Session, sha256: str, size: int, media_type: str, role: str) -> None:
    """Insert a blob row unless it exists (blobs are shared: the same bytes, one row)."""
    if session.get(Blob, sha256) is None:
        session.add(Blob(sha256=sha256, size_bytes=size, media_type=media_type, role=role))
        session.flush()
