"""Every string marked for translation in code and templates has an English entry, and the
interface switches language by ?lang=, cookie or Accept-Language."""

from __future__ import annotations

import re
from pathlib import Path

from docsvc.translations_en import CATALOG

ROOT = Path(__file__).resolve().parents[2] / "docsvc"
MARKED = re.compile(r"""\b(?:N_|_)\(\s*(["'])((?:(?!\1).)+)\1\s*\)""")


def marked_strings() -> set[str]:
    found: set[str] = set()
    for path in list(ROOT.rglob("*.py")) + list(ROOT.rglob("*.html")):
        for match in MARKED.finditer(path.read_text(encoding="utf-8")):
            found.add(match.group(2))
    return found


def test_every_marked_string_has_an_english_translation():
    strings = marked_strings()
    assert len(strings) > 50
    missing = sorted(s for s in strings if s not in CATALOG)
    assert not missing, "add to docsvc/translations_en.py:\n" + "\n".join(missing)


def test_language_follows_the_user_s_choice_not_the_browser(client, accounts):
    from tests.conftest import login

    accounts.user("lan", "clerk")
    login(client, "lan", accounts.passwords["lan"])
    assert "Văn bản" in client.get("/").get_data(as_text=True)
    english = client.get("/?lang=en")
    assert "Documents" in english.get_data(as_text=True)
    assert "lang=en" in english.headers.get("Set-Cookie", "")
    assert "Documents" in client.get("/").get_data(as_text=True)  # remembered by cookie
    client.delete_cookie("lang")
    page = client.get("/login", headers={"Accept-Language": "en-US,en;q=0.9"}).get_data(as_text=True)
    assert 'lang="vi"' in page and "Đăng nhập" in page and "Sign in" not in page


def test_the_installation_s_language_is_the_default(app_config, accounts):
    from docsvc import create_app

    english = create_app({**app_config, "LANGUAGE": "en"}).test_client()
    page = english.get("/login", headers={"Accept-Language": "vi"}).get_data(as_text=True)
    assert 'lang="en"' in page and "Sign in" in page
