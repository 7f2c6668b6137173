"""Sign-in: one answer for every failure, and growing delays instead of lock-outs.

The rule (counted from ``login_attempts``, so it holds across processes and machines):

- **Address.** Failures from one address within the window, under any name. After
  ``ip_free`` of them, the next attempt from that address must wait
  ``base · 2^(n − ip_free)`` seconds (at most ``cap``) after its last failure.
- **Name.** Failures on one name (whether or not such an account exists) within the window
  and since the name's last successful sign-in. After ``free`` of them the name's delay
  grows the same way, but it holds back only the addresses that *took part* in those
  failures. An address that has not failed on that name (the owner at their desk, or at
  home) is not held back by it: a stranger who types a known name many times slows down
  himself, never locks the owner out. A botnet gets one guess per fresh address, then each
  of its addresses waits the name's delay and its own.
- While a delay runs the password is not checked and nothing is recorded (no guess was
  made; nor is an empty password a guess): a client that ignores ``Retry-After`` gains nothing and does not extend the owner's
  delay. A checked wrong password is a failure; so is a right one for a disabled account.
- Every refusal is one message, "sign-in failed; try again in N seconds" when a delay now
  applies. The delay depends only on the name typed and the address, never on whether the
  account exists, and an unknown name costs a password hash like a known one.
- A success resets the name's count; the address's count only ages out (a success with
  one's own account must not wash an address that guesses at others).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from archive.accounts import LoginAttempt, User
from archive.audit import Actor, append
from docsvc.accounts.services import AccountError, verify_password
from docsvc.services.container import Services

REFUSED_MESSAGE = "Không đăng nhập được."


class LoginRefused(AccountError):
    """Any failed sign-in. ``retry_after``: seconds before the next attempt is checked (0: now)."""

    def __init__(self, retry_after: int = 0):
        super().__init__("refused", REFUSED_MESSAGE)
        self.retry_after = retry_after


@dataclass(frozen=True)
class SigninPolicy:
    free: int = 3
    ip_free: int = 10
    base_seconds: int = 1
    cap_seconds: int = 300
    window: timedelta = timedelta(minutes=60)

    @classmethod
    def from_settings(cls, s) -> "SigninPolicy":
        return cls(s.login_free_failures, s.login_ip_free_failures, s.login_delay_base_seconds,
                   s.login_delay_cap_seconds, timedelta(minutes=s.login_window_minutes))

    def delay(self, failures: int, free: int) -> int:
        """Seconds to wait after the last of ``failures`` failures."""
        if failures < free:
            return 0
        return min(self.cap_seconds, self.base_seconds * 2 ** min(failures - free, 32))


def _normalise(username: str, ip: str) -> tuple[str, str]:
    return (username or "").strip().lower()[:64], (ip or "?")[:64]


def _remaining(last: datetime | None, seconds: int, now: datetime) -> int:
    if last is None or seconds <= 0:
        return 0
    left = (last + timedelta(seconds=seconds) - now).total_seconds()
    return math.ceil(left) if left > 0 else 0


def wait_for(db: Session, policy: SigninPolicy, username: str, ip: str, *, now: datetime) -> int:
    """Seconds before an attempt on ``username`` from ``ip`` will be checked (0: at once)."""
    username, ip = _normalise(username, ip)
    start = now - policy.window
    failed = LoginAttempt.success.is_(False)
    n_ip, last_ip = db.execute(select(func.count(), func.max(LoginAttempt.at)).where(
        LoginAttempt.ip == ip, failed, LoginAttempt.at >= start)).one()
    wait = _remaining(last_ip, policy.delay(n_ip, policy.ip_free), now)

    last_ok = db.scalar(select(func.max(LoginAttempt.at)).where(
        LoginAttempt.username == username, LoginAttempt.success.is_(True)))
    since = [LoginAttempt.at >= start] + ([LoginAttempt.at >= last_ok] if last_ok is not None else [])
    took_part = db.scalar(select(LoginAttempt.id).where(
        LoginAttempt.username == username, LoginAttempt.ip == ip, failed, *since).limit(1))
    if took_part is not None:
        n_name, last_name = db.execute(select(func.count(), func.max(LoginAttempt.at)).where(
            LoginAttempt.username == username, failed, *since)).one()
        wait = max(wait, _remaining(last_name, policy.delay(n_name, policy.free), now))
    return wait


def _fail(services: Services, db: Session, policy: SigninPolicy, username: str, ip: str, reason: str, *,
          now: datetime, action: str = "auth.login_failed", actor: Actor | None = None) -> LoginRefused:
    db.add(LoginAttempt(username=username, ip=ip, at=now, success=False))
    append(db, services.audit_key, actor or Actor(None, "anonymous", ip), action,
           details={"username": username, "reason": reason})
    db.flush()
    refused = LoginRefused(wait_for(db, policy, username, ip, now=now))
    db.commit()
    return refused


def authenticate(services: Services, db: Session, username: str, password: str, ip: str, *, now: datetime) -> User:
    """The user whose name and password these are, or LoginRefused (whatever the cause)."""
    policy = SigninPolicy.from_settings(services.settings)
    username, ip = _normalise(username, ip)
    wait = wait_for(db, policy, username, ip, now=now)
    if wait or not password:
        raise LoginRefused(wait)  # an empty password is no guess: nothing to check or record
    user = db.scalar(select(User).where(User.username == username)) if username else None
    ok = verify_password(user.password_hash if user else None, password or "")
    if not ok:
        raise _fail(services, db, policy, username, ip, "unknown_user" if user is None else "bad_password", now=now)
    if not user.is_active:
        raise _fail(services, db, policy, username, ip, "disabled", now=now)
    db.add(LoginAttempt(username=username, ip=ip, at=now, success=True))
    user.last_login_at = now
    append(db, services.audit_key, Actor(user.id, user.username, ip), "auth.login", object_type="user",
           object_id=user.id)
    db.commit()
    return user


def confirm_password(services: Services, db: Session, user: User, password: str, ip: str, *, now: datetime) -> None:
    """Ask a signed-in user for their password again (before a sensitive act: making an API
    token, changing the password). A wrong answer counts as a failed sign-in on the name, so a stolen
    session cannot be used to guess the password faster than the sign-in page allows."""
    policy = SigninPolicy.from_settings(services.settings)
    username, ip = _normalise(user.username, ip)
    wait = wait_for(db, policy, username, ip, now=now)
    if wait or not password:
        raise LoginRefused(wait)
    if not verify_password(user.password_hash, password or ""):
        raise _fail(services, db, policy, username, ip, "bad_password", now=now, action="auth.confirm_failed",
                    actor=Actor(user.id, user.username, ip))
