"""The web edge: security headers on every kind of response, Secure cookies over TLS (also
behind a trusted proxy), the client's real address, and bodies refused before they are read.

Inputs tried: a signed-in page, JSON, a downloaded file, a page image, a 404 page, an API
401, a 413, a static file; a spoofed X-Forwarded-For/-Proto with no trusted proxy and with
one; a 50 MB body from an anonymous browser and an anonymous API client, from a signed-in
user whose role may not upload, and to a route that takes no files."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from archive.accounts import LoginAttempt
from archive.audit import AuditRecord
from archive.migrate import upgrade
from docsvc import create_app
from docsvc.documents.submit import submit_stream
from docsvc.worker import wait_for_jobs
from tests.app.inputs import text_pdf
from tests.conftest import Api, csrf_token, login

BIG = 50 * 1024 * 1024


class CountingStream(io.RawIOBase):
    """A request body that counts what is read from it (seekable only so that the test
    client can measure it)."""

    def __init__(self, size: int):
        self.size, self.pos, self.reads = size, 0, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.pos

    def seek(self, offset: int, whence: int = 0) -> int:
        self.pos = {0: 0, 1: self.pos, 2: self.size}[whence] + offset
        return self.pos

    def readinto(self, buffer) -> int:
        self.reads += 1
        n = max(0, min(len(buffer), self.size - self.pos))
        buffer[:n] = b"x" * n
        self.pos += n
        return n


def _post_big(client, url, size=BIG, **kw):
    stream = CountingStream(size)
    response = client.post(url, input_stream=stream, content_length=size,
                           content_type="multipart/form-data; boundary=----edge", **kw)
    return response, stream


@pytest.fixture
def doc_id(services, accounts):
    sub = submit_stream(services, io.BytesIO(text_pdf(["Thông báo số 01/TB-UBND"])), "tb.pdf",
                        principal=accounts.system, unit_code="XA-A")
    wait_for_jobs(services, [sub.job_id], timeout=120)  # a text layer: no OCR, pages and pictures made
    return sub.document_id


def _nonce(csp: str) -> str:
    return re.search(r"script-src 'self' 'nonce-([A-Za-z0-9_-]+)'", csp).group(1)


def _assert_secure_headers(response, *, cacheable=False):
    headers = response.headers
    csp = headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    for part in ("frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'", "default-src 'self'"):
        assert part in csp
    assert _nonce(csp)
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] in ("same-origin", "no-referrer", "strict-origin")
    if cacheable:
        assert "no-store" not in headers.get("Cache-Control", "")
    else:
        assert headers["Cache-Control"] == "no-store"


def test_headers_on_html_json_files_errors_and_static(app, client, services, accounts, doc_id):
    accounts.user("lan", "clerk")
    api = Api(app.test_client(), accounts.token("lan"))
    login(client, "lan", accounts.passwords["lan"])
    answers = {
        "page": client.get("/documents"),
        "login page": app.test_client().get("/login"),
        "json": api.get("/api/v1/documents"),
        "api file": api.get(f"/api/v1/documents/{doc_id}/original"),
        "download": client.get(f"/documents/{doc_id}/download"),
        "404 page": client.get("/no-such-page"),
        "api 401": app.test_client().get("/api/v1/documents"),
        "api 404": api.get("/api/v1/documents/999999"),
        "413": client.post(f"/documents/{doc_id}/fields", data={"csrf_token": csrf_token(client),
                                                                "title": "x" * (2 * 1024 * 1024)}),
    }
    expected = {"page": 200, "login page": 200, "json": 200, "api file": 200, "download": 200, "404 page": 404,
                "api 401": 401, "api 404": 404, "413": 413}
    assert {k: r.status_code for k, r in answers.items()} == expected
    assert answers["api file"].data == answers["download"].data and answers["download"].data.startswith(b"%PDF")
    for name, response in answers.items():
        try:
            _assert_secure_headers(response)
        except (AssertionError, KeyError) as exc:
            raise AssertionError(f"{name}: {exc!r}") from exc
    static = client.get("/static/app.css")
    assert static.status_code == 200
    _assert_secure_headers(static, cacheable=True)
    picture = client.get(f"/documents/{doc_id}/pages/1/thumbnail")  # the view asks for private caching
    assert picture.status_code == 200 and picture.mimetype.startswith("image/")
    _assert_secure_headers(picture)


def test_each_response_gets_a_fresh_nonce_that_templates_can_use(app, client):
    first, second = client.get("/login"), client.get("/login")
    assert _nonce(first.headers["Content-Security-Policy"]) != _nonce(second.headers["Content-Security-Policy"])
    with app.test_request_context("/"):
        from flask import render_template_string

        html = render_template_string('<script nonce="{{ csp_nonce() }}">1</script>')
        response = app.process_response(app.make_response(html))
        assert _nonce(response.headers["Content-Security-Policy"]) in html


def test_no_template_has_inline_script_or_handlers():
    """The policy would block them: scripts live in static files (data blocks are allowed)."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "docsvc"  # the app's and every capability's templates/
    problems = []
    paths = list(root.rglob("*.html"))
    assert len(paths) > 20
    for path in paths:
        text = path.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag and 'type="application/json"' not in tag and "nonce=" not in tag:
                problems.append(f"{path.name}: {tag}")
        problems += [f"{path.name}: {m}" for m in re.findall(r"\son[a-z]+\s*=", text)]
        problems += [f"{path.name}: {m}" for m in re.findall(r"javascript:", text)]
    assert problems == []


def _app(app_config, **extra):
    app = create_app({**app_config, **extra})
    upgrade(app.extensions["docsvc"].engine)
    return app


SPOOF = {"X-Forwarded-For": "203.0.113.50", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.example"}


@pytest.mark.parametrize("hops", [0, 1])
def test_forwarded_headers_only_from_trusted_proxies(app_config, accounts, hops):
    app = _app(app_config, TRUSTED_PROXIES=hops)
    try:
        client = app.test_client()
        accounts.user("lan", "clerk")
        environ = {"REMOTE_ADDR": "10.1.1.1"}
        # Over (what is believed to be) TLS, Flask-WTF also wants a same-site Referer.
        headers = {**SPOOF, "Referer": "https://evil.example/login"}
        for password in ("wrong", accounts.passwords["lan"]):
            page = client.get("/login", headers=headers, environ_base=environ).get_data(as_text=True)
            token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
            response = client.post("/login", data={"username": "lan", "password": password, "csrf_token": token},
                                   headers=headers, environ_base=environ)
        assert response.status_code == 302
        services = app.extensions["docsvc"]
        with services.session_factory() as db:
            throttled_ips = db.scalars(select(LoginAttempt.ip).order_by(LoginAttempt.id)).all()
            audit_ips = db.scalars(select(AuditRecord.ip).where(AuditRecord.action.like("auth.login%"))
                                   .order_by(AuditRecord.seq)).all()
        real = "203.0.113.50" if hops else "10.1.1.1"
        assert throttled_ips == [real, real] and audit_ips == [real, real]
        cookie = response.headers["Set-Cookie"]
        assert ("Secure" in cookie) == bool(hops)  # X-Forwarded-Proto: https believed only from a proxy
        hsts = "Strict-Transport-Security" in response.headers
        assert hsts == bool(hops)
    finally:
        app.extensions["docsvc"].close()


def test_a_proxy_hop_count_believes_only_the_last_hops(app_config, accounts):
    app = _app(app_config, TRUSTED_PROXIES=1)
    try:
        client = app.test_client()
        client.post("/login", data={"username": "x", "password": "y", "csrf_token": csrf_token(client)},
                    headers={"X-Forwarded-For": "1.2.3.4, 198.51.100.9"})  # the client forged the first
        with app.extensions["docsvc"].session_factory() as db:
            assert db.scalars(select(LoginAttempt.ip)).all() == ["198.51.100.9"]
    finally:
        app.extensions["docsvc"].close()


def test_every_cookie_is_secure_over_tls(client, accounts):
    accounts.user("lan", "clerk")
    plain = client.get("/login?lang=en")
    assert "Secure" not in plain.headers["Set-Cookie"]
    tls = client.get("/login?lang=vi", base_url="https://localhost")
    cookies = tls.headers.getlist("Set-Cookie")
    assert cookies and all("Secure" in c for c in cookies)


def test_an_anonymous_body_is_refused_before_it_is_read(app):
    page, stream = _post_big(app.test_client(), "/upload")
    assert page.status_code == 302 and "/login?next=" in page.headers["Location"]
    assert stream.reads == 0
    api, stream = _post_big(app.test_client(), "/api/v1/documents")
    assert api.status_code == 401 and api.get_json()["error"]["code"] == "unauthorized"
    assert stream.reads == 0
    form, stream = _post_big(app.test_client(), "/account/password", size=10_000)
    assert form.status_code == 302 and stream.reads == 0


def test_a_role_that_may_not_upload_is_refused_before_the_body(app, client, accounts):
    accounts.user("xem", "viewer")
    login(client, "xem", accounts.passwords["xem"])
    response, stream = _post_big(client, "/upload")
    assert response.status_code == 403 and stream.reads == 0
    api = Api(app.test_client(), accounts.token("xem"))
    stream = CountingStream(BIG)
    response = api.post("/api/v1/documents", input_stream=stream, content_length=BIG,
                        content_type="multipart/form-data; boundary=----edge")
    assert response.status_code == 403 and stream.reads == 0


def test_only_upload_routes_take_large_bodies(app, app_config, client, accounts, doc_id):
    accounts.user("lan", "clerk")
    login(client, "lan", accounts.passwords["lan"])
    token = csrf_token(client)
    big_field = client.post(f"/documents/{doc_id}/fields", data={"csrf_token": token, "title": "x" * 1_100_000})
    assert big_field.status_code == 413
    assert "KB" in big_field.get_data(as_text=True)
    # The same size as a file to the upload route is accepted as a request (and then judged
    # as a file: not a document type we take).
    upload = client.post("/upload", data={"csrf_token": token, "file": (io.BytesIO(b"x" * 1_100_000), "x.bin")},
                         headers={"X-CSRFToken": token})
    assert upload.status_code not in (413, 400) and upload.get_json()["error"]["code"] != "too_large"
    api = Api(app.test_client(), accounts.token("lan"))
    response = api.post("/api/v1/documents", data={"file": (io.BytesIO(b"x" * 1_100_000), "x.bin")})
    assert response.status_code not in (413, 400)
    # Bigger than the upload limit: refused with the upload limit's message.
    small_limit = create_app({**app_config, "MAX_UPLOAD_MB": 1})  # the same data and database
    try:
        too_big = Api(small_limit.test_client(), accounts.token("lan")).post(
            "/api/v1/documents", data={"file": (io.BytesIO(b"x" * 3 * 1024 * 1024), "x.bin")})
        assert too_big.status_code == 413 and "1 MB" in too_big.get_json()["error"]["message"]
    finally:
        small_limit.extensions["docsvc"].close()


def test_odd_addresses_answer_clearly_never_500(client, accounts):
    """Found by Schemathesis and by hand: a non-numeric or huge page and year on the web pages,
    an unknown address or a wrong method under /api/ (JSON there, like every API error)."""
    from tests.conftest import login

    accounts.user("lan2", "clerk")
    login(client, "lan2", accounts.passwords["lan2"])
    for url in ("/documents?page=99999999999999999999", "/documents?page=-3", "/documents?year=abc",
                "/search?q=x&year=abc", "/search?q=x&year=99999999999", "/search?q=x&page=99999999999999"):
        assert client.get(url).status_code == 200, url
    missing = client.get("/api/v1/no-such-thing")
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"
    wrong = client.delete("/api/v1/openapi.json")
    assert wrong.status_code == 405 and wrong.get_json()["error"]["code"] == "method_not_allowed"
    assert "GET" in wrong.headers["Allow"]
