"""A routed dossier's Assignment rows (archive.routing), written here through the archive
models: the main assignment when the desk routes a dossier, its deadline when the dossier's
date moves, and its completion when the result is returned.

The generic routing use cases (forward, progress, extend, complete on any assignment) live in
docsvc/routing/, built at the same time as this package; when they are there, ``route`` and
``close_open`` can call them instead: the dossier use cases only call the three functions
below."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.dossiers import Dossier
from archive.routing import DONE, FORWARDED, OPEN, ROLE_MAIN, SCORES, Assignment, AssignmentEvent


def assign_main(session: Session, dossier: Dossier, unit_id: int, user_id: int | None, by_user_id: int,
                note: str | None) -> Assignment:
    """The main assignment (chủ trì) of a routed dossier: due on the dossier's promised date,
    day 0 the dossier's, and its ``assign`` trace record."""
    row = Assignment(dossier_id=dossier.id, role=ROLE_MAIN, unit_id=unit_id, user_id=user_id, assigned_by=by_user_id,
                     received_on=dossier.clock_from or dossier.received_on, working_days=None,
                     due_on=dossier.due_on, original_due_on=dossier.original_due_on or dossier.due_on, note=note,
                     status=OPEN)
    session.add(row)
    session.flush()
    session.add(AssignmentEvent(assignment_id=row.id, kind="assign", from_user_id=by_user_id, to_user_id=user_id,
                                to_unit_id=unit_id, note=note, data={"dossier": dossier.code}))
    return row


def _open(session: Session, dossier_id: int) -> list[Assignment]:
    return list(session.scalars(select(Assignment).where(Assignment.dossier_id == dossier_id,
                                                         Assignment.status.in_((OPEN, FORWARDED)))))


def move_deadline(session: Session, dossier: Dossier, *, restart: bool = False) -> None:
    """The open assignments follow the dossier's date: an apology moves ``due_on`` (the
    original stays); a completed supplement restarts the count (``restart``: day 0 and both
    dates anew)."""
    for row in _open(session, dossier.id):
        row.due_on = dossier.due_on
        if restart:
            row.received_on = dossier.clock_from or row.received_on
            row.original_due_on = dossier.original_due_on or dossier.due_on


def close_open(session: Session, dossier: Dossier, by_user_id: int | None, at: datetime, day: date,
               note: str | None) -> int:
    """The result is returned: every open assignment of the dossier is completed that day,
    with its standing against its original deadline (as the dossier's) and its score."""
    rows = _open(session, dossier.id)
    for row in rows:
        due = row.original_due_on or row.due_on
        standing = None if due is None else "early" if day < due else "on_time" if day == due else "late"
        row.status, row.completed_at, row.completed_on, row.completed_by = DONE, at, day, by_user_id
        row.completion_note, row.reply_document_id = note, dossier.result_document_id
        row.standing, row.score = standing, SCORES.get(standing) if standing else None
        session.add(AssignmentEvent(assignment_id=row.id, kind="complete", from_user_id=by_user_id, at=at,
                                    note=note, data={"dossier": dossier.code, "standing": standing}))
    return len(rows)
