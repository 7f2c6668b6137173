"""One way for an API route to turn a use case's refusals into the API's JSON errors.

``answering((ExcType, status, code), ...)`` wraps a route: an exception of a listed type
becomes ``error_response(status, code, message, field=...)``, where ``message`` is the
exception's ``message`` (or the text given as a fourth item, translated) and ``field`` its
``field`` when it has one. ``code`` may be ``None``: the exception's own ``code`` is used then.
The first matching rule wins, so list subclasses first.
"""

from __future__ import annotations

from functools import wraps
from typing import Any, Callable

from docsvc.api import error_response
from docsvc.i18n import gettext as _

Rule = tuple  # (exception type, status, code | None[, fixed message])


def answering(*rules: Rule) -> Callable[[Callable], Callable]:
    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def run(*args: Any, **kwargs: Any):
            try:
                return view(*args, **kwargs)
            except Exception as exc:  # noqa: BLE001 - re-raised below unless a rule matches
                for rule in rules:
                    kind, status, code = rule[:3]
                    if isinstance(exc, kind):
                        message = _(rule[3]) if len(rule) > 3 else getattr(exc, "message", None) or str(exc)
                        return error_response(status, code or getattr(exc, "code", "conflict"), message,
                                              field=getattr(exc, "field", None))
                raise
        return run
    return decorate
