"""Fixity: re-hash every recorded blob and say which are missing or corrupt."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.blobstore import BlobNotFound, BlobStorage
from archive.models import Blob


@dataclass
class FixityReport:
    checked: int = 0
    ok: int = 0
    missing: list[str] = field(default_factory=list)
    corrupt: list[str] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.missing and not self.corrupt

    def as_dict(self) -> dict:
        return {"checked": self.checked, "ok": self.ok,
                "missing": list(self.missing), "corrupt": list(self.corrupt)}


def check_fixity(session: Session, store: BlobStorage,
                 progress: Callable[[int, int], None] | None = None,
                 batch: int = 1000) -> FixityReport:
    """Re-hash each blob recorded in the database (in batches, bounded memory)."""
    report = FixityReport()
    total = session.query(Blob).count()
    last = ""
    while True:
        shas = session.scalars(
            select(Blob.sha256).where(Blob.sha256 > last).order_by(Blob.sha256).limit(batch)
        ).all()
        if not shas:
            break
        for sha in shas:
            report.checked += 1
            try:
                actual = store.hash_of(sha)
            except BlobNotFound:
                report.missing.append(sha)
            else:
                if actual == sha:
                    report.ok += 1
                else:
                    report.corrupt.append(sha)
            if progress:
                progress(report.checked, total)
        last = shas[-1]
    return report
