"""The audit trail's pages (on the shared ``/admin`` blueprint, docsvc.admin): the trail as
sentences, the log of reads of personal data, and the check of the chain against its anchors."""

from __future__ import annotations

from datetime import datetime, time, timezone

from flask import current_app, flash, render_template, request, url_for

from docsvc import labels
from docsvc.admin import bp
from docsvc.audit.anchoring import describe, verify_audit
from docsvc.audit.log import audit_lines
from docsvc.audit.personal import personal_reads
from docsvc.auth import current_principal
from docsvc.dates import PLACEHOLDER as DATE_PLACEHOLDER, parse_day
from docsvc.i18n import gettext as _
from docsvc.permissions import requires


def _services():
    return current_app.extensions["docsvc"]


# -- audit ----------------------------------------------------------------------------

@bp.get("/audit")
@requires("audit.view")
def audit():
    args = request.args
    since, until, errors = None, None, []
    for name in ("since", "until"):
        try:
            value = parse_day(args.get(name))
        except ValueError:
            errors.append(_("Ngày không hợp lệ: {value} (viết theo dạng dd/mm/yyyy).").format(value=args.get(name)))
            value = None
        since, until = (value, until) if name == "since" else (since, value)
    for message in errors:
        flash(message, "error")
    rows = audit_lines(_services(), current_principal(), person=args.get("person"), action=args.get("action") or None,
                       since=since, until=until, object_type=args.get("object_type") or None,
                       object_id=args.get("object_id") or None, before_seq=args.get("before", type=int), limit=100)
    older_url = None
    if len(rows) == 100:
        query_args = {k: v for k, v in args.items() if k != "before" and v}
        older_url = url_for("admin.audit", before=rows[-1].seq, **query_args)
    return render_template("admin/audit.html", rows=rows, args=args, older_url=older_url,
                           actions=labels.choices(labels.ACTIONS), placeholder=DATE_PLACEHOLDER)


@bp.get("/personal-log")
@requires("audit.view")
def personal_log():
    """Reads of personal data, as sentences: who read what, when, and why."""
    args = request.args
    since, until = _day_bound(args.get("since"), time.min), _day_bound(args.get("until"), time.max)
    reads = personal_reads(_services(), current_principal(), username=args.get("user") or None,
                           person=args.get("person"), since=since, until=until, limit=100,
                           before_seq=args.get("before", type=int))
    if reads.unknown_user:
        flash(reads.unknown_user, "error")
    entries = reads.entries
    older_url = None
    if len(entries) == 100:
        older_url = url_for("admin.personal_log", before=entries[-1][0].seq,
                            **{k: v for k, v in args.items() if k != "before" and v})
    return render_template("admin/personal_log.html", entries=[(r, e, _read_sentence(e)) for r, e in entries],
                           args=args, older_url=older_url)


def _day_bound(value: str | None, at: time) -> datetime | None:
    """A dd/mm/yyyy field as the start or end of that day; a wrong date is said, not ignored."""
    try:
        day = parse_day(value)
    except ValueError:
        flash(_("Ngày không hợp lệ: {value} (viết theo dạng dd/mm/yyyy).").format(value=value), "error")
        return None
    return datetime.combine(day, at).astimezone(timezone.utc) if day else None


def _read_sentence(entry: dict) -> str:
    """What was read, in a sentence (the person, the time and the purpose are shown beside it)."""
    details = entry["details"]
    what, oid = entry["what"], entry["object_id"]
    page = details.get("page")
    if what == "document":
        return _("Xem văn bản #{id}").format(id=oid)
    if what == "page_image":
        return _("Xem ảnh trang {page} của văn bản #{id}").format(page=page, id=oid)
    if what == "thumbnail":
        return _("Xem ảnh thu nhỏ trang {page} của văn bản #{id}").format(page=page, id=oid)
    if what == "original":
        return _("Tải bản gốc văn bản #{id}").format(id=oid)
    if what == "search" or entry["action"] == "person.search":
        return _("Tra cứu “{query}”: thấy {people} người, {docs} văn bản chứa dữ liệu cá nhân").format(
            query=details.get("query", ""), people=len(details.get("entries") or []),
            docs=len(details.get("documents") or []))
    if what == "suggest":
        return _("Gõ “{query}”, được gợi ý các tên: {names}").format(
            query=details.get("query", ""), names=", ".join(details.get("persons") or []))
    return _("Xem {kind} #{id}").format(kind=entry["object_type"] or "", id=oid or "")


@bp.get("/audit/verify")
@requires("audit.verify")
def audit_verify():
    check = verify_audit(_services(), current_principal())
    return render_template("admin/audit_verify.html", report=check.result.chain, check=check,
                           anchor_lines=describe(check))
