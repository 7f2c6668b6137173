"""The web pages' answer to a use case's refusal, for a capability's blueprint: ``NotFound``
(absent, or personal data the principal may not know exists) → the app's 404 page,
``PermissionDenied`` → its 403 page."""

from __future__ import annotations

from flask import Blueprint, current_app
from werkzeug import exceptions as http

from docsvc.documents.queries import NotFound
from docsvc.services.audit import PermissionDenied


def answer_refusals(bp: Blueprint) -> None:
    bp.register_error_handler(NotFound, lambda _exc: current_app.handle_user_exception(http.NotFound()))
    bp.register_error_handler(PermissionDenied, lambda _exc: current_app.handle_user_exception(http.Forbidden()))
