"""The incoming-register commands (issue 13 "Interface"):

- ``docsvc incoming register DOCUMENT_ID [--arrived ISO] [--urgency U] [--secrecy S]
  [--reason TEXT] [--json]`` → the same object as ``POST /api/v1/incoming``;
- ``docsvc incoming add --number N --symbol S --issuer I --abstract A [--type T] [--date D]
  [--arrived ISO] [--urgency U] [--secrecy S] [--reason TEXT] [--json]`` (typed);
- ``docsvc incoming confirm ID [--field NAME=VALUE ...] [--all] [--json]``;
- ``docsvc incoming list [--year Y] [--json]``;
- ``docsvc incoming register-print --year Y | --from D --to D --format pdf|xlsx --out FILE
  [--secret] [--office CODE]``.

They call docsvc.incoming.services as the user in ``DOCSVC_USER`` (or the local operator, who
names the office with ``--office`` or registers in the document's unit). A refusal prints a
Vietnamese message and exits with 1; a repeat names the earlier row.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from archive.blobstore import write_private
from docsvc.accounts.cli import require
from docsvc.cli import _echo_json, services
from docsvc.incoming import services as incoming
from docsvc.services.audit import PermissionDenied


def _fail(exc: Exception) -> None:
    if isinstance(exc, incoming.IncomingNotFound):
        raise click.ClickException("Không có văn bản đến, văn bản hoặc cơ quan này (hoặc không thuộc đơn vị của bạn).")
    if isinstance(exc, PermissionDenied):
        raise click.ClickException(f"không được làm việc này ({exc.action}).")
    if isinstance(exc, incoming.IncomingInvalid):
        raise click.ClickException(f"{exc.field}: {exc.message}")
    if isinstance(exc, incoming.DuplicateIncoming):
        raise click.ClickException(f"{exc.message} (#{exc.earlier['id']}; dùng --reason để vẫn vào sổ)")
    raise exc


def _show(row: dict, as_json: bool) -> None:
    if as_json:
        _echo_json(row)
        return
    ns = row.get("number_symbol") or "(không số)"
    click.echo(f"Số đến {row['arrival_number']}/{row['year']}{' (Mật)' if row['secret'] else ''} (#{row['id']}): "
               f"{ns} — {row.get('issuer') or '?'} — {row.get('abstract') or ''}")
    if row["machine_fields"]:
        click.echo("Máy đọc, cần xác nhận: " + ", ".join(row["machine_fields"]))


def _register(data: dict, as_json: bool) -> None:
    principal = require("incoming.register")
    try:
        row = incoming.register_incoming(services(), principal, data)
    except Exception as exc:
        _fail(exc)
    _show(row, as_json)


_COMMON = [
    click.option("--arrived", default=None, help="Thời điểm đến, ISO (giờ địa phương), ví dụ 2026-01-06T09:00; mặc định bây giờ."),
    click.option("--urgency", default=None, help="Độ khẩn: normal, khan, thuong_khan, hoa_toc (hoặc Hỏa tốc...)."),
    click.option("--secrecy", default=None, help="Độ mật: 0-3 hoặc mat, toi_mat, tuyet_mat."),
    click.option("--reason", default=None, help="Lý do vẫn vào sổ khi trùng số, ký hiệu, cơ quan ban hành."),
    click.option("--notes", default=None, help="Ghi chú."),
    click.option("--office", default=None, help="Mã cơ quan vào sổ (mặc định: đơn vị của người dùng)."),
    click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON."),
]


def _common(command):
    for option in reversed(_COMMON):
        command = option(command)
    return command


def _extra(arrived, urgency, secrecy, reason, notes, office) -> dict:
    values = {"arrived_at": arrived, "urgency": urgency, "secrecy": secrecy, "confirm_duplicate_reason": reason,
              "notes": notes, "office": office}
    return {k: v for k, v in values.items() if v not in (None, "")}


@click.group("incoming", help="Sổ đăng ký văn bản đến: vào sổ, xác nhận, danh sách, in sổ. (The incoming register.)")
def incoming_group() -> None:
    pass


@incoming_group.command("register", help="Vào sổ một văn bản đã đưa vào hệ thống (bản quét, tệp tải lên). "
                                         "(Register an ingested document.)")
@click.argument("document_id", type=int)
@_common
@with_appcontext
def register_command(document_id: int, arrived, urgency, secrecy, reason, notes, office, as_json: bool) -> None:
    _register({"document_id": document_id, **_extra(arrived, urgency, secrecy, reason, notes, office)}, as_json)


@incoming_group.command("add", help="Vào sổ một văn bản đến giấy, nhập tay. (Register a typed document.)")
@click.option("--number", default=None, help="Số (ví dụ 135).")
@click.option("--symbol", default=None, help="Ký hiệu (ví dụ KH-UBND).")
@click.option("--issuer", required=True, help="Cơ quan ban hành (tác giả).")
@click.option("--abstract", required=True, help="Trích yếu.")
@click.option("--type", "doc_type", default=None, help="Tên loại văn bản (ví dụ Kế hoạch).")
@click.option("--date", "issued_on", default=None, help="Ngày văn bản (YYYY-MM-DD hoặc dd/mm/yyyy).")
@_common
@with_appcontext
def add_command(number, symbol, issuer, abstract, doc_type, issued_on, arrived, urgency, secrecy, reason, notes,
                office, as_json: bool) -> None:
    fields = {"number": number, "symbol": symbol, "issuer": issuer, "abstract": abstract, "doc_type": doc_type,
              "issued_on": issued_on}
    _register({**{k: v for k, v in fields.items() if v}, **_extra(arrived, urgency, secrecy, reason, notes, office)},
              as_json)


@incoming_group.command("confirm", help="Sửa hoặc xác nhận thông tin máy đọc của một văn bản đến. "
                                        "(Correct or confirm machine-read fields.)")
@click.argument("incoming_id", type=int)
@click.option("--field", "pairs", multiple=True, help="TÊN=GIÁ TRỊ, ví dụ issued_on=2026-01-05 (lặp lại được).")
@click.option("--all", "confirm_all", is_flag=True, help="Xác nhận mọi trường máy đọc như đã đọc.")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@with_appcontext
def confirm_command(incoming_id: int, pairs: tuple[str, ...], confirm_all: bool, as_json: bool) -> None:
    principal = require("incoming.register")
    changes: dict = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep:
            raise click.ClickException(f"--field {pair}: cần dạng TÊN=GIÁ TRỊ.")
        changes[name.strip()] = value
    if confirm_all:
        changes["confirm"] = True
    try:
        row = incoming.confirm_fields(services(), principal, incoming_id, changes)
    except Exception as exc:
        _fail(exc)
    _show(row, as_json)


@incoming_group.command("list", help="Danh sách văn bản đến. (List the register.)")
@click.option("--year", type=click.IntRange(1900, 2100), default=None, help="Năm đến.")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@with_appcontext
def list_command(year: int | None, as_json: bool) -> None:
    principal = require("incoming.view")
    try:
        rows = incoming.list_incoming(services(), principal, year=year)
    except Exception as exc:
        _fail(exc)
    if as_json:
        _echo_json(rows)
        return
    for row in rows:
        _show(row, False)
    click.echo(f"{len(rows)} văn bản đến.")


@incoming_group.command("register-print", help="In sổ đăng ký văn bản đến (PDF hoặc XLSX). "
                                               "(Print the incoming register.)")
@click.option("--year", type=click.IntRange(1900, 2100), default=None, help="Năm.")
@click.option("--from", "date_from", default=None, help="Từ ngày đến (YYYY-MM-DD).")
@click.option("--to", "date_to", default=None, help="Đến ngày (YYYY-MM-DD).")
@click.option("--format", "fmt", required=True, type=click.Choice(("pdf", "xlsx")), help="Định dạng tệp.")
@click.option("--out", required=True, type=click.Path(dir_okay=False, writable=True, path_type=Path), help="Tệp ghi ra.")
@click.option("--secret", is_flag=True, help="Sổ văn bản mật.")
@click.option("--office", default=None, help="Mã cơ quan (mặc định: đơn vị của người dùng).")
@with_appcontext
def register_print_command(year, date_from, date_to, fmt: str, out: Path, secret: bool, office) -> None:
    principal = require("incoming.view")
    try:
        data, _media, _name, rows = incoming.register_file(services(), principal, fmt=fmt, year=year,
                                                           date_from=date_from, date_to=date_to, secret=secret,
                                                           office=office)
    except Exception as exc:
        _fail(exc)
    write_private(out, data)
    click.echo(f"Đã ghi sổ đăng ký văn bản đến: {len(rows)} văn bản → {out}")


GROUPS = (incoming_group,)
