"""The calendar commands (issue 13 "Interface"):

- ``docsvc calendar add DATE NAME [--work]`` (``DATE`` as YYYY-MM-DD or dd/mm/yyyy; ``--work``:
  a weekend day swapped into a working day), ``docsvc calendar remove DATE``;
- ``docsvc calendar list --year YYYY [--json]``;
- ``docsvc calendar due START --days N [--unit CODE] [--json]`` → ``{"due_on": "YYYY-MM-DD"}``
  (``START`` an ISO date-time in local time, e.g. ``2026-02-13T15:30``);
- ``docsvc calendar unit CODE [--saturday-mornings/--no-saturday-mornings] [--cutoff HH:MM]``.

They call docsvc.calendar.services as the user in ``DOCSVC_USER`` (or the local operator). A
refusal prints a Vietnamese message and exits with 1.
"""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from docsvc.accounts.cli import require
from docsvc.calendar import services as cal
from docsvc.cli import _echo_json, services
from docsvc.services.audit import PermissionDenied


def _fail(exc: Exception) -> None:
    if isinstance(exc, PermissionDenied):
        raise click.ClickException(f"không được làm việc này ({exc.action}).")
    if isinstance(exc, cal.CalendarInvalid):
        raise click.ClickException(f"{exc.field}: {exc.message}")
    if isinstance(exc, (cal.DayNotFound, cal.DayExists)):
        raise click.ClickException(exc.message)
    raise exc


@click.group("calendar", help="Lịch ngày làm việc: ngày nghỉ, ngày làm bù, tính hạn. "
                              "(The working-day calendar.)")
def calendar_group() -> None:
    pass


@calendar_group.command("add", help="Thêm ngày nghỉ (hoặc ngày làm bù với --work). (Add a day off.)")
@click.argument("day")
@click.argument("name")
@click.option("--work", is_flag=True, help="Ngày làm bù: thứ Bảy hoặc Chủ nhật đi làm.")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@with_appcontext
def add_command(day: str, name: str, work: bool, as_json: bool) -> None:
    principal = require("calendar.manage")
    try:
        added = cal.add_day(services(), principal, day, name, kind="work" if work else "off")
    except Exception as exc:
        _fail(exc)
    if as_json:
        _echo_json({k: added[k] for k in ("day", "kind", "name")})
        return
    click.echo(f"Đã thêm {added['kind_label'].lower()} {added['day_text']}: {added['name']}.")


@calendar_group.command("remove", help="Bỏ một ngày khỏi lịch. (Remove a day.)")
@click.argument("day")
@with_appcontext
def remove_command(day: str) -> None:
    principal = require("calendar.manage")
    try:
        removed = cal.remove_day(services(), principal, day)
    except Exception as exc:
        _fail(exc)
    click.echo(f"Đã bỏ {removed['day_text']} ({removed['name']}) khỏi lịch.")


@calendar_group.command("list", help="Các ngày nghỉ, ngày làm bù của một năm. (List a year's days.)")
@click.option("--year", required=True, type=click.IntRange(1900, 2100), help="Năm.")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@with_appcontext
def list_command(year: int, as_json: bool) -> None:
    principal = require("calendar.view")
    try:
        days = cal.list_days(services(), principal, year)
    except Exception as exc:
        _fail(exc)
    if as_json:
        _echo_json([{k: d[k] for k in ("day", "kind", "name")} for d in days])
        return
    if not days:
        click.echo(f"Năm {year} chưa có ngày nghỉ nào trong lịch.")
    for d in days:
        mark = "làm bù" if d["kind"] == "work" else "nghỉ"
        click.echo(f"{d['day_text']}  {mark:<7} {d['name']}")


@calendar_group.command("due", help="Tính hạn: ngày làm việc thứ N sau ngày nhận. (Compute a due date.)")
@click.argument("start")
@click.option("--days", required=True, type=int, help="Số ngày làm việc.")
@click.option("--unit", default=None, help="Mã đơn vị (lịch làm việc sáng thứ Bảy, giờ chốt nhận của đơn vị).")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@with_appcontext
def due_command(start: str, days: int, unit: str | None, as_json: bool) -> None:
    principal = require("calendar.view")
    try:
        due_on = cal.due(services(), principal, cal.parse_start(start), days, unit=unit)
    except Exception as exc:
        _fail(exc)
    if as_json:
        _echo_json({"due_on": due_on.isoformat()})
        return
    click.echo(f"Hạn: {due_on:%d/%m/%Y}")


@calendar_group.command("unit", help="Làm việc sáng thứ Bảy, giờ chốt nhận của một đơn vị. "
                                     "(A unit's Saturday mornings and cut-off.)")
@click.argument("code")
@click.option("--saturday-mornings/--no-saturday-mornings", default=False, show_default=True,
              help="Đơn vị làm việc sáng thứ Bảy.")
@click.option("--cutoff", default=cal.DEFAULT_CUTOFF, show_default=True, help="Giờ chốt nhận (HH:MM).")
@with_appcontext
def unit_command(code: str, saturday_mornings: bool, cutoff: str) -> None:
    principal = require("calendar.manage")
    try:
        saved = cal.set_unit_calendar(services(), principal, code, saturday_mornings, cutoff)
    except Exception as exc:
        _fail(exc)
    saturdays = "có" if saved["saturday_mornings"] else "không"
    click.echo(f"{saved['unit']['name']}: làm việc sáng thứ Bảy: {saturdays}; giờ chốt nhận {saved['cutoff']}.")


GROUPS = (calendar_group,)
