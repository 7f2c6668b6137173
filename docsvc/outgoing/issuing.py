"""Numbering, release and filing of an outgoing document (issue 14 points 4–6).

**Number.** Inside the transaction that records the step: the next number of the issuing
body's yearly sequence (``archive.sequences``: scope ``outgoing``, or ``outgoing_secret`` from
Mật up; the local year), taken last, after every check that may refuse, so that a refusal or
a crash rolls the number back with it and the register has no gap. The number and symbol
follow DOMAIN.md §1 (``docsvc.outgoing.rules.symbol_of``). A digitally signed document then
gets the organisation's signature (Decree 30: the records office signs after numbering) when
the issuing body has a certificate; that file is the one released.

**Release.** One transaction: each recipient inside the system gets a row in its own incoming
register (its next arrival number; its leader routes it from the queue), each recipient
outside gets an exchange package (the released PDF and an edXML-style envelope) written to
the issuing body's exchange folder (default ``<data>/exchange/outbox``); a delivery row each.
Packages for an issuing body with an exchange e-mail address are sent by SMTP after the
commit, and the outcome is recorded on the delivery. A later document that amends, replaces
or annuls an earlier one takes effect here: the earlier one's status changes.

**File.** The released file goes into the archive as a ``Document`` (direction ``outgoing``,
number, symbol, type, date, abstract: found in search by number and symbol; fixity-checked
like every blob), with the process history as a PDF and the retention period of the schedule.
"""

from __future__ import annotations

import io
import re
import unicodedata
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.accounts import Unit, User
from archive.outgoing import (FILED, LINK_STATUS, NUMBERED, OUTGOING_SCOPE, OUTGOING_SECRET_SCOPE, RELEASED,
                              SIGNATURE_DIGITAL, OutgoingDelivery, OutgoingDocument, OutgoingLink, OutgoingStep)
from archive.sequences import take_next
from docsvc.access import Principal
from docsvc.dates import local_now
from docsvc.outgoing.rules import OutgoingConflict, number_symbol, symbol_of
from docsvc.outgoing.services import (MEDIA, _store, _who, add_step, now_utc, require, row_of, visible, writing)
from docsvc.outgoing.settings import abbr_of, place_of, retention_for, settings_row
from docsvc.services.audit import record
from docsvc.services.container import Services


def number(services: Services, session: Session, principal: Principal, row: OutgoingDocument,
           comment: str | None, role: str) -> None:
    """Give the number (called by ``transition`` inside its transaction, row locked)."""
    issuer = session.get(Unit, row.issuer_unit_id)
    unit = session.get(Unit, row.drafting_unit_id)
    today = local_now(services.settings.time_zone).date()
    symbol = symbol_of(row.doc_type, row.type_abbr, abbr_of(session, issuer), abbr_of(session, unit))
    org_identity = None
    if row.signature_kind == SIGNATURE_DIGITAL:
        from docsvc.outgoing import certificates

        try:
            org_identity = certificates.organisation_identity(services, session, issuer.id)
        except certificates.CertificateUnavailable as exc:
            raise OutgoingConflict(exc.code, exc.message) from None
    scope = OUTGOING_SECRET_SCOPE if row.secrecy >= 1 else OUTGOING_SCOPE
    seq = take_next(session, scope, issuer.id, today.year)   # last: after every check
    row.scope, row.year, row.seq = scope, today.year, seq
    row.number_symbol, row.issued_on, row.numbered_by = number_symbol(seq, symbol), today, principal.user_id
    released = row.signed_sha256
    if org_identity is not None and row.signed_sha256:
        from docsvc.outgoing import signing

        stamped = signing.sign_organisation(services.blobs.read(row.signed_sha256), org_identity,
                                            number_symbol=row.number_symbol, issued_on=today,
                                            place=place_of(session, issuer))
        released = _store(services, session, stamped, MEDIA["pdf"])
    row.released_sha256 = released
    add_step(session, principal, row, "number", NUMBERED, decision="numbered", comment=comment, role=role,
             details={"number_symbol": row.number_symbol, "seq": seq, "year": today.year, "scope": scope,
                      "organisation_signature": org_identity is not None, "released_sha256": released})


# -- release ----------------------------------------------------------------------------------

def _split(number_symbol_text: str) -> tuple[str, str]:
    num, _, sym = number_symbol_text.partition("/")
    return num, sym


def _deliver_internal(services: Services, session: Session, principal: Principal, row: OutgoingDocument,
                      issuer: Unit, target: Unit, now) -> OutgoingDelivery:
    from docsvc.incoming.services import receive_internal

    num, sym = _split(row.number_symbol)
    incoming = receive_internal(services, session, principal, office=target, values={
        "number": num, "symbol": sym, "doc_type": row.doc_type, "issuer": issuer.name, "issued_on": row.issued_on,
        "abstract": row.abstract, "urgency": row.urgency, "secrecy": row.secrecy,
        "notes": f"Nhận qua hệ thống từ {issuer.name} (văn bản đi #{row.id})."},
        arrived_at=now)
    return OutgoingDelivery(outgoing_id=row.id, recipient_unit_id=target.id, recipient_name=target.name,
                            channel="internal", incoming_id=incoming.id, status="delivered",
                            detail=f"Số đến {incoming.arrival_number}/{incoming.year}", at=now)


def _safe_name(text: str) -> str:
    """``01/QĐ-UBND`` → ``01-QD-UBND`` (a file name any system takes)."""
    plain = unicodedata.normalize("NFKD", text.replace("Đ", "D").replace("đ", "d"))
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return re.sub(r"[^0-9A-Za-z._-]+", "-", plain).strip("-")[:80] or "van-ban"


def exchange_dir(services: Services, session: Session, issuer: Unit) -> Path:
    settings = settings_row(session, issuer.id)
    if settings is not None and settings.exchange_dir:
        return Path(settings.exchange_dir)
    return Path(services.settings.data_dir) / "exchange" / "outbox"


def _package(services: Services, session: Session, row: OutgoingDocument, issuer: Unit, recipient: dict,
             pdf: bytes, sha: str) -> bytes:
    from pypdf import PdfReader

    from docsvc.outgoing import edxml
    from docsvc.outgoing.rules import nfc

    signer = session.get(User, row.signed_by) if row.signed_by else None
    try:
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
    except Exception:  # noqa: BLE001 - a scan pypdf cannot count: the envelope says 0
        pages = 0
    name = f"{_safe_name(row.number_symbol)}.pdf"
    envelope = edxml.envelope(
        sender={"id": issuer.code, "name": issuer.name}, recipient={"id": recipient.get("code") or "",
                                                                  "name": recipient["name"]},
        number_symbol=row.number_symbol, issued_on=row.issued_on, place=place_of(session, issuer),
        doc_type=row.doc_type, abstract=row.abstract,
        signer={"position": nfc(row.signer_title) or "Lãnh đạo",
                "full_name": (signer.full_name or signer.username) if signer else ""},
        due_on=row.due_on, priority=row.urgency, page_count=pages, attachment_name=name, attachment_sha256=sha,
        trace=[{"organisation": issuer.name, "at": now_utc().isoformat(timespec="seconds"), "status": "sent"}])
    return edxml.package(envelope, pdf, name)


def release(services: Services, principal: Principal, outgoing_id: Any, comment: str | None) -> dict:
    from docsvc.outgoing import edxml
    from docsvc.outgoing.reading import get_outgoing

    require(principal, "outgoing.issue")
    mails: list[tuple[int, str, str, bytes, str]] = []
    with writing(services) as uow:
        session = uow.session
        row = row_of(session, principal, outgoing_id, lock=True)
        if row.state != NUMBERED:
            from docsvc.outgoing.services import _out_of_order

            raise OutgoingConflict("out_of_order", _out_of_order(row.state, "release"), state=row.state)
        role = _who(session, principal, row, "release")
        if not row.released_sha256:
            raise OutgoingConflict("no_file", "Chưa có tệp văn bản đã ký để phát hành: hãy đính kèm bản quét "
                                              "văn bản đã ký.")
        issuer = session.get(Unit, row.issuer_unit_id)
        now = now_utc()
        pdf = services.blobs.read(row.released_sha256)
        settings = settings_row(session, issuer.id)
        deliveries: list[OutgoingDelivery] = []
        for recipient in row.recipients or []:
            target = session.get(Unit, recipient["unit_id"]) if recipient.get("unit_id") else None
            if target is not None:
                deliveries.append(_deliver_internal(services, session, principal, row, issuer, target, now))
                continue
            data = _package(services, session, row, issuer, recipient, pdf, row.released_sha256)
            stem = f"{_safe_name(row.number_symbol)}-{row.id}-{len(deliveries) + 1}"
            path = edxml.write_package(exchange_dir(services, session, issuer), f"{stem}.zip", data)
            delivery = OutgoingDelivery(outgoing_id=row.id, recipient_name=recipient["name"], channel="folder",
                                        status="written", detail=str(path), at=now)
            deliveries.append(delivery)
            if settings is not None and settings.exchange_email:
                mails.append((len(deliveries) - 1, settings.exchange_email, f"{row.number_symbol}: {row.abstract}"[:200],
                              data, f"{stem}.zip"))
        session.add_all(deliveries)
        local = local_now(services.settings.time_zone)
        row.released_at, row.released_on = now, local.date()
        changed = _links_take_effect(session, principal, row)
        session.flush()
        add_step(session, principal, row, "release", RELEASED, decision="released", comment=comment, role=role,
                 details={"deliveries": [{"recipient": d.recipient_name, "channel": d.channel, "status": d.status,
                                          "detail": d.detail} for d in deliveries],
                          "changed": changed})
        record(services, session, principal, "outgoing.release", object_type="outgoing", object_id=row.id,
               details={"number_symbol": row.number_symbol, "internal": sum(d.channel == "internal" for d in deliveries),
                        "external": sum(d.channel != "internal" for d in deliveries)})
        delivery_ids = [d.id for d in deliveries]
        uow.commit()
    for index, to, subject, data, filename in mails:
        _mail(services, delivery_ids[index], to, subject, data, filename)
    return get_outgoing(services, principal, outgoing_id)


def _mail(services: Services, delivery_id: int, to: str, subject: str, data: bytes, filename: str) -> None:
    """Send one package by SMTP and record the outcome on a new delivery row."""
    import smtplib

    from docsvc.outgoing import edxml

    status, detail = "sent", to
    if not services.settings.smtp_host:
        status, detail = "failed", "Chưa cấu hình máy chủ thư (DOCSVC_SMTP_HOST)."
    else:
        try:
            edxml.send_package(services.settings, to, subject, data, filename)
        except (OSError, smtplib.SMTPException) as exc:
            status, detail = "failed", f"{to}: {exc}"[:500]
    with services.uow() as uow:
        first = uow.session.get(OutgoingDelivery, delivery_id)
        uow.session.add(OutgoingDelivery(outgoing_id=first.outgoing_id, recipient_name=first.recipient_name,
                                         channel="smtp", status=status, detail=detail, at=now_utc()))
        uow.commit()


def _links_take_effect(session: Session, principal: Principal, row: OutgoingDocument) -> list[dict]:
    changed = []
    for link in session.scalars(select(OutgoingLink).where(OutgoingLink.from_id == row.id)):
        earlier = session.get(OutgoingDocument, link.to_id, with_for_update=True)
        status = LINK_STATUS[link.kind]
        if earlier.control_status == "annulled" or (earlier.control_status == "replaced" and status == "amended"):
            continue   # the stronger status stays
        earlier.control_status = status
        session.add(OutgoingStep(outgoing_id=earlier.id, action="link", from_state=earlier.state,
                                 to_state=earlier.state, decision=status,
                                 comment=f"{row.number_symbol} ({link.kind})", version=earlier.current_version,
                                 actor_id=principal.user_id, actor_name=principal.username, actor_role="clerk",
                                 details={"by": row.id, "kind": link.kind}, at=now_utc()))
        changed.append({"id": earlier.id, "number_symbol": earlier.number_symbol, "status": status})
    return changed


# -- filing -----------------------------------------------------------------------------------

def file_outgoing(services: Services, principal: Principal, outgoing_id: Any, comment: str | None) -> dict:
    from docsvc.documents.submit import submit_stream
    from docsvc.outgoing import history
    from docsvc.outgoing.reading import get_outgoing
    from docsvc.outgoing.reports import records_of

    require(principal, "outgoing.file")
    with services.uow() as uow:
        session = uow.session
        row = row_of(session, principal, outgoing_id)
        if row.state != RELEASED:
            from docsvc.outgoing.services import _out_of_order

            raise OutgoingConflict("out_of_order", _out_of_order(row.state, "file"), state=row.state)
        _who(session, principal, row, "file")
        issuer = session.get(Unit, row.issuer_unit_id)
        pdf = services.blobs.read(row.released_sha256)
        num, sym = _split(row.number_symbol)
        fields = {"doc_type": row.doc_type, "number": int(num), "symbol": sym, "issuer": issuer.name,
                  "issued_on": row.issued_on, "abstract": row.abstract, "direction": "outgoing"}
        place = (issuer.code, row.secrecy)
    from docsvc.documents.submit import SubmissionRefused
    from ingest.errors import IngestError

    try:
        submission = submit_stream(services, io.BytesIO(pdf), f"{_safe_name(row.number_symbol)}.pdf",
                                   principal=principal, unit_code=place[0], secrecy=place[1], fields=fields,
                                   permission="outgoing.file")
    except (IngestError, SubmissionRefused) as exc:
        raise OutgoingConflict("archive_refused", f"Kho lưu trữ không nhận tệp đã phát hành: {exc}") from None
    with writing(services) as uow:
        session = uow.session
        row = row_of(session, principal, outgoing_id, lock=True)
        if row.state != RELEASED:
            from docsvc.outgoing.services import _out_of_order

            raise OutgoingConflict("out_of_order", _out_of_order(row.state, "file"), state=row.state)
        role = _who(session, principal, row, "file")
        row.retention = retention_for(session, row.doc_type)
        row.document_id = submission.document_id
        row.filed_at = now_utc()
        step = add_step(session, principal, row, "file", FILED, decision="filed", comment=comment, role=role,
                        details={"document_id": submission.document_id, "retention": row.retention})
        session.flush()
        doc, versions, steps, deliveries = records_of(session, [row])[0]
        issuer = session.get(Unit, row.issuer_unit_id)
        pdf = history.history_pdf(doc, versions, steps, deliveries, office_name=issuer.name,
                                  time_zone=services.settings.time_zone)
        row.history_sha256 = _store(services, session, pdf, MEDIA["pdf"])
        record(services, session, principal, "outgoing.file", object_type="outgoing", object_id=row.id,
               details={"number_symbol": row.number_symbol, "document_id": row.document_id,
                        "retention": row.retention, "history_sha256": row.history_sha256, "step": step.id})
        uow.commit()
    return get_outgoing(services, principal, outgoing_id)


def link(services: Services, principal: Principal, later_id: Any, earlier_id: Any, kind: str) -> dict:
    """Say that a document (in drafting) amends, replaces or annuls an issued one; it takes
    effect when the later one is released. Both show the link."""
    from docsvc.outgoing.reading import get_outgoing
    from docsvc.outgoing.rules import OutgoingInvalid

    kind = str(kind or "").strip().lower()
    if kind not in LINK_STATUS:
        raise OutgoingInvalid("kind", "Quan hệ là sửa đổi (amends), thay thế (replaces) hoặc bãi bỏ (annuls).")
    if not (principal.can("outgoing.draft") or principal.can("outgoing.issue")):
        from docsvc.services.audit import PermissionDenied

        raise PermissionDenied("outgoing.draft")
    with writing(services) as uow:
        session = uow.session
        later = row_of(session, principal, later_id, lock=True)
        earlier = row_of(session, principal, earlier_id)
        if earlier.id == later.id:
            raise OutgoingInvalid("earlier", "Văn bản không sửa đổi, thay thế chính nó.")
        if earlier.seq is None or earlier.state not in (RELEASED, FILED):
            raise OutgoingInvalid("earlier", "Chỉ liên kết tới văn bản đã ban hành.")
        if later.state in (RELEASED, FILED):
            raise OutgoingConflict("out_of_order", "Văn bản đã phát hành: không thêm quan hệ sửa đổi, thay thế.")
        existing = session.scalar(select(OutgoingLink).where(OutgoingLink.from_id == later.id,
                                                             OutgoingLink.to_id == earlier.id))
        if existing is not None:
            raise OutgoingConflict("duplicate", "Hai văn bản này đã được liên kết.")
        session.add(OutgoingLink(from_id=later.id, to_id=earlier.id, kind=kind, created_by=principal.user_id))
        add_step(session, principal, later, "link", later.state, decision=kind,
                 comment=earlier.number_symbol, role="clerk" if principal.can("outgoing.issue") else "specialist",
                 details={"earlier": earlier.id, "kind": kind})
        record(services, session, principal, "outgoing.link", object_type="outgoing", object_id=later.id,
               details={"earlier": earlier.id, "earlier_number_symbol": earlier.number_symbol, "kind": kind})
        uow.commit()
    return get_outgoing(services, principal, later_id)


__all__ = ["number", "release", "file_outgoing", "link", "exchange_dir", "visible"]
