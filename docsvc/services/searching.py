"""Searching as a use case: the principal's scope, a clear answer while the index is
unavailable, and a trail of who looked for whom in the civil-status registers."""

from __future__ import annotations

from dataclasses import dataclass

from docsvc.access import Principal
from docsvc.services.audit import PermissionDenied, record_now
from docsvc.services.container import Services
from docsvc.services.indexing import scope_for
from search import IndexUnavailable, SearchResult, Suggestion

UNAVAILABLE = {
    "rebuilding": "Chỉ mục tìm kiếm đang được dựng lại từ cơ sở dữ liệu{progress}; hãy thử lại sau ít phút.",
    "missing": "Chỉ mục tìm kiếm chưa có; hệ thống sẽ dựng lại. Hãy thử lại sau ít phút.",
    "corrupt": "Chỉ mục tìm kiếm bị hỏng; hệ thống sẽ dựng lại. Hãy thử lại sau ít phút.",
    "outdated": "Chỉ mục tìm kiếm cần dựng lại theo phiên bản mới; hãy thử lại sau ít phút.",
}


@dataclass
class SearchUnavailable(Exception):
    state: str
    message: str
    retry_after: int = 30


def _unavailable(services: Services, exc: IndexUnavailable) -> SearchUnavailable:
    status = services.search_index.status(exc.kind)
    state = "rebuilding" if status.rebuilding else exc.state
    progress = ""
    if status.progress and status.progress.get("count"):
        progress = f" (đã ghi {status.progress['count']:,} bản ghi)".replace(",", ".")
    text = UNAVAILABLE.get(state, UNAVAILABLE["missing"]).format(progress=progress)
    return SearchUnavailable(state, text)


def run_search(services: Services, principal: Principal, query: str, *, kind: str | None = None,
               page: int = 1, per_page: int = 20, sort: str = "relevance", filters: dict | None = None,
               purpose: str | None = None) -> SearchResult:
    scope = scope_for(principal)
    if not scope.kinds or (kind and kind not in scope.kinds):
        raise PermissionDenied("person.view" if kind == "person" else "search.documents")
    try:
        result = services.search_index.search(query, scope, kind=kind, page=page, per_page=per_page,
                                              sort=sort if sort in ("relevance", "date") else "relevance",
                                              filters=filters)
    except IndexUnavailable as exc:
        raise _unavailable(services, exc) from None
    people = [hit.id for hit in result.hits if hit.kind == "person"]
    if people:  # personal data shown: who looked, for what, and whom they saw
        record_now(services, principal, "person.search", object_type="civil_status_entry",
                   details={"query": query[:200], "entries": people[:100], "purpose": purpose or "tra cứu"})
    return result


def run_suggest(services: Services, principal: Principal, prefix: str, *, limit: int = 8) -> list[Suggestion]:
    scope = scope_for(principal)
    if not scope.kinds:
        return []
    try:
        return services.search_index.suggest(prefix, scope, limit=limit)
    except IndexUnavailable:
        return []
