"""What the civil-status web pages need besides the entry use cases (docsvc.civil.services):
the scanned pages of a book with their geometry, the numbers an office's year already
holds (for the workbench's live gap and duplicate warning), the next entry to key, every
field error of a form at once, and the progress figures of the reports page.

None of these returns personal data (numbers, page sizes, counts, user names of staff),
so none writes the personal-data log; the page images and entries they point at are read
through the use cases that log.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Mapping

from sqlalchemy import select

from archive.civil import RegisterEntry, RegisterPage
from archive.models import Page
from docsvc.access import Principal
from docsvc.civil import fields as contract
from docsvc.civil.entries import EntryFieldError, read_fields
from docsvc.civil.numbering import next_number
from docsvc.civil.rules import _book, _require
from docsvc.services.container import Services


def book_scans(services: Services, principal: Principal, book_id: int) -> list[dict]:
    """Every archive page of the book's scans, in book order: ``id`` (the archive page an
    entry points at), ``document_id``, ``number`` (its page in the scan), ``seq`` (the scan's
    place in the book), ``width``/``height`` (pixels of the page image, which entry boxes
    use), ``image`` (whether it has one yet). BookNotFound as get_book."""
    _require(principal)
    with services.uow() as uow:
        session = uow.session
        book = _book(session, principal, book_id)
        rows = session.execute(
            select(Page.id, Page.document_id, Page.number, RegisterPage.seq, Page.width, Page.height,
                   Page.image_sha256)
            .join(RegisterPage, RegisterPage.document_id == Page.document_id)
            .where(RegisterPage.book_id == book.id).order_by(RegisterPage.seq, Page.number)).all()
        return [{"id": pid, "document_id": doc, "number": number, "seq": seq, "width": width, "height": height,
                 "image": sha is not None}
                for pid, doc, number, seq, width, height, sha in rows]


def book_numbers(services: Services, principal: Principal, book_id: int) -> dict[int, dict]:
    """Per year of the book: ``taken`` (the numbers the office's year holds, in any book) and
    ``next`` (the number a new entry takes when none is given)."""
    _require(principal)
    with services.uow() as uow:
        session = uow.session
        book = _book(session, principal, book_id)
        taken: dict[int, list[int]] = defaultdict(list)
        for year, number in session.execute(
                select(RegisterEntry.year, RegisterEntry.number).where(
                    RegisterEntry.office_unit_id == book.office_unit_id, RegisterEntry.kind == book.kind,
                    RegisterEntry.year.between(book.year_from, book.year_to), RegisterEntry.number.is_not(None))
                .order_by(RegisterEntry.number)):
            taken[year].append(number)
        return {year: {"taken": taken.get(year, []),
                       "next": next_number(session, book.office_unit_id, book.kind, year)}
                for year in range(book.year_from, book.year_to + 1)}


def next_to_key(services: Services, principal: Principal, book_id: int, *, besides: int | None = None,
                review: bool = False) -> int | None:
    """The id of the book's first entry (in number order, unnumbered last) still waiting
    for a person: a machine proposal, or with ``review`` a keyed entry someone else keyed
    (a review book's next to verify). ``besides``: skip this one (the entry just left)."""
    _require(principal)
    with services.uow() as uow:
        session = uow.session
        book = _book(session, principal, book_id)
        query = select(RegisterEntry.id).where(RegisterEntry.book_id == book.id)
        if review:
            query = query.where(RegisterEntry.status == "keyed", RegisterEntry.keyed_by != principal.user_id)
        else:
            query = query.where(RegisterEntry.status == "proposed")
        if besides is not None:
            query = query.where(RegisterEntry.id != besides)
        return session.scalar(query.order_by(RegisterEntry.year, RegisterEntry.number.is_(None),
                                             RegisterEntry.number, RegisterEntry.id).limit(1))


def field_errors(kind: str, raw: Mapping[str, Any]) -> dict[str, str]:
    """Every field of ``raw`` that does not fit, with its Vietnamese message (the use cases
    stop at the first; a form shows them all beside their fields)."""
    errors: dict[str, str] = {}
    for key, given in raw.items():
        try:
            read_fields(kind, {key: given})
        except EntryFieldError as exc:
            errors[exc.name] = exc.message
    return errors


def progress(services: Services, principal: Principal) -> dict:
    """The reports page's figures over the books the principal sees: ``books`` (each book's
    dict with ``pages`` and ``entries`` per status, as list_books), ``offices`` (the same
    summed per registering office: ``code``, ``name``, ``books``, ``pages``, ``entries``),
    ``people`` (keying_stats: per-person throughput), ``totals`` (entries per status)."""
    from docsvc.civil.services import keying_stats, list_books

    books = list_books(services, principal)
    offices: dict[str, dict] = {}
    totals = {s: 0 for s in contract.STATUSES}
    for book in books:
        office = offices.setdefault(book["office"]["code"], {
            "code": book["office"]["code"], "name": book["office"]["name"], "books": 0, "pages": 0,
            "entries": {s: 0 for s in contract.STATUSES}})
        office["books"] += 1
        office["pages"] += book["pages"]
        for status, n in book["entries"].items():
            office["entries"][status] += n
            totals[status] += n
    return {"books": books, "offices": sorted(offices.values(), key=lambda o: o["code"]),
            "people": keying_stats(services, principal), "totals": totals}


def changed_fields(kind: str, posted: Mapping[str, dict], current: Mapping[str, dict]) -> dict[str, dict]:
    """The posted fields whose value or state differs from the entry's, so that saving a
    form that shows every field keeps what the machine read (its confidence) for the fields
    the person left alone. A field that does not fit is kept, for the use case to refuse."""
    out: dict[str, dict] = {}
    for key, given in posted.items():
        try:
            new = read_fields(kind, {key: given})[key]
        except EntryFieldError:
            out[key] = given
            continue
        old = current.get(key) or {"value": None, "state": "missing"}
        if (new["value"], new["state"]) != (old.get("value"), old.get("state")):
            out[key] = given
    return out


def book_offices(services: Services, principal: Principal) -> list[dict]:
    """The offices a book may be added for: the units the principal holds, abolished ones
    included (their books pass to the successor), the principal's own unit first; each
    ``unit_dict`` (``id``, ``code``, ``name``, ``valid_to``). Needs ``civil.book``."""
    from archive.accounts import Unit
    from docsvc.civil.entries import unit_dict

    _require(principal, "civil.book")
    with services.uow() as uow:
        units = [u for u in uow.session.scalars(select(Unit).order_by(Unit.code))
                 if principal.unit_ids is None or u.id in principal.unit_ids]
        return [unit_dict(u) for u in sorted(units, key=lambda u: u.id != principal.unit_id)]
