"""SQLAlchemy models of the system of record.

Every table is created by an Alembic migration (archive/migrations); a test checks that
these models and the migrations agree.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use timezone-aware UTC")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSON, list[Any]: JSON}


# Document and job states, as stored.
DOC_QUEUED, DOC_PROCESSING, DOC_DONE, DOC_FAILED = "queued", "processing", "done", "failed"
JOB_QUEUED, JOB_RUNNING, JOB_DONE, JOB_FAILED = "queued", "running", "done", "failed"
SOURCE_TEXT_LAYER, SOURCE_OCR = "text_layer", "ocr"


class Blob(Base):
    """A file in the content-addressed blob store, recorded so fixity can find it missing."""

    __tablename__ = "blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    media_type: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))  # original | page_image | thumbnail
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Document(Base):
    """One original file. The same bytes never make a second document."""

    __tablename__ = "documents"
    # The same bytes make one document per holder, secrecy and personal-data mark: an upload of
    # bytes that exist where the uploader cannot see them makes a document of their own sharing
    # the blob, so the upload reveals nothing (issue 9). Within what they see, it is a duplicate.
    __table_args__ = (UniqueConstraint("sha256", "unit_id", "secrecy", "personal_data", name="uq_documents_holder"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), ForeignKey("blobs.sha256"), index=True)
    media_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    original_name: Mapped[str | None] = mapped_column(String(500))
    title: Mapped[str | None] = mapped_column(String(1000))
    status: Mapped[str] = mapped_column(String(16), default=DOC_QUEUED, index=True)
    error: Mapped[str | None] = mapped_column(Text)
    page_count: Mapped[int | None] = mapped_column(Integer)
    # Who holds it and how secret it is (DOMAIN.md §1): access is decided from these two.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    secrecy: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Personal data (civil-status pages and the like): seen only with person.view, every read
    # logged with its purpose. Once set it stays set.
    personal_data: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Register fields (Decree 30, Appendix VI). Read from page 1 when a person left them empty.
    doc_type: Mapped[str | None] = mapped_column(String(64), index=True)
    number: Mapped[int | None] = mapped_column(Integer)
    symbol: Mapped[str | None] = mapped_column(String(64))
    issuer: Mapped[str | None] = mapped_column(String(300))
    issued_on: Mapped[date | None] = mapped_column(Date, index=True)
    arrived_on: Mapped[date | None] = mapped_column(Date)
    direction: Mapped[str | None] = mapped_column(String(16))  # incoming | outgoing
    abstract: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    pages: Mapped[list["Page"]] = relationship(
        back_populates="document", order_by="Page.number", cascade="all, delete-orphan"
    )
    jobs: Mapped[list["Job"]] = relationship(back_populates="document", order_by="Job.id")

    @property
    def number_symbol(self) -> str | None:
        """'135/KH-UBND' (the number has two digits at least)."""
        if self.number is None or not self.symbol:
            return None
        return f"{self.number:02d}/{self.symbol}"

    @property
    def display_title(self) -> str:
        """The title a person gave, else one composed from the register fields (Decree 30:
        type, number and symbol, abstract), else the file name."""
        if self.title:
            return self.title
        head = " ".join(part for part in (self.doc_type, self.number_symbol) if part)
        if head:
            return f"{head} về việc {self.abstract}" if self.abstract else head
        return self.abstract or self.original_name or f"#{self.id}"


class Page(Base):
    """Text of one page, where it came from, and its images."""

    __tablename__ = "pages"
    __table_args__ = (UniqueConstraint("document_id", "number", name="uq_pages_document_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)  # 1-based
    text: Mapped[str] = mapped_column(Text, default="")  # NFC
    source: Mapped[str] = mapped_column(String(16))  # text_layer | ocr
    confidence: Mapped[float | None] = mapped_column(Float)  # mean word confidence, 0-100
    words: Mapped[list[Any] | None] = mapped_column(JSON)  # [[text, conf, x, y, w, h], ...]
    width: Mapped[int | None] = mapped_column(Integer)  # pixels of the image the boxes refer to
    height: Mapped[int | None] = mapped_column(Integer)
    dpi: Mapped[int | None] = mapped_column(Integer)
    image_sha256: Mapped[str | None] = mapped_column(String(64), ForeignKey("blobs.sha256"))
    thumbnail_sha256: Mapped[str | None] = mapped_column(String(64), ForeignKey("blobs.sha256"))

    document: Mapped[Document] = relationship(back_populates="pages")


class Job(Base):
    """A unit of background work. The database row, not the queue, is the truth about it:
    the queue only carries the id, and a job whose worker died is found by its lapsed lease."""

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_status_lease", "status", "lease_until"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), default="ingest")
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default=JOB_QUEUED)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=3)
    error: Mapped[str | None] = mapped_column(Text)
    error_code: Mapped[str | None] = mapped_column(String(64))
    progress_done: Mapped[int] = mapped_column(Integer, default=0)
    progress_total: Mapped[int | None] = mapped_column(Integer)
    claim_token: Mapped[str | None] = mapped_column(String(64))
    worker_id: Mapped[str | None] = mapped_column(String(128))
    lease_until: Mapped[datetime | None] = mapped_column()
    run_after: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column()
    finished_at: Mapped[datetime | None] = mapped_column()

    document: Mapped[Document | None] = relationship(back_populates="jobs")


class Worker(Base):
    """A running worker process, seen alive through its heartbeat."""

    __tablename__ = "workers"

    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    hostname: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    slots: Mapped[int | None] = mapped_column(Integer)  # its own job slots (--threads), shown on the status page
