"""``docsvc outgoing register-print --year Y [--office CODE] [--secret] --format pdf|xlsx -o FILE``:
the outgoing register of a year printed to a file (docsvc.outgoing.register.outgoing_register_file),
as the user in ``DOCSVC_USER`` (or the local operator, who names the office with ``--office``).
``register_print`` is mounted in the ``outgoing`` group by docsvc/outgoing/cli.py. A refusal
prints a Vietnamese message and exits with 1.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from archive.blobstore import write_private
from docsvc.accounts.cli import require
from docsvc.cli import services
from docsvc.outgoing.register import outgoing_register_file
from docsvc.outgoing.rules import OutgoingInvalid, OutgoingNotFound
from docsvc.services.audit import PermissionDenied


@click.command("register-print", help="In sổ đăng ký văn bản đi của một năm (PDF hoặc XLSX). "
                                      "(Print the outgoing register.)")
@click.option("--year", type=click.IntRange(1900, 2100), required=True, help="Năm.")
@click.option("--office", default=None, help="Mã cơ quan ban hành (mặc định: đơn vị của người dùng).")
@click.option("--secret", is_flag=True, help="Sổ văn bản mật.")
@click.option("--format", "fmt", required=True, type=click.Choice(("pdf", "xlsx")), help="Định dạng tệp.")
@click.option("-o", "--out", required=True, type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="Tệp ghi ra.")
@with_appcontext
def register_print(year: int, office: str | None, secret: bool, fmt: str, out: Path) -> None:
    principal = require("outgoing.view")
    try:
        data, _name, _media = outgoing_register_file(services(), principal, year=year, fmt=fmt, office=office,
                                                     secret=secret)
    except OutgoingNotFound:
        raise click.ClickException("Không có cơ quan này (hoặc không thuộc đơn vị của bạn).") from None
    except PermissionDenied as exc:
        raise click.ClickException(f"không được làm việc này ({exc.action}).") from None
    except OutgoingInvalid as exc:
        raise click.ClickException(f"{exc.field}: {exc.message}") from None
    write_private(out, data)
    click.echo(f"Đã ghi sổ đăng ký văn bản đi{' (mật)' if secret else ''} năm {year} → {out}")
