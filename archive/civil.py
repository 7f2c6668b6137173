"""Civil-status registers (DOMAIN.md §4, issue 11): register books, their scanned pages, the
entries read from them, the keyings of double keying, and the revisions that correct them.

These are records that point at files (DESIGN.md "Use cases, records and files"): a page is
an ingested ``Document`` (always personal data); an entry points at the archive ``Page`` row
it stands on and the region there. Entries are evidence: once verified, a change is a new
``RegisterRevision`` row with who, when, why and the old and new value of each field.

Numbering: entries run from 01 each year per registering office and kind, and a second
book of the same year continues the sequence, hence the unique key on (office, kind, year,
number) rather than on the book. ``number`` is NULL only for a machine proposal whose
number is already taken (it stays proposed, with the number it read kept in its fields).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from archive.models import Base, utcnow

BOOK_KINDS = ("birth", "death", "marriage")
VERIFICATION_MODES = ("review", "double")


class RegisterBook(Base):
    """One register book (sổ, quyển) of one registering office and kind of event.

    ``office_unit_id`` is the office that registered the entries, kept even after it is
    abolished; custody follows the unit's ``successor_id`` (archive.accounts)."""

    __tablename__ = "register_books"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    office_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))                 # birth | death | marriage
    year_from: Mapped[int] = mapped_column(Integer)
    year_to: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(300))
    condition_notes: Mapped[str | None] = mapped_column(Text)
    verification_mode: Mapped[str] = mapped_column(String(16), default="review")  # review | double
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    pages: Mapped[list["RegisterPage"]] = relationship(back_populates="book", order_by="RegisterPage.seq")


class RegisterPage(Base):
    """A scanned page of a book, in book order: the ingested document holding the scan."""

    __tablename__ = "register_pages"
    __table_args__ = (UniqueConstraint("book_id", "seq", name="uq_register_pages_book_seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("register_books.id"))
    seq: Mapped[int] = mapped_column(Integer)                      # 1-based order in the book
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    parsed_at: Mapped[datetime | None] = mapped_column()
    parse_note: Mapped[str | None] = mapped_column(Text)          # why nothing was proposed, warnings

    book: Mapped[RegisterBook] = relationship(back_populates="pages")


class RegisterEntry(Base):
    """One registered event. ``fields`` holds ``{key: {"value", "state", "confidence"}}``
    (docsvc/civil/fields.py); ``number`` and ``year`` repeat what the fields say, for the key.

    ``version`` rises with every write (SQLAlchemy's version counter): a write based on an
    older reading fails instead of overwriting what another person saved meanwhile."""

    __tablename__ = "register_entries"
    __table_args__ = (
        UniqueConstraint("office_unit_id", "kind", "year", "number", name="uq_register_entries_number"),
        Index("ix_register_entries_book_status", "book_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("register_books.id"))
    office_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    kind: Mapped[str] = mapped_column(String(16))
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="proposed")  # proposed | keyed | verified | disputed
    fields: Mapped[dict[str, Any]] = mapped_column(default=dict)
    page_id: Mapped[int | None] = mapped_column(ForeignKey("pages.id"), index=True)
    box: Mapped[list[Any] | None] = mapped_column()               # [x, y, w, h] in page-image pixels
    extra_pages: Mapped[list[Any] | None] = mapped_column()       # further page ids when an entry runs on
    keyed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    keyed_at: Mapped[datetime | None] = mapped_column()
    verified_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    verified_at: Mapped[datetime | None] = mapped_column()
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __mapper_args__ = {"version_id_col": version}


class RegisterKeying(Base):
    """One person's keying of an entry under double keying: round 1 (the first keying or the
    acceptance of a proposal), round 2 (the blind second keying), round 3 (the arbitration)."""

    __tablename__ = "register_keyings"
    __table_args__ = (UniqueConstraint("entry_id", "round", name="uq_register_keyings_entry_round"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("register_entries.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    round: Mapped[int] = mapped_column(Integer)
    fields: Mapped[dict[str, Any]] = mapped_column(default=dict)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class RegisterRevision(Base):
    """A change of a keyed or verified entry, never an edit in place: who, when, why, the
    legal basis for a change of civil status, and ``{key: {"old", "new"}}`` per field.
    ``stage``: ``keying`` (the keyer's own later edit), ``review`` (a reviewer's change
    before verifying), ``arbitration``, ``correction`` (of a verified entry)."""

    __tablename__ = "register_revisions"
    __table_args__ = (UniqueConstraint("entry_id", "seq", name="uq_register_revisions_entry_seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("register_entries.id"))
    seq: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    stage: Mapped[str] = mapped_column(String(16), default="correction")
    reason: Mapped[str] = mapped_column(Text)
    legal_basis: Mapped[str | None] = mapped_column(String(200))   # decision number
    legal_basis_date: Mapped[date | None] = mapped_column(Date)
    changes: Mapped[dict[str, Any]] = mapped_column(default=dict)
