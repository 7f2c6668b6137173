"""A fake pipeline for the job rules: yields prepared pages, can fail or stall on a page."""

from __future__ import annotations

import threading

from ingest.errors import IngestError
from ingest.results import PageResult, WordBox


def page(n: int) -> PageResult:
    return PageResult(number=n, text=f"Trang {n}: Ủy ban nhân dân", source="ocr", confidence=90.0 + n,
                      words=[WordBox("Trang", 95.0, 10, 10, 50, 20)], width=100, height=140, dpi=300,
                      image=f"image {n}".encode(), thumbnail=f"thumb {n}".encode())


class FakePipeline:
    def __init__(self, count: int, *, fail_at: int | None = None, error: Exception | None = None,
                 stall_at: int | None = None):
        self.count, self.fail_at, self.error, self.stall_at = count, fail_at, error, stall_at
        self.calls: list[tuple[int, ...]] = []
        self.stalled = threading.Event()
        self.release = threading.Event()

    def pages(self, path, media_type, *, skip=()):
        self.calls.append(tuple(sorted(skip)))
        for n in range(1, self.count + 1):
            if n in skip:
                continue
            if self.stall_at == n:
                self.stalled.set()
                self.release.wait(10)
            if self.fail_at == n:
                raise self.error or IngestError("corrupt_image", detail="broken")
            yield page(n)
