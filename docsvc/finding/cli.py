"""Command line for search: ``docsvc search`` and ``docsvc reindex``."""

from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import with_appcontext

from docsvc.accounts.cli import require


@click.command("search", help="Tìm văn bản và người. (Search documents and people.)")
@click.argument("query")
@click.option("--kind", type=click.Choice(["document", "person"]), default=None, help="Chỉ một loại bản ghi.")
@click.option("--limit", default=20, type=click.IntRange(1, 200), show_default=True)
@click.option("--page", default=1, type=click.IntRange(1), show_default=True)
@click.option("--sort", type=click.Choice(["relevance", "date"]), default="relevance", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="In dạng JSON.")
@click.option("--purpose", default=None, help="Mục đích khi kết quả có dữ liệu cá nhân: extract_request, "
                                             "verification, correction, statistics hoặc other:<nội dung>.")
@with_appcontext
def search_command(query, kind, limit, page, sort, as_json, purpose) -> None:
    from docsvc.services.audit import PermissionDenied
    from docsvc.audit.personal import InvalidPurpose, PurposeRequired, parse_purpose
    from docsvc.finding.services import SearchUnavailable, run_search

    principal = require("search")
    try:
        result = run_search(current_app.extensions["docsvc"], principal, query, kind=kind, page=page,
                            per_page=limit, sort=sort, purpose=parse_purpose(purpose))
    except InvalidPurpose as exc:
        raise click.ClickException(exc.message)
    except PurposeRequired:
        raise click.ClickException("Kết quả có dữ liệu cá nhân: cần nêu mục đích (--purpose).")
    except SearchUnavailable as exc:
        raise click.ClickException(exc.message)
    except PermissionDenied as exc:
        raise click.ClickException(f"{principal.username} không được tra cứu ({exc.action}).")
    data = result.as_dict()
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    click.echo(f"{data['total']} kết quả" + (f" — có phải bạn muốn tìm: {data['suggestion']}" if data["suggestion"] else ""))
    for hit in data["hits"]:
        where = f" (trang {hit['page']})" if hit["page"] else ""
        click.echo(f"[{hit['kind']} #{hit['id']}{where}] {hit['title']}  ({hit['score']:.2f})")
        for snippet in hit["highlights"][:2]:
            click.echo("    " + snippet.replace("<mark>", "«").replace("</mark>", "»"))


@click.command("reindex", help="Dựng lại chỉ mục tìm kiếm từ CSDL (tiếp tục nếu bị ngắt). (Rebuild the index.)")
@click.option("--check", is_flag=True, help="Chỉ đối chiếu chỉ mục với CSDL và sửa chỗ thiếu, cũ.")
@click.option("--fresh", is_flag=True, help="Bỏ lần dựng dở dang, dựng lại từ đầu.")
@click.option("--json", "as_json", is_flag=True, help="In dạng JSON.")
@with_appcontext
def reindex_command(check, fresh, as_json) -> None:
    from docsvc.finding import indexing

    require("system.reindex")
    services = current_app.extensions["docsvc"]
    if check:
        report = indexing.check(services)
        if as_json:
            click.echo(json.dumps(report, ensure_ascii=False))
        else:
            click.echo(f"Đã đối chiếu {report['checked']} văn bản: thiếu {len(report['missing'])}, "
                       f"cũ {len(report['stale'])}, thừa {len(report['extra'])}; đã sửa {report['repaired']}.")
            people = report["person"]
            click.echo(f"Đã đối chiếu {people['checked']} mục hộ tịch: thiếu {len(people['missing'])}, "
                       f"cũ {len(people['stale'])}, thừa {len(people['extra'])}; đã sửa {people['repaired']}.")
        return
    progress = None if as_json else (lambda kind, n: click.echo(f"  {kind}: {n} bản ghi đã ghi", err=True))
    reports = indexing.rebuild(services, fresh=fresh, progress=progress)
    out = {kind: {"records": r.records, "total": r.total, "seconds": round(r.seconds, 2), "resumed": r.resumed}
           for kind, r in reports.items()}
    if as_json:
        click.echo(json.dumps(out, ensure_ascii=False))
    else:
        for kind, r in out.items():
            resumed = " (tiếp tục lần trước)" if r["resumed"] else ""
            click.echo(f"{kind}: {r['total']} mục trong chỉ mục, {r['seconds']} giây{resumed}")


COMMANDS = (search_command, reindex_command)
