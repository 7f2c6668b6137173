"""Notifications: a user's reminders and news in the app (``archive.routing.Notification``),
and their e-mail through SMTP when it is configured (``DOCSVC_SMTP_HOST``...).

Rows are written in the use case's transaction; e-mail goes after the commit and only for
rows not e-mailed yet (``emailed_at``), so a failed delivery is retried by the next sweep and
a delivered one is never sent twice."""

from __future__ import annotations

import logging
import smtplib
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from archive.accounts import User, UserRole
from archive.routing import Assignment, Notification
from docsvc.services.container import Services

log = logging.getLogger(__name__)
SUBJECT_TYPE = "assignment"


def recipients(session: Session, a: Assignment) -> list[int]:
    """The person named; else the leaders of the handling unit or, when it has none, of the
    nearest unit above it (whose inbox shows the unit's work given to no one); else everyone
    in the unit."""
    if a.user_id is not None:
        return [a.user_id]
    from archive.accounts import Unit

    unit_id: int | None = a.unit_id
    seen: set[int] = set()
    while unit_id is not None and unit_id not in seen:
        seen.add(unit_id)
        leaders = session.scalars(select(User.id).join(UserRole, UserRole.user_id == User.id)
                                  .where(User.unit_id == unit_id, User.is_active.is_(True), UserRole.role == "leader")
                                  .order_by(User.id)).all()
        if leaders:
            return list(leaders)
        unit_id = session.scalar(select(Unit.parent_id).where(Unit.id == unit_id))
    return list(session.scalars(select(User.id).where(User.unit_id == a.unit_id, User.is_active.is_(True))
                                .order_by(User.id)))


def add(session: Session, user_id: int, kind: str, assignment_id: int, message: str,
        dedupe: str | None = None) -> Notification | None:
    """One notification; ``None`` when its ``dedupe`` key was taken already (by this sweep,
    an earlier one or a concurrent one: the savepoint keeps the transaction usable)."""
    row = Notification(user_id=user_id, kind=kind, subject_type=SUBJECT_TYPE, subject_id=assignment_id,
                       message=message, dedupe=dedupe)
    if dedupe is None:
        session.add(row)
        session.flush()
        return row
    if session.scalar(select(Notification.id).where(Notification.dedupe == dedupe)) is not None:
        return None
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return None
    return row


def smtp_configured(services: Services) -> bool:
    return bool(services.settings.smtp_host)


def send_mail(services: Services, to: str, subject: str, body: str) -> None:
    s = services.settings
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = s.smtp_from, to, subject
    message.set_content(body)
    with smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout) as smtp:
        if s.smtp_starttls:
            smtp.starttls()
        if s.smtp_user:
            smtp.login(s.smtp_user, s.smtp_password)
        smtp.send_message(message)


def deliver(services: Services, *, within_days: int = 3) -> int:
    """E-mail the notifications not e-mailed yet (of the last few days) to users with an
    address. Returns how many went. Without SMTP settings: nothing, 0."""
    if not smtp_configured(services):
        return 0
    since = datetime.now(timezone.utc) - timedelta(days=within_days)
    sent = 0
    with services.session_factory() as session:
        rows = session.execute(select(Notification.id, Notification.message, User.email).join(User, User.id == Notification.user_id)
                               .where(Notification.emailed_at.is_(None), Notification.created_at >= since,
                                      User.email.is_not(None), User.email != "")
                               .order_by(Notification.id)).all()
        for note_id, message, address in rows:
            # Claimed before it is sent (two sweeps at once never send one twice), given back
            # when the server refuses.
            claim = update(Notification).where(Notification.id == note_id, Notification.emailed_at.is_(None))
            if not session.execute(claim.values(emailed_at=datetime.now(timezone.utc))).rowcount:
                session.rollback()
                continue
            session.commit()
            try:
                send_mail(services, address, f"[docsvc] {message[:120]}",
                          f"{message}\n\n{services.settings.public_url}/inbox\n")
            except (OSError, smtplib.SMTPException):
                log.exception("notification %s not e-mailed to %s; the next sweep retries", note_id, address)
                session.execute(update(Notification).where(Notification.id == note_id).values(emailed_at=None))
                session.commit()
                break  # the server is unwell: leave the rest for the next sweep
            sent += 1
    return sent


def set_email(services: Services, principal, username: str, email: str | None) -> dict:
    """Where a user's reminders are e-mailed (an administrator's step; empty clears it)."""
    from docsvc.routing.rules import RoutingInvalid, require, text, user_by
    from docsvc.services.audit import record

    require(principal, "user.manage")
    address = text("email", email, limit=254)
    if address is not None and (address.count("@") != 1 or " " in address or address.startswith("@")
                                or address.endswith("@")):
        raise RoutingInvalid("email", "Địa chỉ thư điện tử không hợp lệ.")
    with services.uow() as uow:
        user = user_by(uow.session, username)
        before, user.email = user.email, address
        record(services, uow.session, principal, "user.email", object_type="user", object_id=user.id,
               details={"before": before, "after": address})
        uow.commit()
        return {"username": user.username, "email": address}
