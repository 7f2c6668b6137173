"""``docsvc fixity``: check every blob (as before), or one scheduled slice now (``--slice``),
repair from the replica (``--repair``), or fill the replica (``--replicate``)."""

from __future__ import annotations

import json
import sys

import click
from flask import current_app
from flask.cli import with_appcontext


def _echo_json(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@click.command("fixity", help="Băm lại mọi tệp đã lưu để phát hiện mất mát, hư hỏng. "
                              "(Re-hash every stored blob.)")
@click.option("--json", "as_json", is_flag=True, help="In dạng JSON.")
@click.option("--slice", "one_slice", is_flag=True,
              help="Chỉ kiểm tra phần việc của một đêm (các tệp lâu chưa kiểm tra nhất). "
                   "(Check one night's slice now.)")
@click.option("--repair", is_flag=True,
              help="Chép lại tệp mất, hỏng từ bản sao (DOCSVC_BLOB_REPLICA). (Repair from the replica.)")
@click.option("--replicate", is_flag=True,
              help="Chép sang bản sao mọi tệp bản sao còn thiếu. (Copy blobs missing from the replica.)")
@with_appcontext
def fixity_command(as_json: bool, one_slice: bool, repair: bool, replicate: bool) -> None:
    from docsvc.accounts.cli import require
    from docsvc.ops.fixity import replicate_blobs, run_fixity

    principal = require("system.fixity")
    svc = current_app.extensions["docsvc"]
    if replicate:
        try:
            out = replicate_blobs(svc, principal)
        except ValueError:
            raise click.ClickException("chưa đặt DOCSVC_BLOB_REPLICA (thư mục bản sao).")
        if as_json:
            _echo_json(out)
        else:
            click.echo(f"Bản sao {out['replica']}: đã chép {out['copied']} tệp, {out['present']} tệp đã có, "
                       f"{len(out['skipped'])} tệp không chép được vì bản chính mất hoặc hỏng.")
            for sha in out["skipped"]:
                click.echo(f"  BỎ QUA  {sha}")
        sys.exit(1 if out["skipped"] else 0)
    if repair and not svc.settings.blob_replica:
        raise click.ClickException("chưa đặt DOCSVC_BLOB_REPLICA: không có bản sao để sửa.")
    if as_json:
        result = run_fixity(svc, principal, full=not one_slice, repair=repair)
    else:
        with click.progressbar(length=1, label="Kiểm tra", file=sys.stderr) as bar:
            def progress(done, total):
                bar.length = max(total, 1)
                bar.update(done - bar.pos)
            result = run_fixity(svc, principal, full=not one_slice, repair=repair, progress=progress)
    if as_json:
        out = result.report()
        if one_slice or repair:
            out |= {"run": result.run["id"], "repaired": sorted(p.sha256 for p in result.problems if p.repaired)}
        _echo_json(out)
    else:
        run = result.run
        click.echo(f"Đã kiểm tra {run['checked']} tệp: {run['ok']} nguyên vẹn, "
                   f"{run['missing']} bị mất, {run['corrupt']} bị hỏng, {run['repaired']} đã sửa từ bản sao.")
        for p in result.problems:
            label = "ĐÃ SỬA" if p.repaired else ("MẤT  " if p.what == "missing" else "HỎNG ")
            click.echo(f"  {label} {p.sha256}" + (f" ({p.note})" if p.note and not p.repaired else ""))
    sys.exit(0 if result.intact else 1)
