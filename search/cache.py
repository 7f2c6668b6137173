"""The answers of recent searches, kept while the index stays as it was.

Search as you type sends the same few prefixes from many desks ("quyết", "ủy ban", a
commune's name), and a results page is asked again when a person comes back to it. An
answer depends only on the query, its options, the reader's scope and the state of the
kinds' indexes; the key holds all of them, the state as each kind's commit token
(:meth:`search.index.SearchIndex.state_token`), so a commit makes every earlier answer
unreachable: nothing is ever served stale, and the old entries age out of the LRU.

What the application does around a search (the personal-data log, the database's
personal-data mark) runs on every request, cached answer or not."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Hashable

#: Answers kept per index (a page of 20 hits with snippets is a few kilobytes).
RESULTS_KEPT = 512


class ResultCache:
    """A small thread-safe LRU. ``hits`` and ``misses`` count look-ups (the status page
    and the load benchmark show the ratio)."""

    def __init__(self, size: int = RESULTS_KEPT):
        self.size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> Any | None:
        with self._lock:
            value = self._items.get(key)
            if value is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return value

    def put(self, key: Hashable, value: Any) -> None:
        if self.size <= 0:
            return
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)
