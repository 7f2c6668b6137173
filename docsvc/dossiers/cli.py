"""The one-stop commands (issue 13 "Interface"):

- ``docsvc procedure add CODE NAME --field F --days N [--unit CODE] [--inactive]``,
  ``docsvc procedure list [--json]``;
- ``docsvc dossier receive --procedure CODE --applicant NAME [--received ISO] [--contact C]
  [--document D ...] [--outcome accepted|supplement|refused] [--note N] [--office CODE] [--json]``
  → ``{"id", "code", "due_on", ...}``;
- ``docsvc dossier supplement ID --missing TEXT``, ``complete-supplement ID``,
  ``refuse ID --reason R``, ``route ID [--unit CODE] [--user NAME]``,
  ``apology ID --new-date D --reason R``, ``return ID [--note N]`` (each ``[--at ISO]`` where a
  moment is recorded, ``[--json]``);
- ``docsvc dossier show ID``, ``docsvc dossier list``, ``docsvc dossier receipt ID --out FILE``;
- ``docsvc dossier office [UNIT] --agency-code CODE [--place P] [--heading H]``.

They call docsvc.dossiers.services as the user in ``DOCSVC_USER`` (or the local operator, who
names the office with ``--office``). A refusal prints a Vietnamese message and exits with 1.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from docsvc.accounts.cli import require
from docsvc.cli import _echo_json, services
from docsvc.dossiers import services as dossiers
from docsvc.dossiers.rules import STATE_LABELS
from docsvc.services.audit import PermissionDenied

_JSON = click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
_AT = click.option("--at", default=None, help="Thời điểm (YYYY-MM-DDTHH:MM, giờ địa phương); mặc định: bây giờ.")


def _fail(exc: Exception) -> None:
    if isinstance(exc, PermissionDenied):
        raise click.ClickException(f"không được làm việc này ({exc.action}).")
    if isinstance(exc, dossiers.DossierInvalid):
        raise click.ClickException(f"{exc.field}: {exc.message}")
    if isinstance(exc, (dossiers.DossierNotFound, dossiers.DossierConflict)):
        raise click.ClickException(exc.message)
    raise exc


def _run(action: str, call):
    principal = require(action)
    try:
        return call(services(), principal)
    except Exception as exc:
        _fail(exc)


def _show(data: dict, as_json: bool) -> None:
    if as_json:
        _echo_json(data)
        return
    due = f", hẹn trả {data['due_on']}" if data.get("due_on") else ""
    standing = f", {data['standing']}" if data.get("standing") else ""
    click.echo(f"Hồ sơ {data['code']} (#{data['id']}): {STATE_LABELS[data['status']]}{due}{standing}.")


# -- procedures -----------------------------------------------------------------------------

@click.group("procedure", help="Danh mục thủ tục hành chính. (The procedures list.)")
def procedure_group() -> None:
    pass


@procedure_group.command("add", help="Thêm hoặc sửa một thủ tục. (Add or change a procedure.)")
@click.argument("code")
@click.argument("name")
@click.option("--field", "field_", required=True, help="Lĩnh vực (Hộ tịch, Đất đai, Chứng thực, ...).")
@click.option("--days", required=True, type=int, help="Thời hạn giải quyết (ngày làm việc).")
@click.option("--unit", default=None, help="Mã đơn vị giải quyết mặc định.")
@click.option("--inactive", is_flag=True, help="Ngừng áp dụng.")
@_JSON
@with_appcontext
def procedure_add(code, name, field_, days, unit, inactive, as_json) -> None:
    saved = _run("procedure.manage", lambda s, p: dossiers.save_procedure(s, p, code, name, field_, days,
                                                                          handling_unit=unit, active=not inactive))
    if as_json:
        _echo_json(saved)
        return
    verb = "Đã thêm" if saved["created"] else "Đã sửa"
    click.echo(f"{verb} thủ tục {saved['code']}: {saved['name']} ({saved['field']}, {saved['working_days']} ngày làm việc).")


@procedure_group.command("list", help="Các thủ tục. (List the procedures.)")
@_JSON
@with_appcontext
def procedure_list(as_json) -> None:
    rows = _run("procedure.view", lambda s, p: dossiers.list_procedures(s, p))
    if as_json:
        _echo_json(rows)
        return
    if not rows:
        click.echo("Chưa có thủ tục nào.")
    for row in rows:
        mark = "" if row["active"] else " (ngừng áp dụng)"
        click.echo(f"{row['code']:<10} {row['working_days']:>3} ngày  {row['field']:<12} {row['name']}{mark}")


# -- dossiers -------------------------------------------------------------------------------

@click.group("dossier", help="Hồ sơ thủ tục hành chính một cửa. (One-stop dossiers.)")
def dossier_group() -> None:
    pass


@dossier_group.command("receive", help="Tiếp nhận hồ sơ: mã hồ sơ, ngày hẹn trả. (Receive a dossier.)")
@click.option("--procedure", required=True, help="Mã thủ tục.")
@click.option("--applicant", required=True, help="Họ tên người nộp.")
@click.option("--received", default=None, help="Thời điểm nhận (YYYY-MM-DDTHH:MM; mặc định: bây giờ).")
@click.option("--contact", default=None, help="Địa chỉ, số điện thoại.")
@click.option("--document", "documents", multiple=True, help="Giấy tờ nhận (lặp lại cho mỗi giấy tờ).")
@click.option("--outcome", type=click.Choice(["accepted", "supplement", "refused"]), default="accepted",
              show_default=True, help="Kết quả tiếp nhận.")
@click.option("--note", default=None, help="Giấy tờ còn thiếu, hoặc lý do từ chối.")
@click.option("--office", default=None, help="Mã đơn vị tiếp nhận (mặc định: đơn vị của người dùng).")
@_JSON
@with_appcontext
def dossier_receive(procedure, applicant, received, contact, documents, outcome, note, office, as_json) -> None:
    got = _run("dossier.receive", lambda s, p: dossiers.receive_dossier(
        s, p, procedure, applicant, received_at=received, applicant_contact=contact, documents=list(documents),
        outcome=outcome, note=note, office=office))
    _show(got, as_json)


@dossier_group.command("supplement", help="Yêu cầu bổ sung hồ sơ (dừng tính thời hạn). (Ask for a supplement.)")
@click.argument("dossier_id", type=int)
@click.option("--missing", required=True, help="Giấy tờ còn thiếu.")
@_AT
@_JSON
@with_appcontext
def dossier_supplement(dossier_id, missing, at, as_json) -> None:
    _show(_run("dossier.receive", lambda s, p: dossiers.request_supplement(s, p, dossier_id, missing, at=at)), as_json)


@dossier_group.command("complete-supplement", help="Đã bổ sung đủ: tính lại thời hạn. (The supplement is complete.)")
@click.argument("dossier_id", type=int)
@_AT
@_JSON
@with_appcontext
def dossier_complete_supplement(dossier_id, at, as_json) -> None:
    _show(_run("dossier.receive", lambda s, p: dossiers.complete_supplement(s, p, dossier_id, at=at)), as_json)


@dossier_group.command("refuse", help="Từ chối tiếp nhận (ghi lý do). (Refuse a dossier.)")
@click.argument("dossier_id", type=int)
@click.option("--reason", required=True, help="Lý do từ chối.")
@_JSON
@with_appcontext
def dossier_refuse(dossier_id, reason, as_json) -> None:
    _show(_run("dossier.receive", lambda s, p: dossiers.refuse(s, p, dossier_id, reason)), as_json)


@dossier_group.command("route", help="Chuyển hồ sơ đến đơn vị giải quyết. (Route a dossier.)")
@click.argument("dossier_id", type=int)
@click.option("--unit", default=None, help="Mã đơn vị (mặc định: đơn vị giải quyết của thủ tục).")
@click.option("--user", default=None, help="Tên đăng nhập người giải quyết.")
@click.option("--note", default=None, help="Ý kiến chỉ đạo.")
@_JSON
@with_appcontext
def dossier_route(dossier_id, unit, user, note, as_json) -> None:
    _show(_run("dossier.handle", lambda s, p: dossiers.route(s, p, dossier_id, unit=unit, user=user, note=note)),
          as_json)


@dossier_group.command("apology", help="Xin lỗi và hẹn lại ngày trả (một lần). (Apologise, one new date.)")
@click.argument("dossier_id", type=int)
@click.option("--new-date", "new_date", required=True, help="Ngày hẹn mới (dd/mm/yyyy hoặc YYYY-MM-DD).")
@click.option("--reason", required=True, help="Lý do chậm.")
@_AT
@_JSON
@with_appcontext
def dossier_apology(dossier_id, new_date, reason, at, as_json) -> None:
    _show(_run("dossier.handle", lambda s, p: dossiers.apologize(s, p, dossier_id, new_date, reason, at=at)), as_json)


@dossier_group.command("return", help="Trả kết quả. (Return the result.)")
@click.argument("dossier_id", type=int)
@click.option("--note", default=None, help="Kết quả giải quyết.")
@click.option("--document-id", type=int, default=None, help="Văn bản kết quả (số hiệu trong hệ thống).")
@_AT
@_JSON
@with_appcontext
def dossier_return(dossier_id, note, document_id, at, as_json) -> None:
    _show(_run("dossier.handle", lambda s, p: dossiers.return_result(s, p, dossier_id, note=note,
                                                                     result_document_id=document_id, at=at)), as_json)


@dossier_group.command("show", help="Xem một hồ sơ và diễn biến. (Show a dossier.)")
@click.argument("dossier_id", type=int)
@_JSON
@with_appcontext
def dossier_show(dossier_id, as_json) -> None:
    data = _run("dossier.view", lambda s, p: dossiers.get_dossier(s, p, dossier_id))
    _show(data, as_json)
    if not as_json:
        for event in data["events"]:
            click.echo(f"  {event['at']}  {event['kind']:<22} {event['note'] or ''}")


@dossier_group.command("list", help="Danh sách hồ sơ. (List dossiers.)")
@click.option("--status", default=None, help="Trạng thái (received, supplement, refused, in_progress, returned).")
@click.option("--marker", type=click.Choice(["due_soon", "overdue"]), default=None)
@click.option("--q", default=None, help="Một phần mã hồ sơ hoặc họ tên.")
@_JSON
@with_appcontext
def dossier_list(status, marker, q, as_json) -> None:
    data = _run("dossier.view", lambda s, p: dossiers.list_dossiers(s, p, status=status, marker=marker, q=q))
    if as_json:
        _echo_json(data)
        return
    for item in data["items"]:
        click.echo(f"{item['code']:<28} {STATE_LABELS[item['status']]:<18} {item['due_on'] or '':<10} {item['applicant']}")
    click.echo(f"Tổng: {data['total']}")


@dossier_group.command("receipt", help="In giấy tiếp nhận và hẹn trả kết quả (PDF). (Print the receipt.)")
@click.argument("dossier_id", type=int)
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="Tệp PDF ghi ra.")
@with_appcontext
def dossier_receipt(dossier_id, out: Path) -> None:
    data = _run("dossier.view", lambda s, p: dossiers.receipt_pdf(s, p, dossier_id))
    out.write_bytes(data)
    click.echo(f"Đã ghi {out} ({len(data)} byte).")


@dossier_group.command("office", help="Mã cơ quan, nơi, tiêu đề của bộ phận một cửa. (Office settings.)")
@click.argument("unit", required=False)
@click.option("--agency-code", required=True, help="Mã cơ quan in trong mã hồ sơ (ví dụ 000.00.12.H29).")
@click.option("--place", default=None, help="Địa danh in trên giấy tiếp nhận.")
@click.option("--heading", default=None, help="Tiêu đề cơ quan (các dòng cách nhau bằng \\n).")
@_JSON
@with_appcontext
def dossier_office(unit, agency_code, place, heading, as_json) -> None:
    heading = heading.replace("\\n", "\n") if heading else heading
    data = _run("procedure.manage", lambda s, p: dossiers.configure_office(s, p, unit, agency_code, place, heading))
    if as_json:
        _echo_json(data)
        return
    click.echo(f"{data['unit']['name']}: mã cơ quan {data['agency_code']}, nơi {data['place']}.")


GROUPS = (procedure_group, dossier_group)
