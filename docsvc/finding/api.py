"""Search and suggestions."""

from __future__ import annotations

from flask import current_app, jsonify, request

from docsvc.api import ApiError, bp, request_purpose
from docsvc.auth import current_principal
from docsvc.i18n import gettext as _
from docsvc.permissions import requires
from docsvc.services.audit import PermissionDenied
from docsvc.finding.services import SearchUnavailable, run_search, run_suggest

FILTERS = ("type", "year", "unit", "date_from", "date_to")


def search_filters(args) -> dict:
    return {name: args[name] for name in FILTERS if args.get(name)}


@bp.get("/search")
@requires("search")
def search():
    args = request.args
    kind = args.get("kind") or None
    if kind not in (None, "document", "person"):
        raise ApiError(400, "bad_request", _("kind phải là document hoặc person."))
    try:
        result = run_search(current_app.extensions["docsvc"], current_principal(), args.get("q", ""), kind=kind,
                            page=args.get("page", 1, type=int) or 1, per_page=args.get("per_page", 20, type=int) or 20,
                            sort=args.get("sort", "relevance"), filters=search_filters(args),
                            purpose=request_purpose())
    except PermissionDenied:
        raise ApiError(403, "forbidden", _("Vai trò của bạn không được làm việc này.")) from None
    except SearchUnavailable as exc:
        response = jsonify({"error": {"code": "index_unavailable", "message": exc.message, "state": exc.state}})
        response.status_code = 503
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    return jsonify(result.as_dict())


@bp.get("/search/suggest")
@requires("search")
def suggest():
    items = run_suggest(current_app.extensions["docsvc"], current_principal(), request.args.get("q", ""),
                        limit=request.args.get("limit", 8, type=int) or 8, purpose=request_purpose())
    return jsonify({"suggestions": [{"text": s.text, "kind": s.kind, "count": s.count} for s in items]})
