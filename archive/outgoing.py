"""Outgoing documents and their ISO 9001 issuing process (DOMAIN.md §1, §2; issue 14).

An ``OutgoingDocument`` is one document an issuing body sends out: drafted by a unit, with
an intended signer, recipients inside the system (units) and outside (names). Its drafts are
``OutgoingVersion`` rows: each revision a new version, one current, the superseded ones kept
readable and marked obsolete (``superseded_at``). Its process is a chain of ``OutgoingStep``
rows — who, role, decision, comment, version, time — that are records in the ISO sense:
never edited, never deleted (database triggers refuse both, as for the audit trail).

Numbering writes the outgoing register's columns onto the document itself: the issuer's
yearly sequence (``archive.sequences``; scope ``outgoing``, or ``outgoing_secret`` from Mật
up), ``seq``, ``number_symbol`` and ``issued_on``. A number is never reused: a document
withdrawn after numbering keeps it, with ``withdrawn_note``.

``OutgoingDelivery`` records the release to each recipient: the arrival row made in an
internal recipient's incoming register, or the exchange package written or sent for an
external one. ``OutgoingLink`` ties a later document to an earlier one it amends, replaces
or annuls; the earlier one's ``control_status`` follows.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from archive.models import Base, utcnow

OUTGOING_SCOPE = "outgoing"
OUTGOING_SECRET_SCOPE = "outgoing_secret"

# The states of the process, in order. ``returned`` is a draft sent back with comments; a
# new version must follow before it is submitted again. ``withdrawn`` ends a document that
# will not go out (after numbering it keeps its number).
DRAFT, SUBMITTED, APPROVED, FORM_CHECKED, CHECKED, SIGNED, NUMBERED, RELEASED, FILED = (
    "draft", "submitted", "approved", "form_checked", "checked", "signed", "numbered", "released", "filed")
RETURNED, WITHDRAWN = "returned", "withdrawn"
STATES = (DRAFT, RETURNED, SUBMITTED, APPROVED, FORM_CHECKED, CHECKED, SIGNED, NUMBERED, RELEASED, FILED,
          WITHDRAWN)

# Control status of an issued document (ISO 9001 7.5: documents in force, and which not).
IN_FORCE, AMENDED, REPLACED, ANNULLED = "in_force", "amended", "replaced", "annulled"
LINK_AMENDS, LINK_REPLACES, LINK_ANNULS = "amends", "replaces", "annuls"
LINK_STATUS = {LINK_AMENDS: AMENDED, LINK_REPLACES: REPLACED, LINK_ANNULS: ANNULLED}

SIGNATURE_DIGITAL, SIGNATURE_WET = "digital", "wet"


class OutgoingDocument(Base):
    __tablename__ = "outgoing_documents"
    __table_args__ = (
        UniqueConstraint("issuer_unit_id", "scope", "year", "seq", name="uq_outgoing_issuer_scope_year_seq"),
        Index("ix_outgoing_issuer_year", "issuer_unit_id", "year", "seq"),
        Index("ix_outgoing_state", "state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    issuer_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))     # the issuing body
    drafting_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    doc_type: Mapped[str] = mapped_column(String(64))                        # "Quyết định", "Công văn"
    type_abbr: Mapped[str | None] = mapped_column(String(16))                # "QĐ"; None for a công văn
    abstract: Mapped[str] = mapped_column(Text)                              # trích yếu
    recipients: Mapped[list[Any]] = mapped_column(JSON, default=list)        # [{"unit_id", "code", "name"} | {"name"}]
    secrecy: Mapped[int] = mapped_column(Integer, default=0)
    urgency: Mapped[int] = mapped_column(Integer, default=0)
    signer_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # the intended signer
    signer_title: Mapped[str | None] = mapped_column(String(200))            # "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH"
    in_reply_to_id: Mapped[int | None] = mapped_column(ForeignKey("incoming_documents.id"), index=True)
    due_on: Mapped[date | None] = mapped_column(Date)                        # a reply asked by (envelope)
    copies: Mapped[int | None] = mapped_column(Integer)                      # number of copies (register)
    state: Mapped[str] = mapped_column(String(16), default=DRAFT)
    current_version: Mapped[int] = mapped_column(Integer, default=1)
    # Signature: the signed file released (a digitally signed PDF or the scan of the paper).
    signature_kind: Mapped[str | None] = mapped_column(String(16))           # digital | wet
    signed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    signed_at: Mapped[datetime | None] = mapped_column()
    signed_sha256: Mapped[str | None] = mapped_column(String(64), ForeignKey("blobs.sha256"))
    # Numbering (the outgoing register's columns).
    scope: Mapped[str | None] = mapped_column(String(32))                    # outgoing | outgoing_secret
    year: Mapped[int | None] = mapped_column(Integer)
    seq: Mapped[int | None] = mapped_column(Integer)
    number_symbol: Mapped[str | None] = mapped_column(String(100), index=True)  # "05/QĐ-UBND"
    issued_on: Mapped[date | None] = mapped_column(Date)
    numbered_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    released_sha256: Mapped[str | None] = mapped_column(String(64), ForeignKey("blobs.sha256"))
    released_at: Mapped[datetime | None] = mapped_column()
    released_on: Mapped[date | None] = mapped_column(Date)                   # date sent (register)
    # Filing: the archive's copy, its retention, the process history as a file.
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"), index=True)
    history_sha256: Mapped[str | None] = mapped_column(String(64), ForeignKey("blobs.sha256"))
    retention: Mapped[str | None] = mapped_column(String(32))                # "permanent" | "20" (years)
    filed_at: Mapped[datetime | None] = mapped_column()
    control_status: Mapped[str] = mapped_column(String(16), default=IN_FORCE)
    withdrawn_note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class OutgoingVersion(Base):
    __tablename__ = "outgoing_versions"
    __table_args__ = (UniqueConstraint("outgoing_id", "number", name="uq_outgoing_versions_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    outgoing_id: Mapped[int] = mapped_column(ForeignKey("outgoing_documents.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)                             # 1, 2, ...
    file_sha256: Mapped[str] = mapped_column(String(64), ForeignKey("blobs.sha256"))
    file_name: Mapped[str | None] = mapped_column(String(300))
    media_type: Mapped[str] = mapped_column(String(100))
    pdf_sha256: Mapped[str | None] = mapped_column(String(64), ForeignKey("blobs.sha256"))  # readable copy
    conversion_note: Mapped[str | None] = mapped_column(Text)                # why there is no PDF
    note: Mapped[str | None] = mapped_column(Text)                           # what changed
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    superseded_at: Mapped[datetime | None] = mapped_column()                 # obsolete from then on


class OutgoingStep(Base):
    """One step of the process, as an ISO record: never updated, never deleted."""

    __tablename__ = "outgoing_steps"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    outgoing_id: Mapped[int] = mapped_column(ForeignKey("outgoing_documents.id"), index=True)
    action: Mapped[str] = mapped_column(String(16))                          # create | submit | approve | ...
    from_state: Mapped[str | None] = mapped_column(String(16))
    to_state: Mapped[str] = mapped_column(String(16))
    decision: Mapped[str | None] = mapped_column(String(32))                 # approved | returned | ...
    comment: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int | None] = mapped_column(Integer)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_name: Mapped[str] = mapped_column(String(200))
    actor_role: Mapped[str | None] = mapped_column(String(32))               # the role the step was taken in
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)      # form checks, number, deliveries
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class OutgoingDelivery(Base):
    __tablename__ = "outgoing_deliveries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    outgoing_id: Mapped[int] = mapped_column(ForeignKey("outgoing_documents.id"), index=True)
    recipient_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    recipient_name: Mapped[str] = mapped_column(String(300))
    channel: Mapped[str] = mapped_column(String(16))                         # internal | folder | smtp | none
    incoming_id: Mapped[int | None] = mapped_column(ForeignKey("incoming_documents.id"))
    status: Mapped[str] = mapped_column(String(16))                          # delivered | written | sent | failed
    detail: Mapped[str | None] = mapped_column(Text)                         # the path, the address, the error
    at: Mapped[datetime] = mapped_column(default=utcnow)


class OutgoingLink(Base):
    __tablename__ = "outgoing_links"
    __table_args__ = (UniqueConstraint("from_id", "to_id", name="uq_outgoing_links_pair"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    from_id: Mapped[int] = mapped_column(ForeignKey("outgoing_documents.id"), index=True)  # the later one
    to_id: Mapped[int] = mapped_column(ForeignKey("outgoing_documents.id"), index=True)    # the earlier one
    kind: Mapped[str] = mapped_column(String(16))                            # amends | replaces | annuls
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PersonalCertificate(Base):
    """A leader's own signing certificate (the personal signature of Decree 30); its key is
    kept encrypted under the data directory's ``keys/`` like an office's."""

    __tablename__ = "personal_certificates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    subject: Mapped[str] = mapped_column(String(300))
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    certificate_pem: Mapped[str] = mapped_column(Text)
    chain_pem: Mapped[str] = mapped_column(Text, default="")
    not_after: Mapped[datetime] = mapped_column()
    key_file: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class OutgoingSettings(Base):
    """What an issuing body's outgoing documents need: the abbreviations in number and symbol,
    the heading, the place in the date line, the legal-check unit and where external packages
    go. One row per issuing body; a drafting unit's abbreviation is its own row's ``abbr``."""

    __tablename__ = "outgoing_settings"

    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True)
    abbr: Mapped[str] = mapped_column(String(32))                            # "UBND", "VP"
    place: Mapped[str | None] = mapped_column(String(200))                   # "Tân Phú"
    legal_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    exchange_dir: Mapped[str | None] = mapped_column(String(500))            # external packages written here
    exchange_email: Mapped[str | None] = mapped_column(String(254))          # or sent here by SMTP
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


# Triggers that make the steps append-only at the database level (used by the migration).
SQLITE_STEP_TRIGGERS = [
    "CREATE TRIGGER outgoing_steps_no_update BEFORE UPDATE ON outgoing_steps "
    "BEGIN SELECT RAISE(ABORT, 'outgoing steps are records: they are never changed'); END",
    "CREATE TRIGGER outgoing_steps_no_delete BEFORE DELETE ON outgoing_steps "
    "BEGIN SELECT RAISE(ABORT, 'outgoing steps are records: they are never changed'); END",
]
POSTGRES_STEP_TRIGGERS = [
    "CREATE OR REPLACE FUNCTION outgoing_steps_append_only() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION 'outgoing steps are records: they are never changed'; END $$ LANGUAGE plpgsql",
    "CREATE TRIGGER outgoing_steps_no_change BEFORE UPDATE OR DELETE ON outgoing_steps "
    "FOR EACH ROW EXECUTE FUNCTION outgoing_steps_append_only()",
    "CREATE TRIGGER outgoing_steps_no_truncate BEFORE TRUNCATE ON outgoing_steps "
    "FOR EACH STATEMENT EXECUTE FUNCTION outgoing_steps_append_only()",
]


class RetentionRule(Base):
    """The retention schedule by document type (a configurable table, seeded from the
    schedule of Circular 10/2022/TT-BNV's common groups; the office edits it)."""

    __tablename__ = "retention_rules"

    doc_type: Mapped[str] = mapped_column(String(64), primary_key=True)     # "Quyết định"; "*" the default
    retention: Mapped[str] = mapped_column(String(32))                      # "permanent" | "10" (years)
    basis: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
