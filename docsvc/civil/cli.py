"""The civil-status register commands (issue 11 "Interface"):

- ``docsvc civil book add --office CODE --kind birth|death|marriage --year YYYY --label TEXT [--json]``
- ``docsvc civil pages BOOK_ID PATH... [--wait] [--json]``
- ``docsvc civil entries BOOK_ID [--status S] --json``

They call the use cases of docsvc.civil.services as the user in ``DOCSVC_USER`` (or the
local operator), like every command.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from docsvc.accounts.cli import require
from docsvc.audit.personal import InvalidPurpose, Purpose, PurposeRequired, parse_purpose
from docsvc.civil import services as civil
from docsvc.civil.fields import KINDS, STATUSES
from docsvc.cli import _echo_json, _lang, services
from docsvc.documents.queries import NotFound
from docsvc.documents.submit import SubmissionRefused
from docsvc.services.audit import PermissionDenied
from ingest.errors import IngestError

#: What the entries command logs as its purpose when none is given.
CLI_PURPOSE = Purpose("other", "Dòng lệnh: docsvc civil entries")


def _fail(exc: Exception, what: str = "") -> None:
    if isinstance(exc, NotFound):
        raise click.ClickException(f"Không có {what}.")
    if isinstance(exc, PermissionDenied):
        raise click.ClickException(f"không được làm việc này ({exc.action}).")
    if isinstance(exc, civil.EntryFieldError):
        raise click.ClickException(f"{exc.name}: {exc.message}")
    if isinstance(exc, civil.Conflict):
        extra = f" (mục #{exc.existing_id})" if exc.existing_id else ""
        raise click.ClickException(exc.message + extra)
    if isinstance(exc, IngestError):
        raise click.ClickException(exc.message(_lang()))
    if isinstance(exc, SubmissionRefused):
        raise click.ClickException(exc.message)
    raise exc


@click.group("civil", help="Sổ hộ tịch: sổ, trang quét, mục đăng ký. (Civil-status registers.)")
def civil_group() -> None:
    pass


@civil_group.group("book", help="Sổ hộ tịch. (Register books.)")
def book_group() -> None:
    pass


@book_group.command("add", help="Thêm một sổ hộ tịch. (Add a register book.)")
@click.option("--office", "office_code", required=True, help="Mã đơn vị đăng ký (cả đơn vị đã giải thể).")
@click.option("--kind", required=True, type=click.Choice(KINDS), help="Loại sổ: birth, death, marriage.")
@click.option("--year", "year_from", required=True, type=int, help="Năm của sổ (năm đầu nếu sổ gồm nhiều năm).")
@click.option("--year-to", "year_to", type=int, default=None, help="Năm cuối, nếu sổ gồm nhiều năm.")
@click.option("--label", required=True, help="Tên sổ, ví dụ 'Sổ đăng ký khai sinh 1998 quyển 01'.")
@click.option("--notes", default=None, help="Tình trạng sổ (rách, mờ...).")
@click.option("--mode", "verification_mode", type=click.Choice(("review", "double")), default="review",
              help="Cách kiểm tra: review (người thứ hai rà soát) hoặc double (nhập hai lần).")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@with_appcontext
def book_add_command(office_code: str, kind: str, year_from: int, year_to: int | None, label: str,
                     notes: str | None, verification_mode: str, as_json: bool) -> None:
    principal = require("civil.book")
    try:
        book = civil.add_book(services(), principal, office_code=office_code, kind=kind, year_from=year_from,
                              year_to=year_to, label=label, condition_notes=notes,
                              verification_mode=verification_mode)
    except Exception as exc:
        _fail(exc)
    if as_json:
        _echo_json({"id": book["id"], "office": book["office"]["code"], "kind": book["kind"],
                    "year_from": book["year_from"], "year_to": book["year_to"], "label": book["label"]})
    else:
        click.echo(f"Đã thêm sổ #{book['id']}: {book['label']} ({book['office']['code']})")


@civil_group.command("pages", help="Thêm trang quét vào sổ theo thứ tự đã cho. (Add scanned pages in order.)")
@click.argument("book_id", type=int)
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--wait", is_flag=True, help="Chờ đọc xong và máy đề xuất xong các mục.")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@with_appcontext
def pages_command(book_id: int, paths: tuple[str, ...], wait: bool, as_json: bool) -> None:
    from docsvc.civil.pages import add_pages, pages_summary, parse_pending

    principal = require("civil.book")
    svc = services()
    try:
        added = add_pages(svc, principal, book_id, [Path(p) for p in paths])
    except Exception as exc:
        _fail(exc, f"sổ #{book_id}")
    doc_ids = [a.document_id for a in added if a.document_id is not None]
    if not as_json:
        for a, path in zip(added, paths):
            click.echo(f"✓ {path} → trang {a.seq} (văn bản #{a.document_id}, {a.status})")
    if wait:
        _wait(svc, [a.job_id for a in added if a.job_id], show_progress=not as_json)
        try:
            parse_pending(svc, principal, book_id)
        except Exception as exc:  # the pages are kept; `unparsed` says how many wait for another try
            click.echo(f"Chưa đề xuất được mục từ trang đã đọc: {exc}", err=True)
    summary = pages_summary(svc, principal, book_id, doc_ids)
    if as_json:
        _echo_json(summary)
    else:
        click.echo(f"{summary['pages']} trang; máy đề xuất {summary['proposed']} mục.")
        for note in summary["notes"]:
            click.echo(f"  ! {note}")
    sys.exit(1 if summary["failed"] or (wait and summary["unparsed"]) else 0)


def _wait(svc, job_ids: list[int], show_progress: bool) -> None:
    from docsvc.worker import wait_for_jobs

    if not job_ids:
        return
    bar = click.progressbar(length=len(job_ids), label="Đang đọc trang", file=sys.stderr) if show_progress else None
    seen = [0]

    def progress(jobs) -> None:
        done = sum(1 for j in jobs.values() if j.status in ("done", "failed"))
        if bar is not None and done > seen[0]:
            bar.update(done - seen[0])
            seen[0] = done

    try:
        wait_for_jobs(svc, job_ids, on_progress=progress)
    finally:
        if bar is not None:
            bar.render_finish()


@civil_group.command("entries", help="Các mục đăng ký của một sổ. (The entries of a book.)")
@click.argument("book_id", type=int)
@click.option("--status", type=click.Choice(STATUSES), default=None, help="Chỉ các mục ở trạng thái này.")
@click.option("--purpose", default=None, help="Mục đích xem dữ liệu cá nhân (extract_request, verification, "
                                             "correction, statistics, other:<nội dung>); mặc định ghi "
                                             "'other: Dòng lệnh'.")
@click.option("--json", "as_json", is_flag=True, help="In dạng JSON (một danh sách).")
@with_appcontext
def entries_command(book_id: int, status: str | None, purpose: str | None, as_json: bool) -> None:
    principal = require("person.view")
    try:
        chosen = parse_purpose(purpose) or CLI_PURPOSE
    except InvalidPurpose as exc:
        raise click.ClickException(exc.message) from None
    try:
        entries = civil.list_entries(services(), principal, book_id, status=status, purpose=chosen)
    except PurposeRequired:  # pragma: no cover - a purpose is always given above
        raise click.ClickException("Cần nêu mục đích (--purpose).") from None
    except Exception as exc:
        _fail(exc, f"sổ #{book_id}")
    if as_json:
        _echo_json([{k: e[k] for k in ("id", "number", "kind", "status", "page", "box", "fields", "year",
                                       "page_ref", "version")} for e in entries])
        return
    for e in entries:
        name = next((f["value"] for k, f in e["fields"].items() if k in ("full_name", "wife_name") and f["value"]),
                    "")
        number = f"{e['number']:02d}" if e["number"] is not None else "--"
        click.echo(f"#{e['id']}  số {number}/{e['year']}  {e['status']:<9} trang {e['page'] or '-'}  {name}")


GROUPS = (civil_group,)
