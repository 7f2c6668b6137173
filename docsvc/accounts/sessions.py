"""Signed-in browser sessions kept on the server (table ``web_sessions``).

The cookie carries a random token; only its SHA-256 is stored, so a copy of the database
does not hand out sessions. Every request looks the row up: a session that was ended
(signing out, a password change, a disabled account), is past its absolute end (a working
day) or was idle too long is refused, so a cookie copied before logout is worth nothing
afterwards. ``last_seen_at`` is written at most once a minute to spare the database a
write per request; the idle limit is therefore measured with up to a minute's slack.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session, joinedload

from archive.accounts import User, WebSession

TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class SessionPolicy:
    max_age: timedelta = timedelta(hours=10)
    idle: timedelta = timedelta(minutes=30)

    @classmethod
    def from_settings(cls, settings) -> "SessionPolicy":
        return cls(timedelta(hours=settings.session_max_hours), timedelta(minutes=settings.session_idle_minutes))


def session_id(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(db: Session, user: User, policy: SessionPolicy, *, now: datetime, ip: str | None = None,
                  user_agent: str | None = None) -> str:
    """A new session row for ``user``; returns the token for the cookie (never stored)."""
    token = secrets.token_urlsafe(32)
    db.add(WebSession(id=session_id(token), user_id=user.id, created_at=now, last_seen_at=now,
                      expires_at=now + policy.max_age, ip=(ip or None) and ip[:64],
                      user_agent=(user_agent or "")[:300] or None))
    db.flush()
    return token


def current_session(db: Session, token: str, policy: SessionPolicy, *, now: datetime) -> WebSession | None:
    """The live session for a cookie token, or None. A session found past its limits is
    ended here (reason ``expired``, ``idle`` or ``disabled``). Commits what it changed."""
    if not token or not isinstance(token, str):
        return None
    # One query for the session, its user and the user's roles (every page asks).
    row = db.get(WebSession, session_id(token), options=[joinedload(WebSession.user).joinedload(User.role_rows)])
    if row is None or row.ended_at is not None:
        return None
    reason = None
    if now >= row.expires_at:
        reason = "expired"
    elif now - row.last_seen_at > policy.idle:
        reason = "idle"
    elif not row.user.is_active:
        reason = "disabled"
    if reason is not None:
        row.ended_at, row.ended_reason = now, reason
        db.commit()
        return None
    if now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
        db.commit()
    return row


def end_session(db: Session, token: str, reason: str, *, now: datetime) -> bool:
    """End one session (e.g. ``logout``); False when it was not live. Does not commit."""
    if not token or not isinstance(token, str):
        return False
    result = db.execute(update(WebSession).where(WebSession.id == session_id(token), WebSession.ended_at.is_(None))
                        .values(ended_at=now, ended_reason=reason))
    return result.rowcount > 0


def end_user_sessions(db: Session, user_id: int, reason: str, *, now: datetime) -> int:
    """End every live session of a user (password changed, account disabled). Does not commit."""
    result = db.execute(update(WebSession).where(WebSession.user_id == user_id, WebSession.ended_at.is_(None))
                        .values(ended_at=now, ended_reason=reason))
    return result.rowcount
