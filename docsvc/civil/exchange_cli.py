"""The national package commands (issue 11 "Interface"), for the ``civil`` group:

- ``docsvc civil export BOOK_ID OUT.zip [--purpose P] [--json]``
- ``docsvc civil import ZIP --office CODE [--label TEXT] [--json]``

They call docsvc.civil.exchange as the user in ``DOCSVC_USER`` (or the local operator).
A refused package exits with 1 and the Vietnamese message naming the row; with ``--json``
it prints ``{"error": "package_refused", "row": ..., "message": ...}`` (plus ``code`` and
``existing_id`` when the package reads well but cannot be stored: a number already used).
"""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from docsvc.accounts.cli import require
from docsvc.audit.personal import InvalidPurpose, parse_purpose
from docsvc.civil.entries import EntryFieldError
from docsvc.civil.rules import Conflict
from docsvc.cli import _echo_json, services
from docsvc.documents.queries import NotFound
from docsvc.services.audit import PermissionDenied


def _fail(exc: Exception, as_json: bool, code: str) -> None:
    if isinstance(exc, NotFound):
        message = "Không có sổ này."
    elif isinstance(exc, PermissionDenied):
        message = f"không được làm việc này ({exc.action})."
    elif isinstance(exc, EntryFieldError):
        message = f"{exc.name}: {exc.message}"
    else:
        message = getattr(exc, "message", None) or str(exc)
    if as_json:
        body = {"error": getattr(exc, "code", None) or code, "message": message}
        if isinstance(exc, Conflict) and exc.existing_id:
            body["existing_id"] = exc.existing_id
        _echo_json(body)
        raise SystemExit(1)
    raise click.ClickException(message)


@click.command("export", help="Xuất sổ hộ tịch thành gói số hoá quốc gia (zip: một PDF mỗi mục và một tệp "
                              "XLSX). (Export a register book as the national digitisation package.)")
@click.argument("book_id", type=int)
@click.argument("out", type=click.Path(dir_okay=False, writable=True))
@click.option("--purpose", default=None, help="Mục đích đọc dữ liệu cá nhân (extract_request, verification, "
                                               "correction, statistics, other:<nội dung>); mặc định: xuất gói "
                                               "số hoá quốc gia.")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@with_appcontext
def export_command(book_id: int, out: str, purpose: str | None, as_json: bool) -> None:
    from docsvc.civil.exchange import export_book  # openpyxl: 0.2 s that other commands need not pay

    principal = require("civil.export")
    try:
        result = export_book(services(), principal, book_id, out, purpose=parse_purpose(purpose))
    except (InvalidPurpose, NotFound, PermissionDenied, Conflict) as exc:
        _fail(exc, as_json, "export_refused")
    if as_json:
        _echo_json({**result, "path": out})
    else:
        click.echo(f"Đã xuất {result['entries']} mục của sổ #{book_id} vào {out}.")


@click.command("import", help="Nhập gói số hoá quốc gia thành một sổ hộ tịch mới, các mục ở trạng thái đã nhập. "
                              "(Import a national digitisation package as a new book of keyed entries.)")
@click.argument("zip_path", metavar="ZIP", type=click.Path(exists=True, dir_okay=False))
@click.option("--office", "office_code", required=True, help="Mã đơn vị đăng ký của sổ.")
@click.option("--label", default=None, help="Tên sổ (mặc định: tên trong gói).")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@with_appcontext
def import_command(zip_path: str, office_code: str, label: str | None, as_json: bool) -> None:
    from docsvc.civil.exchange import ImportRefused, import_package
    from docsvc.civil.package import PackageRefused

    principal = require("civil.book")
    try:
        result = import_package(services(), principal, zip_path, office_code=office_code, label=label)
    except PackageRefused as exc:
        if as_json:
            body = {"error": "package_refused", "row": exc.row, "message": exc.message}
            if isinstance(exc, ImportRefused):
                body.update(code=exc.code, existing_id=exc.existing_id)
            _echo_json(body)
        else:
            click.echo(f"Gói bị từ chối, không lưu gì: {exc.message}", err=True)
        raise SystemExit(1)
    except (NotFound, PermissionDenied, EntryFieldError) as exc:
        _fail(exc, as_json, "import_refused")
    if as_json:
        _echo_json(result)
        return
    book = result["book"]
    click.echo(f"Đã nhập sổ #{book['id']} «{book['label']}»: {result['entries']} mục, {result['pages']} tệp PDF.")
    if result["ignored_columns"]:
        click.echo("Cột không dùng: " + ", ".join(result["ignored_columns"]))
    if result["unused_files"]:
        click.echo("Tệp không mục nào dùng: " + ", ".join(result["unused_files"]))


COMMANDS = (export_command, import_command)
