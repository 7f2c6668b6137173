"""Reading outgoing documents: one document with its versions, records (the timeline),
deliveries and links; lists; what waits for the principal; the files (issue 14).

The dict shapes are the ones ``docsvc.outgoing.history`` prints (doc, version, step,
delivery); times are ISO strings in the installation's local time.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from archive.accounts import SECRECY_LABELS, Unit, User
from archive.incoming import URGENCY_LABELS, IncomingDocument
from archive.outgoing import (LINK_STATUS, OutgoingDelivery, OutgoingDocument, OutgoingLink, OutgoingSettings,
                              OutgoingStep, OutgoingVersion)
from docsvc.access import Principal
from docsvc.outgoing.rules import ACTION_LABELS, PROCESS, STATE_LABELS, OutgoingInvalid, OutgoingNotFound
from docsvc.outgoing.services import _who, needs_legal_check, require, row_of, visible
from docsvc.outgoing.settings import retention_label
from docsvc.services.audit import PermissionDenied
from docsvc.services.container import Services

CONTROL_LABELS = {"in_force": "Còn hiệu lực", "amended": "Đã được sửa đổi", "replaced": "Đã bị thay thế",
                  "annulled": "Đã bị bãi bỏ"}
LINK_LABELS = {"amends": "Sửa đổi", "replaces": "Thay thế", "annuls": "Bãi bỏ"}
LINK_LABELS_BACK = {"amends": "Được sửa đổi bởi", "replaces": "Bị thay thế bởi", "annuls": "Bị bãi bỏ bởi"}
DECISION_LABELS = {"approved": "Đồng ý", "returned": "Trả lại", "form_ok": "Đạt thể thức", "legal_ok": "Đạt",
                   "digital": "Ký số", "wet": "Ký tay", "numbered": "Đã cho số", "released": "Đã phát hành",
                   "filed": "Đã lưu", "withdrawn": "Thu hồi", **{k: v for k, v in LINK_LABELS.items()},
                   **{v: CONTROL_LABELS[v] for v in LINK_STATUS.values()}}
CHANNEL_LABELS = {"internal": "Trong hệ thống", "folder": "Gói liên thông (thư mục)", "smtp": "Thư điện tử"}


def _local(services: Services, moment: datetime | None) -> str | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(ZoneInfo(services.settings.time_zone)).isoformat(timespec="seconds")


def _unit(session: Session, unit_id: int | None) -> dict | None:
    unit = session.get(Unit, unit_id) if unit_id else None
    return {"id": unit.id, "code": unit.code, "name": unit.name} if unit else None


def _user(session: Session, user_id: int | None) -> dict | None:
    user = session.get(User, user_id) if user_id else None
    return {"id": user.id, "username": user.username, "full_name": user.full_name or user.username} if user else None


def summary(services: Services, session: Session, row: OutgoingDocument) -> dict:
    drafting, issuer = _unit(session, row.drafting_unit_id), _unit(session, row.issuer_unit_id)
    signer = _user(session, row.signed_by or row.signer_user_id)
    return {
        "id": row.id, "state": row.state, "state_label": STATE_LABELS.get(row.state, row.state),
        "version": row.current_version, "doc_type": row.doc_type, "type_abbr": row.type_abbr,
        "abstract": row.abstract, "number_symbol": row.number_symbol, "seq": row.seq, "year": row.year,
        "secret": row.scope == "outgoing_secret",
        "issued_on": row.issued_on.isoformat() if row.issued_on else None,
        "released_on": row.released_on.isoformat() if row.released_on else None,
        "drafting_unit": drafting, "issuer": issuer, "signer": signer,
        "recipients": list(row.recipients or []),
        "secrecy": row.secrecy, "secrecy_label": SECRECY_LABELS.get(row.secrecy, str(row.secrecy)),
        "urgency": row.urgency, "urgency_label": URGENCY_LABELS.get(row.urgency, ""),
        "control_status": row.control_status, "control_status_label": CONTROL_LABELS.get(row.control_status, ""),
        "signature_kind": row.signature_kind, "retention": row.retention,
        "retention_label": retention_label(row.retention), "document_id": row.document_id,
        "withdrawn_note": row.withdrawn_note, "copies": row.copies,
        "created_at": _local(services, row.created_at), "updated_at": _local(services, row.updated_at),
    }


def history_parts(services: Services, session: Session, row: OutgoingDocument) -> tuple[dict, list, list, list]:
    """The document, its versions, its steps and its deliveries as plain dicts (oldest first)."""
    doc = summary(services, session, row)
    doc["drafting_unit_name"] = (doc["drafting_unit"] or {}).get("name")
    names: dict[int, str] = {}

    def who(user_id: int | None) -> str | None:
        if user_id is None:
            return None
        if user_id not in names:
            user = session.get(User, user_id)
            names[user_id] = (user.full_name or user.username) if user else str(user_id)
        return names[user_id]

    versions = [{"number": v.number, "file_name": v.file_name, "sha256": v.file_sha256, "media_type": v.media_type,
                 "pdf_sha256": v.pdf_sha256, "has_pdf": v.pdf_sha256 is not None,
                 "conversion_note": v.conversion_note, "note": v.note, "created_by": who(v.created_by),
                 "created_at": _local(services, v.created_at), "obsolete": v.superseded_at is not None,
                 "superseded_at": _local(services, v.superseded_at)}
                for v in session.scalars(select(OutgoingVersion).where(OutgoingVersion.outgoing_id == row.id)
                                         .order_by(OutgoingVersion.number))]
    steps = [{"id": s.id, "action": s.action, "action_label": ACTION_LABELS.get(s.action, s.action),
              "from_state": s.from_state, "to_state": s.to_state,
              "to_state_label": STATE_LABELS.get(s.to_state, s.to_state), "decision": s.decision,
              "decision_label": DECISION_LABELS.get(s.decision or "", s.decision or ""), "comment": s.comment,
              "version": s.version, "actor_name": s.actor_name, "actor_role": s.actor_role,
              "at": _local(services, s.at), "details": dict(s.details or {})}
             for s in session.scalars(select(OutgoingStep).where(OutgoingStep.outgoing_id == row.id)
                                      .order_by(OutgoingStep.at, OutgoingStep.id))]
    deliveries = [{"recipient": d.recipient_name, "channel": d.channel,
                   "channel_label": CHANNEL_LABELS.get(d.channel, d.channel), "status": d.status,
                   "detail": d.detail, "incoming_id": d.incoming_id, "at": _local(services, d.at)}
                  for d in session.scalars(select(OutgoingDelivery).where(OutgoingDelivery.outgoing_id == row.id)
                                           .order_by(OutgoingDelivery.id))]
    return doc, versions, steps, deliveries


def _links(session: Session, principal: Principal, row: OutgoingDocument) -> dict:
    def brief(other: OutgoingDocument, kind: str, back: bool) -> dict:
        return {"id": other.id, "number_symbol": other.number_symbol, "doc_type": other.doc_type,
                "abstract": other.abstract, "kind": kind,
                "label": (LINK_LABELS_BACK if back else LINK_LABELS)[kind],
                "control_status": other.control_status,
                "control_status_label": CONTROL_LABELS.get(other.control_status, "")}

    forward = [(link, session.get(OutgoingDocument, link.to_id))
               for link in session.scalars(select(OutgoingLink).where(OutgoingLink.from_id == row.id))]
    backward = [(link, session.get(OutgoingDocument, link.from_id))
                for link in session.scalars(select(OutgoingLink).where(OutgoingLink.to_id == row.id))]
    return {"changes": [brief(o, link.kind, False) for link, o in forward if visible(principal, o, session)],
            "changed_by": [brief(o, link.kind, True) for link, o in backward if visible(principal, o, session)]}


def allowed_actions(session: Session, principal: Principal, row: OutgoingDocument) -> list[str]:
    """The steps this principal may take now (the pages show these buttons only)."""
    out = []
    for action, step in PROCESS.items():
        if row.state not in step.sources:
            continue
        try:
            _who(session, principal, row, action)
        except Exception:  # noqa: BLE001 - PermissionDenied / WrongPerson: not this principal's step
            continue
        out.append(action)
    return out


def _document(services: Services, session: Session, principal: Principal, row: OutgoingDocument) -> dict:
    doc, versions, steps, deliveries = history_parts(services, session, row)
    checks = next((s["details"].get("checks") for s in reversed(steps) if s["details"].get("checks")), None)
    reply = session.get(IncomingDocument, row.in_reply_to_id) if row.in_reply_to_id else None
    doc.update({
        "versions": versions, "records": steps, "deliveries": deliveries, "form_checks": checks,
        "links": _links(session, principal, row), "actions": allowed_actions(session, principal, row),
        "needs_legal_check": needs_legal_check(session, row),
        "in_reply_to": {"id": reply.id, "arrival_number": reply.arrival_number, "year": reply.year,
                        "number_symbol": "/".join(p for p in (reply.number, reply.symbol) if p) or None,
                        "issuer": reply.issuer, "abstract": reply.abstract} if reply else None,
        "created_by": _user(session, row.created_by),
        "has_signed": row.signed_sha256 is not None, "has_released": row.released_sha256 is not None,
        "has_history": row.history_sha256 is not None,
    })
    return doc


def get_outgoing(services: Services, principal: Principal, outgoing_id: Any) -> dict:
    require(principal, "outgoing.view")
    with services.uow() as uow:
        return _document(services, uow.session, principal, row_of(uow.session, principal, outgoing_id))


def _scope(principal: Principal):
    conditions = [OutgoingDocument.secrecy <= principal.clearance]
    if principal.unit_ids is not None:
        ids = principal.unit_ids or {-1}
        legal = select(OutgoingSettings.unit_id).where(OutgoingSettings.legal_unit_id.in_(ids))
        conditions.append(or_(OutgoingDocument.drafting_unit_id.in_(ids), OutgoingDocument.issuer_unit_id.in_(ids),
                              OutgoingDocument.signer_user_id == (principal.user_id or -1),
                              OutgoingDocument.issuer_unit_id.in_(legal)))
    return conditions


def list_outgoing(services: Services, principal: Principal, *, state: str | None = None, year: int | None = None,
                  q: str | None = None, limit: int = 200) -> list[dict]:
    require(principal, "outgoing.view")
    query = select(OutgoingDocument).where(*_scope(principal))
    if state:
        if state not in STATE_LABELS:
            raise OutgoingInvalid("state", "Trạng thái không hợp lệ.")
        query = query.where(OutgoingDocument.state == state)
    if year:
        query = query.where(OutgoingDocument.year == int(year))
    if q:
        like = f"%{q.strip()}%"
        query = query.where(or_(OutgoingDocument.abstract.ilike(like), OutgoingDocument.number_symbol.ilike(like)))
    with services.uow() as uow:
        rows = uow.session.scalars(query.order_by(OutgoingDocument.updated_at.desc(), OutgoingDocument.id.desc())
                                   .limit(max(1, min(int(limit), 1000)))).all()
        return [summary(services, uow.session, r) for r in rows]


# States whose next step each permission takes.
_WAITING = {"outgoing.draft": ("draft", "returned"), "outgoing.review": ("submitted",),
            "outgoing.check": ("approved",), "outgoing.legal": ("form_checked",), "outgoing.sign": ("checked",),
            "outgoing.issue": ("signed", "numbered"), "outgoing.file": ("released",)}


def waiting(services: Services, principal: Principal, limit: int = 100) -> list[dict]:
    """What waits for this principal's step, oldest first, with the step named."""
    if not principal.can("outgoing.view"):
        return []
    states = sorted({s for perm, states in _WAITING.items() if principal.can(perm) for s in states})
    if not states:
        return []
    with services.uow() as uow:
        session = uow.session
        rows = session.scalars(select(OutgoingDocument).where(*_scope(principal), OutgoingDocument.state.in_(states))
                               .order_by(OutgoingDocument.updated_at).limit(limit * 3)).all()
        out = []
        for row in rows:
            actions = [a for a in allowed_actions(session, principal, row) if a not in ("withdraw", "return")]
            if row.state in ("draft", "returned") and row.created_by != principal.user_id:
                continue   # a draft waits for its own drafter
            if actions:
                item = summary(services, session, row)
                item["next"] = actions[0]
                item["next_label"] = ACTION_LABELS.get(actions[0], actions[0])
                out.append(item)
            if len(out) >= limit:
                break
        return out


def replies_to(services: Services, principal: Principal, incoming_id: int) -> list[dict]:
    """Outgoing documents answering an incoming one (the link both ways)."""
    if not principal.can("outgoing.view"):
        return []
    with services.uow() as uow:
        rows = uow.session.scalars(select(OutgoingDocument).where(
            OutgoingDocument.in_reply_to_id == int(incoming_id), *_scope(principal))
            .order_by(OutgoingDocument.id)).all()
        return [summary(services, uow.session, r) for r in rows]


FILES = ("signed", "released", "history")


def file_of(services: Services, principal: Principal, outgoing_id: Any, which: str) -> tuple[bytes, str, str]:
    """``v<N>`` (the version's own file), ``v<N>.pdf`` (its PDF), ``signed``, ``released`` or
    ``history``: bytes, a file name and the media type."""
    require(principal, "outgoing.view")
    with services.uow() as uow:
        session = uow.session
        row = row_of(session, principal, outgoing_id)
        stem = (row.number_symbol or f"du-thao-{row.id}").replace("/", "-")
        if which in FILES:
            sha = {"signed": row.signed_sha256, "released": row.released_sha256, "history": row.history_sha256}[which]
            if sha is None:
                raise OutgoingNotFound("file")
            return services.blobs.read(sha), f"{stem}-{which}.pdf", "application/pdf"
        pdf = which.endswith(".pdf")
        try:
            number = int(which.removesuffix(".pdf").removeprefix("v"))
        except ValueError:
            raise OutgoingNotFound("file") from None
        version = session.scalar(select(OutgoingVersion).where(OutgoingVersion.outgoing_id == row.id,
                                                               OutgoingVersion.number == number))
        if version is None or (pdf and version.pdf_sha256 is None):
            raise OutgoingNotFound("file")
        if pdf:
            return services.blobs.read(version.pdf_sha256), f"{stem}-v{number}.pdf", "application/pdf"
        return services.blobs.read(version.file_sha256), version.file_name or f"{stem}-v{number}", version.media_type


__all__ = ["get_outgoing", "list_outgoing", "waiting", "replies_to", "file_of", "history_parts", "summary",
           "PermissionDenied"]
