"""One-stop dossiers (hồ sơ thủ tục hành chính, DOMAIN.md §3, issue 13).

``Procedure``: the configurable list of procedures, each with its field (Hộ tịch, Đất đai,
Chứng thực, Kinh doanh, ...) and statutory time in working days. ``OneStopOffice``: the
receiving office's settings (the national agency code printed in dossier codes, the heading
and place printed on receipts).

``Dossier``: code ``{agency_code}-{YYMMDD}-{NNNN}`` (the four-digit daily sequence comes
from ``archive.sequences``, scope ``dossier``, with the day ``YYYYMMDD`` as its "year"), the
applicant, when it was received (a past moment is allowed: paper received earlier), the
promised return date, and its state. ``clock_from`` is day 0 of the current count: the
receipt day, or the day a requested supplement was completed (the clock restarts). The
field and the main handling unit are copied onto the row, and the standing (early / on_time
/ late) and score are stored when it is returned, so that the on-time report is one grouped
query over millions of rows.

``DossierEvent`` is the trace (received, supplement requested / completed, refused, routed,
apology with a new date, returned), never edited.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from archive.models import Base, utcnow

DOSSIER_SCOPE = "dossier"

# Dossier states.
RECEIVED = "received"            # accepted at the desk, not yet routed
SUPPLEMENT = "supplement"        # waiting for the applicant's supplement (clock stopped)
REFUSED = "refused"              # refused at reception, with a reason
IN_PROGRESS = "in_progress"      # routed to the handling unit
RETURNED = "returned"            # result handed back to the applicant
STATES = (RECEIVED, SUPPLEMENT, REFUSED, IN_PROGRESS, RETURNED)
IN_HAND = (RECEIVED, IN_PROGRESS, SUPPLEMENT)
# As literal SQL, so that a query that says the same can use the partial index below (SQLite
# cannot match a bound parameter against an index's WHERE).
IN_HAND_SQL = "status IN ('received', 'in_progress', 'supplement')"


class Procedure(Base):
    __tablename__ = "procedures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(500))
    field: Mapped[str] = mapped_column(String(100))            # Hộ tịch | Đất đai | Chứng thực | ...
    working_days: Mapped[int] = mapped_column(Integer)
    handling_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))  # default route
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class OneStopOffice(Base):
    __tablename__ = "one_stop_offices"

    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True)
    agency_code: Mapped[str] = mapped_column(String(32))       # national code of the agency
    place: Mapped[str | None] = mapped_column(String(200))
    heading: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Dossier(Base):
    __tablename__ = "dossiers"
    __table_args__ = (
        Index("ix_dossiers_received_on_field", "received_on", "field"),
        Index("ix_dossiers_returned_on", "returned_on", "handling_unit_id"),
        Index("ix_dossiers_status_due", "status", "due_on"),
        # The on-time report's indexes (migration 0012, docsvc/reports/services.py): one per
        # grouping key and date, holding every column its query reads.
        Index("ix_dossiers_rep_recv_day", "received_on", "office_unit_id", "supplements", "status", "due_on"),
        Index("ix_dossiers_rep_recv_field", "field", "received_on", "office_unit_id", "supplements"),
        Index("ix_dossiers_rep_recv_unit", "handling_unit_id", "received_on", "office_unit_id", "supplements"),
        Index("ix_dossiers_rep_recv_user", "handling_user_id", "received_on", "office_unit_id", "supplements"),
        Index("ix_dossiers_rep_ret_day", "standing", "returned_on", "office_unit_id", "field"),
        Index("ix_dossiers_rep_ret_field", "field", "standing", "returned_on", "office_unit_id"),
        Index("ix_dossiers_rep_ret_unit", "handling_unit_id", "standing", "returned_on", "office_unit_id"),
        Index("ix_dossiers_rep_ret_user", "handling_user_id", "standing", "returned_on", "office_unit_id"),
        # Partial: only the dossiers in hand (few), with every column the report reads of them.
        Index("ix_dossiers_in_hand", "received_on", "status", "due_on", "office_unit_id", "field", "handling_unit_id",
              "handling_user_id", sqlite_where=text(IN_HAND_SQL), postgresql_where=text(IN_HAND_SQL)),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(48), unique=True)
    office_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedures.id"), index=True)
    field: Mapped[str] = mapped_column(String(100))            # copied from the procedure
    applicant: Mapped[str] = mapped_column(String(300))
    applicant_contact: Mapped[str | None] = mapped_column(String(300))
    received_at: Mapped[datetime] = mapped_column()
    received_on: Mapped[date] = mapped_column(Date)            # local day of receipt
    received_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    clock_from: Mapped[date | None] = mapped_column(Date)      # day 0 of the current count
    due_on: Mapped[date | None] = mapped_column(Date)          # promised return date
    original_due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default=RECEIVED)
    supplements: Mapped[int] = mapped_column(Integer, default=0)  # times returned for supplement
    apologized: Mapped[bool] = mapped_column(Boolean, default=False)  # the one new date was given
    refused_reason: Mapped[str | None] = mapped_column(Text)
    handling_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    handling_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    result_note: Mapped[str | None] = mapped_column(Text)
    result_document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    returned_at: Mapped[datetime | None] = mapped_column()
    returned_on: Mapped[date | None] = mapped_column(Date)
    standing: Mapped[str | None] = mapped_column(String(8))   # early | on_time | late
    score: Mapped[int | None] = mapped_column(Integer)


class DossierEvent(Base):
    __tablename__ = "dossier_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), index=True)
    # received | supplement_requested | supplement_completed | refused | routed | apology | returned
    kind: Mapped[str] = mapped_column(String(32))
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    note: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
