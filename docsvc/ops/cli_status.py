"""``docsvc status``: the state of the installation (docsvc.ops.status) on the command line."""

from __future__ import annotations

import json
import sys
from datetime import datetime

import click
from flask.cli import with_appcontext

from docsvc.accounts.cli import require, services
from docsvc.ops.status import PROBLEMS, LastRun, SystemStatus, human_size, system_status

NONE_YET = "chưa có"


def _when(value: datetime) -> str:
    return value.astimezone().strftime("%d/%m/%Y %H:%M:%S")


def _last(run: LastRun | None) -> str:
    if run is None:
        return NONE_YET
    details = run.details or {}
    extra = ", ".join(f"{k}: {v}" for k, v in details.items() if isinstance(v, (str, int, float, bool)))
    return f"{_when(run.at)} ({run.actor}, bản ghi #{run.seq}{'; ' + extra if extra else ''})"


def render_text(status: SystemStatus) -> list[str]:
    q, d = status.queue, status.disk
    lines = [f"Tình trạng hệ thống lúc {_when(status.at)}", "",
             "Hàng đợi:",
             f"  việc đang chờ {q.queued} (đến lượt {q.due}), đang chạy {q.running}, lỗi {q.failed}",
             f"  hàng đợi {q.backend}: " + (f"{q.backend_pending} thông điệp" if q.backend_pending is not None
                                          else f"không đọc được ({q.backend_error})"),
             f"Worker đang chạy: {len(status.workers)}"]
    for w in status.workers:
        lines.append(f"  {w.id}  (máy {w.hostname}, pid {w.pid}) nhịp cuối {_when(w.last_seen)} "
                     f"({w.seconds_since_seen:.0f} giây trước), đang bận {w.busy_slots}/{w.slots} khe")
    lines.append(f"Chỉ mục tìm kiếm (văn bản đã xử lý: {status.index.documents_done}):")
    for k in status.index.kinds:
        what = "trang văn bản" if k.kind == "document" else "mục hộ tịch"
        state = "đang dựng lại" if k.rebuilding else k.state
        mark = "khớp" if k.in_step else "LỆCH"
        lines.append(f"  {k.kind}: {state}, {k.indexed}/{k.expected} {what} ({mark})"
                     + (f" — {k.detail}" if k.detail else ""))
    if status.index.waiting:
        lines.append(f"  chờ máy chỉ mục: {status.index.waiting} văn bản đọc ở máy khác")
    lines += [f"Sao lưu gần nhất: {_last(status.last_backup)}",
              f"Kiểm tra toàn vẹn gần nhất: {_last(status.last_fixity)}",
              f"Dung lượng ({d.data_dir}):",
              f"  tệp lưu trữ {human_size(d.blobs_bytes)} ({d.blobs_count} tệp), chỉ mục {human_size(d.index_bytes)}, "
              f"cơ sở dữ liệu {human_size(d.database_bytes)}, khác {human_size(d.other_bytes)}",
              f"  còn trống {human_size(d.free_bytes)} / {human_size(d.total_bytes)}"
              + (f"; nơi lưu tệp còn trống {human_size(d.blob_dir_free_bytes)}" if d.blob_dir_free_bytes is not None
                 else "")]
    if status.problems:
        lines.append("Cần chú ý: " + "; ".join(PROBLEMS.get(p, p) for p in status.problems))
    else:
        lines.append("Không có gì cần chú ý.")
    return lines


@click.command("status", help="Tình trạng hệ thống: hàng đợi, worker, chỉ mục, sao lưu, kiểm tra toàn vẹn, "
                              "dung lượng. (System status.)")
@click.option("--json", "as_json", is_flag=True, help="In dạng JSON.")
@with_appcontext
def status_command(as_json: bool) -> None:
    principal = require("system.status")
    status = system_status(services(), principal)
    if as_json:
        click.echo(json.dumps(status.as_dict(), ensure_ascii=False, indent=2))
    else:
        for line in render_text(status):
            click.echo(line)
    sys.stdout.flush()


COMMANDS = (status_command,)
