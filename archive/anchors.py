"""Anchors: the end of the audit chain, written down outside the database.

The ``audit_head`` row says where the chain ends, but whoever can write the database can
delete the last records and roll the head back to an earlier record; what is left is a valid
chain and the head agrees with it. An anchor is a copy of the head (time, seq, hash) kept where
that person cannot reach: one line appended (``O_APPEND``, fsync) to a file per year in a
directory that belongs on other storage (a mounted share, a file with ``chattr +a``), and
optionally sent on, e.g. to syslog on another host. Each line carries an HMAC under a key
derived from the audit key, so a forged or edited line is noticed. Deleting the file or
lines of it can only be prevented by where the office keeps it (see the README).

Verification takes the valid anchor with the highest seq (writers may append out of order):
the chain must still reach that seq, and the record there must have the anchored hash.
This module reads no configuration: it takes a directory and the audit key.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterator, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from archive.audit import AuditHead, AuditRecord, ChainReport, verify_chain
from archive.blobstore import fsync_dir, private_dir

FILE_PREFIX, FILE_SUFFIX = "anchors-", ".log"
_KEY_PURPOSE = b"docsvc audit anchor v1"   # a record hash can never pass for an anchor MAC
MAX_BAD_LISTED = 20


def anchor_key(audit_key: bytes) -> bytes:
    """The anchors' own key, derived from the audit key (nothing new to back up)."""
    return hmac.new(audit_key, _KEY_PURPOSE, hashlib.sha256).digest()


@dataclass(frozen=True)
class Anchor:
    at: datetime
    seq: int
    head: str

    def mac(self, key: bytes) -> str:
        body = f"{self.at.isoformat()}|{self.seq}|{self.head}".encode()
        return hmac.new(key, body, hashlib.sha256).hexdigest()

    def as_dict(self) -> dict:
        return {"at": self.at.isoformat(), "seq": self.seq, "head": self.head}


@dataclass(frozen=True)
class BadLine:
    """A line that is not an anchor made with our key: edited, forged, or from another key."""

    file: str
    line: int
    reason: str          # unreadable | bad_mac

    def as_dict(self) -> dict:
        return {"file": self.file, "line": self.line, "reason": self.reason}


@dataclass
class AnchorScan:
    latest: Anchor | None = None          # the valid anchor with the highest seq
    valid: int = 0
    bad: list[BadLine] = field(default_factory=list)   # the first MAX_BAD_LISTED
    bad_count: int = 0


class AnchorLog:
    """The anchor files in one directory (``anchors-<year>.log``, one JSON object a line).

    ``mirrors`` receive every line written (e.g. a syslog sender); they are never read back.
    """

    def __init__(self, directory: Path | str, audit_key: bytes, *,
                 mirrors: Sequence[Callable[[str], None]] = ()):
        self.directory = Path(directory)
        self._key = anchor_key(audit_key)
        self.mirrors = list(mirrors)

    def line_for(self, anchor: Anchor) -> str:
        return json.dumps({**anchor.as_dict(), "mac": anchor.mac(self._key)}, sort_keys=True,
                          separators=(",", ":"))

    def write(self, seq: int, head: str, *, at: datetime | None = None) -> Anchor:
        """Append one anchor and make it durable before returning."""
        anchor = Anchor(at or datetime.now(timezone.utc), seq, head)
        line = self.line_for(anchor)
        private_dir(self.directory)
        path = self.directory / f"{FILE_PREFIX}{anchor.at.year:04d}{FILE_SUFFIX}"
        new = not path.exists()
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            data = (line + "\n").encode()
            # One write of a short line with O_APPEND: writers in other processes never interleave.
            if os.write(fd, data) != len(data):
                raise OSError(f"short write to {path}")
            os.fsync(fd)
        finally:
            os.close(fd)
        if new:
            fsync_dir(self.directory)
        for mirror in self.mirrors:
            mirror(line)
        return anchor

    def files(self) -> list[Path]:
        if not self.directory.is_dir():
            return []
        return sorted(p for p in self.directory.iterdir()
                      if p.is_file() and p.name.startswith(FILE_PREFIX) and p.name.endswith(FILE_SUFFIX))

    def scan(self, paths: Sequence[Path] | None = None) -> AnchorScan:
        """Read every line of the anchor files (or of ``paths``: copies kept elsewhere)."""
        out = AnchorScan()
        for path in (self.files() if paths is None else paths):
            for number, raw in _lines(path):
                anchor, reason = self._parse(raw)
                if anchor is None:
                    out.bad_count += 1
                    if len(out.bad) < MAX_BAD_LISTED:
                        out.bad.append(BadLine(str(path), number, reason))
                    continue
                out.valid += 1
                if out.latest is None or anchor.seq > out.latest.seq:
                    out.latest = anchor
        return out

    def _parse(self, raw: str) -> tuple[Anchor | None, str]:
        # A line copied from a syslog host carries the host's prefix before the object.
        start = raw.find("{")
        try:
            obj = json.loads(raw[start:]) if start >= 0 else None
            at = datetime.fromisoformat(obj["at"])
            seq, head, mac = obj["seq"], obj["head"], obj["mac"]
            if (type(seq) is not int or seq < 0 or not isinstance(head, str) or not isinstance(mac, str)
                    or at.tzinfo is None):
                raise ValueError
        except (ValueError, TypeError, KeyError):
            return None, "unreadable"
        anchor = Anchor(at, seq, head)
        if not hmac.compare_digest(anchor.mac(self._key), mac):
            return None, "bad_mac"
        return anchor, ""


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    with open(path, "r", encoding="utf-8", errors="replace") as fh:
        for number, raw in enumerate(fh, 1):
            if raw.strip():
                yield number, raw.strip()



# -- checking the chain against the anchors -------------------------------------------

ANCHOR_OK, ANCHOR_NONE, ANCHOR_TRUNCATED, ANCHOR_REWRITTEN = "ok", "none", "truncated", "rewritten"


@dataclass
class AnchorCheck:
    state: str                           # ok | none | truncated | rewritten
    anchor: Anchor | None = None
    missing_from: int | None = None      # truncated: records missing_from..missing_to are gone
    missing_to: int | None = None
    last_seq: int = 0                    # the last record in the database
    valid: int = 0
    bad: list[BadLine] = field(default_factory=list)
    bad_count: int = 0

    @property
    def intact(self) -> bool:
        return self.state in (ANCHOR_OK, ANCHOR_NONE) and self.bad_count == 0

    @property
    def reason(self) -> str | None:
        when = self.anchor.at.isoformat() if self.anchor else ""
        if self.state == ANCHOR_TRUNCATED:
            span = (f"{self.missing_from}" if self.missing_from == self.missing_to
                    else f"{self.missing_from}–{self.missing_to}")
            return f"records {span} are missing after the anchor of {when}"
        if self.state == ANCHOR_REWRITTEN:
            return f"record {self.anchor.seq} is not the one anchored at {when} (the chain was rewritten)"
        if self.bad_count:
            return f"{self.bad_count} anchor line(s) do not carry a valid HMAC (edited or forged)"
        return None

    def as_dict(self) -> dict:
        return {"state": self.state, "intact": self.intact,
                "anchor": self.anchor.as_dict() if self.anchor else None,
                "missing": ([self.missing_from, self.missing_to] if self.missing_from is not None else None),
                "last_seq": self.last_seq, "valid_lines": self.valid,
                "bad_lines": [b.as_dict() for b in self.bad], "bad_count": self.bad_count,
                "reason": self.reason}


def check_anchors(session: Session, scan: AnchorScan) -> AnchorCheck:
    """Hold the records in the database against the highest valid anchor."""
    last_seq = session.scalar(select(func.max(AuditRecord.seq))) or 0
    check = AnchorCheck(ANCHOR_NONE, scan.latest, last_seq=last_seq, valid=scan.valid,
                        bad=scan.bad, bad_count=scan.bad_count)
    anchor = scan.latest
    if anchor is None or anchor.seq == 0:
        check.state = ANCHOR_NONE if anchor is None else ANCHOR_OK
        return check
    record = session.get(AuditRecord, anchor.seq)
    if record is None:
        # Everything after the last record that survived, up to the anchor, is gone.
        below = session.scalar(select(func.max(AuditRecord.seq)).where(AuditRecord.seq < anchor.seq)) or 0
        check.state, check.missing_from, check.missing_to = ANCHOR_TRUNCATED, below + 1, anchor.seq
    elif not hmac.compare_digest(record.hash, anchor.head):
        check.state = ANCHOR_REWRITTEN
    else:
        check.state = ANCHOR_OK
    return check


@dataclass
class Verification:
    """The chain walked from its start, then held against the anchors."""

    chain: ChainReport
    anchors: AnchorCheck

    @property
    def intact(self) -> bool:
        return self.chain.intact and self.anchors.intact

    @property
    def first_bad_seq(self) -> int | None:
        if not self.chain.intact:
            return self.chain.first_bad_seq
        if self.anchors.state == ANCHOR_TRUNCATED:
            return self.anchors.missing_from
        if self.anchors.state == ANCHOR_REWRITTEN:
            return self.anchors.anchor.seq
        return None

    @property
    def reason(self) -> str | None:
        return self.chain.reason if not self.chain.intact else self.anchors.reason

    def as_dict(self) -> dict:
        return {"intact": self.intact, "checked": self.chain.checked, "first_bad_seq": self.first_bad_seq,
                "reason": self.reason, "chain": self.chain.as_dict(), "anchors": self.anchors.as_dict()}


def verify(session: Session, audit_key: bytes, log: AnchorLog, *,
           paths: Sequence[Path] | None = None) -> Verification:
    """``verify_chain`` and then the anchors (those of ``log``, or the copies at ``paths``)."""
    chain = verify_chain(session, audit_key)
    return Verification(chain, check_anchors(session, log.scan(paths)))


class HeadMismatch(Exception):
    """The head row does not name the record at its seq: refuse to anchor it."""


def current_head(session: Session) -> tuple[int, str]:
    """The head (seq, hash), checked against the record it names; (0, genesis) when empty."""
    head = session.get(AuditHead, 1)
    if head is None or head.seq == 0:
        return 0, (head.hash if head else "0" * 64)
    record = session.get(AuditRecord, head.seq)
    if record is None or not hmac.compare_digest(record.hash, head.hash):
        raise HeadMismatch(f"the audit head names record {head.seq}, which does not match it")
    return head.seq, head.hash
