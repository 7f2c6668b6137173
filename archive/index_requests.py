"""Documents read on a host without the search index, waiting for the index host.

The search index is single-writer and lives on one *index host* (README, Deployment). A
worker on another host (``DOCSVC_INDEX_HERE=0``) reads documents like any worker, then
writes their ids here in the same database instead of into an index of its own; the index
host's worker takes them in order and indexes them. A row is removed only by the read that
indexed it: a document asked again while it was being indexed keeps a newer row, and is
indexed once more."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from archive.models import Base, utcnow


class IndexRequest(Base):
    __tablename__ = "index_requests"

    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True)
    requested_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    worker: Mapped[str] = mapped_column(String(128), default="")
