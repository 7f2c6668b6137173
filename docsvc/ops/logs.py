"""Log lines a machine can read, and a request id that ties them together.

Every request gets an id: the client's ``X-Request-Id`` when it is sane (a proxy or a load
balancer in front already named the request; 1-128 characters of ``A-Za-z0-9._:-``),
else a new random one. It is kept on ``g.request_id``, echoed in the response's
``X-Request-Id`` and carried by every log line written while the request is answered, so
that what the server, the proxy and the person reporting a problem saw can be put side by
side. One line per request (logger ``docsvc.request``) gives method, path, status, user and
``duration_ms``.

``DOCSVC_LOG_FORMAT=json`` (for a log collector) makes every line of the process one JSON
object: ``time``, ``level``, ``logger``, ``message``, then ``request_id``, ``user``,
``method``, ``path``, ``status``, ``duration_ms`` when a request is being answered, and the
exception's traceback as ``exc``. The default ``text`` writes the same facts on one readable
line. ``docsvc serve``/``run`` and ``docsvc worker`` set this up (``configure_logging``);
other commands keep Python's default (warnings and errors only).
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import sys
import time
from datetime import datetime, timezone
from typing import IO

from flask import Flask, g, has_request_context, request

REQUEST_HEADER = "X-Request-Id"
SANE_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
FORMATS = ("text", "json")
access_log = logging.getLogger("docsvc.request")
_HANDLER_MARK = "_docsvc_handler"


def request_id() -> str | None:
    """This request's id (made on first use), or None outside a request."""
    if not has_request_context():
        return None
    rid = g.get("request_id")
    if rid is None:
        given = request.headers.get(REQUEST_HEADER, "")
        rid = given if SANE_ID.fullmatch(given) else secrets.token_hex(8)
        g.request_id = rid
    return rid


def _start() -> None:
    g.request_started = time.perf_counter()
    request_id()


def _finish(response):
    response.headers[REQUEST_HEADER] = request_id()
    started = g.get("request_started")
    duration = round((time.perf_counter() - started) * 1000, 2) if started is not None else None
    if request.endpoint != "static":
        access_log.info("%s %s %s %s ms", request.method, request.path, response.status_code, duration,
                        extra={"status": response.status_code, "duration_ms": duration})
    return response


def init_app(app: Flask) -> None:
    """Give every request its id and its log line. Installed before every other hook: the
    id exists even for a request refused by the first guard, and the line times it all."""
    app.before_request_funcs.setdefault(None, []).insert(0, _start)
    app.after_request(_finish)  # after-request functions run in reverse: this one last but the edge's


class RequestContext(logging.Filter):
    """Adds the request's facts to every record written while it is answered."""

    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context():
            record.request_id = request_id()
            principal = g.get("principal")
            record.user = getattr(principal, "username", None)
            record.method = request.method
            record.path = request.path
        else:
            for name in ("request_id", "user", "method", "path"):
                if not hasattr(record, name):
                    setattr(record, name, None)
        return True


REQUEST_FIELDS = ("request_id", "user", "method", "path", "status", "duration_ms")


class JsonFormatter(logging.Formatter):
    """One JSON object per line; fields without a value are left out."""

    def format(self, record: logging.LogRecord) -> str:
        data = {"time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
                "level": record.levelname, "logger": record.name, "message": record.getMessage()}
        for name in REQUEST_FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                data[name] = value
        if record.exc_info:
            data["exc"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """``time LEVEL logger: message [request id, user]``."""

    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        rid = getattr(record, "request_id", None)
        if rid:
            user = getattr(record, "user", None)
            suffix = f" [{rid}{' ' + user if user else ''}]"
            head, sep, rest = line.partition("\n")  # after the message, before a traceback
            line = head + suffix + sep + rest
        return line


def configure_logging(fmt: str = "text", *, level: int = logging.INFO, stream: IO | None = None) -> logging.Handler:
    """Send the process's log lines (INFO and up) to ``stream`` (stderr) in ``fmt``. Called
    again, it replaces its own handler rather than adding a second one."""
    if fmt not in FORMATS:
        raise ValueError(f"DOCSVC_LOG_FORMAT must be one of {', '.join(FORMATS)}, got {fmt!r}")
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, _HANDLER_MARK, False)]:
        root.removeHandler(old)
    handler = logging.StreamHandler(stream or sys.stderr)
    setattr(handler, _HANDLER_MARK, True)
    handler.addFilter(RequestContext())
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    root.addHandler(handler)
    root.setLevel(level)
    return handler
