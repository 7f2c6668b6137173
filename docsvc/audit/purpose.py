"""The purpose of reading personal data, chosen once per session in the web app.

A read of personal data without a purpose (``PurposeRequired`` from a use case) sends the
browser here and back (``next``). The choice lives in the session (``session["purpose"]``,
``session["purpose_text"]``), so it ends with the session; the header shows it with a link
to change it.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, redirect, render_template, request, session, url_for

from docsvc.auth import current_principal
from docsvc.i18n import gettext as _
from docsvc.permissions import requires
from docsvc.audit.personal import PURPOSES, InvalidPurpose, Purpose, PurposeRequired, make_purpose

bp = Blueprint("purpose", __name__, template_folder="templates")


def session_purpose() -> Purpose | None:
    """The purpose chosen in this session, if any (and still valid)."""
    try:
        return make_purpose(session.get("purpose"), session.get("purpose_text")) if session.get("purpose") else None
    except InvalidPurpose:
        return None


def _safe_next(target: str | None) -> str:
    """Only a path of this site (no scheme, no host, no '//' or backslash tricks)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return url_for("main.home")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return url_for("main.home")
    return target


def ask_for_purpose():
    """Send the browser to choose a purpose, then back to this request."""
    return redirect(url_for("purpose.choose", next=request.full_path.rstrip("?")))


@bp.app_errorhandler(PurposeRequired)
def _purpose_required(_exc):
    return ask_for_purpose()


@bp.app_context_processor
def _inject():
    principal = current_principal()
    if principal is None or not principal.can("person.view"):
        return {"current_purpose": None}
    return {"current_purpose": session_purpose()}


@bp.route("/purpose", methods=["GET", "POST"])
@requires("person.view")
def choose():
    target = _safe_next(request.values.get("next"))
    error = None
    current = session_purpose()
    if request.method == "POST":
        try:
            chosen = make_purpose(request.form.get("purpose"), request.form.get("purpose_text"))
        except InvalidPurpose:
            error = (_("Hãy ghi rõ mục đích khác.") if request.form.get("purpose") == "other"
                     else _("Hãy chọn một mục đích."))
        else:
            session["purpose"], session["purpose_text"] = chosen.code, chosen.text
            return redirect(target)
    return render_template("purpose/choose.html", purposes=PURPOSES, current=current, next=target,
                           error=error, form=request.form), (400 if error else 200)
