"""Command line for accounts, units and API tokens (the audit trail's: docsvc.audit.cli).

Who acts: the user named by ``DOCSVC_USER`` (then the permission table applies), or, when
it is unset, the local operator, who already holds the data directory; either way the audit
trail names them.
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from datetime import datetime, timedelta

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from archive.accounts import ROLES, ApiToken, Unit, User
from docsvc.access import Principal, principal_for, system_principal
from docsvc.auth import now
from docsvc.accounts.services import (
    VIETNAM,
    AccountError,
    create_token,
    create_unit,
    create_user,
    end_unit,
    get_user,
    revoke_token,
    set_password,
    update_user,
)
from docsvc.services.audit import PermissionDenied


def services():
    return current_app.extensions["docsvc"]


def cli_principal() -> Principal:
    """The acting user for this command (see the module docstring)."""
    username = os.environ.get("DOCSVC_USER")
    if not username:
        return system_principal()
    with services().uow() as uow:
        db = uow.session
        user = db.scalar(select(User).where(User.username == username))
        if user is None or not user.is_active:
            raise click.ClickException(f"DOCSVC_USER={username}: không có người dùng đang hoạt động với tên này.")
        return principal_for(db, user, via="cli")


def require(action: str) -> Principal:
    principal = cli_principal()
    if not principal.can(action):
        raise click.ClickException(f"{principal.username} không được làm việc này ({action}).")
    return principal


def _read_password(stdin: bool) -> str:
    if stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Mật khẩu", hide_input=True, confirmation_prompt=True)
    return password


def _fail(exc: Exception) -> None:
    message = getattr(exc, "message", None) or str(exc)
    if isinstance(exc, PermissionDenied):
        message = f"không được làm việc này ({exc.action})."
    raise click.ClickException(message)


@contextmanager
def transaction():
    """(services, session) of one unit of work for the steps of docsvc.accounts.services
    (each checks the permission and appends its audit record); commits on success, turns a refusal into a clear
    command-line error (and rolls back)."""
    svc = services()
    with svc.uow() as uow:
        try:
            yield svc, uow.session
        except (AccountError, PermissionDenied, ValueError) as exc:
            _fail(exc)
        uow.commit()


# -- users ----------------------------------------------------------------------------

@click.group("user", help="Người dùng. (Users.)")
def user_group() -> None:
    pass


@user_group.command("add", help="Thêm người dùng.")
@click.argument("username")
@click.option("--role", "roles", multiple=True, required=True, type=click.Choice(ROLES), help="Vai trò (lặp lại được).")
@click.option("--unit", "unit_code", required=True, help="Mã đơn vị.")
@click.option("--name", "full_name", default="", help="Họ tên.")
@click.option("--clearance", default=0, type=click.IntRange(0, 3), help="Mức được tiếp cận: 0 thường … 3 tuyệt mật.")
@click.option("--password-stdin", is_flag=True, help="Đọc mật khẩu từ đầu vào chuẩn.")
@with_appcontext
def user_add(username, roles, unit_code, full_name, clearance, password_stdin) -> None:
    principal = require("user.manage")
    password = _read_password(password_stdin)
    with transaction() as (svc, db):
        user = create_user(svc, db, principal, username, password, roles=roles, unit_code=unit_code,
                           full_name=full_name, clearance=clearance)
        summary = f"{user.username} ({', '.join(sorted(user.roles))}, đơn vị {unit_code})"
    click.echo(f"Đã tạo người dùng {summary}.")


@user_group.command("passwd", help="Đặt mật khẩu mới.")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Đọc mật khẩu từ đầu vào chuẩn.")
@with_appcontext
def user_passwd(username, password_stdin) -> None:
    principal = cli_principal()
    password = _read_password(password_stdin)
    with transaction() as (svc, db):
        set_password(svc, db, principal, get_user(db, username), password)
    click.echo(f"Đã đặt mật khẩu mới cho {username}; mọi phiên đăng nhập cũ đã kết thúc.")


@user_group.command("disable", help="Vô hiệu hóa người dùng (và thu hồi mọi phiên).")
@click.argument("username")
@with_appcontext
def user_disable(username) -> None:
    principal = require("user.manage")
    with transaction() as (svc, db):
        update_user(svc, db, principal, get_user(db, username), is_active=False)
    click.echo(f"Đã vô hiệu hóa {username}.")


@user_group.command("list", help="Liệt kê người dùng.")
@with_appcontext
def user_list() -> None:
    require("user.manage")
    with services().uow() as uow:
        db = uow.session
        for user in db.scalars(select(User).order_by(User.username)):
            state = "" if user.is_active else " [vô hiệu]"
            click.echo(f"{user.username:20} {user.unit.code:12} mức {user.clearance}  "
                       f"{','.join(sorted(user.roles))}{state}")


# -- units ----------------------------------------------------------------------------

@click.group("unit", help="Đơn vị. (Organisation units.)")
def unit_group() -> None:
    pass


@unit_group.command("add", help="Thêm đơn vị.")
@click.argument("code")
@click.argument("name")
@click.option("--parent", "parent_code", default=None, help="Mã đơn vị cấp trên.")
@click.option("--kind", default="unit", type=click.Choice(["province", "commune", "department", "unit"]))
@click.option("--valid-from", default=None, help="Ngày bắt đầu hiệu lực (YYYY-MM-DD).")
@with_appcontext
def unit_add(code, name, parent_code, kind, valid_from) -> None:
    principal = require("unit.manage")
    with transaction() as (svc, db):
        start = datetime.strptime(valid_from, "%Y-%m-%d").date() if valid_from else None
        create_unit(svc, db, principal, code, name, parent_code=parent_code, kind=kind, valid_from=start)
    click.echo(f"Đã thêm đơn vị {code}.")


@unit_group.command("end", help="Kết thúc đơn vị; hồ sơ chuyển cho đơn vị kế thừa.")
@click.argument("code")
@click.option("--on", "valid_to", required=True, help="Ngày hết hiệu lực (YYYY-MM-DD).")
@click.option("--successor", default=None, help="Mã đơn vị kế thừa.")
@with_appcontext
def unit_end(code, valid_to, successor) -> None:
    principal = require("unit.manage")
    with transaction() as (svc, db):
        end_unit(svc, db, principal, code, valid_to=datetime.strptime(valid_to, "%Y-%m-%d").date(),
                 successor_code=successor)
    click.echo(f"Đã kết thúc đơn vị {code}.")


@unit_group.command("list", help="Liệt kê đơn vị.")
@with_appcontext
def unit_list() -> None:
    require("unit.manage")
    with services().uow() as uow:
        db = uow.session
        for unit in db.scalars(select(Unit).order_by(Unit.code)):
            parent = unit.parent.code if unit.parent else "-"
            click.echo(f"{unit.code:16} {parent:16} {unit.name}")


# -- API tokens -----------------------------------------------------------------------

@click.group("token", help="Mã API. (API tokens.)")
def token_group() -> None:
    pass


@token_group.command("create", help="Tạo mã API cho người dùng; mã chỉ được in ra lần này.")
@click.argument("username")
@click.option("--name", default="", help="Tên gợi nhớ.")
@click.option("--expires", "valid_through", default=None, metavar="YYYY-MM-DD",
              help="Ngày cuối cùng mã còn dùng được (giờ Việt Nam); bỏ trống: đến khi thu hồi.")
@with_appcontext
def token_create(username, name, valid_through) -> None:
    principal = cli_principal()
    if valid_through:
        try:
            valid_through = datetime.strptime(valid_through, "%Y-%m-%d").date()
        except ValueError:
            raise click.BadParameter("cần dạng YYYY-MM-DD.", param_hint="--expires")
    with transaction() as (svc, db):
        token = create_token(svc, db, principal, get_user(db, username), name, valid_through=valid_through or None,
                             now=now())
    click.echo(token)


@token_group.command("revoke", help="Thu hồi mã API theo số.")
@click.argument("token_id", type=int)
@with_appcontext
def token_revoke(token_id) -> None:
    principal = cli_principal()
    with transaction() as (svc, db):
        revoke_token(svc, db, principal, token_id)
    click.echo(f"Đã thu hồi mã API #{token_id}.")


@token_group.command("list", help="Liệt kê mã API của người dùng.")
@click.argument("username")
@with_appcontext
def token_list(username) -> None:
    require("user.manage")
    with transaction() as (_svc, db):
        user = get_user(db, username)
        for row in db.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)):
            if row.revoked_at:
                state = f"thu hồi {row.revoked_at:%d/%m/%Y}"
            elif row.expires_at and row.expires_at <= now():
                state = f"hết hạn {row.expires_at.astimezone(VIETNAM):%d/%m/%Y %H:%M}"
            elif row.expires_at:
                last_day = (row.expires_at.astimezone(VIETNAM) - timedelta(seconds=1)).date()
                state = f"hiệu lực đến hết ngày {last_day:%d/%m/%Y}"
            else:
                state = "hiệu lực"
            click.echo(f"#{row.id:<5} {row.prefix}…  {row.name:20} {state}")


GROUPS = (user_group, unit_group, token_group)
