"""The plain values the search package takes and gives: records to index, the access
scope of a searching user, and search results.

Records are frozen dataclasses built by the application from its database rows; the
search package never sees an ORM object. Each record kind (``"document"``,
``"person"``) is described by a :class:`search.kinds.Kind`, which knows how to index it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Mapping

#: Secrecy levels (độ mật): 0 none, 1 Mật, 2 Tối mật, 3 Tuyệt mật.
SECRECY_LEVELS = {0: "", 1: "Mật", 2: "Tối mật", 3: "Tuyệt mật"}


@dataclass(frozen=True)
class DocumentPage:
    """One page of an administrative document, with the document's register fields.

    A document is indexed page by page so that a hit points at its page; the register
    fields are repeated on every page (a filter such as ``type:`` must hold on any
    page), while ``title`` counts for ranking on page 1 only. ``version`` is opaque
    (e.g. the row's update stamp or a hash): it changes whenever the record does, and
    :meth:`search.index.SearchIndex.check` compares it.
    """

    doc_id: int
    page: int
    title: str
    text: str
    number: int | None = None
    symbol: str | None = None
    number_symbol: str | None = None
    doc_type: str | None = None
    issuer: str | None = None
    issued_on: date | None = None
    arrived_on: date | None = None
    direction: str | None = None
    unit_id: int | None = None
    unit: str | None = None
    secrecy: int = 0
    version: str = ""
    #: Personal data (a scanned civil-status page and the like): found only by a scope
    #: with ``personal`` (the person.view permission).
    personal: bool = False


@dataclass(frozen=True)
class PersonRecord:
    """A civil-status register entry (DOMAIN.md §4): the subject of a birth, death or
    marriage entry, with the names of related people (``related``: role → full name,
    e.g. ``{"mother": ..., "father": ..., "spouse": ...}``).

    ``full_name`` is the current name (after corrections); ``former_names`` are the
    names the entry held before (old values of its name field, oldest first): the entry
    is still found by them, ranked below an entry found by its current name."""

    entry_id: int
    event: str
    full_name: str
    sex: int | None = None
    date_of_birth: date | None = None
    registered_on: date | None = None
    year: int | None = None
    book: str | None = None
    number: int | None = None
    place_of_birth: str | None = None
    residence: str | None = None
    personal_id: str | None = None
    related: Mapping[str, str] = field(default_factory=dict)
    unit_id: int | None = None
    unit: str | None = None
    version: str = ""
    secrecy: int = 0
    former_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class AccessScope:
    """What one user may find. Enforced inside the index query, so totals, facet
    counts, pages and suggestions never reveal anything outside it.

    ``kinds``: record kinds the user may see. ``max_secrecy``: the highest secrecy
    level the user is cleared for (0 = only unclassified). ``unit_ids``: units whose
    records the user may see; ``None`` means every unit (records without a unit are
    then visible too; a user limited to some units never sees unit-less records).
    ``personal``: documents marked as personal data are visible (person.view). Off by
    default, so a scope built without thinking of it hides them. Person-kind records are
    governed by ``kinds`` (the application grants both with person.view).
    ``personal_only``: of the kinds that mark personal data (documents), only the
    personal records are visible (a civil-status officer, who reads no other documents).
    """

    kinds: frozenset[str] = frozenset({"document", "person"})
    max_secrecy: int = 0
    unit_ids: frozenset[int] | None = None
    personal: bool = False
    personal_only: bool = False

    @classmethod
    def everything(cls, kinds=("document", "person")) -> "AccessScope":
        """Every kind, every unit, every secrecy level, personal data too (tools, tests)."""
        return cls(kinds=frozenset(kinds), max_secrecy=3, unit_ids=None, personal=True)

    @property
    def key(self) -> tuple:
        """What decides which index documents are visible (kinds aside): a cache key."""
        return (self.max_secrecy, self.unit_ids, self.personal, self.personal_only)


@dataclass(frozen=True)
class Hit:
    """One result. ``id`` is the document id or the register entry id; ``page`` is the
    page number for a document hit and ``None`` for a person. ``highlights`` are
    HTML-safe snippets with matches wrapped in ``<mark>``. ``personal``: the hit shows
    personal data (every person hit; a page of a document marked personal), so showing
    it is a personal-data read to be logged."""

    kind: str
    id: int
    title: str
    page: int | None
    score: float
    highlights: list[str]
    date: date | None = None
    extra: dict = field(default_factory=dict)
    personal: bool = False

    def as_dict(self) -> dict:
        """JSON-ready form (dates as ISO strings)."""
        return {
            "kind": self.kind, "id": self.id, "title": self.title, "page": self.page,
            "score": round(self.score, 4), "highlights": self.highlights,
            "personal": self.personal,
            "date": self.date.isoformat() if self.date else None,
            **{k: (v.isoformat() if isinstance(v, date) else v) for k, v in self.extra.items()},
        }


@dataclass(frozen=True)
class SearchResult:
    """A page of hits with the total and facet counts of everything the query matched
    within the user's scope. ``facets``: ``{"kind"|"type"|"year"|"unit": {value: count}}``.
    ``suggestion``: a corrected query ("did you mean") when little or nothing matched.
    ``relaxed``: no record matched every part of the query, so these hits match all
    parts but one (a typo, most often)."""

    total: int
    hits: list[Hit]
    facets: dict[str, dict]
    suggestion: str | None = None
    page: int = 1
    per_page: int = 20
    relaxed: bool = False

    def as_dict(self) -> dict:
        """JSON-ready form, the shape of ``GET /api/v1/search``."""
        return {
            "total": self.total, "page": self.page, "per_page": self.per_page,
            "hits": [h.as_dict() for h in self.hits],
            "facets": {k: {str(kk): vv for kk, vv in v.items()} for k, v in self.facets.items()},
            "suggestion": self.suggestion, "relaxed": self.relaxed,
        }


@dataclass(frozen=True)
class Suggestion:
    """A search-as-you-type completion: ``text`` to put in the box, ``kind`` of record it
    comes from, ``count`` of records (within the scope) that have it (index documents:
    pages, for words completed from document text). ``personal``: it is drawn from
    personal data (a person's name from the registers, a personal document's number or
    title, a word completion found on a personal document's page), so showing it is a
    personal-data read to be logged."""

    text: str
    kind: str
    count: int
    personal: bool = False
