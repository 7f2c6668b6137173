"""What reading leaves in the audit trail: every download of an original, every view of a
confidential document (its page, its images), and every read of a document marked as
personal data, with its purpose (docsvc.audit.personal; refused without one). Ordinary
views of ordinary documents are not recorded: the trail stays readable, and it is these
that the rules ask for."""

from __future__ import annotations

from archive.models import Document
from docsvc.access import Principal
from docsvc.services.audit import record_now
from docsvc.services.container import Services
from docsvc.audit.personal import Purpose, record_personal_read


def log_view(services: Services, principal: Principal, doc: Document, *, purpose: Purpose | None = None,
             **details) -> None:
    """Call before the document is shown: a personal one without ``purpose`` raises
    PurposeRequired. ``details``: ``page`` and ``what`` (image, thumbnail) for a picture."""
    if doc.personal_data:
        what = {"image": "page_image", "thumbnail": "thumbnail"}.get(details.pop("what", None), "document")
        record_personal_read(services, principal, purpose, what=what, object_type="document",
                             object_id=doc.id, secrecy=doc.secrecy or None, **details)
    elif doc.secrecy > 0:
        record_now(services, principal, "document.view", object_type="document", object_id=doc.id,
                   details={"secrecy": doc.secrecy, **details})


def log_download(services: Services, principal: Principal, doc: Document, *, purpose: Purpose | None = None) -> None:
    if doc.personal_data:
        record_personal_read(services, principal, purpose, what="original", object_type="document",
                             object_id=doc.id, sha256=doc.sha256)
    record_now(services, principal, "document.download", object_type="document", object_id=doc.id,
               details={"sha256": doc.sha256, "secrecy": doc.secrecy})
