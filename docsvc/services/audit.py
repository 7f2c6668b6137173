"""Recording to the audit trail from use cases.

``record`` appends in the caller's transaction (the change and its record commit together).
``record_now`` appends in a transaction of its own, for things that change nothing else:
a download, a view of a confidential document, a read of personal data (the latter through
docsvc.audit.personal.record_personal_read, which also requires its purpose).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from archive.audit import append
from docsvc.access import Principal
from docsvc.services.container import Services


class PermissionDenied(Exception):
    def __init__(self, action: str):
        super().__init__(action)
        self.action = action


def record(services: Services, session: Session, principal: Principal, action: str, *,
           object_type: str | None = None, object_id: Any = None, state: Any = None,
           details: dict | None = None) -> int:
    return append(session, services.audit_key, principal.actor, action, object_type=object_type,
                  object_id=object_id, state=state, details=details)


def record_now(services: Services, principal: Principal, action: str, **kwargs) -> int:
    with services.session_factory() as session:
        seq = record(services, session, principal, action, **kwargs)
        session.commit()
        return seq
