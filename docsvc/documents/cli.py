"""The document commands: ``docsvc ingest`` (files and folders in, optionally waiting for
their reading) and ``docsvc show`` (a document and its pages, its reading recorded)."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from docsvc.accounts.cli import require
from docsvc.audit.personal import InvalidPurpose, PurposeRequired, parse_purpose
from docsvc.cli import _echo_json, _lang, services
from docsvc.documents import services as documents
from docsvc.documents.queries import Hidden, NotFound
from docsvc.documents.submit import SubmissionRefused, submit_path
from docsvc.services.container import Services
from ingest.errors import IngestError


def _iter_files(paths: tuple[str, ...]) -> list[Path]:
    """Files named, and files in folders named (recursively, in name order)."""
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            out.extend(sorted(p for p in path.rglob("*") if p.is_file()))
        else:
            out.append(path)
    return out


@click.command("ingest", help="Đưa tệp vào lưu trữ (thư mục: đệ quy). (Ingest files; folders recursively.)")
@click.argument("paths", nargs=-1, required=True)
@click.option("--wait", is_flag=True, help="Chờ xử lý xong; tự xử lý nếu không có worker nào chạy.")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON (một danh sách).")
@click.option("--unit", "unit_code", default=None, help="Mã đơn vị lưu giữ (mặc định: đơn vị của người thực hiện).")
@click.option("--secrecy", default=0, type=click.IntRange(0, 3), help="Độ mật: 0 thường, 1 mật, 2 tối mật, 3 tuyệt mật.")
@click.option("--personal", is_flag=True, help="Văn bản chứa dữ liệu cá nhân (sổ, trang hộ tịch): chỉ người có "
                                               "quyền xem hộ tịch được xem.")
@with_appcontext
def ingest_command(paths: tuple[str, ...], wait: bool, as_json: bool, unit_code: str | None, secrecy: int,
                   personal: bool) -> None:
    from docsvc.worker import live_workers, local_slots

    principal = require("document.upload")
    svc = services()
    lang = _lang()
    results: list[dict] = []
    files = _iter_files(paths)
    # With --wait and no worker alive, this process reads the files itself: it starts each
    # job as soon as it is recorded, so OCR runs while the next files are checked and stored.
    slots = local_slots(svc) if wait and files and not live_workers(svc) else None
    try:
        _submit_all(svc, files, principal, unit_code, secrecy, personal, lang, results, slots, as_json)
        if wait:
            _wait_and_update(svc, results, show_progress=not as_json, slots=slots)
    except BaseException:  # Ctrl+C included: jobs left running are taken up again later
        if slots is not None:
            slots.close(wait_for_jobs=False)
        raise
    if slots is not None:
        slots.close()
    if as_json:
        _echo_json(results)
    ok = all(r["status"] in ("done", "queued", "duplicate") for r in results)
    sys.exit(0 if ok and results else 1)


def _submit_all(svc: Services, files: list[Path], principal, unit_code: str | None, secrecy: int,
                personal: bool, lang: str, results: list[dict], slots, as_json: bool) -> None:
    for path in files:
        item = {"path": str(path), "document_id": None, "status": "failed", "pages": None, "error": None}
        try:
            sub = submit_path(svc, path, principal=principal, unit_code=unit_code, secrecy=secrecy,
                              personal_data=personal)
        except IngestError as exc:
            item["error"] = exc.message(lang)
            item["error_code"] = exc.code
        except SubmissionRefused as exc:
            item["error"] = exc.message
            item["error_code"] = exc.code
        except FileNotFoundError:
            item["error"] = "Không tìm thấy tệp." if lang == "vi" else "File not found."
            item["error_code"] = "not_found"
        except IsADirectoryError:
            item["error"] = "Là thư mục, không phải tệp." if lang == "vi" else "Is a directory."
            item["error_code"] = "not_a_file"
        else:
            item.update(document_id=sub.document_id, status=sub.status, pages=sub.page_count,
                        job_id=sub.job_id)
            if slots is not None and sub.status == "queued":
                slots.submit(sub.job_id)
        results.append(item)
        if not as_json:
            _print_item(item)


def _print_item(item: dict) -> None:
    if item["status"] == "failed":
        click.secho(f"✗ {item['path']}: {item['error']}", fg="red", err=False)
    else:
        pages = f", {item['pages']} trang" if item.get("pages") is not None else ""
        click.echo(f"✓ {item['path']} → văn bản #{item['document_id']} ({item['status']}{pages})")


def _wait_and_update(svc: Services, results: list[dict], show_progress: bool, slots=None) -> None:
    from docsvc.worker import wait_for_jobs

    queued = [r for r in results if r["status"] == "queued"]
    # A duplicate of a file still being read: wait for that reading too (its status stays
    # "duplicate"; its pages are then known).
    earlier = [r["job_id"] for r in results if r["status"] == "duplicate" and r.get("job_id")]
    job_ids = [r["job_id"] for r in queued] + earlier
    if job_ids:
        total_pages = sum(r["pages"] or 0 for r in queued) or len(job_ids)
        bar = click.progressbar(length=total_pages, label="Đang xử lý", file=sys.stderr) \
            if show_progress else None
        seen = [0]

        def progress(jobs):
            if bar is None:
                return
            done = sum(j.progress_done for j in jobs.values())
            if done > seen[0]:
                bar.update(done - seen[0])
                seen[0] = done

        try:
            jobs = wait_for_jobs(svc, job_ids, on_progress=progress, slots=slots)
        finally:
            if bar is not None:
                bar.render_finish()
        for r in queued:
            job = jobs[r["job_id"]]
            r["status"] = job.status
            r["error"] = job.error if job.status == "failed" else None
            if show_progress:
                _print_item({**r, "status": job.status})
    counts = documents.page_counts(svc, [r["document_id"] for r in results
                                         if r["document_id"] is not None and r["status"] in ("done", "duplicate")])
    for r in results:
        if r["document_id"] in counts and r["status"] in ("done", "duplicate"):
            r["pages"] = counts[r["document_id"]]


@click.command("show", help="Xem một văn bản và các trang của nó. (Show a document and its pages.)")
@click.argument("document_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="In dạng JSON.")
@click.option("--purpose", default=None, help="Mục đích khi văn bản chứa dữ liệu cá nhân: extract_request, "
                                             "verification, correction, statistics hoặc other:<nội dung>.")
@with_appcontext
def show_command(document_id: int, as_json: bool, purpose: str | None) -> None:
    principal = require("document.open")
    try:
        chosen = parse_purpose(purpose)
    except InvalidPurpose as exc:
        raise click.ClickException(exc.message) from None
    try:
        doc = documents.read_document(services(), principal, document_id, purpose=chosen)
    except NotFound:
        click.echo(f"Không có văn bản #{document_id}.", err=True)
        sys.exit(1)
    except Hidden:
        click.echo(f"{principal.username} không được xem văn bản #{document_id}.", err=True)
        sys.exit(1)
    except PurposeRequired:
        click.echo(f"Văn bản #{document_id} chứa dữ liệu cá nhân: cần nêu mục đích (--purpose).", err=True)
        sys.exit(2)
    data = documents.document_dict(doc)
    if as_json:
        _echo_json(data)
        return
    click.echo(f"Văn bản #{data['id']}: {data['title'] or data['original_name'] or ''}")
    click.echo(f"  SHA-256: {data['sha256']}\n  Loại: {data['media_type']}  Trạng thái: {data['status']}")
    if data["error"]:
        click.echo(f"  Lỗi: {data['error']}")
    for page in data["pages"]:
        conf = "" if page["confidence"] is None else f", độ tin cậy {page['confidence']:.1f}"
        click.echo(f"--- Trang {page['number']} ({page['source']}{conf}) ---")
        click.echo(page["text"])


COMMANDS = (ingest_command, show_command)
