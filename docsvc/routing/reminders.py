"""The reminders' sweep: for every open assignment due within a working day or overdue, one
notification per kind, per assignment, per recipient, per day (the ``dedupe`` key: the worker
may sweep many times a day, and two sweeps at once make one row), a ``remind`` trace row, and
e-mail through SMTP when configured. The worker runs it every ``DOCSVC_REMIND_MINUTES``;
``docsvc routing remind`` runs it once."""

from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import select

from archive.routing import OPEN, Assignment, AssignmentEvent
from docsvc.access import system_principal
from docsvc.routing import notify
from docsvc.routing.inbox import Calendars, bucket_of, local_today
from docsvc.routing.rules import subject_of_assignment, writing
from docsvc.services.audit import record
from docsvc.services.container import Services
from docsvc.timers import Periodic

MESSAGES = {"due_soon": "Sắp đến hạn ({due:%d/%m/%Y}): {title}.", "overdue": "Quá hạn từ {due:%d/%m/%Y}: {title}."}


def send_reminders(services: Services, today: date | None = None) -> dict:
    """One sweep. → ``{"day", "notified", "emailed"}`` (e-mails sent now, also of earlier
    notifications not e-mailed yet)."""
    today = local_today(services, today)
    calendars = Calendars(services)
    made = 0
    with writing(services) as uow:
        session = uow.session
        rows = session.scalars(select(Assignment).where(Assignment.status == OPEN, Assignment.due_on.is_not(None))
                               .order_by(Assignment.id)).all()
        now = datetime.now(timezone.utc)
        for a in rows:
            kind = bucket_of(calendars[a.unit_id], a.due_on, today)
            if kind not in MESSAGES:
                continue
            message = MESSAGES[kind].format(due=a.due_on, title=subject_of_assignment(session, a).title)
            fresh = [uid for uid in notify.recipients(session, a)
                     if notify.add(session, uid, kind, a.id, message, dedupe=f"{kind}:{a.id}:{today}:{uid}")]
            if fresh:
                session.add(AssignmentEvent(assignment_id=a.id, kind="remind", at=now, note=message,
                                            data={"kind": kind, "users": fresh}))
                made += len(fresh)
        if made:
            record(services, session, system_principal("reminders"), "routing.remind", object_type="assignment",
                   details={"day": today.isoformat(), "notified": made})
        uow.commit()
    emailed = notify.deliver(services)
    return {"day": today.isoformat(), "notified": made, "emailed": emailed}


class Reminder(Periodic):
    """The worker's timer: a sweep every ``minutes``, first at once."""

    name = "routing-remind"

    def __init__(self, services: Services, minutes: float):
        super().__init__(minutes)
        self.services = services

    def tick(self) -> dict:
        return send_reminders(self.services)


def start_reminders(services: Services) -> Reminder | None:
    """Unless ``DOCSVC_REMIND_MINUTES`` is 0."""
    minutes = services.settings.remind_minutes
    return Reminder(services, minutes).start() if minutes > 0 else None
