"""What the outgoing pages offer to choose from (read-only use cases): the drafting form's
units, recipients and intended signers, and the issuing bodies an administrator configures.

The pages only render these lists; the use cases that write (``services.create_draft``,
``settings.configure``) check every value again.
"""

from __future__ import annotations

from sqlalchemy import select

from archive.accounts import Unit, User, unit_subtree_ids
from docsvc.access import Principal
from docsvc.dates import local_now
from docsvc.outgoing.rules import TYPE_ABBR
from docsvc.outgoing.services import holds, require
from docsvc.outgoing.settings import issuer_of
from docsvc.services.container import Services


def _unit(unit: Unit) -> dict:
    return {"id": unit.id, "code": unit.code, "name": unit.name, "kind": unit.kind}


def draft_choices(services: Services, principal: Principal) -> dict:
    """For the drafting form: ``types`` (Decree 30's names), ``units`` (every current unit:
    the recipients' datalist), ``drafting_units`` (the drafter's own units, theirs first),
    ``own_unit`` (its code) and ``signers`` (active leaders of the issuing bodies of those
    units: ``username``, ``name``, ``unit``)."""
    require(principal, "outgoing.draft")
    today = local_now(services.settings.time_zone).date()
    with services.uow() as uow:
        session = uow.session
        units = [u for u in session.scalars(select(Unit).order_by(Unit.name)) if u.is_valid_on(today)]
        mine = [u for u in units if holds(principal, u.id)]
        mine.sort(key=lambda u: (u.id != principal.unit_id, u.name))
        issuers = {issuer_of(session, u).id for u in mine}
        signers, subtrees = [], {}
        for user in session.scalars(select(User).where(User.is_active.is_(True)).order_by(User.full_name,
                                                                                          User.username)):
            if "leader" not in user.roles:
                continue
            if user.unit_id not in subtrees:
                subtrees[user.unit_id] = unit_subtree_ids(session, user.unit_id)
            if issuers & subtrees[user.unit_id]:
                signers.append({"username": user.username, "name": user.full_name or user.username,
                                "unit": user.unit.name if user.unit else ""})
        own = next((u.code for u in mine if u.id == principal.unit_id), mine[0].code if mine else "")
        return {"types": list(TYPE_ABBR), "units": [_unit(u) for u in units],
                "drafting_units": [_unit(u) for u in mine], "own_unit": own, "signers": signers}


def issuing_bodies(services: Services, principal: Principal) -> list[dict]:
    """The units that issue documents (not departments), in the administrator's scope: the
    settings page's list."""
    require(principal, "outgoing.configure")
    with services.uow() as uow:
        rows = uow.session.scalars(select(Unit).where(Unit.kind != "department").order_by(Unit.name)).all()
        return [_unit(u) for u in rows if holds(principal, u.id)]


def unit_codes(services: Services, principal: Principal) -> list[dict]:
    """Every unit (code and name): the settings page's choice of a legal unit."""
    require(principal, "outgoing.configure")
    with services.uow() as uow:
        return [_unit(u) for u in uow.session.scalars(select(Unit).order_by(Unit.name))]
