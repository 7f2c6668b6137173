"""The audit commands: ``docsvc audit verify`` (the chain against its anchors), ``audit
anchor`` (write the head down outside the database), ``audit personal`` (reads of personal
data, and why)."""

from __future__ import annotations

import json
import sys
from datetime import datetime, timezone
from pathlib import Path

import click
from flask.cli import with_appcontext

from docsvc.accounts.cli import require, services
from docsvc.audit.anchoring import HeadMismatch, anchor_now, describe, verify_audit
from docsvc.audit.personal import PURPOSES, personal_reads


@click.group("audit", help="Nhật ký hệ thống. (Audit trail.)")
def audit_group() -> None:
    pass


@audit_group.command("verify", help="Kiểm tra chuỗi nhật ký và mốc neo; mã thoát 1 nếu bị can thiệp. "
                                     "Khi nguyên vẹn, ghi một mốc neo mới.")
@click.option("--json", "as_json", is_flag=True, help="In dạng JSON.")
@click.option("--anchors", "anchor_paths", multiple=True, type=click.Path(exists=True, path_type=Path),
              help="Kiểm tra theo mốc neo lưu nơi khác (tệp hoặc thư mục; có thể lặp lại).")
@with_appcontext
def audit_verify(as_json, anchor_paths) -> None:
    principal = require("audit.verify")
    paths = None
    if anchor_paths:
        paths = [f for p in anchor_paths for f in (sorted(x for x in p.iterdir() if x.is_file())
                                                    if p.is_dir() else [p])]
    check = verify_audit(services(), principal, paths=paths)
    report = check.result
    if as_json:
        click.echo(json.dumps(check.as_dict(), ensure_ascii=False))
        sys.exit(0 if check.intact else 1)
    if report.intact:
        click.echo(f"Nhật ký nguyên vẹn: {report.chain.checked} bản ghi.")
    elif report.chain.intact:  # the chain holds together, but its end is not where it was anchored
        click.echo(f"Chuỗi {report.chain.checked} bản ghi liền mạch, nhưng không khớp mốc neo:", err=True)
    else:
        click.echo(f"Nhật ký đã bị can thiệp: bản ghi #{report.chain.first_bad_seq}: {report.chain.reason} "
                   f"({report.chain.checked} bản ghi trước đó hợp lệ).", err=True)
    for level, message in describe(check):
        click.echo(message, err=level != "ok")
    sys.exit(0 if check.intact else 1)


@audit_group.command("anchor", help="Ghi điểm cuối hiện tại của nhật ký làm mốc neo (ngoài cơ sở dữ liệu).")
@click.option("--json", "as_json", is_flag=True, help="In dạng JSON.")
@with_appcontext
def audit_anchor(as_json) -> None:
    principal = require("audit.verify")
    svc = services()
    try:
        anchor = anchor_now(svc, principal)
    except HeadMismatch:
        raise click.ClickException("Điểm cuối nhật ký không khớp bản ghi cuối; hãy chạy 'docsvc audit verify'.")
    if as_json:
        click.echo(json.dumps({**anchor.as_dict(), "anchor_dir": str(svc.anchors.directory)}, ensure_ascii=False))
    else:
        click.echo(f"Đã ghi mốc neo: bản ghi #{anchor.seq} vào {svc.anchors.directory}.")


@audit_group.command("personal", help="Nhật ký xem dữ liệu cá nhân: ai, khi nào, xem gì, mục đích gì.")
@click.option("--person", default=None, help="Chỉ những lần xem có tên/nội dung tra cứu chứa chữ này "
                                            "(không phân biệt hoa thường, có dấu hay không).")
@click.option("--since", default=None, help="Từ ngày (YYYY-MM-DD).")
@click.option("--until", default=None, help="Đến hết ngày (YYYY-MM-DD).")
@click.option("--user", "username", default=None, help="Chỉ của người dùng này.")
@click.option("--limit", default=1000, show_default=True, type=click.IntRange(1, 100000))
@click.option("--json", "as_json", is_flag=True, help="In dạng JSON (một danh sách).")
@with_appcontext
def audit_personal(person, since, until, username, limit, as_json) -> None:
    principal = require("audit.view")
    bounds = []
    for value, end in ((since, False), (until, True)):
        if not value:
            bounds.append(None)
            continue
        try:
            day = datetime.strptime(value, "%Y-%m-%d")
        except ValueError:
            raise click.ClickException(f"Ngày không hợp lệ: {value} (cần YYYY-MM-DD).") from None
        moment = day.replace(hour=23, minute=59, second=59, microsecond=999999) if end else day
        bounds.append(moment.astimezone(timezone.utc))  # the day in local time
    reads = personal_reads(services(), principal, username=username, person=person, since=bounds[0],
                           until=bounds[1], limit=limit)
    if reads.unknown_user:
        raise click.ClickException(reads.unknown_user)
    rows = [entry for _row, entry in reads.entries]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("Không có lần xem dữ liệu cá nhân nào khớp.")
    for row in rows:
        purpose = PURPOSES.get(row["purpose"], row["purpose"] or "?")
        if row["purpose_text"]:
            purpose += f": {row['purpose_text']}"
        target = f"{row['object_type']} #{row['object_id']}" if row["object_id"] else (row["object_type"] or "")
        who = f" — {row['person']}" if row["person"] else ""
        click.echo(f"#{row['seq']:<6} {row['at'][:19]}  {row['user']:<14} {row['what'] or row['action']:<10} "
                   f"{target}{who}  [{purpose}]")


GROUPS = (audit_group,)
