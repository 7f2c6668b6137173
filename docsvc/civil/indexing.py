"""Civil-status entries in the person kind of the search index (issue 11 §6).

After a commit, keyed and verified entries are written to the index and proposed or
disputed ones taken out of it (a machine's reading or two keyings that disagree are not
yet facts to find a person by). ``docsvc reindex`` rebuilds the kind from the database
with ``fetch_chunk``; ``expected`` gives ``reindex --check`` what should be there.
``person_record`` is the one mapping from an entry to what the index holds.
"""

from __future__ import annotations

import logging
from dataclasses import fields as dataclass_fields
from datetime import date
from typing import Iterable, Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.accounts import Unit
from archive.civil import RegisterBook, RegisterEntry, RegisterRevision
from docsvc.services.container import Services
from search import IndexUnavailable, PersonRecord, WriterBusy

log = logging.getLogger(__name__)
CHUNK = 2000
FINDABLE = ("keyed", "verified")

# Who else is named in an entry, by kind: role (search.kinds.ROLE_LABELS) → field.
_RELATED = {
    "birth": {"mother": "mother_name", "father": "father_name"},
    "death": {},
    "marriage": {"husband": "husband_name"},
}
_NAME_FIELDS = {"birth": ("full_name",), "death": ("full_name",), "marriage": ("wife_name", "husband_name")}
_HAS_FORMER = "former_names" in {f.name for f in dataclass_fields(PersonRecord)}


def _v(entry: RegisterEntry, key: str):
    item = (entry.fields or {}).get(key)
    return item.get("value") if item else None


def _day(value) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def entry_version(entry: RegisterEntry) -> str:
    """Changes with every write of the entry (its version counter) and its status."""
    return f"{entry.version}:{entry.status}"


def person_record(entry: RegisterEntry, book: RegisterBook, unit_code: str | None,
                  former_names: Iterable[str] = ()) -> PersonRecord:
    """What the index holds for an entry: the subject (the wife for a marriage, with the
    husband among the related people), their dates and places, the others named, the
    book and number, the registering office. ``former_names``: the subject's names before
    corrections (found too, ranked below the current name, when the search kind takes them)."""
    kind = entry.kind
    subject = "wife" if kind == "marriage" else None
    name = _v(entry, "wife_name" if subject else "full_name") or ""
    related = {role: _v(entry, key) for role, key in _RELATED[kind].items() if _v(entry, key)}
    extra = {}
    if _HAS_FORMER:
        extra["former_names"] = tuple(n for n in dict.fromkeys(former_names) if n and n != name)
    return PersonRecord(
        entry_id=entry.id, event=kind, full_name=name,
        sex=_v(entry, "sex") if kind != "marriage" else 2,
        date_of_birth=_day(_v(entry, "wife_date_of_birth" if subject else "date_of_birth")),
        registered_on=_day(_v(entry, "registered_on")), year=entry.year, book=book.label,
        number=entry.number, place_of_birth=_v(entry, "place_of_birth"),
        residence=_v(entry, "wife_residence" if subject else ("residence" if kind == "death" else "mother_residence")),
        personal_id=_v(entry, "personal_id"), related=related, unit_id=entry.office_unit_id, unit=unit_code,
        version=entry_version(entry), secrecy=0, **extra)


def _former(session: Session, entries: list[RegisterEntry]) -> dict[int, list[str]]:
    """Old values of the name fields, from the entries' revisions."""
    ids = [e.id for e in entries]
    kinds = {e.id: e.kind for e in entries}
    found: dict[int, list[str]] = {}
    if not ids or not _HAS_FORMER:
        return found
    for entry_id, changes in session.execute(select(RegisterRevision.entry_id, RegisterRevision.changes)
                                             .where(RegisterRevision.entry_id.in_(ids))
                                             .order_by(RegisterRevision.entry_id, RegisterRevision.seq)):
        for key in _NAME_FIELDS[kinds[entry_id]][:1]:
            old = (changes or {}).get(key, {}).get("old")
            if old:
                found.setdefault(entry_id, []).append(old)
    return found


def records(session: Session, entries: list[RegisterEntry]) -> list[PersonRecord]:
    books = {b.id: b for b in session.scalars(select(RegisterBook).where(
        RegisterBook.id.in_({e.book_id for e in entries})))} if entries else {}
    units = dict(session.execute(select(Unit.id, Unit.code)).all())
    former = _former(session, entries)
    return [person_record(e, books[e.book_id], units.get(e.office_unit_id), former.get(e.id, ()))
            for e in entries if e.status in FINDABLE]


def index_entries(services: Services, entry_ids: Iterable[int]) -> int:
    """After a commit: (re)index these entries when findable, remove them otherwise."""
    ids = sorted(set(entry_ids))
    if not ids:
        return 0
    with services.session_factory() as session:
        entries = list(session.scalars(select(RegisterEntry).where(RegisterEntry.id.in_(ids))))
        found = records(session, entries)
    present = {r.entry_id for r in found}
    try:
        written = services.search_index.update(found) if found else 0
        gone = [i for i in ids if i not in present]
        if gone:
            services.search_index.delete("person", gone)
        return written
    except (IndexUnavailable, WriterBusy) as exc:
        log.warning("search index not updated for entries %s (%s); `docsvc reindex --check` repairs it", ids, exc)
        return 0


def fetch_chunk(services: Services, after: tuple | None) -> list[PersonRecord]:
    """The next findable entries after the cursor ``(entry_id,)``, for a rebuild."""
    with services.session_factory() as session:
        query = (select(RegisterEntry).where(RegisterEntry.status.in_(FINDABLE))
                 .order_by(RegisterEntry.id).limit(CHUNK))
        if after is not None:
            query = query.where(RegisterEntry.id > after[0])
        return records(session, list(session.scalars(query)))


def fetch_ids(services: Services, ids: list[int]) -> list[PersonRecord]:
    with services.session_factory() as session:
        return records(session, list(session.scalars(select(RegisterEntry).where(RegisterEntry.id.in_(ids)))))


def expected(services: Services) -> Iterator[tuple[int, str]]:
    """(entry id, version) of every findable entry, for ``reindex --check``."""
    last = 0
    while True:
        with services.session_factory() as session:
            rows = session.execute(select(RegisterEntry.id, RegisterEntry.version, RegisterEntry.status)
                                   .where(RegisterEntry.id > last, RegisterEntry.status.in_(FINDABLE))
                                   .order_by(RegisterEntry.id).limit(5000)).all()
        if not rows:
            return
        for entry_id, version, status in rows:
            yield entry_id, f"{version}:{status}"
        last = rows[-1][0]
