"""Anchoring the audit chain: checking it against the anchors, writing new ones.

The mechanism is ``archive.anchors``; this module wires it to the settings (directory,
syslog), gives the use cases that the CLI and the admin page share (verify, anchor now) and
the timer the worker runs so that the head is written down regularly even when nobody
verifies. See README (Configuration) for keeping the anchors on other storage.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Callable, Sequence

from archive.anchors import (
    ANCHOR_NONE,
    ANCHOR_OK,
    ANCHOR_REWRITTEN,
    ANCHOR_TRUNCATED,
    Anchor,
    AnchorLog,
    HeadMismatch,
    Verification,
    current_head,
    verify,
)
from docsvc.access import Principal
from docsvc.config import Settings
from docsvc.i18n import gettext as _
from docsvc.services.audit import PermissionDenied
from docsvc.services.container import Services
from docsvc.timers import Periodic

log = logging.getLogger(__name__)

__all__ = ["AuditCheck", "Anchorer", "HeadMismatch", "anchor_now", "describe", "make_anchor_log",
           "verify_audit"]


def make_anchor_log(settings: Settings, audit_key: bytes) -> AnchorLog:
    mirrors = [syslog_mirror(settings.audit_anchor_syslog_address)] if settings.audit_anchor_syslog else []
    return AnchorLog(settings.resolved_audit_anchor_dir, audit_key, mirrors=mirrors)


def _syslog_address(address: str):
    if not address:
        return "/dev/log"
    if address.startswith("/"):
        return address                       # a local socket
    host, _sep, port = address.rpartition(":")
    return (host or address, int(port) if port.isdigit() else 514)


def syslog_mirror(address: str = "") -> Callable[[str], None]:
    """Send each anchor line to syslog (facility auth), so a copy lands on another host when
    the daemon forwards it. The handler is made at the first line: a missing daemon must not
    stop the app from starting; the file anchor is written before, whatever happens here."""
    from logging.handlers import SysLogHandler

    holder: dict[str, logging.Logger] = {}

    def send(line: str) -> None:
        if "logger" not in holder:
            logger = logging.Logger("docsvc-audit-anchor")   # not registered: no global state
            handler = SysLogHandler(address=_syslog_address(address), facility=SysLogHandler.LOG_AUTH)
            handler.ident = "docsvc-audit-anchor: "
            logger.addHandler(handler)
            logger.propagate = False
            holder["logger"] = logger
        holder["logger"].info(line)

    return send


@dataclass
class AuditCheck:
    """A verification, and the anchor it wrote (or why it could not)."""

    result: Verification
    directory: Path
    written: Anchor | None = None
    write_error: str | None = None

    @property
    def intact(self) -> bool:
        return self.result.intact

    def as_dict(self) -> dict:
        return {**self.result.as_dict(), "anchor_dir": str(self.directory),
                "anchor_written": self.written.as_dict() if self.written else None,
                "anchor_write_error": self.write_error}


def verify_audit(services: Services, principal: Principal, *, paths: Sequence[Path] | None = None,
                 write_anchor: bool = True) -> AuditCheck:
    """Walk the chain, hold it against the latest anchor (of the configured directory, or of
    ``paths``: copies kept elsewhere), and when all holds, anchor what was verified."""
    if not principal.can("audit.verify"):
        raise PermissionDenied("audit.verify")
    anchors = services.anchors
    with services.session_factory() as session:
        result = verify(session, services.audit_key, anchors, paths=paths)
    check = AuditCheck(result, anchors.directory)
    if write_anchor and result.intact and result.chain.checked:
        try:
            check.written = anchors.write(result.chain.checked, result.chain.last_hash)
        except OSError as exc:
            check.write_error = str(exc)
            log.error("could not write an audit anchor to %s: %s", anchors.directory, exc)
    return check


def anchor_now(services: Services, principal: Principal) -> Anchor:
    """Write the current head as an anchor (``docsvc audit anchor``). Raises HeadMismatch when
    the head row does not match the record it names: run ``docsvc audit verify``."""
    if not principal.can("audit.verify"):
        raise PermissionDenied("audit.verify")
    with services.session_factory() as session:
        seq, head = current_head(session)
    return services.anchors.write(seq, head)


class Anchorer(Periodic):
    """Writes the head as an anchor every ``minutes`` when it moved; run by the worker.

    ``tick`` does one round (and is what the tests drive); ``start`` runs it on a thread,
    first at once.
    """

    name = "audit-anchor"

    def __init__(self, services: Services, minutes: float):
        super().__init__(minutes)
        self.services = services
        self._last: tuple[int, str] | None = None

    def tick(self) -> Anchor | None:
        with self.services.session_factory() as session:
            seq, head = current_head(session)
        if seq == 0:
            return None
        if self._last is None:
            latest = self.services.anchors.scan().latest
            self._last = (latest.seq, latest.head) if latest else (0, "")
        if self._last == (seq, head):
            return None
        anchor = self.services.anchors.write(seq, head)
        self._last = (seq, head)
        return anchor

    def failed(self, exc: Exception) -> None:
        if isinstance(exc, HeadMismatch):
            log.error("audit chain head not anchored: %s; run `docsvc audit verify`", exc)
        else:
            log.exception("writing the audit anchor failed", exc_info=exc)


def start_anchoring(services: Services) -> Anchorer | None:
    """The worker's anchoring timer, unless ``DOCSVC_AUDIT_ANCHOR_MINUTES`` is 0."""
    minutes = services.settings.audit_anchor_minutes
    return Anchorer(services, minutes).start() if minutes > 0 else None


# -- what to tell a person ------------------------------------------------------------

def _when(at: datetime) -> str:
    return at.strftime("%d/%m/%Y %H:%M:%S UTC")


def describe(check: AuditCheck) -> list[tuple[str, str]]:
    """Sentences about the anchors, each with a level (ok, warn, error), in the interface
    language. The chain's own verdict is told by the caller, as before."""
    a = check.result.anchors
    out: list[tuple[str, str]] = []
    if a.state == ANCHOR_OK and a.anchor is not None:
        out.append(("ok", _("Khớp mốc neo lúc {at} (bản ghi #{seq}).").format(at=_when(a.anchor.at), seq=a.anchor.seq)))
    elif a.state == ANCHOR_NONE:
        out.append(("warn", _("Chưa có mốc neo nào trong {dir}: chưa kiểm tra được phần cuối nhật ký.")
                    .format(dir=check.directory)))
    elif a.state == ANCHOR_TRUNCATED:
        span = (f"{a.missing_from}" if a.missing_from == a.missing_to else f"{a.missing_from}–{a.missing_to}")
        out.append(("error", _("Nhật ký đã bị can thiệp: mất các bản ghi {span} sau mốc neo lúc {at}.")
                    .format(span=span, at=_when(a.anchor.at))))
    elif a.state == ANCHOR_REWRITTEN:
        message = _("Nhật ký đã bị can thiệp: bản ghi #{seq} không phải bản ghi đã neo lúc {at} (chuỗi đã bị viết lại).")
        out.append(("error", message.format(seq=a.anchor.seq, at=_when(a.anchor.at))))
    if a.bad_count:
        where = ", ".join(f"{Path(b.file).name}:{b.line}" for b in a.bad)
        out.append(("error", _("{count} dòng mốc neo không có mã HMAC hợp lệ (bị sửa hoặc giả mạo): {where}.")
                    .format(count=a.bad_count, where=where)))
    if check.written is not None:
        out.append(("ok", _("Đã ghi mốc neo mới: bản ghi #{seq} vào {dir}.")
                    .format(seq=check.written.seq, dir=check.directory)))
    if check.write_error:
        out.append(("warn", _("Không ghi được mốc neo vào {dir}: {error}")
                    .format(dir=check.directory, error=check.write_error)))
    return out
