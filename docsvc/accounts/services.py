"""Accounts: units, users, passwords (Argon2) and API tokens. Signing in is in
``docsvc.accounts.signin``; browser sessions in ``docsvc.accounts.sessions``.

Every change is written to the audit trail in the same transaction, with a digest of the
object's state after it. Passwords are never stored or logged; API tokens are shown once
and kept as SHA-256 (they are long random strings, so a fast hash is enough).
"""

from __future__ import annotations

import functools

import hashlib
import secrets
from datetime import date, datetime, timedelta, timezone

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from archive.accounts import ROLES, SECRECY_LABELS, ApiToken, Unit, User
from docsvc.access import Principal
from docsvc.services.audit import PermissionDenied, record
from docsvc.services.container import Services
from docsvc.accounts.sessions import end_user_sessions

PASSWORD_MIN_LENGTH = 8
VIETNAM = timezone(timedelta(hours=7))
TOKEN_PREFIX = "dsv_"
_hasher = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """Verified against when the user does not exist, so the answer takes as long either way.
    Made on first use: hashing at import cost every CLI command 0.1-0.2 s of CPU."""
    return _hasher.hash("not a real password")


class AccountError(Exception):
    """A request the rules refuse; ``code`` is stable, ``message`` is Vietnamese."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _require(principal: Principal, action: str) -> None:
    if not principal.can(action):
        raise PermissionDenied(action)


# -- state digests --------------------------------------------------------------------

def user_state(user: User) -> dict:
    return {"id": user.id, "username": user.username, "full_name": user.full_name, "unit_id": user.unit_id,
            "roles": sorted(user.roles), "clearance": user.clearance, "is_active": user.is_active,
            "session_version": user.session_version}


def unit_state(unit: Unit) -> dict:
    return {"id": unit.id, "code": unit.code, "name": unit.name, "kind": unit.kind, "parent_id": unit.parent_id,
            "valid_from": unit.valid_from, "valid_to": unit.valid_to, "successor_id": unit.successor_id}


# -- passwords ------------------------------------------------------------------------

def hash_password(password: str) -> str:
    if len(password) < PASSWORD_MIN_LENGTH:
        raise AccountError("weak_password", f"Mật khẩu phải có ít nhất {PASSWORD_MIN_LENGTH} ký tự.")
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _dummy_hash(), password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


# -- units ----------------------------------------------------------------------------

def get_unit(session: Session, code: str) -> Unit:
    unit = session.scalar(select(Unit).where(Unit.code == code))
    if unit is None:
        raise AccountError("unknown_unit", f"Không có đơn vị mã {code}.")
    return unit


def create_unit(services: Services, session: Session, principal: Principal, code: str, name: str, *,
                parent_code: str | None = None, kind: str = "unit", valid_from: date | None = None) -> Unit:
    _require(principal, "unit.manage")
    code = code.strip()
    if not code or not name.strip():
        raise AccountError("invalid_unit", "Cần có mã và tên đơn vị.")
    if session.scalar(select(Unit).where(Unit.code == code)):
        raise AccountError("duplicate_unit", f"Đã có đơn vị mã {code}.")
    parent = get_unit(session, parent_code) if parent_code else None
    unit = Unit(code=code, name=name.strip(), kind=kind, parent=parent, valid_from=valid_from)
    session.add(unit)
    session.flush()
    record(services, session, principal, "unit.create", object_type="unit", object_id=unit.id, state=unit_state(unit))
    return unit


def end_unit(services: Services, session: Session, principal: Principal, code: str, *, valid_to: date,
             successor_code: str | None = None) -> Unit:
    """Close a unit (reorganisation); its records pass into the successor's custody."""
    _require(principal, "unit.manage")
    unit = get_unit(session, code)
    unit.valid_to = valid_to
    unit.successor = get_unit(session, successor_code) if successor_code else None
    session.flush()
    record(services, session, principal, "unit.end", object_type="unit", object_id=unit.id, state=unit_state(unit))
    return unit


# -- users ----------------------------------------------------------------------------

def get_user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise AccountError("unknown_user", f"Không có người dùng {username}.")
    return user


def create_user(services: Services, session: Session, principal: Principal, username: str, password: str, *,
                roles, unit_code: str, full_name: str = "", clearance: int = 0) -> User:
    _require(principal, "user.manage")
    username = username.strip().lower()
    if not username or not username.replace(".", "").replace("_", "").replace("-", "").isalnum():
        raise AccountError("invalid_username", "Tên đăng nhập chỉ gồm chữ, số, dấu chấm, gạch dưới, gạch ngang.")
    if session.scalar(select(User).where(User.username == username)):
        raise AccountError("duplicate_user", f"Đã có người dùng {username}.")
    roles = set(roles)
    if not roles or roles - set(ROLES):
        raise AccountError("invalid_roles", "Vai trò phải là: " + ", ".join(ROLES) + ".")
    if clearance not in SECRECY_LABELS:
        raise AccountError("invalid_clearance", "Mức được tiếp cận phải từ 0 đến 3.")
    user = User(username=username, full_name=full_name.strip(), unit=get_unit(session, unit_code),
                password_hash=hash_password(password), clearance=clearance)
    user.set_roles(roles)
    session.add(user)
    session.flush()
    record(services, session, principal, "user.create", object_type="user", object_id=user.id, state=user_state(user))
    return user


def update_user(services: Services, session: Session, principal: Principal, user: User, *, roles=None,
                unit_code: str | None = None, clearance: int | None = None, full_name: str | None = None,
                is_active: bool | None = None) -> User:
    _require(principal, "user.manage")
    if roles is not None:
        if not set(roles) or set(roles) - set(ROLES):
            raise AccountError("invalid_roles", "Vai trò phải là: " + ", ".join(ROLES) + ".")
        user.set_roles(roles)
    if unit_code is not None:
        user.unit = get_unit(session, unit_code)
    if clearance is not None:
        if clearance not in SECRECY_LABELS:
            raise AccountError("invalid_clearance", "Mức được tiếp cận phải từ 0 đến 3.")
        user.clearance = clearance
    if full_name is not None:
        user.full_name = full_name.strip()
    if is_active is not None and is_active != user.is_active:
        user.is_active = is_active
        user.session_version += 1
        if not is_active:  # signs the user out everywhere, now
            end_user_sessions(session, user.id, "disabled", now=_now())
    session.flush()
    action = "user.disable" if is_active is False else "user.update"
    record(services, session, principal, action, object_type="user", object_id=user.id, state=user_state(user))
    return user


def set_password(services: Services, session: Session, principal: Principal, user: User, password: str, *,
                 now: datetime | None = None) -> None:
    """Set a new password and end every session of the user (the web view that changed it
    starts a fresh one for its own browser)."""
    if principal.user_id != user.id:
        _require(principal, "user.manage")
    user.password_hash = hash_password(password)
    user.session_version += 1
    end_user_sessions(session, user.id, "password", now=now or _now())
    session.flush()
    record(services, session, principal, "user.password", object_type="user", object_id=user.id,
           state=user_state(user))
    _forget_initial_password(services, session, user.username)


INITIAL_PASSWORD_FILE = "admin-password.txt"


def _forget_initial_password(services: Services, session: Session, username: str) -> None:
    """Once the first administrator's password is changed, the file that kept the generated
    one (written by ``docsvc init``) goes, after the change has committed."""
    path = services.settings.data_dir / INITIAL_PASSWORD_FILE
    if not path.exists():
        return

    def remove(_session) -> None:
        try:
            if path.read_text(encoding="utf-8").startswith(f"username: {username}\n"):
                path.unlink()
        except OSError:
            pass

    event.listen(session, "after_commit", remove, once=True)


# -- API tokens -----------------------------------------------------------------------

def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_expiry(last_day: date) -> datetime:
    """A token valid through ``last_day`` (Vietnam time, UTC+7, no daylight saving) stops at
    the following midnight there."""
    midnight = datetime.combine(last_day + timedelta(days=1), datetime.min.time(), tzinfo=VIETNAM)
    return midnight.astimezone(timezone.utc)


def create_token(services: Services, session: Session, principal: Principal, user: User, name: str = "", *,
                 valid_through: date | None = None, now: datetime | None = None) -> str:
    """A new token for ``user``; the only time it is ever shown. ``valid_through``: its last
    day (None: until revoked)."""
    if principal.user_id != user.id:
        _require(principal, "user.manage")
    now = now or _now()
    expires_at = token_expiry(valid_through) if valid_through is not None else None
    if expires_at is not None and expires_at <= now:
        raise AccountError("token_expiry_past", "Ngày hết hạn phải từ hôm nay trở đi.")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, name=name.strip()[:100], token_hash=token_hash(token), prefix=token[:10],
                   created_at=now, expires_at=expires_at)
    session.add(row)
    session.flush()
    record(services, session, principal, "token.create", object_type="api_token", object_id=row.id,
           state={"id": row.id, "user_id": user.id, "prefix": row.prefix, "name": row.name,
                  "expires_at": row.expires_at})
    return token


def revoke_token(services: Services, session: Session, principal: Principal, token_id: int) -> ApiToken:
    row = session.get(ApiToken, token_id)
    if row is None:
        raise AccountError("unknown_token", f"Không có mã API #{token_id}.")
    if principal.user_id != row.user_id:
        _require(principal, "user.manage")
    if row.revoked_at is None:
        row.revoked_at = _now()
        session.flush()
        record(services, session, principal, "token.revoke", object_type="api_token", object_id=row.id,
               state={"id": row.id, "user_id": row.user_id, "revoked_at": row.revoked_at})
    return row


@functools.cache
def _token_query():
    """Built once: building the statement cost as much as running it."""
    from sqlalchemy import bindparam

    from archive.accounts import UserRole

    t, u, r = ApiToken.__table__, User.__table__, UserRole.__table__
    return (select(t.c.id, t.c.revoked_at, t.c.expires_at, t.c.last_used_at, u.c.id.label("user_id"),
                   u.c.username, u.c.clearance, u.c.unit_id, u.c.is_active, r.c.role)
            .join(u, u.c.id == t.c.user_id).outerjoin(r, r.c.user_id == u.c.id)
            .where(t.c.token_hash == bindparam("token_hash")))


def principal_for_token(services: Services, token: str, *, now: datetime | None = None, ip: str | None = None):
    """Who an API token speaks for, or None (unknown, revoked, expired, or user disabled).

    Every API call asks, so this is one Core query on a connection (the token, its user and
    the user's roles, joined) and one for the unit tree, not ORM objects: measured with
    ``bench/load.py``, the ORM version took 13-16 % of the web server's samples."""
    from archive.accounts import unit_subtree_ids

    if not token.startswith(TOKEN_PREFIX):
        return None
    now = now or _now()
    with services.engine.connect() as conn:
        rows = conn.execute(_token_query(), {"token_hash": token_hash(token)}).all()
        if not rows:
            return None
        row = rows[0]
        if row.revoked_at is not None or not row.is_active:
            return None
        if row.expires_at is not None and now >= row.expires_at:
            return None
        units = frozenset(unit_subtree_ids(conn, row.unit_id))
        if row.last_used_at is None or now - row.last_used_at > timedelta(minutes=5):
            # coarse, so a busy client does not write on every call
            t = ApiToken.__table__
            conn.execute(t.update().where(t.c.id == row.id).values(last_used_at=now))
            conn.commit()
    roles = frozenset(x.role for x in rows if x.role is not None)
    return Principal(row.user_id, row.username, roles, row.clearance, row.unit_id, units, ip, "token")
