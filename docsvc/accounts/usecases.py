"""The account use cases as the pages (and the CLI) call them: each one unit of work.

``docsvc.accounts.services`` holds the steps (create a user, set a password, mint a token),
which work inside a caller's transaction so that several can commit together. The functions
here are what a view calls: they take the acting principal and plain values, open the unit
of work, check permission, run the steps (each appends its audit record in the same
transaction), commit, and return detached rows or plain values.

Signing in lives here too: it checks the password (docsvc.accounts.signin) and starts the
server-side session (docsvc.accounts.sessions) in one transaction and returns the cookie's
token; ``docsvc.auth`` only puts that token in the browser's cookie.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from archive.accounts import ApiToken, Unit, User
from docsvc.access import Principal
from docsvc.accounts.services import (
    AccountError,
    create_token,
    create_unit,
    create_user,
    end_unit,
    revoke_token,
    set_password,
    update_user,
)
from docsvc.accounts.sessions import SessionPolicy, end_session, start_session
from docsvc.accounts.signin import authenticate, confirm_password
from docsvc.services.audit import PermissionDenied, record
from docsvc.services.container import Services


class UserNotFound(AccountError):
    def __init__(self):
        super().__init__("unknown_user", "Không tìm thấy người dùng này.")


class TokenNotFound(AccountError):
    """No such token among the principal's own (another user's token is not told apart)."""

    def __init__(self):
        super().__init__("unknown_token", "Không tìm thấy mã API này.")


class PasswordMismatch(AccountError):
    def __init__(self):
        super().__init__("password_mismatch", "Mật khẩu mới nhập lại không khớp.")


def _require(principal: Principal, action: str) -> None:
    if not principal.can(action):
        raise PermissionDenied(action)


# -- signing in and out -----------------------------------------------------------------

@dataclass(frozen=True)
class SessionStart:
    user_id: int
    token: str   # for the cookie only: the database keeps its SHA-256


def sign_in(services: Services, username: str, password: str, *, ip: str, now: datetime,
            user_agent: str | None = None) -> SessionStart:
    """Check the name and password (LoginRefused, with the wait, when they do not pass) and
    start a browser session for the user."""
    with services.uow() as uow:
        user = authenticate(services, uow.session, username, password, ip, now=now)
        token = start_session(uow.session, user, SessionPolicy.from_settings(services.settings), now=now,
                              ip=ip, user_agent=user_agent)
        uow.commit()
        return SessionStart(user.id, token)


def sign_out(services: Services, principal: Principal | None, token: str | None, *, now: datetime,
             reason: str = "logout") -> None:
    """End this browser's session; a sign-out by the person is in the audit trail."""
    with services.uow() as uow:
        if principal is not None and reason == "logout":
            record(services, uow.session, principal, "auth.logout", object_type="user", object_id=principal.user_id)
        if token is not None:
            end_session(uow.session, token, reason, now=now)
        uow.commit()


# -- one's own account ------------------------------------------------------------------

def _own_tokens(session, user_id: int) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id.desc())))


def my_account(services: Services, principal: Principal) -> tuple[User, list[ApiToken]]:
    """The signed-in user (with their unit loaded) and their API tokens, newest first."""
    _require(principal, "account.self")
    with services.uow() as uow:
        user = uow.session.get(User, principal.user_id)
        _ = user.unit  # loaded for the page
        return user, _own_tokens(uow.session, user.id)


def change_my_password(services: Services, principal: Principal, current: str, new: str, confirm: str, *,
                       ip: str, now: datetime, user_agent: str | None = None) -> SessionStart:
    """The current password typed again (LoginRefused if wrong, with the sign-in delays),
    then the new one twice (PasswordMismatch) and its rules (AccountError). Every session of
    the user ends; this browser gets a fresh one (returned)."""
    _require(principal, "account.self")
    with services.uow() as uow:
        user = uow.session.get(User, principal.user_id)
        confirm_password(services, uow.session, user, current, ip, now=now)
        if new != confirm:
            raise PasswordMismatch()
        set_password(services, uow.session, principal, user, new, now=now)
        token = start_session(uow.session, user, SessionPolicy.from_settings(services.settings), now=now,
                              ip=ip, user_agent=user_agent)
        uow.commit()
        return SessionStart(user.id, token)


@dataclass(frozen=True)
class NewToken:
    token: str               # shown on this response only; never stored in clear
    user: User
    tokens: list[ApiToken]


def make_my_token(services: Services, principal: Principal, password: str, name: str, *,
                  valid_through: date | None, ip: str, now: datetime) -> NewToken:
    """A new API token, after the password is typed again (a session left open on a shared
    computer must not be enough to mint a long-lived credential)."""
    _require(principal, "account.self")
    with services.uow() as uow:
        user = uow.session.get(User, principal.user_id)
        confirm_password(services, uow.session, user, password, ip, now=now)
        token = create_token(services, uow.session, principal, user, name, valid_through=valid_through, now=now)
        uow.commit()
        _ = user.unit
        return NewToken(token, user, _own_tokens(uow.session, user.id))


def revoke_my_token(services: Services, principal: Principal, token_id: int) -> None:
    _require(principal, "account.self")
    with services.uow() as uow:
        row = uow.session.get(ApiToken, token_id)
        if row is None or row.user_id != principal.user_id:
            raise TokenNotFound()
        revoke_token(services, uow.session, principal, token_id)
        uow.commit()


# -- users and units (administration) ----------------------------------------------------

def list_users(services: Services, principal: Principal) -> tuple[list[User], list[Unit]]:
    """Every user (with their unit loaded) and every unit, for the users page."""
    _require(principal, "user.manage")
    with services.uow() as uow:
        users = list(uow.session.scalars(select(User).order_by(User.username)))
        for user in users:
            _ = user.unit
        return users, list(uow.session.scalars(select(Unit).order_by(Unit.code)))


def add_user(services: Services, principal: Principal, username: str, password: str, *, roles, unit_code: str,
             full_name: str = "", clearance: int = 0) -> User:
    with services.uow() as uow:
        user = create_user(services, uow.session, principal, username, password, roles=roles, unit_code=unit_code,
                           full_name=full_name, clearance=clearance)
        uow.commit()
        return user


def user_for_edit(services: Services, principal: Principal, user_id: int) -> tuple[User, list[Unit]]:
    _require(principal, "user.manage")
    with services.uow() as uow:
        user = uow.session.get(User, user_id)
        if user is None:
            raise UserNotFound()
        _ = user.unit
        return user, list(uow.session.scalars(select(Unit).order_by(Unit.code)))


def edit_user(services: Services, principal: Principal, user_id: int, *, roles=None, unit_code: str | None = None,
              clearance: int | None = None, full_name: str | None = None, is_active: bool | None = None,
              password: str | None = None) -> User:
    """Change a user (and set a new password if one is given): all of it commits, or none."""
    with services.uow() as uow:
        user = uow.session.get(User, user_id)
        if user is None:
            raise UserNotFound()
        update_user(services, uow.session, principal, user, roles=roles, unit_code=unit_code, clearance=clearance,
                    full_name=full_name, is_active=is_active)
        if password:
            set_password(services, uow.session, principal, user, password)
        uow.commit()
        return user


def list_units(services: Services, principal: Principal) -> list[Unit]:
    _require(principal, "unit.manage")
    with services.uow() as uow:
        units = list(uow.session.scalars(select(Unit).order_by(Unit.code)))
        for unit in units:
            _ = unit.parent, unit.successor  # shown on the page
        return units


def add_unit(services: Services, principal: Principal, code: str, name: str, *, parent_code: str | None = None,
             kind: str = "unit", valid_from: date | None = None) -> Unit:
    with services.uow() as uow:
        unit = create_unit(services, uow.session, principal, code, name, parent_code=parent_code, kind=kind,
                           valid_from=valid_from)
        uow.commit()
        return unit


def close_unit(services: Services, principal: Principal, code: str, *, valid_to: date,
               successor_code: str | None = None) -> None:
    with services.uow() as uow:
        end_unit(services, uow.session, principal, code, valid_to=valid_to, successor_code=successor_code)
        uow.commit()
