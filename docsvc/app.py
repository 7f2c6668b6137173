"""Application factory."""

from __future__ import annotations

from typing import Any, Mapping

from flask import Flask

from docsvc.config import load_settings


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    settings = load_settings(config)
    app = Flask(__name__)
    app.config["DOCSVC"] = settings
    return app
