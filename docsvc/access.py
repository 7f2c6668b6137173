"""Who is acting, and which documents they may see.

A ``Principal`` is the acting user as the rules need it: roles (what they may do, see
docsvc.permissions), clearance (the highest secrecy they may see) and the units whose
records they hold (their unit's subtree, plus units whose records passed into its custody).
``document_filter`` turns that into one SQL condition, used by every list, count, page
image, download and search, so nothing leaks through a side door.

Documents marked as personal data (``Document.personal_data``: register pages and anything
else holding civil-status data) are seen only by holders of ``person.view``; ordinary
documents only by holders of ``document.view``. A civil-status officer thus opens the
personal documents of their units and nothing else, and an administrator (no
``person.view``) never sees a personal document. ``visibility`` says how to refuse: a
personal document, or any document the role could never open, is *absent* (404: its
existence is not confirmed); an ordinary document kept from a reader by secrecy or unit is
*hidden* (403), as before.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass, field

from sqlalchemy import and_, false, true
from sqlalchemy.orm import Session

from archive.accounts import ROLES, User, unit_subtree_ids
from archive.audit import Actor
from archive.models import Document
from docsvc.permissions import allowed


@dataclass(frozen=True)
class Principal:
    user_id: int | None
    username: str
    roles: frozenset[str]
    clearance: int
    unit_id: int | None
    unit_ids: frozenset[int] | None = field(default=None)  # None: every unit (the system itself)
    ip: str | None = None
    via: str = "session"                                    # session | token | cli | system

    @property
    def is_system(self) -> bool:
        return self.user_id is None

    def can(self, action: str) -> bool:
        return self.is_system or allowed(self.roles, action)

    @property
    def actor(self) -> Actor:
        return Actor(self.user_id, self.username, self.ip)

    def with_ip(self, ip: str | None) -> "Principal":
        return Principal(self.user_id, self.username, self.roles, self.clearance, self.unit_id,
                         self.unit_ids, ip, self.via)


def system_principal(name: str | None = None) -> Principal:
    """The service itself (worker) or the local operator at the command line, who already
    has the data directory in hand: every role, every unit, full clearance. Named in the
    audit trail as ``system:<name>``."""
    if name is None:
        try:
            name = f"cli:{getpass.getuser()}"
        except Exception:  # no user database entry (containers)
            name = "cli"
    return Principal(None, f"system:{name}", frozenset(ROLES), 3, None, None, via="system")


def principal_for(session: Session, user: User, *, ip: str | None = None, via: str = "session") -> Principal:
    return Principal(user.id, user.username, user.roles, user.clearance, user.unit_id,
                     frozenset(unit_subtree_ids(session, user.unit_id)), ip, via)


def document_filter(principal: Principal):
    """SQL condition: the documents this principal may see."""
    conditions = []
    ordinary, personal = principal.can("document.view"), principal.can("person.view")
    if not ordinary and not personal:
        return false()
    if not personal:
        conditions.append(Document.personal_data.is_(False))
    elif not ordinary:
        conditions.append(Document.personal_data.is_(True))
    if principal.unit_ids is not None:
        if not principal.unit_ids:
            return false()
        conditions.append(Document.unit_id.in_(principal.unit_ids))
    conditions.append(Document.secrecy <= principal.clearance)
    return and_(true(), *conditions)


VISIBLE, HIDDEN, ABSENT = "visible", "hidden", "absent"


def visibility(principal: Principal, doc: Document) -> str:
    """``visible``; ``hidden`` (an ordinary document a reader is not cleared for or whose
    unit is not theirs: 403); ``absent`` (a personal document they may not open, or a
    document their role never opens: 404, as if it did not exist)."""
    if not principal.can("person.view" if doc.personal_data else "document.view"):
        return ABSENT
    if doc.secrecy <= principal.clearance and (principal.unit_ids is None or doc.unit_id in principal.unit_ids):
        return VISIBLE
    return ABSENT if doc.personal_data else HIDDEN


def can_see(principal: Principal, doc: Document) -> bool:
    return visibility(principal, doc) == VISIBLE
