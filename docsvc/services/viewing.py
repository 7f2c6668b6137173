"""What reading leaves in the audit trail: every download of an original, and every view of
a confidential document (its page, its images). Ordinary views of ordinary documents are
not recorded: the trail stays readable, and it is these that the rules ask for."""

from __future__ import annotations

from archive.models import Document
from docsvc.access import Principal
from docsvc.services.audit import record_now
from docsvc.services.container import Services


def log_view(services: Services, principal: Principal, doc: Document, **details) -> None:
    if doc.secrecy > 0:
        record_now(services, principal, "document.view", object_type="document", object_id=doc.id,
                   details={"secrecy": doc.secrecy, **details})


def log_download(services: Services, principal: Principal, doc: Document) -> None:
    record_now(services, principal, "document.download", object_type="document", object_id=doc.id,
               details={"sha256": doc.sha256, "secrecy": doc.secrecy})
