"""Home page, the shell of the areas still to come, and the language switch."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for

from docsvc.access import document_filter
from docsvc.auth import current_principal
from docsvc.i18n import N_, gettext as _
from docsvc.permissions import public, requires
from docsvc.services.documents import list_documents, status_counts
from docsvc.worker import live_workers

bp = Blueprint("main", __name__)

# Areas of the service; those without pages yet show what is coming.
AREAS = {
    "registers": (N_("Sổ đăng ký"), N_("Sổ đăng ký văn bản đến, văn bản đi và sổ hộ tịch.")),
    "reports": (N_("Báo cáo"), N_("Thống kê tiếp nhận, xử lý đúng hạn, quá hạn.")),
}


@bp.get("/")
@requires("account.self")
def home():
    svc = current_app.extensions["docsvc"]
    principal = current_principal()
    counts, recent = {}, []
    if principal.can("document.open"):
        visible = document_filter(principal)
        with svc.session_factory() as session:
            counts = status_counts(session, where=visible)
            recent = list_documents(session, per_page=8, where=visible).items
    return render_template("home.html", counts=counts, recent=recent, workers=live_workers(svc))


@bp.get("/<any(registers, reports):area>")
@requires("account.self")
def area(area: str):
    title, blurb = AREAS[area]
    return render_template("coming_soon.html", title=_(title), blurb=_(blurb))


@bp.get("/lang/<code>")
@public
def set_lang(code: str):
    target = request.referrer or url_for("main.home")
    response = redirect(target)
    if code in ("vi", "en"):
        response.set_cookie("lang", code, max_age=365 * 86400, samesite="Lax", httponly=True)
    return response
