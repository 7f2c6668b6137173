"""Certified extract copies (bản sao trích lục, DOMAIN.md §4, issue 12).

Records that point at files (DESIGN.md): an ``Extract`` is evidence — its number, what was
printed (a snapshot of the entry as issued), who asked and why, who signed, and the signed
PDF in the blob store. It is never edited: a wrong extract gets an ``ExtractRevocation`` row
and its number stays used. Numbers come from ``archive.sequences`` (scope ``extract``: one
yearly sequence per issuing office, whatever the kind of event).

An issuing office has its settings (``ExtractOffice``: place of issue, heading, whether the
number carries the year), its list of signers (``ExtractSigner``: an officer and the title
printed above the name) and its certificates (``ExtractCertificate``): the public part is
kept here so that every extract ever signed can still be checked after the office renews its
certificate; the private key is a file in the data directory's ``keys/`` folder.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from archive.models import Base, utcnow

EXTRACT_SCOPE = "extract"


class ExtractOffice(Base):
    __tablename__ = "extract_offices"

    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True)
    place: Mapped[str] = mapped_column(String(200))                  # "Phường Bến Nghé" (place of issue)
    heading: Mapped[str] = mapped_column(Text)                        # heading lines, one per line
    number_with_year: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ExtractSigner(Base):
    __tablename__ = "extract_signers"
    __table_args__ = (UniqueConstraint("unit_id", "user_id", name="uq_extract_signers_unit_user"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(String(200))                   # "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH"
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ExtractCertificate(Base):
    __tablename__ = "extract_certificates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    subject: Mapped[str] = mapped_column(String(300))
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 of the leaf (DER)
    certificate_pem: Mapped[str] = mapped_column(Text)
    chain_pem: Mapped[str] = mapped_column(Text, default="")          # the issuers, trust roots of checks
    not_after: Mapped[datetime] = mapped_column()
    key_file: Mapped[str] = mapped_column(String(200))               # name under settings.resolved_key_dir
    active: Mapped[bool] = mapped_column(Boolean, default=True)      # the one new extracts are signed with
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Extract(Base):
    __tablename__ = "extracts"
    __table_args__ = (UniqueConstraint("office_unit_id", "year", "seq", name="uq_extracts_office_year_seq"),
                      Index("ix_extracts_office_issued", "office_unit_id", "issued_on"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    office_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(64))                   # "167/TLKS-BS", "470/2025/TLKT-BS"
    kind: Mapped[str] = mapped_column(String(16))                     # birth | death | marriage
    entry_id: Mapped[int] = mapped_column(ForeignKey("register_entries.id"), index=True)
    entry_revisions: Mapped[int] = mapped_column(Integer, default=0)  # revisions of the entry printed
    content: Mapped[dict[str, Any]] = mapped_column(JSON)             # what was printed (the snapshot)
    requester_name: Mapped[str] = mapped_column(String(200))
    requester_id_paper: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str | None] = mapped_column(String(500))          # relationship or purpose
    copies: Mapped[int] = mapped_column(Integer, default=1)
    signer_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    signer_name: Mapped[str] = mapped_column(String(200))
    signer_title: Mapped[str] = mapped_column(String(200))
    certificate_id: Mapped[int | None] = mapped_column(ForeignKey("extract_certificates.id"))
    pdf_sha256: Mapped[str] = mapped_column(String(64), ForeignKey("blobs.sha256"))
    verify_code: Mapped[str] = mapped_column(String(43), unique=True)  # ≥ 128 random bits, URL-safe
    holder_initials: Mapped[str] = mapped_column(String(16), default="")
    issued_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    issued_on: Mapped[date] = mapped_column(Date)                     # local day of issue


class ExtractRevocation(Base):
    __tablename__ = "extract_revocations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    extract_id: Mapped[int] = mapped_column(ForeignKey("extracts.id"), unique=True)
    reason: Mapped[str] = mapped_column(Text)
    revoked_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    revoked_at: Mapped[datetime] = mapped_column(default=utcnow)
