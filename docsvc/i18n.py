"""Interface language: Vietnamese first, English second.

Source strings are Vietnamese; ``translations_en.CATALOG`` maps them to English. The
language is the installation's (``DOCSVC_LANGUAGE``, default ``vi``) unless the user chose
another (``?lang=``, remembered in the ``lang`` cookie). A browser's Accept-Language is not
consulted: a commune's staff work in Vietnamese whatever their browser was set up with; an API
client's is (it is a choice the client makes for its messages). A test checks that every string marked in code and templates has an
English entry.
"""

from __future__ import annotations

from flask import Flask, current_app, g, has_request_context, request

from docsvc.translations_en import CATALOG

LANGS = ("vi", "en")
COOKIE = "lang"


def current_lang() -> str:
    if not has_request_context():
        return "vi"
    if "lang" in g:
        return g.lang
    lang = request.args.get("lang") or request.cookies.get(COOKIE)
    if lang not in LANGS and request.path.startswith("/api/") and request.accept_languages:
        # An API client states the language of its messages on purpose (a browser does not).
        lang = request.accept_languages.best_match(LANGS)
    if lang not in LANGS:
        lang = current_app.extensions["docsvc"].settings.language
    g.lang = lang if lang in LANGS else "vi"
    return g.lang


def N_(text: str) -> str:
    """Marks a string for translation where it is defined; translate it where it is shown."""
    return text


def gettext(text: str) -> str:
    if current_lang() == "en":
        return CATALOG.get(text, text)
    return text


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(_=gettext, current_lang=current_lang, LANGS=LANGS)

    @app.after_request
    def _remember_lang(response):
        chosen = request.args.get("lang")
        if chosen in LANGS and request.cookies.get(COOKIE) != chosen:
            response.set_cookie(COOKIE, chosen, max_age=365 * 86400, samesite="Lax", httponly=True)
        return response
