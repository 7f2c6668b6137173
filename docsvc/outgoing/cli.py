"""The outgoing-document commands:

- ``docsvc outgoing draft FILE --type T --abstract A --recipients R [--unit CODE] [--signer U]
  [--secrecy S] [--urgency U] [--reply-to ID] [--json]`` → the same object as
  ``POST /api/v1/outgoing``;
- ``docsvc outgoing version ID FILE [--note TEXT]``;
- ``docsvc outgoing step ID ACTION [--comment TEXT]`` (submit, approve, return, check, sign,
  number, release, file, withdraw);
- ``docsvc outgoing show ID [--json]``, ``docsvc outgoing list [--state S] [--year Y]``;
- ``docsvc outgoing settings UNIT [--abbr A] [--place P] [--legal-unit CODE] [--exchange-dir D]
  [--exchange-email E]``; ``docsvc outgoing retention [TYPE PERIOD]``.

They call the use cases as the user in ``DOCSVC_USER`` (docsvc.accounts.cli.require); a
refusal prints a Vietnamese message and exits with 1.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from docsvc.accounts.cli import require
from docsvc.cli import _echo_json, services
from docsvc.outgoing import reading, services as outgoing, settings
from docsvc.outgoing.rules import ACTION_LABELS, OutgoingConflict, OutgoingInvalid, OutgoingNotFound, WrongPerson
from docsvc.services.audit import PermissionDenied


def fail(exc: Exception) -> None:
    if isinstance(exc, OutgoingNotFound):
        raise click.ClickException("Không có văn bản đi này (hoặc không thuộc đơn vị của bạn).")
    if isinstance(exc, PermissionDenied):
        raise click.ClickException(f"không được làm việc này ({exc.action}).")
    if isinstance(exc, WrongPerson):
        raise click.ClickException(exc.message)
    if isinstance(exc, OutgoingInvalid):
        raise click.ClickException(f"{exc.field}: {exc.message}")
    if isinstance(exc, OutgoingConflict):
        raise click.ClickException(f"{exc.message} ({exc.code})")
    raise exc


def show(doc: dict, as_json: bool) -> None:
    if as_json:
        _echo_json(doc)
        return
    click.echo(f"#{doc['id']} {doc['doc_type']} {doc.get('number_symbol') or '(chưa có số)'} — {doc['abstract']}")
    click.echo(f"Trạng thái: {doc['state_label']} · phiên bản {doc['version']} · {doc['control_status_label']}")
    for step in doc.get("records", []):
        line = f"  {step['at'][:16].replace('T', ' ')}  {step['action_label']:<22} {step['actor_name']}"
        if step.get("comment"):
            line += f" — {step['comment']}"
        click.echo(line)


@click.group("outgoing", help="Văn bản đi: dự thảo, trình duyệt, ký, cho số, phát hành, lưu. (Outgoing documents.)")
def outgoing_group() -> None:
    pass


@outgoing_group.command("draft", help="Soạn dự thảo mới từ tệp DOCX hoặc PDF. (Start a draft.)")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--type", "doc_type", required=True, help="Loại văn bản, ví dụ “Quyết định”, “Công văn”.")
@click.option("--abstract", required=True, help="Trích yếu.")
@click.option("--recipients", required=True, help="Nơi nhận: mã đơn vị trong hệ thống hoặc tên, cách nhau dấu phẩy.")
@click.option("--unit", "drafting_unit", default=None, help="Mã đơn vị soạn thảo (mặc định: đơn vị của bạn).")
@click.option("--signer", default=None, help="Tên đăng nhập của người ký dự kiến.")
@click.option("--secrecy", default=None, help="Độ mật: 0-3 hoặc mat, toi_mat, tuyet_mat.")
@click.option("--urgency", default=None, help="Độ khẩn: normal, khan, thuong_khan, hoa_toc.")
@click.option("--reply-to", "in_reply_to", default=None, help="Số thứ tự (id) văn bản đến được trả lời.")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@with_appcontext
def draft_command(file: Path, as_json: bool, **fields) -> None:
    principal = require("outgoing.draft")
    try:
        doc = outgoing.create_draft(services(), principal, {k: v for k, v in fields.items() if v is not None},
                                    file.read_bytes(), file.name)
    except Exception as exc:
        fail(exc)
    show(doc, as_json)


@outgoing_group.command("version", help="Thêm phiên bản mới của dự thảo. (Add a version.)")
@click.argument("outgoing_id", type=int)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--note", default=None, help="Sửa gì trong phiên bản này.")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def version_command(outgoing_id: int, file: Path, note, as_json: bool) -> None:
    principal = require("outgoing.draft")
    try:
        doc = outgoing.add_version(services(), principal, outgoing_id, file.read_bytes(), file.name, note)
    except Exception as exc:
        fail(exc)
    show(doc, as_json)


@outgoing_group.command("step", help="Làm một bước: " + ", ".join(f"{k} ({v})" for k, v in ACTION_LABELS.items()
                                                                if k in outgoing.PROCESS) + ". (Take a step.)")
@click.argument("outgoing_id", type=int)
@click.argument("action", type=click.Choice(tuple(outgoing.PROCESS)))
@click.option("--comment", default=None, help="Ý kiến (bắt buộc khi trả lại, thu hồi).")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def step_command(outgoing_id: int, action: str, comment, as_json: bool) -> None:
    principal = require("outgoing.view")
    try:
        doc = outgoing.transition(services(), principal, outgoing_id, action, comment)
    except Exception as exc:
        fail(exc)
    show(doc, as_json)


@outgoing_group.command("show", help="Xem một văn bản đi và quá trình ban hành. (Show one.)")
@click.argument("outgoing_id", type=int)
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def show_command(outgoing_id: int, as_json: bool) -> None:
    principal = require("outgoing.view")
    try:
        doc = reading.get_outgoing(services(), principal, outgoing_id)
    except Exception as exc:
        fail(exc)
    show(doc, as_json)


@outgoing_group.command("list", help="Danh sách văn bản đi. (List.)")
@click.option("--state", default=None, help="Trạng thái (draft, submitted, ..., filed).")
@click.option("--year", type=int, default=None, help="Năm cho số.")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def list_command(state, year, as_json: bool) -> None:
    principal = require("outgoing.view")
    try:
        rows = reading.list_outgoing(services(), principal, state=state, year=year)
    except Exception as exc:
        fail(exc)
    if as_json:
        _echo_json(rows)
        return
    for row in rows:
        click.echo(f"#{row['id']:<5} {row.get('number_symbol') or '—':<16} {row['state_label']:<28} {row['abstract']}")
    click.echo(f"{len(rows)} văn bản đi.")


@outgoing_group.command("settings", help="Xem, sửa cấu hình văn bản đi của một cơ quan. (Issuing settings.)")
@click.argument("unit")
@click.option("--abbr", default=None, help="Chữ viết tắt tên cơ quan, đơn vị trong ký hiệu (UBND, VP).")
@click.option("--place", default=None, help="Địa danh ở dòng ngày tháng.")
@click.option("--legal-unit", default=None, help="Mã đơn vị thẩm định pháp lý (rỗng: bỏ).")
@click.option("--exchange-dir", default=None, help="Thư mục ghi gói liên thông gửi ra ngoài.")
@click.option("--exchange-email", default=None, help="Địa chỉ thư nhận gói liên thông.")
@with_appcontext
def settings_command(unit: str, **changes) -> None:
    given = {k: v for k, v in changes.items() if v is not None}
    try:
        if given:
            data = settings.configure(services(), require("outgoing.configure"), unit, **given)
        else:
            data = settings.get_settings(services(), require("outgoing.view"), unit)
    except Exception as exc:
        fail(exc)
    _echo_json(data)


@outgoing_group.command("retention", help="Xem hoặc sửa thời hạn bảo quản theo loại. (Retention schedule.)")
@click.argument("doc_type", required=False)
@click.argument("period", required=False)
@with_appcontext
def retention_command(doc_type, period) -> None:
    try:
        if doc_type and period:
            row = settings.set_retention(services(), require("outgoing.configure"), doc_type, period)
            click.echo(f"{row['doc_type']}: {row['label']}")
            return
        for row in settings.retention_schedule(services(), require("outgoing.view")):
            click.echo(f"{row['doc_type']:<20} {row['label']}")
    except Exception as exc:
        fail(exc)


from docsvc.outgoing.cli_certificates import COMMANDS as _CERTIFICATES  # noqa: E402

from docsvc.outgoing.cli_register import register_print as _register_print  # noqa: E402

for _command in (*_CERTIFICATES, _register_print):
    outgoing_group.add_command(_command)

GROUPS = (outgoing_group,)
