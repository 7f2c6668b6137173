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


def answer_key(searchers, *parts) -> tuple | None:
    """The key of an answer from ``searchers`` (one per kind searched) to the question
    ``parts``; None when it cannot be kept (a kind with no commit token, a part that is
    not hashable such as a filter given as a list)."""
    tokens = tuple(getattr(ks, "token", None) for ks in searchers)
    if None in tokens:
        return None
    key = (tokens, *parts)
    try:
        hash(key)
    except TypeError:
        return None
    return key


def kept(index, key):
    """The answer kept under ``key`` by ``index`` (None: not kept)."""
    cache = getattr(index, "results", None)
    return cache.get(key) if key is not None and cache is not None else None


def keep(index, key, value) -> None:
    cache = getattr(index, "results", None)
    if key is not None and cache is not None:
        cache.put(key, value)
