"""Honest downloads: the name's extension and the Content-Type come from the detected type,
the stem from the uploaded name with anything dangerous taken out.

Bad inputs tried: an HTML file uploaded as x.pdf (refused by detection), a PDF uploaded as
evil.html, names with CR/LF, BEL, DEL and other control characters, a right-to-left override
(``gpj.exe`` turned around), zero-width characters, path separators of both kinds, quotes and
a second header smuggled in, a name of dots only, no name, a very long name, Vietnamese."""

from __future__ import annotations

import io
from urllib.parse import unquote

import pytest

from docsvc.documents.downloads import content_disposition, download_name
from docsvc.documents.submit import submit_stream
from tests.app.inputs import text_pdf, text_png
from tests.conftest import Api, login

PDF, PNG = "application/pdf", "image/png"


@pytest.mark.parametrize("original, media_type, expected", [
    ("evil.html", PDF, "evil.pdf"),
    ("scan.pdf", PNG, "scan.png"),
    ("báo\r\ncáo\x07\x7f.pdf", PDF, "báocáo.pdf"),
    ('x"; filename="evil.html', PDF, "x; filename=evil.pdf"),
    ("hoa-don\u202egpj.exe", PDF, "hoa-dongpj.pdf"),
    ("ke\u200bhoach.pdf", PDF, "kehoach.pdf"),
    ("../../etc/passwd", PDF, "passwd.pdf"),
    ("C:\\Users\\lan\\Desktop\\to-trinh.tif", PDF, "to-trinh.pdf"),
    ("...", PDF, "document-7.pdf"),
    ("", PDF, "document-7.pdf"),
    (None, PNG, "document-7.png"),
    ("\r\n", PDF, "document-7.pdf"),
    ("Quyết định   số 5 .pdf", PDF, "Quyết định số 5.pdf"),
    ("bao.cao.nam.2026.pdf", PDF, "bao.cao.nam.2026.pdf"),
    ("a" * 400 + ".pdf", PDF, "a" * 150 + ".pdf"),
    ("noextension", "application/x-unknown", "noextension.bin"),
])
def test_download_names(original, media_type, expected):
    assert download_name(original, media_type, "document-7") == expected


def test_content_disposition_has_an_ascii_name_and_the_full_one():
    header = content_disposition("Quyết định số 5 Đà Nẵng.pdf", "document-7")
    assert header.startswith("attachment; ")
    assert 'filename="Quyet dinh so 5 Da Nang.pdf"' in header
    encoded = header.split("filename*=UTF-8''")[1]
    assert unquote(encoded) == "Quyết định số 5 Đà Nẵng.pdf" and " " not in encoded and ";" not in encoded
    # a name with no ASCII left still gets a usable ASCII fallback
    assert 'filename="document-7.pdf"' in content_disposition("\u4e2d\u6587.pdf", "document-7")


def _check_honest(response, name: str, media_type: str, data: bytes):
    assert response.status_code == 200
    assert response.data == data
    assert response.headers["Content-Type"].split(";")[0] == media_type
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == name
    assert "\r" not in disposition and "\n" not in disposition


def test_an_html_file_cannot_come_in_as_a_pdf(clerk_api):
    html = b"<!doctype html><html><script>alert(document.cookie)</script></html>"
    response = clerk_api.post("/api/v1/documents", data={"file": (io.BytesIO(html), "x.pdf")},
                              content_type="multipart/form-data")
    assert response.status_code == 415 and response.get_json()["error"]["code"] == "unsupported_type"


def test_a_pdf_uploaded_as_html_goes_out_as_pdf(app, client, accounts, clerk_api):
    pdf = text_pdf(["Công văn 7/UBND"])
    body = clerk_api.post("/api/v1/documents", data={"file": (io.BytesIO(pdf), "evil.html")},
                          content_type="multipart/form-data").get_json()
    doc_id = body["document_id"]
    _check_honest(clerk_api.get(f"/api/v1/documents/{doc_id}/original"), "evil.pdf", PDF, pdf)
    login(client, "clerk1", accounts.passwords["clerk1"])
    _check_honest(client.get(f"/documents/{doc_id}/download"), "evil.pdf", PDF, pdf)


def test_control_characters_in_a_stored_name_never_reach_the_header(app, services, accounts):
    accounts.user("lan", "clerk")
    png = text_png(["Tờ trình"])
    sub = submit_stream(services, io.BytesIO(png), "tờ\r\nSet-Cookie: x=1\x00\ttrình.pdf",
                        principal=accounts.principal("lan"))
    api = Api(app.test_client(), accounts.token("lan"))
    response = api.get(f"/api/v1/documents/{sub.document_id}/original")
    _check_honest(response, "tờSet-Cookie: x=1trình.png", PNG, png)
    assert response.headers.getlist("Set-Cookie") == []      # no header was smuggled in
