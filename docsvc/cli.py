"""Command line: ``docsvc``. Every command is registered on ``app.cli`` and runs with the
application's services, so it obeys the same settings as the web app."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, routes_command, shell_command, with_appcontext

from docsvc.services.container import Services
from docsvc.ops.cli_fixity import fixity_command  # docsvc/ops: full check, slice, repair, replicate


def services() -> Services:
    return current_app.extensions["docsvc"]


def _lang() -> str:
    return services().settings.language


def _echo_json(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def register_commands(app: Flask) -> None:
    """The app-wide commands here, and each capability's from its cli.py."""
    from docsvc.accounts.cli import GROUPS as ACCOUNTS
    from docsvc.audit.cli import GROUPS as AUDIT
    from docsvc.calendar.cli import GROUPS as CALENDAR
    from docsvc.civil.cli import GROUPS as CIVIL
    from docsvc.documents.cli import COMMANDS as DOCUMENTS
    from docsvc.dossiers.cli import GROUPS as DOSSIERS
    from docsvc.extracts.cli import GROUPS as EXTRACTS
    from docsvc.finding.cli import COMMANDS as FINDING
    from docsvc.incoming.cli import GROUPS as INCOMING
    from docsvc.outgoing.cli import GROUPS as OUTGOING
    from docsvc.reports.cli import GROUPS as REPORTS
    from docsvc.routing.cli import GROUPS as ROUTING
    from docsvc.ops.cli_backup import COMMANDS as BACKUP
    from docsvc.ops.cli_status import status_command

    for command in (init_command, worker_command, serve_command, run_command, demo_command, fixity_command,
                    *DOCUMENTS, *ACCOUNTS, *AUDIT, *FINDING, *CIVIL, *EXTRACTS, *CALENDAR, *INCOMING, *ROUTING,
                    *DOSSIERS, *REPORTS, *OUTGOING, *BACKUP, status_command):
        app.cli.add_command(command)


@click.command("init", help="Tạo hoặc nâng cấp cơ sở dữ liệu và thư mục dữ liệu. "
                            "(Create or migrate the database and folders.)")
@with_appcontext
def init_command() -> None:
    from archive.migrate import current_revision, upgrade

    from docsvc.accounts.bootstrap import ensure_admin

    svc = services()
    before = current_revision(svc.engine)
    upgrade(svc.engine)
    for folder in make_private(svc):
        click.echo(f"Đã giới hạn quyền thư mục {folder} (chỉ tài khoản chạy dịch vụ được đọc).")
    from docsvc.finding.indexing import ensure_index

    ensure_index(svc, background=False)  # a new install gets its (empty) indexes here
    after = current_revision(svc.engine)
    state = "đã cập nhật" if before != after else "đã mới nhất"
    click.echo(f"Cơ sở dữ liệu {state} (phiên bản {after}); dữ liệu tại {svc.settings.data_dir.resolve()}")
    created = ensure_admin(svc)
    if created:
        username, password, generated = created
        _announce_admin(svc.settings.data_dir, username, password if generated else None)


def _announce_admin(data_dir: Path, username: str, password: str | None) -> None:
    """The first administrator's password is shown once, in a box nobody can miss, and kept
    in a file of the data directory that only its owner may read (until it is changed)."""
    lines = [f"Tài khoản quản trị đầu tiên / first administrator: {username}"]
    if password is None:
        lines.append("Mật khẩu / password: giá trị của DOCSVC_ADMIN_PASSWORD")
    else:
        from docsvc.accounts.services import INITIAL_PASSWORD_FILE

        path = Path(data_dir).resolve() / INITIAL_PASSWORD_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(f"username: {username}\npassword: {password}\n"
                     "# Đổi mật khẩu: docsvc user passwd admin (rồi xóa tệp này)\n"
                     "# Change it with: docsvc user passwd admin (then delete this file)\n")
        os.chmod(path, 0o600)
        lines += [f"Mật khẩu / password: {password}",
                  f"Đã lưu tại / saved in: {path} (chỉ chủ sở hữu đọc được / owner only)",
                  "Đổi mật khẩu / change it: docsvc user passwd admin"]
    sign_in = os.environ.get("DOCSVC_SIGN_IN_URL") or "http://127.0.0.1:5000/login"  # make run passes its own
    lines.append(f"Đăng nhập / sign in: {sign_in}")
    width = max(len(line) for line in lines) + 2
    bar = "═" * width
    click.echo("")
    click.echo(f"╔{bar}╗")
    for line in lines:
        click.echo(f"║ {line.ljust(width - 1)}║")
    click.echo(f"╚{bar}╝")
    click.echo("")


def make_private(svc: Services) -> list[Path]:
    """Create the data folders with mode 0700, and tighten those an older install left open;
    returns the folders tightened."""
    from archive.blobstore import private_dir

    s = svc.settings
    tightened = []
    for folder in (s.data_dir.resolve(), s.resolved_blob_dir, s.resolved_index_dir, s.resolved_audit_anchor_dir):
        private_dir(folder)
        if folder.stat().st_mode & 0o077:
            folder.chmod(0o700)
            tightened.append(folder)
    return tightened


@click.command("worker", help="Chạy worker xử lý hàng đợi (OCR). (Run the job worker.)")
@click.option("--threads", type=int, default=None, help="Số văn bản xử lý đồng thời.")
@with_appcontext
def worker_command(threads: int | None) -> None:
    from docsvc.ops.logs import configure_logging
    from docsvc.worker import run_worker

    configure_logging(services().settings.log_format)  # text, or one JSON object per line
    os.environ["OMP_THREAD_LIMIT"] = "1"
    if services().settings.worker_nice > 0:
        os.nice(services().settings.worker_nice)
    run_worker(services(), threads=threads)


@click.command("serve", help="Chạy máy chủ web. (Serve the web app and API.)")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, type=int, show_default=True)
@click.option("--threads", default=8, type=int, show_default=True)
@click.option("--processes", default=None, type=click.IntRange(1, 64),
              help="Số tiến trình web (mặc định DOCSVC_WEB_PROCESSES). (Server processes.)")
@with_appcontext
def serve_command(host: str, port: int, threads: int, processes: int | None) -> None:
    _serve(host, port, threads, processes)


def _serve(host: str, port: int, threads: int = 8, processes: int | None = None) -> None:
    from waitress import serve

    from docsvc.finding.indexing import ensure_index, warm_index
    from docsvc.ops.logs import configure_logging
    from docsvc.ops.serving import RotatingConnections, inherited_socket, supervise

    processes = processes or services().settings.web_processes
    listening = inherited_socket()
    if listening is None and processes > 1:
        if services().settings.index_check_on_start:
            ensure_index(services())  # once, before the children start
        supervise(host, port, processes, threads)
        return

    configure_logging(services().settings.log_format)  # text, or one JSON object per line (with the request id)
    app = current_app._get_current_object()
    if services().settings.index_check_on_start and listening is None:
        ensure_index(services())
    if services().settings.index_warm_on_start:
        warm_index(services())
    body_limit = services().settings.max_upload_bytes + 1024 * 1024
    if listening is not None:  # a child of `supervise`: the parent bound the socket
        serve(RotatingConnections(app), sockets=[listening], threads=threads, max_request_body_size=body_limit)
        return
    click.echo(f"Phục vụ tại http://{host}:{port}  (Ctrl+C để dừng)")
    serve(app, host=host, port=port, threads=threads, max_request_body_size=body_limit)


@click.command("run", help="Chạy máy chủ web cùng một worker. (Serve with a worker.)")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, type=int, show_default=True)
@with_appcontext
def run_command(host: str, port: int) -> None:
    # One machine serves and reads scans: the worker yields the CPU to the web server.
    env = {**os.environ, "DOCSVC_WORKER_NICE": os.environ.get("DOCSVC_WORKER_NICE", "10")}
    worker = subprocess.Popen([sys.executable, "-m", "docsvc", "worker"], start_new_session=True, env=env)
    click.echo(f"Worker đã chạy (pid {worker.pid}).")
    # SIGTERM (systemd, `timeout`, a container stop) must also stop the worker: make it unwind.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        _serve(host, port)
    finally:
        try:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=30)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(worker.pid, signal.SIGKILL)


@click.command("demo", help="Tạo dữ liệu mẫu và đưa vào hàng đợi. (Load sample data.)")
@click.option("--if-empty", is_flag=True, help="Chỉ khi chưa có văn bản nào.")
@click.option("--wait", is_flag=True, help="Chờ xử lý xong.")
@click.option("--seed", default=0, type=int, show_default=True)
@with_appcontext
def demo_command(if_empty: bool, wait: bool, seed: int) -> None:
    from archive.models import Document
    from docsvc.accounts.cli import require
    from docsvc.sampledata.corpus import holds_personal_data, write_demo_corpus
    from docsvc.accounts.bootstrap import ensure_demo_accounts
    from docsvc.documents.submit import SubmissionRefused, submit_path
    from ingest.errors import IngestError

    principal = require("system.demo")
    svc = services()
    with svc.uow() as uow:
        session = uow.session
        if if_empty and session.query(Document).count():
            click.echo("Đã có dữ liệu; bỏ qua dữ liệu mẫu.")
            return
    accounts = ensure_demo_accounts(svc)
    if accounts:
        click.echo("Tài khoản mẫu (mật khẩu chung: %s):" % accounts[0][2])
        for username, role, _password in accounts:
            click.echo(f"  {username:14} {role}")
    dest = svc.settings.data_dir / "demo"
    click.echo(f"Tạo dữ liệu mẫu tại {dest} ...")
    files = write_demo_corpus(dest, seed=seed)
    results = []
    for i, path in enumerate(files):
        try:
            # One demo document is confidential, to show clearance at work.
            sub = submit_path(svc, path, principal=principal, unit_code="XA-TANPHU", secrecy=1 if i == 1 else 0,
                              personal_data=holds_personal_data(path))
            results.append({"path": str(path), "document_id": sub.document_id, "status": sub.status,
                            "pages": sub.page_count, "job_id": sub.job_id, "error": None})
            click.echo(f"  {path.name}: văn bản #{sub.document_id} ({sub.status})")
        except IngestError as exc:
            click.echo(f"  {path.name}: {exc.message(_lang())}", err=True)
        except SubmissionRefused as exc:
            click.echo(f"  {path.name}: {exc.message}", err=True)
    from docsvc.civil.demo import add_demo_books

    try:
        lines, scans = add_demo_books(svc, dest / "so-ho-tich", seed=seed)
    except Exception as exc:  # the documents above are kept; say what went wrong with the books
        click.echo(f"  Sổ hộ tịch mẫu: không tạo được ({exc})", err=True)
        lines, scans = [], []
    from docsvc.extracts.demo import add_demo_extracts

    try:
        lines += add_demo_extracts(svc)
    except Exception as exc:  # the books above are kept; say what went wrong with the extracts
        click.echo(f"  Trích lục mẫu: không tạo được ({exc})", err=True)
    from docsvc.dossiers.demo import add_demo_dossiers
    from docsvc.reports.demo import add_demo_workflows

    try:
        lines += add_demo_workflows(svc, seed=seed)
    except Exception as exc:  # what is above is kept; say what went wrong with the workflows
        click.echo(f"  Văn bản đến, hồ sơ mẫu: không tạo được ({exc})", err=True)
    try:
        lines += add_demo_dossiers(svc, seed=seed)
    except Exception as exc:  # what is above is kept; say what went wrong with the dossiers
        click.echo(f"  Hồ sơ một cửa mẫu: không tạo được ({exc})", err=True)
    from docsvc.outgoing.demo import add_demo_outgoing

    try:
        lines += add_demo_outgoing(svc)
    except Exception as exc:  # what is above is kept; say what went wrong with the outgoing documents
        click.echo(f"  Văn bản đi mẫu: không tạo được ({exc})", err=True)
    for line in lines:
        click.echo(f"  {line}")
    results += [{**scan, "status": "queued", "pages": None, "error": None} for scan in scans]
    results += [{**filed, "status": "queued", "pages": None, "error": None} for filed in _filed_outgoing(svc)]
    if wait:
        from docsvc.documents.cli import _wait_and_update

        _wait_and_update(svc, results, show_progress=True)


def _filed_outgoing(svc) -> list[dict]:
    """The archive documents of filed outgoing documents still being read (the demo waits for
    them with its own)."""
    from sqlalchemy import select

    from archive.models import Document, Job

    with svc.session_factory() as session:
        rows = session.execute(select(Document.original_name, Document.id, Job.id)
                               .join(Job, Job.document_id == Document.id)
                               .where(Document.direction == "outgoing", Job.status.in_(("queued", "running")))).all()
    return [{"path": name or f"#{doc_id}", "document_id": doc_id, "job_id": job_id} for name, doc_id, job_id in rows]


#: The commands that answer requests or show the routes: they get the whole web app; every
#: other command a lean one (``create_app(web=False)``).
WEB_COMMANDS = frozenset({"serve", "run", "routes", "shell"})


def _create_app(*_args, **_kwargs) -> Flask:
    from docsvc.app import create_app
    from docsvc.config import SettingsError

    ctx = click.get_current_context(silent=True)
    command = ctx.find_root().meta.get("docsvc.command") if ctx else None
    try:
        return create_app(web=command in WEB_COMMANDS)
    except SettingsError as exc:  # a message and exit status 1, not a traceback
        raise click.ClickException(str(exc)) from None


class _Group(FlaskGroup):
    def __init__(self, **kwargs):
        super().__init__(create_app=_create_app, add_default_commands=False,
                         add_version_option=False, load_dotenv=False, **kwargs)
        self.add_command(shell_command)
        self.add_command(routes_command)

    def _load_plugin_commands(self) -> None:
        # Flask adds every installed package's ``flask.commands`` entry points (Flask-Limiter's
        # "limiter", which imports rich): not ours, and 0.2 s of imports on every command.
        self._loaded_plugin_commands = True

    def get_command(self, ctx, name):
        # The first command name looked up is the one run (the app is loaded to find it).
        ctx.find_root().meta.setdefault("docsvc.command", name)
        return super().get_command(ctx, name)

    def main(self, *args, **kwargs):
        # Every file the service makes (database, queue, index, blobs, anchors, keys) is its
        # own: group and others get nothing, whatever umask the shell or unit file had.
        os.umask(0o077)
        return super().main(*args, **kwargs)


main = _Group(help="docsvc: quản lý văn bản và lưu trữ (document management and archive).")
