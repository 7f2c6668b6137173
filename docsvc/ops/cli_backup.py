"""``docsvc backup OUT`` and ``docsvc restore IN`` (docsvc.ops.backup, docsvc.ops.restore)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from archive.dbdump import DumpError
from docsvc.access import system_principal
from docsvc.accounts.cli import require
from docsvc.ops.manifest import BackupRefused


def _services():
    return current_app.extensions["docsvc"]


def _refuse(exc: Exception, as_json: bool) -> None:
    payload = exc.as_dict() if isinstance(exc, BackupRefused) else {"error": "database_tool", "message": str(exc)}
    if as_json:
        click.echo(json.dumps(payload, ensure_ascii=False))
        sys.exit(1)
    raise click.ClickException(payload["message"])


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


@click.command("backup", help="Sao lưu CSDL, tệp lưu trữ, mốc neo nhật ký và cấu hình (không có khóa bí mật) "
                              "vào thư mục OUT, trong khi dịch vụ vẫn chạy. (Back up while running.)")
@click.argument("out", type=click.Path(path_type=Path))
@click.option("--previous", type=click.Path(path_type=Path), default=None,
              help="Bản sao lưu trước: tệp đã có trong đó (kiểm tra mã băm) được tham chiếu, không chép lại.")
@click.option("--json", "as_json", is_flag=True, help="In dạng JSON.")
@with_appcontext
def backup_command(out: Path, previous: Path | None, as_json: bool) -> None:
    from docsvc.ops.backup import make_backup

    principal = require("system.backup")
    try:
        report = make_backup(_services(), principal, out, previous=previous)
    except (BackupRefused, DumpError) as exc:
        _refuse(exc, as_json)
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        sys.exit(0 if report.complete else 1)
    counts = report.counts
    click.echo(f"Đã sao lưu vào {report.path} trong {report.seconds:.1f} giây ({_size(report.size_bytes)} mới ghi).")
    click.echo(f"  CSDL {report.database} (phiên bản {report.revision}): {counts.get('documents', 0)} văn bản, "
               f"{counts.get('register_entries', 0)} mục hộ tịch, {counts.get('audit_records', 0)} bản ghi nhật ký.")
    click.echo(f"  Tệp lưu trữ: {report.blobs} ({_size(report.blob_bytes)}): chép {report.copied}, "
               f"tham chiếu bản trước {report.referenced}.")
    click.echo(f"  Mốc neo nhật ký: {report.anchors} tệp. Cấu hình: không gồm khóa bí mật và mật khẩu.")
    for sha in report.missing:
        click.echo(f"  MẤT   {sha} (có trong CSDL, không có trong kho tệp)", err=True)
    for sha in report.corrupt:
        click.echo(f"  HỎNG  {sha} (nội dung không khớp mã băm)", err=True)
    if not report.complete:
        click.echo("Bản sao lưu thiếu các tệp trên; hãy chạy 'docsvc fixity'.", err=True)
    sys.exit(0 if report.complete else 1)


@click.command("restore", help="Khôi phục bản sao lưu IN vào cài đặt trống (CSDL và kho tệp chưa có dữ liệu), "
                               "rồi kiểm tra tệp, nhật ký và dựng lại chỉ mục. (Restore onto an empty installation.)")
@click.argument("source", metavar="IN", type=click.Path(path_type=Path))
@click.option("--audit-key-file", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Tệp chứa khóa nhật ký (audit key) cất giữ riêng; mặc định DOCSVC_AUDIT_KEY hoặc tệp audit_key "
                   "trong thư mục dữ liệu.")
@click.option("--previous", "previous", multiple=True, type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Nơi của bản sao lưu trước mà IN tham chiếu, khi đã chuyển đi chỗ khác (có thể lặp lại).")
@click.option("--json", "as_json", is_flag=True, help="In dạng JSON.")
@with_appcontext
def restore_command(source: Path, audit_key_file: Path | None, previous: tuple[Path, ...], as_json: bool) -> None:
    from docsvc.ops.restore import restore_backup

    if os.environ.get("DOCSVC_USER"):
        # The target database has no users yet: only the local operator can restore.
        raise click.ClickException("Khôi phục do người vận hành máy chủ thực hiện: hãy bỏ biến DOCSVC_USER.")
    key = audit_key_file.read_text().strip().encode() if audit_key_file else None
    stages = {"checked": "Đã kiểm tra bản sao lưu: nguyên vẹn.", "database": "Đã nạp CSDL.",
              "blobs": "Đã chép tệp lưu trữ.", "anchors": "Đã đặt lại mốc neo nhật ký."}
    progress = None if as_json else (lambda stage: stage in stages and click.echo(stages[stage], err=True))
    try:
        report = restore_backup(_services(), system_principal(), source, audit_key=key, previous=previous,
                                progress=progress)
    except (BackupRefused, DumpError) as exc:
        _refuse(exc, as_json)
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        sys.exit(0 if report.ok else 1)
    _describe(report)
    sys.exit(0 if report.ok else 1)


def _describe(report) -> None:
    mark = {True: "ĐẠT ", False: "LỖI "}
    migrated = f", đã nâng lên {report.migrated_to}" if report.migrated_to else ""
    click.echo(f"Đã khôi phục bản sao lưu {report.source} (tạo lúc {report.created_at[:19]}) trong "
               f"{report.seconds:.1f} giây: CSDL {report.database} phiên bản {report.revision}{migrated}; "
               f"{report.blobs} tệp ({_size(report.blob_bytes)}, {report.from_previous} từ bản trước); "
               f"{report.anchor_lines} dòng mốc neo.")
    diffs = ", ".join(f"{t}: {a}≠{b}" for t, (a, b) in sorted(report.count_differences.items()))
    click.echo(f"{mark[not diffs]}Số bản ghi so với bản sao lưu: {'khớp' if not diffs else 'khác: ' + diffs}.")
    fixity = report.fixity
    fixity_ok = not fixity["missing"] and not fixity["corrupt"]
    click.echo(f"{mark[fixity_ok]}Kiểm tra tệp: {fixity['checked']} tệp, {fixity['ok']} nguyên vẹn, "
               f"{len(fixity['missing'])} bị mất, {len(fixity['corrupt'])} bị hỏng.")
    audit = report.audit
    chain = audit["chain"]
    verdict = ("liền mạch" if chain["intact"] else
               f"bị can thiệp từ bản ghi #{chain['first_bad_seq']} ({chain['reason']})")
    click.echo(f"{mark[bool(audit['intact'])]}Nhật ký: {audit['checked']} bản ghi, chuỗi {verdict}.")
    for level, sentence in audit["sentences"]:
        click.echo(f"     {sentence}", err=level == "error")
    check = report.index["check"]
    rebuilt = report.index["rebuilt"]
    click.echo(f"{mark[report.index_clean]}Chỉ mục tìm kiếm: dựng lại {rebuilt.get('document', 0)} trang văn bản, "
               f"{rebuilt.get('person', 0)} mục hộ tịch; đối chiếu với CSDL: thiếu {len(check['missing'])}, "
               f"cũ {len(check['stale'])}, thừa {len(check['extra'])} (văn bản); thiếu "
               f"{len(check['person']['missing'])}, cũ {len(check['person']['stale'])}, thừa "
               f"{len(check['person']['extra'])} (hộ tịch).")
    if not report.secret_key_matches:
        click.echo("Lưu ý: khóa bí mật (secret key) của cài đặt này khác khóa lúc sao lưu: phiên đăng nhập cũ hết "
                   "hiệu lực, và khóa ký của cơ quan (thư mục keys/) phải được cài lại.", err=True)


COMMANDS = (backup_command, restore_command)


def register(app) -> None:
    for command in COMMANDS:
        app.cli.add_command(command)
