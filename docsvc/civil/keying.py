"""Keying, review, double keying and correction of register entries (the use cases
re-exported by docsvc.civil.services, where the status flow is described)."""

from __future__ import annotations

from typing import Any, Mapping

from sqlalchemy import select

from archive.civil import RegisterBook, RegisterEntry, RegisterKeying, RegisterPage
from archive.models import Page, utcnow
from docsvc.access import Principal
from docsvc.civil.entries import EntryFieldError, differences, merged, read_day, read_fields, value
from docsvc.civil.numbering import holder_of
from docsvc.civil.rules import (
    Conflict,
    _audit,
    _begin_write,
    _book,
    _check_version,
    _disputes,
    _entry,
    _feed,
    _flush,
    _keying,
    _lock_office,
    _place_number,
    _require,
    _revise,
    _same_person,
    _view,
    _year,
)
from docsvc.services.audit import PermissionDenied
from docsvc.services.container import Services


def create_entry(services: Services, principal: Principal, book_id: int, fields: Mapping[str, Any], *,
                 page_id: int | None = None, box: list | None = None, extra_pages: list | None = None) -> dict:
    """Key a new entry by hand (a handwritten page): status ``keyed``, keyed by the
    principal. ``fields`` as ``{key: {"value", "state"}}`` or ``{key: value}``; without a
    ``number`` it takes the next number of the office's year. ``page_id`` (an archive page
    of one of the book's scans) and ``box`` ``[x, y, w, h]`` are optional. Needs
    ``civil.key``. Conflict ``duplicate_number`` (with ``existing_id``) for a used number."""
    _require(principal, "civil.key")
    with services.uow() as uow:
        session = uow.session
        _begin_write(session)
        book = _book(session, principal, book_id)
        given = read_fields(book.kind, fields)
        _check_place(session, book, page_id, box, extra_pages)
        _lock_office(session, book.office_unit_id)
        now = utcnow()
        entry = RegisterEntry(book_id=book.id, office_unit_id=book.office_unit_id, kind=book.kind, status="keyed",
                              fields=merged({}, given), page_id=page_id, box=box, extra_pages=extra_pages,
                              keyed_by=principal.user_id, keyed_at=now, created_at=now)
        _place_number(session, book, entry)
        session.add(entry)
        _flush(session, entry)
        _keying(session, principal, entry, 1)
        _audit(services, session, principal, "civil.entry_create", entry)
        result = _view(session, entry)
        _feed(services, uow, [entry.id])
        uow.commit()
        return result


def _check_place(session: Session, book: RegisterBook, page_id: int | None, box: Any, extra_pages: Any) -> None:
    doc_ids = set(session.scalars(select(RegisterPage.document_id).where(RegisterPage.book_id == book.id)))
    for pid in [page_id, *(extra_pages or [])]:
        if pid is None:
            continue
        page = session.get(Page, pid) if isinstance(pid, int) else None
        if page is None or page.document_id not in doc_ids:
            raise EntryFieldError("page_id", "Trang không thuộc sổ này.")
    if box is not None and (not isinstance(box, (list, tuple)) or len(box) != 4
                            or not all(isinstance(v, (int, float)) and v >= 0 for v in box)):
        raise EntryFieldError("box", "Vùng trên trang phải là [x, y, rộng, cao] (số không âm).")


def update_entry(services: Services, principal: Principal, entry_id: int, *, fields: Mapping[str, Any] | None = None,
                 status: str | None = None, reason: str | None = None, legal_basis: str | None = None,
                 legal_basis_date: Any = None, version: int | None = None, page_id: int | None = None,
                 box: list | None = None) -> dict:
    """Change an entry's fields (only those given) and, for a proposal, accept it.

    - ``proposed``: edit; ``status="keyed"`` accepts it (keyed by the principal).
    - ``keyed``: edit, recorded as a revision (stage ``keying`` by its keyer, ``review`` by
      someone else; ``reason`` optional).
    - ``verified``: a correction: needs ``civil.correct`` and a ``reason`` (else Conflict
      ``reason_required``), with ``legal_basis`` (decision number) and
      ``legal_basis_date`` for a change of civil status; recorded as a revision.
    - ``disputed``: refused (Conflict ``disputed``: use ``arbitrate``).

    ``version``: the version the person read; a newer one is Conflict ``stale``. Without
    it, concurrent writers take turns and each applies its own fields. Conflict
    ``duplicate_number`` when the new number is used. Returns the entry dict."""
    _require(principal, "civil.key")
    if status not in (None, "keyed"):
        raise EntryFieldError("status", "Chỉ có thể đặt trạng thái 'keyed' (xác nhận mục máy đề xuất).")
    reason = " ".join((reason or "").split()) or None
    legal_date = read_day("legal_basis_date", legal_basis_date)
    legal_basis = " ".join((legal_basis or "").split()) or None
    if legal_basis and len(legal_basis) > 200:
        raise EntryFieldError("legal_basis", "Số quyết định tối đa 200 ký tự.")
    if reason and len(reason) > 2000:
        raise EntryFieldError("reason", "Lý do tối đa 2000 ký tự.")
    with services.uow() as uow:
        session = uow.session
        _begin_write(session)
        entry = _entry(session, principal, entry_id, lock=True)
        _check_version(entry, version)
        book = session.get(RegisterBook, entry.book_id)
        given = read_fields(book.kind, fields)
        if page_id is not None or box is not None:
            _check_place(session, book, page_id, box, None)
        if entry.status == "disputed":
            raise Conflict("disputed", "Hai lần nhập khác nhau: cần người thứ ba phân xử.")
        before = dict(entry.fields)
        after = merged(before, given)
        changes = differences(before, after)
        if entry.status == "verified" and changes:  # the region alone may be redrawn without a correction
            if not principal.can("civil.correct"):
                raise PermissionDenied("civil.correct")
            if not reason:
                raise Conflict("reason_required", "Mục đã kiểm tra chỉ được cải chính kèm lý do.")
        if "number" in changes or "registered_on" in changes:
            _lock_office(session, entry.office_unit_id)
        action = None
        if entry.status == "proposed":
            entry.fields = after
            if status == "keyed":
                _place_number(session, book, entry)
                entry.status, entry.keyed_by, entry.keyed_at = "keyed", principal.user_id, utcnow()
                action = "civil.entry_accept"
            elif changes:
                if "number" in changes or "registered_on" in changes:
                    year, number = _year(book, after), value(after, "number")
                    taken = number is not None and holder_of(session, entry.office_unit_id, entry.kind, year,
                                                             number, besides=entry.id)
                    # Still a proposal: a number already taken leaves it unnumbered, shown as a duplicate.
                    entry.year, entry.number = year, None if taken else number
                action = "civil.entry_update"
        elif changes:
            entry.fields = after
            if "number" in changes or "registered_on" in changes:
                _place_number(session, book, entry)
            stage = ("correction" if entry.status == "verified"
                     else "keying" if _same_person(principal, entry.keyed_by) else "review")
            _revise(session, principal, entry, changes, stage=stage,
                    reason=reason or {"keying": "Người nhập sửa", "review": "Sửa khi kiểm tra"}[stage],
                    legal_basis=legal_basis, legal_basis_date=legal_date)
            action = "civil.entry_correct" if stage == "correction" else "civil.entry_update"
        if page_id is not None:
            entry.page_id = page_id
        if box is not None:
            entry.box = list(box)
        if action is None and (page_id is not None or box is not None):
            action = "civil.entry_update"
        if action is None:
            return _view(session, entry)
        _flush(session, entry)
        if action == "civil.entry_accept":
            _keying(session, principal, entry, 1)
        _audit(services, session, principal, action, entry, changed=sorted(changes) or None, reason=reason,
               legal_basis=legal_basis)
        result = _view(session, entry)
        _feed(services, uow, [entry.id])
        uow.commit()
        return result


def verify_entry(services: Services, principal: Principal, entry_id: int, *, version: int | None = None) -> dict:
    """Review: a second person confirms a keyed entry of a ``review`` book → ``verified``.
    Needs ``civil.verify``. Conflict ``same_person`` when the principal keyed it,
    ``not_keyed`` / ``already_verified`` / ``disputed`` for other states,
    ``needs_second_keying`` in a ``double`` book, ``stale`` for an old ``version``."""
    _require(principal, "civil.verify")
    with services.uow() as uow:
        session = uow.session
        _begin_write(session)
        entry = _entry(session, principal, entry_id, lock=True)
        _check_version(entry, version)
        if entry.status == "verified":
            raise Conflict("already_verified", "Mục đã được kiểm tra.")
        if entry.status == "disputed":
            raise Conflict("disputed", "Hai lần nhập khác nhau: cần người thứ ba phân xử.")
        if entry.status != "keyed":
            raise Conflict("not_keyed", "Mục máy đề xuất phải được người nhập xác nhận trước khi kiểm tra.")
        book = session.get(RegisterBook, entry.book_id)
        if book.verification_mode == "double":
            raise Conflict("needs_second_keying", "Sổ này kiểm tra bằng nhập hai lần: cần người thứ hai nhập lại.")
        if _same_person(principal, entry.keyed_by):
            raise Conflict("same_person", "Người nhập không tự kiểm tra mục mình đã nhập.")
        entry.status, entry.verified_by, entry.verified_at = "verified", principal.user_id, utcnow()
        _flush(session, entry)
        _audit(services, session, principal, "civil.entry_verify", entry)
        result = _view(session, entry)
        _feed(services, uow, [entry.id])
        uow.commit()
        return result


def key_again(services: Services, principal: Principal, entry_id: int, fields: Mapping[str, Any]) -> dict:
    """Double keying: a second person keys a keyed entry of a ``double`` book blind (the
    workbench shows them the page, not the first keying). ``fields`` as in create_entry;
    fields not given count as absent. Equal to the first keying → ``verified`` (by this
    person); otherwise ``disputed`` (the entry keeps the first keying's values until
    arbitration) with ``differences`` listing the keys. Needs ``civil.key``. Conflict
    ``same_person``, ``not_double``, ``not_keyed``, ``already_keyed_twice``."""
    _require(principal, "civil.key")
    with services.uow() as uow:
        session = uow.session
        _begin_write(session)
        entry = _entry(session, principal, entry_id, lock=True)
        book = session.get(RegisterBook, entry.book_id)
        second = merged({}, read_fields(book.kind, fields))
        if book.verification_mode != "double":
            raise Conflict("not_double", "Sổ này kiểm tra bằng rà soát, không nhập hai lần.")
        rounds = dict(session.execute(select(RegisterKeying.round, RegisterKeying.user_id)
                                      .where(RegisterKeying.entry_id == entry.id)).all())
        if 2 in rounds or entry.status in ("disputed", "verified"):
            raise Conflict("already_keyed_twice", "Mục đã được nhập hai lần.")
        if entry.status != "keyed":
            raise Conflict("not_keyed", "Mục máy đề xuất phải được xác nhận (lần nhập thứ nhất) trước.")
        if _same_person(principal, entry.keyed_by) or (1 in rounds and _same_person(principal, rounds[1])):
            raise Conflict("same_person", "Lần nhập thứ hai phải do người khác thực hiện.")
        diff = differences(entry.fields, second)
        session.add(RegisterKeying(entry_id=entry.id, user_id=principal.user_id, round=2, fields=second, at=utcnow()))
        if diff:
            entry.status = "disputed"
        else:
            entry.status, entry.verified_by, entry.verified_at = "verified", principal.user_id, utcnow()
        _flush(session, entry)
        _audit(services, session, principal, "civil.entry_key_again", entry, differences=sorted(diff) or None)
        result = {**_view(session, entry), "differences": sorted(diff)}
        _feed(services, uow, [entry.id])
        uow.commit()
        return result


def arbitrate(services: Services, principal: Principal, entry_id: int, fields: Mapping[str, Any], *,
              reason: str | None = None) -> dict:
    """A third person settles a ``disputed`` entry: ``fields`` gives the value (and state)
    of every field the two keyings disagree on, and may correct others. The entry becomes
    ``verified`` by the arbiter; the arbitration is kept as keying round 3 and as a
    revision (stage ``arbitration``, old = first keying). Needs ``civil.verify``. Conflict
    ``not_disputed``, ``arbiter_is_keyer``; EntryFieldError for a disputed field left out."""
    _require(principal, "civil.verify")
    with services.uow() as uow:
        session = uow.session
        _begin_write(session)
        entry = _entry(session, principal, entry_id, lock=True)
        book = session.get(RegisterBook, entry.book_id)
        given = read_fields(book.kind, fields)
        if entry.status != "disputed":
            raise Conflict("not_disputed", "Chỉ phân xử mục có hai lần nhập khác nhau.")
        keyers = set(session.scalars(select(RegisterKeying.user_id).where(RegisterKeying.entry_id == entry.id)))
        if principal.user_id in keyers or _same_person(principal, entry.keyed_by):
            raise Conflict("arbiter_is_keyer", "Người phân xử phải khác hai người đã nhập.")
        disputed = _disputes(session, entry)
        for key in disputed:
            if key not in given:
                raise EntryFieldError(key, "Cần chọn giá trị cho trường hai lần nhập khác nhau.")
        before = dict(entry.fields)
        after = merged(before, given)
        changes = differences(before, after)
        entry.fields = after
        if "number" in changes or "registered_on" in changes:
            _lock_office(session, entry.office_unit_id)
            _place_number(session, book, entry)
        entry.status, entry.verified_by, entry.verified_at = "verified", principal.user_id, utcnow()
        _flush(session, entry)
        session.add(RegisterKeying(entry_id=entry.id, user_id=principal.user_id, round=3, fields=after, at=utcnow()))
        text = " ".join((reason or "").split()) or "Phân xử hai lần nhập khác nhau"
        if changes:
            _revise(session, principal, entry, changes, stage="arbitration", reason=text)
        _audit(services, session, principal, "civil.entry_arbitrate", entry, disputed=sorted(disputed),
               changed=sorted(changes) or None)
        result = _view(session, entry)
        _feed(services, uow, [entry.id])
        uow.commit()
        return result
