"""Sign-in, sign-out, and the user's own account (password, API tokens)."""

from __future__ import annotations

from urllib.parse import urlparse

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from archive.accounts import ApiToken, User
from docsvc.dates import parse_day
from docsvc.auth import client_ip, current_principal, now, sign_in, sign_out
from docsvc.i18n import gettext as _
from docsvc.permissions import public, requires
from docsvc.services.accounts import (
    AccountError,
    create_token,
    revoke_token,
    set_password,
)
from docsvc.services.audit import record_now
from docsvc.services.signin import LoginRefused, authenticate, confirm_password

bp = Blueprint("auth", __name__)


def refused_message(exc: LoginRefused) -> str:
    """One message for every failed sign-in (unknown name, wrong password, disabled account,
    too many attempts), naming the wait when one applies."""
    if exc.retry_after:
        return _("Không đăng nhập được. Hãy thử lại sau {n} giây.").format(n=exc.retry_after)
    return _("Không đăng nhập được: tên đăng nhập hoặc mật khẩu không đúng, hoặc tài khoản không được phép đăng nhập.")


def _refused(exc: LoginRefused):
    """429 with Retry-After while a delay runs (it depends only on the name typed and the
    address, so it reveals nothing about the account), else 200 with the form again."""
    headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after else {}
    return (429 if exc.retry_after else 200), headers


def _services():
    return current_app.extensions["docsvc"]


def _safe_next(target: str | None) -> str:
    """Only redirect within this site."""
    if not target:
        return url_for("main.home")
    parsed = urlparse(target)
    if parsed.scheme or parsed.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("main.home")
    return target


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if request.method == "GET":
        return render_template("auth/login.html", next=request.args.get("next", ""))
    services = _services()
    username = request.form.get("username", "")
    with services.session_factory() as db:
        try:
            user = authenticate(services, db, username, request.form.get("password", ""), client_ip() or "?",
                                now=now())
        except LoginRefused as exc:
            status, headers = _refused(exc)
            page = render_template("auth/login.html", error=refused_message(exc), username=username,
                                   next=request.form.get("next", ""))
            return page, status, headers
        sign_in(db, user)
    return redirect(_safe_next(request.form.get("next")))


@bp.post("/logout")
@requires("account.self")
def logout():
    principal = current_principal()
    record_now(_services(), principal, "auth.logout", object_type="user", object_id=principal.user_id)
    sign_out()
    return redirect(url_for("auth.login"))


@bp.get("/account")
@requires("account.self")
def account():
    principal = current_principal()
    with _services().session_factory() as db:
        user = db.get(User, principal.user_id)
        tokens = db.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())).all()
        return render_template("auth/account.html", user=user, tokens=tokens, unit=user.unit,
                               new_token=None, now=now())


def _password_confirmed(services, db, user, typed: str, wrong: str) -> bool:
    """The password typed again (with the sign-in delays); False, with a message, if not."""
    try:
        confirm_password(services, db, user, typed, client_ip() or "?", now=now())
        return True
    except LoginRefused as exc:
        if exc.retry_after:
            flash(_("Mật khẩu không đúng. Hãy thử lại sau {n} giây.").format(n=exc.retry_after), "error")
        else:
            flash(wrong, "error")
        return False


@bp.post("/account/password")
@requires("account.self")
def change_password():
    services = _services()
    principal = current_principal()
    with services.session_factory() as db:
        user = db.get(User, principal.user_id)
        if not _password_confirmed(services, db, user, request.form.get("current", ""),
                                   _("Mật khẩu hiện tại không đúng.")):
            return redirect(url_for("auth.account"))
        if request.form.get("new") != request.form.get("confirm"):
            flash(_("Mật khẩu mới nhập lại không khớp."), "error")
            return redirect(url_for("auth.account"))
        try:
            set_password(services, db, principal, user, request.form.get("new", ""), now=now())
        except AccountError as exc:
            flash(exc.message, "error")
            return redirect(url_for("auth.account"))
        db.commit()
        sign_in(db, user)  # every session ended, this browser gets a fresh one
    flash(_("Đã đổi mật khẩu."), "ok")
    return redirect(url_for("auth.account"))


@bp.post("/account/tokens")
@requires("account.self")
def new_token():
    """A new API token, after the password is typed again (a session left open on a shared
    computer must not be enough to mint a long-lived credential)."""
    services = _services()
    principal = current_principal()
    valid_through = None
    try:
        valid_through = parse_day(request.form.get("expires"))
    except ValueError:
        flash(_("Ngày hết hạn không hợp lệ (viết theo dạng dd/mm/yyyy)."), "error")
        return redirect(url_for("auth.account"))
    with services.session_factory() as db:
        user = db.get(User, principal.user_id)
        if not _password_confirmed(services, db, user, request.form.get("password", ""),
                                   _("Mật khẩu không đúng; chưa tạo mã API.")):
            return redirect(url_for("auth.account"))
        try:
            token = create_token(services, db, principal, user, request.form.get("name", ""),
                                 valid_through=valid_through, now=now())
        except AccountError as exc:
            flash(_(exc.message), "error")
            return redirect(url_for("auth.account"))
        db.commit()
        tokens = db.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())).all()
        # Shown on this response only; never stored in clear, never shown again.
        return render_template("auth/account.html", user=user, tokens=tokens, unit=user.unit, new_token=token,
                               now=now())


@bp.post("/account/tokens/<int:token_id>/revoke")
@requires("account.self")
def revoke(token_id: int):
    services = _services()
    principal = current_principal()
    with services.session_factory() as db:
        row = db.get(ApiToken, token_id)
        if row is None or row.user_id != principal.user_id:
            flash(_("Không tìm thấy mã API này."), "error")
            return redirect(url_for("auth.account"))
        revoke_token(services, db, principal, token_id)
        db.commit()
    flash(_("Đã thu hồi mã API."), "ok")
    return redirect(url_for("auth.account"))
