"""Sign-in, sign-out, and the user's own account (password, API tokens)."""

from __future__ import annotations

from urllib.parse import urlparse

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for

from docsvc.accounts import usecases as accounts
from docsvc.accounts.services import AccountError
from docsvc.accounts.signin import LoginRefused
from docsvc.auth import client_ip, current_principal, now, sign_in, sign_out
from docsvc.dates import parse_day
from docsvc.i18n import gettext as _
from docsvc.permissions import public, requires

bp = Blueprint("auth", __name__, template_folder="templates")


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
    username = request.form.get("username", "")
    try:
        started = accounts.sign_in(_services(), username, request.form.get("password", ""), ip=client_ip() or "?",
                                   now=now(), user_agent=request.headers.get("User-Agent"))
    except LoginRefused as exc:
        status, headers = _refused(exc)
        page = render_template("auth/login.html", error=refused_message(exc), username=username,
                               next=request.form.get("next", ""))
        return page, status, headers
    sign_in(started.token)
    return redirect(_safe_next(request.form.get("next")))


@bp.post("/logout")
@requires("account.self")
def logout():
    sign_out()
    return redirect(url_for("auth.login"))


@bp.get("/account")
@requires("account.self")
def account():
    user, tokens = accounts.my_account(_services(), current_principal())
    return render_template("auth/account.html", user=user, tokens=tokens, unit=user.unit, new_token=None, now=now())


def _refused_again(exc: LoginRefused, wrong: str) -> None:
    """The password typed again did not pass (with the sign-in delays)."""
    if exc.retry_after:
        flash(_("Mật khẩu không đúng. Hãy thử lại sau {n} giây.").format(n=exc.retry_after), "error")
    else:
        flash(wrong, "error")


@bp.post("/account/password")
@requires("account.self")
def change_password():
    form = request.form
    try:
        started = accounts.change_my_password(_services(), current_principal(), form.get("current", ""),
                                              form.get("new", ""), form.get("confirm", ""), ip=client_ip() or "?",
                                              now=now(), user_agent=request.headers.get("User-Agent"))
    except LoginRefused as exc:
        _refused_again(exc, _("Mật khẩu hiện tại không đúng."))
        return redirect(url_for("auth.account"))
    except accounts.PasswordMismatch:
        flash(_("Mật khẩu mới nhập lại không khớp."), "error")
        return redirect(url_for("auth.account"))
    except AccountError as exc:
        flash(exc.message, "error")
        return redirect(url_for("auth.account"))
    sign_in(started.token)  # every session ended, this browser gets a fresh one
    flash(_("Đã đổi mật khẩu."), "ok")
    return redirect(url_for("auth.account"))


@bp.post("/account/tokens")
@requires("account.self")
def new_token():
    """A new API token, after the password is typed again (a session left open on a shared
    computer must not be enough to mint a long-lived credential)."""
    try:
        valid_through = parse_day(request.form.get("expires"))
    except ValueError:
        flash(_("Ngày hết hạn không hợp lệ (viết theo dạng dd/mm/yyyy)."), "error")
        return redirect(url_for("auth.account"))
    try:
        made = accounts.make_my_token(_services(), current_principal(), request.form.get("password", ""),
                                      request.form.get("name", ""), valid_through=valid_through,
                                      ip=client_ip() or "?", now=now())
    except LoginRefused as exc:
        _refused_again(exc, _("Mật khẩu không đúng; chưa tạo mã API."))
        return redirect(url_for("auth.account"))
    except AccountError as exc:
        flash(_(exc.message), "error")
        return redirect(url_for("auth.account"))
    # Shown on this response only; never stored in clear, never shown again.
    return render_template("auth/account.html", user=made.user, tokens=made.tokens, unit=made.user.unit,
                           new_token=made.token, now=now())


@bp.post("/account/tokens/<int:token_id>/revoke")
@requires("account.self")
def revoke(token_id: int):
    try:
        accounts.revoke_my_token(_services(), current_principal(), token_id)
    except accounts.TokenNotFound:
        flash(_("Không tìm thấy mã API này."), "error")
        return redirect(url_for("auth.account"))
    flash(_("Đã thu hồi mã API."), "ok")
    return redirect(url_for("auth.account"))
