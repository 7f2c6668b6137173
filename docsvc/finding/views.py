"""The search page: one box with suggestions and results as you type, filters with counts,
highlighted snippets with page numbers and thumbnails, "did you mean"."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, url_for

from docsvc.finding.api import search_filters
from docsvc.auth import current_principal
from docsvc.permissions import requires
from docsvc.services.audit import PermissionDenied
from docsvc.audit.personal import PurposeRequired
from docsvc.finding.services import SearchUnavailable, run_search, run_suggest
from docsvc.audit.purpose import session_purpose

bp = Blueprint("search", __name__, template_folder="templates")
PER_PAGE = 20


def _url(**changes) -> str:
    """This search with some parameters changed (None removes one); back to page 1."""
    args = {k: v for k, v in request.args.items() if v}
    args.pop("page", None)
    args.pop("fragment", None)
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value
    return url_for("search.page", **args)


@bp.get("/search")
@requires("search")
def page():
    args = request.args
    query = args.get("q", "").strip()
    kind = args.get("kind") if args.get("kind") in ("document", "person") else None
    context = {"q": query, "kind": kind, "sort": args.get("sort", "relevance"), "filters": search_filters(args),
               "result": None, "error": None, "url": _url}
    status = 200
    if query or context["filters"]:
        try:
            context["result"] = run_search(current_app.extensions["docsvc"], current_principal(), query, kind=kind,
                                           page=args.get("page", 1, type=int) or 1, per_page=PER_PAGE,
                                           sort=context["sort"], filters=context["filters"],
                                           purpose=session_purpose())
        except PurposeRequired:  # ask once, then come back to this search (the whole page)
            back = url_for("search.page", **{k: v for k, v in args.items() if k != "fragment"})
            return redirect(url_for("purpose.choose", next=back))
        except SearchUnavailable as exc:
            context["error"], status = exc.message, 503
        except PermissionDenied:
            context["error"], status = None, 403
    template = "search/_results.html" if args.get("fragment") else "search/page.html"
    headers = {"Retry-After": "30"} if status == 503 else {}
    return render_template(template, **context), status, headers


@bp.get("/search/suggest")
@requires("search")
def suggest():
    items = run_suggest(current_app.extensions["docsvc"], current_principal(), request.args.get("q", ""),
                        purpose=session_purpose(), withhold_without_purpose=True)
    return jsonify([{"text": s.text, "kind": s.kind, "count": s.count} for s in items])
