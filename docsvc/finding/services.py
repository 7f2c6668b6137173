"""Searching as a use case: the principal's scope, a clear answer while the index is
unavailable, and a trail of who looked for whom in the civil-status registers.

A hit list that shows personal data (person hits, or pages of documents marked as personal
data) and suggestions that complete a person's name are reads of personal data: they need
a purpose and are logged (docsvc.audit.personal). The index keeps personal data out of
the hits of those without ``person.view`` (an access term, ``search.visibility``) and says
which hits and suggestions are personal (``Hit.personal``, ``Suggestion.personal``); the
database's mark is checked too, so a document marked after it was indexed (its reindex still
pending) is neither shown to the wrong person nor read without a log."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import bindparam, select

from archive.models import Document
from docsvc.access import Principal
from docsvc.services.audit import PermissionDenied
from docsvc.services.container import Services
from docsvc.finding.indexing import scope_for
from docsvc.audit.personal import Purpose, PurposeRequired, record_personal_read
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
               purpose: Purpose | None = None) -> SearchResult:
    """One page of results within the principal's scope. Raises PurposeRequired (nothing
    shown) when the page holds personal data and no purpose was given."""
    scope = scope_for(principal)
    if not scope.kinds or (kind and kind not in scope.kinds):
        raise PermissionDenied("person.view" if kind == "person" else "search.documents")
    try:
        result = services.search_index.search(query, scope, kind=kind, page=page, per_page=per_page,
                                              sort=sort if sort in ("relevance", "date") else "relevance",
                                              filters=filters)
    except IndexUnavailable as exc:
        raise _unavailable(services, exc) from None
    people = [hit for hit in result.hits if hit.kind == "person"]
    documents = sorted({hit.id for hit in result.hits if hit.kind == "document" and hit.personal}
                       | set(_personal_documents(services, [h.id for h in result.hits if h.kind == "document"])))
    if documents and not principal.can("person.view"):
        # Only a document marked after it was indexed gets here (the index's scope keeps the
        # others out): it is not shown until its reindex.
        hidden = set(documents)
        result = replace(result, hits=[h for h in result.hits if not (h.kind == "document" and h.id in hidden)])
        documents = []
    if people or documents:  # personal data shown: who looked, why, and whom they saw
        record_personal_read(services, principal, purpose, what="search", object_type="search",
                             person=query[:200] or None, query=query[:200],
                             entries=[hit.id for hit in people][:100] or None,
                             persons=[hit.title for hit in people][:20] or None,
                             documents=documents[:100] or None)
    return result


_PERSONAL_AMONG = select(Document.__table__.c.id).where(
    Document.__table__.c.id.in_(bindparam("ids", expanding=True)), Document.__table__.c.personal_data.is_(True))


def _personal_documents(services: Services, ids: list[int]) -> list[int]:
    if not ids:
        return []
    with services.engine.connect() as conn:  # a Core read, its statement built once: every hit list asks
        return sorted(conn.scalars(_PERSONAL_AMONG, {"ids": sorted(set(ids))}))


def run_suggest(services: Services, principal: Principal, prefix: str, *, limit: int = 8,
                purpose: Purpose | None = None, withhold_without_purpose: bool = False) -> list[Suggestion]:
    """Completions as you type. Completing a person's name reads personal data: without a
    purpose it raises PurposeRequired, or, with ``withhold_without_purpose`` (the search box
    of the web page, which cannot stop to ask), leaves the names out."""
    scope = scope_for(principal)
    if not scope.kinds:
        return []
    try:
        items = services.search_index.suggest(prefix, scope, limit=limit)
    except IndexUnavailable:
        return []
    names = [s.text for s in items if s.personal]
    if names:
        if purpose is None and withhold_without_purpose:
            return [s for s in items if not s.personal]
        if purpose is None:
            raise PurposeRequired()
        record_personal_read(services, principal, purpose, what="suggest", object_type="search",
                             person=prefix[:200], query=prefix[:200], persons=names[:20])
    return items
