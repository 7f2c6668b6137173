"""The one-stop desk's search: a citizen gives a name and a birth date, the officer types both
in one box ("nguyen van an 01/03/2024", "Nguyễn Văn An 1/3/2024", "le thi thu 1990") and
reaches the register entry to extract.

The box is split here: the last date-looking word (``dd/mm/yyyy``, ``d/m/yyyy`` or a year)
is the birth date, the rest is the name. The search layer already has a birth-date field
(``sinh:`` in search.querylang, the ``dob`` term of the person kind), so the query becomes
``<name> sinh:<date>`` in the person kind; the hits are then held to the birth date once more
(a year range, an index older than its entry) and told whether an extract can be issued
(only a verified entry), which the index does not know.

Showing people is a read of personal data: the caller passes the purpose (the one-stop box
serves an extract request), and docsvc.finding.services logs the hit list with it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from archive.civil import RegisterEntry
from docsvc.access import Principal
from docsvc.audit.personal import Purpose
from docsvc.extracts.rules import ExtractInvalid
from docsvc.finding.services import run_search
from docsvc.services.container import Services
from search.kinds import ROLE_LABELS
from search.querylang import DateRange, parse_day_range

LIMIT = 50
_DAY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_MONTH = re.compile(r"^(\d{1,2})[/.\-](\d{4})$")
_YEAR = re.compile(r"^(1[89]\d\d|20\d\d)$")


@dataclass(frozen=True)
class DeskQuery:
    name: str                 # the words of the name, as typed
    born: DateRange | None    # the birth date (a day, a month or a whole year)
    born_text: str | None     # as typed: ``01/03/2024``, ``1990``


def split_query(text: str) -> DeskQuery:
    """``"nguyen van an 1/3/2024"`` → name ``nguyen van an``, born 2024-03-01. The last word
    that looks like a date (a day, ``mm/yyyy`` or a year) is the birth date; a day that does not exist (31/02/2024) is
    refused (``ExtractInvalid("q", ...)``) rather than searched as a word."""
    words = " ".join(str(text or "").split()).split(" ") if str(text or "").strip() else []
    for i in range(len(words) - 1, -1, -1):
        word = words[i].strip(",;")
        if _DAY.match(word) or _MONTH.match(word) or _YEAR.match(word):
            born = parse_day_range(word)
            if born is None:
                raise ExtractInvalid("q", f"Ngày sinh {word} không có thật; hãy gõ dạng dd/mm/yyyy.")
            return DeskQuery(" ".join(words[:i] + words[i + 1:]), born, word)
    return DeskQuery(" ".join(words), None, None)


def _born_term(born: DateRange) -> str:
    if born.start == born.end:
        return f"sinh:{born.start.strftime('%d/%m/%Y')}"
    return f"sinh:{born.start.isoformat()}..{born.end.isoformat()}"


def find_entries(services: Services, principal: Principal, text: str, *, purpose: Purpose | None) -> dict:
    """Register entries of people by name and birth date, within the principal's scope.
    Returns ``{"query": DeskQuery, "hits": [...]}``; each hit: ``id, name,
    date_of_birth, event, book, number, unit, related (``(role words, name)``), status,
    can_issue``. Raises
    ``ExtractInvalid`` (an impossible date, or nothing typed), ``PermissionDenied`` (no
    person search), ``SearchUnavailable`` (the index is being rebuilt)."""
    query = split_query(text)
    if not query.name and query.born is None:
        raise ExtractInvalid("q", "Hãy gõ họ tên và ngày sinh, ví dụ: nguyen van an 01/03/2024.")
    terms = " ".join(t for t in (query.name, _born_term(query.born) if query.born else "") if t)
    result = run_search(services, principal, terms, kind="person", per_page=LIMIT, purpose=purpose)
    hits = []
    for hit in result.hits:
        born = hit.extra.get("date_of_birth")
        if query.born is not None and not (isinstance(born, date) and query.born.start <= born <= query.born.end):
            continue
        hits.append({"id": hit.id, "name": hit.title, "date_of_birth": born, "event": hit.extra.get("event"),
                     "book": hit.extra.get("book"), "number": hit.extra.get("number"),
                     "unit": hit.extra.get("unit"),
                     "related": [(ROLE_LABELS.get(role, role), name)
                                 for role, name in (hit.extra.get("related") or {}).items()]})
    statuses = _statuses(services, [h["id"] for h in hits])
    for item in hits:
        item["status"] = statuses.get(item["id"])
        item["can_issue"] = item["status"] == "verified"
    return {"query": query, "hits": [h for h in hits if h["status"] is not None]}


def _statuses(services: Services, ids: list[int]) -> dict[int, str]:
    """The entries' states now (the index holds keyed and verified entries alike)."""
    if not ids:
        return {}
    with services.session_factory() as session:
        return dict(session.execute(select(RegisterEntry.id, RegisterEntry.status)
                                    .where(RegisterEntry.id.in_(ids))).all())
