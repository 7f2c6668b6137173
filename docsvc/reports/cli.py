"""``docsvc report on-time --from YYYY-MM-DD --to YYYY-MM-DD --group unit|field|person|period|total
[--kind all|dossiers|documents] [--json | --xlsx FILE]`` (issue 13 §5): the on-time report
as a table with the summary sentence, as the API's JSON, or as an XLSX workbook. Without
``--from``/``--to``: this quarter. Runs as the user in ``DOCSVC_USER`` (or the local
operator); a refusal prints a Vietnamese message and exits with 1."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from docsvc.accounts.cli import require
from docsvc.cli import _echo_json, services
from docsvc.dates import local_now
from docsvc.reports import services as reports
from docsvc.services.audit import PermissionDenied

SHOWN = (("received", "Tiếp nhận"), ("returned_for_supplement", "Bổ sung"), ("early", "Trước hạn"),
         ("on_time", "Đúng hạn"), ("late", "Quá hạn"), ("open", "Đang GQ"), ("overdue", "Quá hạn chưa GQ"),
         ("score", "Điểm %"))


@click.group("report", help="Báo cáo. (Reports.)")
def report_group() -> None:
    pass


@report_group.command("on-time", help="Báo cáo tiếp nhận, giải quyết đúng hạn. (On-time report.)")
@click.option("--from", "start", default=None, help="Ngày đầu kỳ (YYYY-MM-DD); mặc định: quý này.")
@click.option("--to", "end", default=None, help="Ngày cuối kỳ (YYYY-MM-DD).")
@click.option("--group", type=click.Choice(reports.GROUPS), default="unit", show_default=True)
@click.option("--kind", type=click.Choice(reports.KINDS), default="all", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON (như API).")
@click.option("--xlsx", "xlsx", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Ghi báo cáo ra tệp XLSX.")
@with_appcontext
def on_time_command(start: str | None, end: str | None, group: str, kind: str, as_json: bool,
                    xlsx: Path | None) -> None:
    principal = require("report.view")
    svc = services()
    today = local_now(svc.settings.time_zone).date()
    try:
        first, last = reports.parse_period(start, end, today)
        report = reports.on_time(svc, principal, start=first, end=last, group=group, kind=kind, today=today)
    except reports.ReportInvalid as exc:
        raise click.ClickException(f"{exc.field}: {exc.message}") from None
    except PermissionDenied as exc:
        raise click.ClickException(f"không được làm việc này ({exc.action}).") from None
    if xlsx is not None:
        from docsvc.reports.export import render_xlsx   # openpyxl only when asked (commands load fast)

        xlsx.write_bytes(render_xlsx(report))
        click.echo(f"Đã ghi {xlsx} ({len(report['rows'])} dòng).")
        return
    if as_json:
        _echo_json({"from": report["start"], "to": report["end"], **report})
        return
    click.echo(f"Báo cáo đúng hạn {first:%d/%m/%Y} – {last:%d/%m/%Y} ({reports.GROUP_LABELS[group].lower()})")
    click.echo(f"{'':36}" + "".join(f"{h:>16}" for _k, h in SHOWN))
    for row in [*report["rows"], report["total"]]:
        values = ("—" if row[k] is None else str(row[k]) for k, _h in SHOWN)
        click.echo(f"{row['label'][:35]:36}" + "".join(f"{v:>16}" for v in values))
    click.echo(report["summary"])


GROUPS = (report_group,)
