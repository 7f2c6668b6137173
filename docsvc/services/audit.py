"""Recording to the audit trail from use cases.

``record`` appends in the caller's transaction (the change and its record commit together).
``record_now`` appends in a transaction of its own, for things that change nothing else:
a download, a view of a confidential document, a view of personal data.
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


def record_personal_data_view(services: Services, principal: Principal, *, subject_type: str,
                              subject_id: Any, purpose: str, request_ref: str | None = None) -> int:
    """Log that ``principal`` looked at a person's data, and why (Personal Data Protection Law
    91/2025/QH15). Every view of a civil-status entry goes through here; without a stated
    purpose (the request being served) the view is refused."""
    if not principal.can("person.view"):
        raise PermissionDenied("person.view")
    if not purpose or not purpose.strip():
        raise ValueError("a purpose is required to view personal data (e.g. the request being served)")
    details = {"purpose": purpose.strip()}
    if request_ref:
        details["request"] = request_ref
    return record_now(services, principal, "person.view", object_type=subject_type,
                      object_id=subject_id, details=details)
