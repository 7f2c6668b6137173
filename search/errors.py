"""Exceptions of the search package. All derive from :class:`SearchError`.

The application maps :class:`IndexUnavailable` (and its subclasses) to HTTP 503 with the
``message``; ``state`` says why (see :data:`search.index.STATES`).
"""

from __future__ import annotations


class SearchError(Exception):
    """Base class of the errors raised by the search package."""


class IndexUnavailable(SearchError):
    """A kind's index cannot answer: missing, corrupt, outdated or being rebuilt."""

    state = "unavailable"

    def __init__(self, kind: str, detail: str = ""):
        self.kind = kind
        self.detail = detail
        super().__init__(self.message)

    @property
    def message(self) -> str:
        text = {
            "missing": "Chỉ mục tìm kiếm chưa được tạo",
            "corrupt": "Chỉ mục tìm kiếm bị hỏng và cần được xây dựng lại",
            "outdated": "Chỉ mục tìm kiếm cần được xây dựng lại theo phiên bản mới",
            "rebuilding": "Đang xây dựng lại chỉ mục tìm kiếm, vui lòng thử lại sau",
        }.get(self.state, "Chỉ mục tìm kiếm tạm thời không dùng được")
        return f"{text} ({self.kind}: {self.state}{'; ' + self.detail if self.detail else ''})"


class IndexMissing(IndexUnavailable):
    """No index exists for the kind (never built, or its directory was removed)."""
    state = "missing"


class IndexCorrupt(IndexUnavailable):
    """The index exists but cannot be read (damaged or unreadable files)."""
    state = "corrupt"


class IndexOutdated(IndexUnavailable):
    """The index was built by an older schema version of the kind."""
    state = "outdated"


class IndexRebuilding(IndexUnavailable):
    """There is no usable index, and a rebuild is running (answer 503, retry later)."""
    state = "rebuilding"


class WriterBusy(SearchError):
    """The index stayed locked by another writer for longer than the timeout."""


class RebuildRunning(SearchError):
    """Another process is already rebuilding this kind's index."""
