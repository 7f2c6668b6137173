"""Home page, the shell of the areas still to come, and the language switch."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for

from docsvc.auth import current_principal
from docsvc.documents.services import overview
from docsvc.i18n import N_, gettext as _
from docsvc.permissions import public, requires
from docsvc.worker import live_workers

bp = Blueprint("main", __name__, template_folder="templates")

# Areas of the service; those without pages yet show what is coming.
AREAS = {
    "registers": (N_("Sổ đăng ký"), N_("Sổ đăng ký văn bản đến, văn bản đi và sổ hộ tịch.")),
}


# A role's home shows that role's work: (permission, title, blurb, endpoint, arguments).
WORK = [
    ("document.upload", N_("Tải lên văn bản"), N_("Đưa văn bản đến, văn bản đi hoặc bản quét vào lưu trữ."),
     "documents.upload_form", {}),
    ("incoming.register", N_("Vào sổ văn bản đến"), N_("Đăng ký văn bản đến, lấy số đến; văn bản khẩn lên đầu danh sách."),
     "incoming.new", {}),
    ("dossier.receive", N_("Tiếp nhận hồ sơ"), N_("Nhận hồ sơ thủ tục hành chính, in giấy hẹn trả kết quả."),
     "dossiers.desk", {}),
    ("civil.key", N_("Nhập sổ hộ tịch"), N_("Nhập, xác nhận các mục đăng ký bên cạnh ảnh trang sổ."),
     "civil.books", {}),
    ("extract.view", N_("Trích lục hôm nay"), N_("Trích lục đã cấp hôm nay; sổ cấp bản sao trích lục của năm."),
     "extracts.today", {}),
    ("person.view", N_("Tra cứu hộ tịch"), N_("Tìm một người trong sổ hộ tịch đã số hóa, có hoặc không dấu."),
     "search.page", {}),
    ("search.documents", N_("Tra cứu văn bản"), N_("Tìm theo số, ký hiệu, trích yếu, nội dung."), "search.page", {}),
    ("outgoing.draft", N_("Soạn văn bản đi"), N_("Dự thảo, trình duyệt, ký, cho số, phát hành văn bản đi."),
     "outgoing.new", {}),
    ("routing.assign", N_("Chờ phân công"), N_("Văn bản đến chưa giao cho ai: khẩn ở trên cùng."), "routing.queue", {}),
    ("report.view", N_("Báo cáo đúng hạn"), N_("Tiếp nhận, trước hạn, đúng hạn, quá hạn theo lĩnh vực, đơn vị, người."),
     "reports.index", {}),
    ("user.manage", N_("Người dùng"), N_("Tài khoản, vai trò, đơn vị, mức được tiếp cận."), "admin.users", {}),
    ("audit.view", N_("Nhật ký hệ thống"), N_("Ai làm gì, khi nào, với đối tượng nào."), "admin.audit", {}),
]


@bp.get("/")
@requires("account.self")
def home():
    svc = current_app.extensions["docsvc"]
    principal = current_principal()
    counts, recent = overview(svc, principal, recent=8)
    work = [(title, blurb, url_for(endpoint, **args)) for action, title, blurb, endpoint, args in WORK
            if principal.can(action)]
    # Processing figures and workers matter to those who put documents in.
    show_processing = principal.can("document.upload")
    # Routing: the person's open work in three buckets, linked to the inbox.
    from docsvc.routing.inbox import inbox_counts

    inbox = inbox_counts(svc, principal) if principal.can("routing.handle") else None
    # Outgoing documents: how many wait for this person's step (draft, review, check, sign...).
    from docsvc.outgoing.reading import waiting as outgoing_waiting

    outgoing = len(outgoing_waiting(svc, principal)) if principal.can("outgoing.view") else None
    return render_template("home.html", counts=counts, recent=recent, work=work, show_processing=show_processing,
                           inbox=inbox, outgoing_waiting=outgoing,
                           workers=live_workers(svc) if show_processing else [],
                           purpose_chosen=session.get("purpose") is not None)


@bp.get("/<any(registers):area>")
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
