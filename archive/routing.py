"""Routing (chuyển, phân công xử lý, DOMAIN.md §1 and §3, issue 13): who handles a piece
of work and by when.

An ``Assignment`` gives an incoming document or a one-stop dossier (exactly one of the two)
to a unit or a person in a role — ``main`` (chủ trì), ``cooperate`` (phối hợp) or ``info``
(để biết) — with a deadline in working days counted from ``received_on`` (day 0, after the
cut-off rule) or a date. Forwarding within a unit makes a child assignment (``parent_id``)
and marks the parent ``forwarded``. Completing stores the standing (early / on_time / late)
and its score (2/1/0) on the row, so that reports over millions of rows are one grouped
query.

``AssignmentEvent`` is the trace: every hand-over, progress report, extension step,
completion and reminder is a new row (from, to, when, note) and is never edited; the
document page shows them as a timeline. ``ExtensionRequest``: at most one per assignment
(unique), asked at least one working day before the deadline, decided by the assigner.
``Notification``: a user's reminders and news in the app (and the moment it was e-mailed,
when SMTP is configured).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from archive.models import Base, utcnow

ROLE_MAIN, ROLE_COOPERATE, ROLE_INFO = "main", "cooperate", "info"
ROLES = (ROLE_MAIN, ROLE_COOPERATE, ROLE_INFO)
ROLE_LABELS = {ROLE_MAIN: "Chủ trì", ROLE_COOPERATE: "Phối hợp", ROLE_INFO: "Để biết"}

OPEN, FORWARDED, DONE = "open", "forwarded", "done"
EARLY, ON_TIME, LATE = "early", "on_time", "late"
SCORES = {EARLY: 2, ON_TIME: 1, LATE: 0}


class Assignment(Base):
    __tablename__ = "assignments"
    __table_args__ = (
        CheckConstraint("(incoming_id IS NULL) <> (dossier_id IS NULL)", name="one_subject"),
        CheckConstraint("role IN ('main', 'cooperate', 'info')", name="role"),
        Index("ix_assignments_user_status_due", "user_id", "status", "due_on"),
        Index("ix_assignments_unit_status_due", "unit_id", "status", "due_on"),
        Index("ix_assignments_completed_on", "completed_on", "unit_id"),
        # The on-time report's indexes (migration 0012, docsvc/reports/services.py): one per
        # grouping key and date, holding every column its query reads.
        Index("ix_assignments_rep_recv_day", "received_on", "role", "incoming_id", "parent_id", "unit_id"),
        Index("ix_assignments_rep_recv_unit", "unit_id", "received_on", "role", "incoming_id", "parent_id"),
        Index("ix_assignments_rep_recv_user", "user_id", "received_on", "role", "incoming_id", "parent_id", "unit_id"),
        Index("ix_assignments_rep_done_day", "standing", "completed_on", "role", "incoming_id", "unit_id"),
        Index("ix_assignments_rep_done_unit", "unit_id", "standing", "completed_on", "role", "incoming_id"),
        Index("ix_assignments_rep_done_user", "user_id", "standing", "completed_on", "role", "incoming_id", "unit_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incoming_id: Mapped[int | None] = mapped_column(ForeignKey("incoming_documents.id"), index=True)
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossiers.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("assignments.id"), index=True)
    role: Mapped[str] = mapped_column(String(16), default=ROLE_MAIN)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))          # the handling unit
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))   # the person, when named
    assigned_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)
    received_on: Mapped[date] = mapped_column(Date)                       # day 0 of the count
    working_days: Mapped[int | None] = mapped_column(Integer)             # None when a date was given
    due_on: Mapped[date | None] = mapped_column(Date)                     # current deadline (after extension)
    original_due_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)                        # the leader's instruction
    status: Mapped[str] = mapped_column(String(16), default=OPEN)
    progress: Mapped[int | None] = mapped_column(Integer)                 # last reported percent
    completed_at: Mapped[datetime | None] = mapped_column()
    completed_on: Mapped[date | None] = mapped_column(Date)               # local day of completion
    completed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    completion_note: Mapped[str | None] = mapped_column(Text)
    reply_document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    standing: Mapped[str | None] = mapped_column(String(8))              # early | on_time | late
    score: Mapped[int | None] = mapped_column(Integer)                    # 2 | 1 | 0


class AssignmentEvent(Base):
    __tablename__ = "assignment_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"), index=True)
    # assign | forward | progress | extension_asked | extension_approved | extension_refused
    # | complete | remind
    kind: Mapped[str] = mapped_column(String(32))
    from_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    to_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    to_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    note: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class ExtensionRequest(Base):
    __tablename__ = "extension_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"), unique=True)  # once
    requested_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    old_due_on: Mapped[date] = mapped_column(Date)
    new_due_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    approved: Mapped[bool | None] = mapped_column(Boolean)                # None while undecided
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column()
    decision_note: Mapped[str | None] = mapped_column(Text)


class Notification(Base):
    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_read", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(32))          # assigned | due_soon | overdue | extension | ...
    subject_type: Mapped[str] = mapped_column(String(32))  # assignment | incoming | dossier
    subject_id: Mapped[int] = mapped_column(Integer)
    message: Mapped[str] = mapped_column(Text)             # Vietnamese, as shown
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column()
    emailed_at: Mapped[datetime | None] = mapped_column()
    # One reminder of a kind per subject per day: the worker may run its sweep many times.
    dedupe: Mapped[str | None] = mapped_column(String(120), unique=True)
