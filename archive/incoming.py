"""The incoming register (sổ đăng ký văn bản đến, DOMAIN.md §1, issue 13).

An ``IncomingDocument`` is the register row of one arrival: the next arrival number of the
registering office's yearly sequence (``archive.sequences``; scope ``incoming``, or
``incoming_secret`` for a document marked Mật or above: secret documents have their own
sequence), the moment it arrived, urgency and secrecy, and the register columns under the
document's own names (number, symbol, doc_type, issuer, issued_on, abstract). It may point
at a ``Document`` (the scan or upload it was registered from) or stand alone (typed).

``field_sources`` says, per register field, who filled it: ``machine`` (read from the scan's
first page and not yet confirmed by the clerk) or ``clerk``. A registered row is evidence:
its number is never reused; changes to its fields are recorded in the audit trail.

``dedupe_key`` is number + symbol + issuer folded (case, diacritics, spaces), so that a
repeat is found by an index lookup; a repeat registered on purpose names the earlier row in
``duplicate_of_id`` with the clerk's reason.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from archive.models import Base, utcnow

INCOMING_SCOPE = "incoming"
INCOMING_SECRET_SCOPE = "incoming_secret"

# Urgency (độ khẩn), stored as a rank: the higher, the sooner it goes to the top of a list.
URGENCY_NORMAL, URGENCY_KHAN, URGENCY_THUONG_KHAN, URGENCY_HOA_TOC = 0, 1, 2, 3
URGENCY_LABELS = {0: "Thường", 1: "Khẩn", 2: "Thượng khẩn", 3: "Hỏa tốc"}
URGENCY_CODES = {"normal": 0, "khan": 1, "thuong_khan": 2, "hoa_toc": 3}

# Status of the row as a piece of work (a working state, not evidence: the trail is in
# assignment_events).
INCOMING_REGISTERED, INCOMING_ASSIGNED, INCOMING_DONE = "registered", "assigned", "done"


class IncomingDocument(Base):
    __tablename__ = "incoming_documents"
    __table_args__ = (
        UniqueConstraint("office_unit_id", "scope", "year", "arrival_number", name="uq_incoming_office_scope_year_number"),
        Index("ix_incoming_office_year", "office_unit_id", "year", "arrival_number"),
        Index("ix_incoming_status_urgency", "status", "urgency"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    office_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))   # the registering office
    scope: Mapped[str] = mapped_column(String(32), default=INCOMING_SCOPE)  # its sequence
    year: Mapped[int] = mapped_column(Integer)
    arrival_number: Mapped[int] = mapped_column(Integer)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"), index=True)
    # The register columns, under the document's own names.
    number: Mapped[str | None] = mapped_column(String(32))                # "135" (kept as written)
    symbol: Mapped[str | None] = mapped_column(String(64))                # "KH-UBND"
    doc_type: Mapped[str | None] = mapped_column(String(64))
    issuer: Mapped[str | None] = mapped_column(String(300))               # author (issuing body)
    issued_on: Mapped[date | None] = mapped_column(Date)
    abstract: Mapped[str | None] = mapped_column(Text)                    # trích yếu
    page_count: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str | None] = mapped_column(Text)
    field_sources: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # field -> machine | clerk
    arrived_at: Mapped[datetime] = mapped_column()                         # the moment it arrived (UTC)
    arrived_on: Mapped[date] = mapped_column(Date, index=True)             # its local day (register column)
    urgency: Mapped[int] = mapped_column(Integer, default=URGENCY_NORMAL)
    secrecy: Mapped[int] = mapped_column(Integer, default=0)
    dedupe_key: Mapped[str | None] = mapped_column(String(400), index=True)
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("incoming_documents.id"))
    duplicate_reason: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=INCOMING_REGISTERED)
    registered_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    registered_at: Mapped[datetime] = mapped_column(default=utcnow)
