"""Web pages (Vietnamese first). Each area is a blueprint in its own module."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    from docsvc import labels
    from docsvc.web import admin, auth, documents, main, purpose, search

    labels.register(app.jinja_env)

    app.register_blueprint(main.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(documents.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(search.bp)
    app.register_blueprint(purpose.bp)
