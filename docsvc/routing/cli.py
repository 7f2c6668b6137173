"""The routing commands (issue 13):

- ``docsvc routing assign INCOMING_ID (--unit CODE | --user NAME) [--role main|cooperate|info]
  (--working-days N | --due-on DATE) [--note TEXT] [--json]`` → ``{"id", "due_on"}``;
- ``docsvc routing complete ID --note TEXT [--reply-document ID] [--json]``;
- ``docsvc routing inbox --user NAME [--json]``: that person's to do, due soon, overdue;
- ``docsvc routing remind [--day YYYY-MM-DD] [--json]``: one reminders' sweep (the worker runs
  it every ``DOCSVC_REMIND_MINUTES``);
- ``docsvc routing email USER ADDRESS``: where a user's reminders are e-mailed ("" clears).

They call docsvc.routing.services as the user in ``DOCSVC_USER`` (or the local operator, who
assigns in the name of the office's first leader). A refusal prints a Vietnamese message and
exits with 1.
"""

from __future__ import annotations

from datetime import date

import click
from flask.cli import with_appcontext

from docsvc.accounts.cli import cli_principal, require
from docsvc.cli import _echo_json, services
from docsvc.routing import services as routing
from docsvc.routing.notify import set_email
from docsvc.services.audit import PermissionDenied


def _fail(exc: Exception) -> None:
    if isinstance(exc, PermissionDenied):
        raise click.ClickException(f"không được làm việc này ({exc.action}).")
    if isinstance(exc, routing.RoutingInvalid):
        raise click.ClickException(f"{exc.field}: {exc.message}")
    if isinstance(exc, routing.RoutingConflict):
        raise click.ClickException(f"{exc.message} ({exc.code})")
    if isinstance(exc, routing.RoutingNotFound):
        raise click.ClickException(exc.message)
    raise exc


@click.group("routing", help="Phân công xử lý văn bản đến, việc của tôi, nhắc hạn. (Routing, inbox, reminders.)")
def routing_group() -> None:
    pass


@routing_group.command("assign", help="Phân công xử lý một văn bản đến. (Assign an incoming document.)")
@click.argument("incoming_id", type=int)
@click.option("--unit", default=None, help="Mã đơn vị xử lý.")
@click.option("--user", default=None, help="Tên đăng nhập của người xử lý.")
@click.option("--role", type=click.Choice(["main", "cooperate", "info"]), default="main", show_default=True,
              help="Chủ trì, phối hợp hoặc để biết.")
@click.option("--working-days", type=int, default=None, help="Thời hạn: số ngày làm việc kể từ bây giờ.")
@click.option("--due-on", default=None, help="Thời hạn: ngày (YYYY-MM-DD hoặc dd/mm/yyyy).")
@click.option("--note", default=None, help="Ý kiến chỉ đạo.")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@with_appcontext
def assign_command(incoming_id: int, unit: str | None, user: str | None, role: str, working_days: int | None,
                   due_on: str | None, note: str | None, as_json: bool) -> None:
    principal = require("routing.assign")
    try:
        made = routing.assign(services(), principal, incoming_id, unit=unit, user=user, role=role,
                              working_days=working_days, due_on=due_on, note=note)
    except Exception as exc:
        _fail(exc)
    if as_json:
        _echo_json(made)
        return
    due = f", hạn {date.fromisoformat(made['due_on']):%d/%m/%Y}" if made["due_on"] else ""
    click.echo(f"Đã phân công (việc số {made['id']}{due}).")


@routing_group.command("complete", help="Hoàn thành việc được giao. (Complete an assignment.)")
@click.argument("assignment_id", type=int)
@click.option("--note", required=True, help="Kết quả xử lý.")
@click.option("--reply-document", type=int, default=None, help="Số (id) văn bản trả lời.")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@with_appcontext
def complete_command(assignment_id: int, note: str, reply_document: int | None, as_json: bool) -> None:
    principal = require("routing.handle")
    try:
        done = routing.complete(services(), principal, assignment_id, note=note, reply_document_id=reply_document)
    except Exception as exc:
        _fail(exc)
    if as_json:
        _echo_json(done)
        return
    standing = {"early": "trước hạn", "on_time": "đúng hạn", "late": "quá hạn"}.get(done["standing"], "không có hạn")
    click.echo(f"Đã hoàn thành việc số {done['id']} ngày {date.fromisoformat(done['completed_on']):%d/%m/%Y}: "
               f"{standing}.")


@routing_group.command("inbox", help="Việc của một người: cần xử lý, sắp đến hạn, quá hạn. (A user's inbox.)")
@click.option("--user", "username", required=True, help="Tên đăng nhập.")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@with_appcontext
def inbox_command(username: str, as_json: bool) -> None:
    from docsvc.access import principal_for
    from docsvc.accounts.services import get_user

    acting = cli_principal()
    if not acting.is_system and acting.username != username and not acting.can("user.manage"):
        raise click.ClickException("chỉ xem được việc của chính mình.")
    with services().uow() as uow:
        try:
            principal = principal_for(uow.session, get_user(uow.session, username), via="cli")
        except Exception:
            raise click.ClickException(f"không có người dùng {username}.") from None
    box = routing.inbox(services(), principal)
    if as_json:
        _echo_json(box)
        return
    for bucket, title in (("overdue", "Quá hạn"), ("due_soon", "Sắp đến hạn"), ("todo", "Cần xử lý")):
        click.echo(f"{title}: {box['counts'][bucket]}")
        for item in box[bucket]:
            due = f"hạn {date.fromisoformat(item['due_on']):%d/%m/%Y}" if item["due_on"] else "không có hạn"
            click.echo(f"  [{item['id']}] {item['title']} ({item['role_label']}, {due})")


@routing_group.command("remind", help="Gửi nhắc hạn một lượt (trong ứng dụng và thư điện tử). (One reminders' sweep.)")
@click.option("--day", default=None, help="Ngày tính (YYYY-MM-DD; mặc định hôm nay).")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@with_appcontext
def remind_command(day: str | None, as_json: bool) -> None:
    require("routing.assign")
    try:
        today = date.fromisoformat(day) if day else None
    except ValueError:
        raise click.ClickException("--day: ghi dạng YYYY-MM-DD.") from None
    result = routing.send_reminders(services(), today=today)
    if as_json:
        _echo_json(result)
        return
    click.echo(f"Ngày {result['day']}: {result['notified']} nhắc hạn mới, {result['emailed']} thư đã gửi.")


@routing_group.command("email", help="Địa chỉ thư nhận nhắc hạn của một người. (A user's e-mail for reminders.)")
@click.argument("username")
@click.argument("address")
@with_appcontext
def email_command(username: str, address: str) -> None:
    principal = require("user.manage")
    try:
        saved = set_email(services(), principal, username, address)
    except Exception as exc:
        _fail(exc)
    click.echo(f"{saved['username']}: {saved['email'] or '(không có)'}")


GROUPS = (routing_group,)
