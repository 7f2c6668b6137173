"""The search index: one Whoosh index per kind of record under one directory.

Layout of ``root``::

    document/             the live index of document pages   (kind.json: kind, version)
    document.build/       a rebuild in progress: a Whoosh index and checkpoint.json
    document.lock         writers of the kind take this lock (waiting, with a timeout)
    document.build.lock   held by the process running a rebuild
    person/ …             the same for civil-status entries

Typical use by the application (one :class:`SearchIndex` per process; it is safe to
share between threads)::

    idx = SearchIndex(settings.search_dir)
    idx.status()                        # {"document": KindStatus(state="ok", ...), ...}
    idx.update([page, page, person])    # after the database commit; waits for the lock
    idx.delete("document", [doc_id])
    idx.rebuild("person", fetch_chunk)  # resumable; see search.rebuild
    idx.check("person", expected)       # missing / stale / extra
    idx.search("nguyễn văn hùng 1985", scope, kind="person")
    idx.suggest("nguyen van h", scope)

States of a kind (``KindStatus.state``): ``ok``; ``missing`` (never built or removed);
``corrupt`` (cannot be read); ``outdated`` (built by an older schema version);
``rebuilding`` (not ok, and a rebuild is running now). ``KindStatus.rebuilding`` is
also true while an ok index is being rebuilt beside it: it stays searchable then.
Searching a kind that is not ok raises the matching :mod:`search.errors` exception,
which the application answers with HTTP 503 and the exception's ``message``.

Writes: every ``update``/``delete`` takes the kind's lock, waiting up to
``lock_timeout`` seconds (then :class:`~search.errors.WriterBusy`), writes one segment
and commits; small segments are merged as they accumulate. Callers may batch; a
single record per call is correct, only slower. While a rebuild runs, writes also go
to the live index (when there is one) and the ids written are journaled so the
rebuild re-fetches them before it swaps its index in.
"""

from __future__ import annotations

import gc
import json
import os
import shutil
import threading
import time
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

from whoosh import index as windex

from search import kinds as K
from search.cache import ResultCache
from search.errors import (IndexCorrupt, IndexMissing, IndexOutdated, IndexRebuilding,
                           IndexUnavailable)
from search.locks import file_lock, is_locked
from search.segment import HOT
from search.segments import FastWriter

STATES = ("ok", "missing", "corrupt", "outdated", "rebuilding")
VANISHED_RETRIES = 5  # opening attempts when a file vanishes under a concurrent commit
_META = "kind.json"


@dataclass(frozen=True)
class KindStatus:
    """``state`` (see :data:`STATES`), ``docs`` (index documents: pages or entries),
    ``rebuilding`` (a rebuild is running), ``progress`` (its checkpoint, if any),
    ``detail`` (why it is not ok)."""
    kind: str
    state: str
    docs: int = 0
    rebuilding: bool = False
    progress: dict | None = None
    detail: str = ""


@dataclass(frozen=True)
class CheckReport:
    """Record ids missing from the index, present with another version (stale), and
    present in the index but not expected (extra)."""
    kind: str
    missing: list[int]
    stale: list[int]
    extra: list[int]
    checked: int

    @property
    def ok(self) -> bool:
        return not (self.missing or self.stale or self.extra)


class SearchIndex:
    """All kinds' indexes under ``root`` (created if absent). ``lock_timeout``: how
    long a write waits for another writer."""

    def __init__(self, root: str, *, lock_timeout: float = 60.0):
        self.root = os.path.abspath(root)
        self.lock_timeout = lock_timeout
        os.makedirs(self.root, exist_ok=True)
        self._local = threading.local()
        self.results = ResultCache()

    # -- paths ----------------------------------------------------------------------

    def path(self, kind: str) -> str:
        return os.path.join(self.root, kind)

    def build_path(self, kind: str) -> str:
        return os.path.join(self.root, kind + ".build")

    def lock_path(self, kind: str) -> str:
        return os.path.join(self.root, kind + ".lock")

    def build_lock_path(self, kind: str) -> str:
        return os.path.join(self.root, kind + ".build.lock")

    def write_lock(self, kind: str):
        """Context manager: hold the kind's write lock (waits ``lock_timeout``)."""
        return file_lock(self.lock_path(kind), self.lock_timeout)

    # -- opening --------------------------------------------------------------------

    @staticmethod
    def create_at(path: str, kind: K.Kind):
        """A new empty index for ``kind`` at ``path`` (replacing anything there)."""
        shutil.rmtree(path, ignore_errors=True)
        os.makedirs(path)
        ix = windex.create_in(path, kind.schema())
        with open(os.path.join(path, _META), "w") as f:
            json.dump({"kind": kind.name, "version": kind.version}, f)
        return ix

    @staticmethod
    def open_at(path: str, kind: K.Kind, keep_reader: bool = False, reuse: dict | None = None):
        """Open and sanity-check the index at ``path``; raises IndexMissing,
        IndexCorrupt or IndexOutdated.

        A file that vanishes while the index is opened is no damage: a writer's commit has
        just replaced the table of contents (or merged segments) that this reader had found.
        Opening again reads the new ones; only a file still missing after a few tries is
        corruption. (The load benchmark met it: one search in a few thousand answered 503
        while uploads were indexed.)

        ``keep_reader``: return ``(index, reader)``, the reader the check opened, for a
        searcher to use (opening every segment again cost half of each reopen). ``reuse``:
        that reader's segment readers by ``(segment id, deletions)``; those whose segment
        is unchanged are taken over instead of opened again (see :func:`_leaf_readers`)."""
        for attempt in range(VANISHED_RETRIES):
            try:
                return SearchIndex._open_once(path, kind, keep_reader, reuse)
            except IndexCorrupt as exc:
                if not isinstance(exc.__cause__, FileNotFoundError) or attempt == VANISHED_RETRIES - 1:
                    raise
                time.sleep(0.002 * (attempt + 1))
        raise AssertionError("unreachable")  # pragma: no cover

    @staticmethod
    def _open_once(path: str, kind: K.Kind, keep_reader: bool = False, reuse: dict | None = None):
        try:
            present = os.path.isdir(path) and windex.exists_in(path)
        except Exception as exc:  # a table of contents that does not unpickle
            raise IndexCorrupt(kind.name, f"table of contents: {exc}") from exc
        if not present:
            if os.path.isdir(path) and os.listdir(path):
                raise IndexCorrupt(kind.name, "no readable table of contents")
            raise IndexMissing(kind.name)
        try:
            with open(os.path.join(path, _META)) as f:
                meta = json.load(f)
        except (OSError, ValueError) as exc:
            raise IndexCorrupt(kind.name, f"kind.json: {exc}") from exc
        if meta.get("kind") != kind.name:
            raise IndexCorrupt(kind.name, f"directory holds kind {meta.get('kind')!r}")
        if meta.get("version") != kind.version:
            raise IndexOutdated(kind.name, f"version {meta.get('version')} < {kind.version}")
        reader, fresh = None, []
        try:
            ix = windex.open_dir(path)
            reader, fresh = _leaf_readers(ix, dict(reuse or {}))
            reader.doc_count()
            for leaf in fresh:  # a segment taken over was checked when it was first opened
                leaf.doc_count_all()
                if leaf.doc_count_all():
                    leaf.column_reader("d")[leaf.doc_count_all() - 1]
                next(iter(leaf.lexicon("key")), None)
        except Exception as exc:  # any read failure means damaged files
            for leaf in fresh:  # not the ones taken over: their searcher still uses them
                leaf.close()
            if isinstance(exc, IndexUnavailable):
                raise
            raise IndexCorrupt(kind.name, f"{type(exc).__name__}: {exc}") from exc
        if keep_reader:
            return ix, reader
        reader.close()
        return ix

    def open(self, kind: str, keep_reader: bool = False, reuse: dict | None = None):
        """The live Whoosh index of ``kind`` (raises the IndexUnavailable family; a
        kind that is not ok while a rebuild runs raises IndexRebuilding); with
        ``keep_reader``, ``(index, its checked reader)``."""
        spec = K.KINDS[kind]
        try:
            return self.open_at(self.path(kind), spec, keep_reader, reuse)
        except IndexUnavailable as exc:
            if self.rebuild_running(kind):
                raise IndexRebuilding(kind, exc.state) from exc
            raise

    def create(self, kind: str) -> None:
        """Create an empty live index for ``kind`` (replacing a broken one)."""
        with self.write_lock(kind):
            self.create_at(self.path(kind), K.KINDS[kind])
        self._forget(kind)

    def rebuild_running(self, kind: str) -> bool:
        return is_locked(self.build_lock_path(kind))

    def status(self, kind: str | None = None):
        """:class:`KindStatus` of one kind, or a dict of all kinds'."""
        if kind is None:
            return {k: self.status(k) for k in K.KINDS}
        from search.rebuild import read_checkpoint
        running = self.rebuild_running(kind)
        progress = read_checkpoint(self.build_path(kind))
        try:
            ix = self.open_at(self.path(kind), K.KINDS[kind])
        except IndexUnavailable as exc:
            state = "rebuilding" if running else exc.state
            return KindStatus(kind, state, 0, running, progress, exc.detail)
        with ix.reader() as reader:
            docs = reader.doc_count()
        return KindStatus(kind, "ok", docs, running, progress)

    def counts(self) -> dict[str, int]:
        """Index documents per kind (pages for documents), ok kinds only."""
        return {k: s.docs for k, s in self.status().items() if s.state == "ok"}

    # -- writing --------------------------------------------------------------------

    def update(self, records: Iterable) -> int:
        """Add or replace records (any kinds mixed). A document's pages replace all
        its indexed pages, so give every page of each document in the batch.
        Returns the number of index documents written."""
        by_kind: dict[str, list] = {}
        for r in records:
            by_kind.setdefault(K.kind_of(r).name, []).append(r)
        written = 0
        for kind, recs in by_kind.items():
            spec = K.KINDS[kind]
            ids = sorted({spec.record_id(r) for r in recs})
            written += self._write(kind, ids, [spec.fields(r) for r in recs])
        return written

    def delete(self, kind: str, ids: Iterable[int]) -> int:
        """Remove records by id (a document id removes all its pages)."""
        return self._write(kind, sorted(set(ids)), [])

    def _write(self, kind: str, ids: Sequence[int], docs: list[dict]) -> int:
        from search.rebuild import journal_touched
        spec = K.KINDS[kind]
        with self.write_lock(kind):
            journal_touched(self.build_path(kind), ids)
            try:
                ix = self.open_at(self.path(kind), spec)
            except IndexUnavailable:
                if self.rebuild_running(kind):
                    return 0  # journaled: the rebuild re-fetches these ids
                raise
            writer = FastWriter(ix, timeout=self.lock_timeout)
            try:
                for rid in ids:
                    writer.delete_by_term(*spec.id_term(rid))
                for doc in docs:
                    writer.add_document(**doc)
                writer.commit()
            except BaseException:
                writer.cancel()
                raise
        return len(docs)

    def optimize(self, kind: str) -> None:
        """Merge the kind's segments into one (slow; searches get a little faster)."""
        with self.write_lock(kind):
            ix = self.open(kind)
            writer = FastWriter(ix, timeout=self.lock_timeout)
            writer.commit(optimize=True)

    # -- rebuild and check ----------------------------------------------------------

    def rebuild(self, kind: str, fetch_chunk: Callable, **options):
        """Rebuild ``kind`` from the database; see :func:`search.rebuild.rebuild`."""
        from search.rebuild import rebuild
        report = rebuild(self, kind, fetch_chunk, **options)
        self._forget(kind)
        return report

    def check(self, kind: str, expected: Iterable[tuple[int, str]]) -> CheckReport:
        """Compare the index with ``expected`` ``(record id, version)`` pairs (for a
        document: its id and its version, shared by its pages). Stale: any indexed
        page or entry with another version."""
        ix = self.open(kind)
        indexed: dict[int, set[str]] = {}
        with ix.reader() as reader:
            leaves = [r for r, _ in reader.leaf_readers()] if not reader.is_atomic() \
                else [reader] if reader.doc_count_all() else []   # an empty index has no columns
            for leaf in leaves:
                column = leaf.column_reader("d")
                for docnum in leaf.all_doc_ids():
                    d = column[docnum]
                    indexed.setdefault(d["id"], set()).add(d["v"])
        missing, stale, seen = [], [], set()
        n = 0
        for rid, version in expected:
            n += 1
            seen.add(rid)
            versions = indexed.get(rid)
            if versions is None:
                missing.append(rid)
            elif versions != {version}:
                stale.append(rid)
        extra = sorted(set(indexed) - seen)
        return CheckReport(kind, sorted(missing), sorted(stale), extra, n)

    def repair(self, report: CheckReport, fetch: Callable[[list[int]], Iterable]) -> int:
        """Apply a :class:`CheckReport`: re-index missing and stale records (``fetch``
        returns the records, all pages for documents, of the given ids) and delete
        the extra ones. Returns the number of records fixed."""
        todo = report.missing + report.stale
        for start in range(0, len(todo), 1000):
            ids = todo[start:start + 1000]
            recs = list(fetch(ids))
            found = {K.KINDS[report.kind].record_id(r) for r in recs}
            self.update(recs)
            gone = [i for i in ids if i not in found]
            if gone:
                self.delete(report.kind, gone)
        if report.extra:
            self.delete(report.kind, report.extra)
        return len(todo) + len(report.extra)

    # -- searching ------------------------------------------------------------------

    def searcher(self, kind: str):
        """This thread's :class:`search.kindsearcher.KindSearcher` for ``kind``, reopened
        when the index has changed."""
        from search.kindsearcher import KindSearcher
        cache = getattr(self._local, "searchers", None)
        if cache is None:
            cache = self._local.searchers = {}
        token = self.state_token(kind)
        cached = cache.get(kind)
        if cached is not None and cached[0] == token and token is not None:
            return cached[1]
        previous = None
        if cached is not None:
            previous = cached[1]
            del cache[kind]
        try:
            ix, reader = self.open(kind, keep_reader=True,
                                   reuse=previous.leaves() if previous is not None else None)
        except BaseException:
            if previous is not None:
                previous.close()
            raise
        ks = KindSearcher(K.KINDS[kind], ix, reader, previous=previous)
        if previous is not None:
            previous.close(keep=ks.readers)
        ks.token = token
        cache[kind] = (token, ks)
        return ks

    def state_token(self, kind: str) -> tuple | None:
        """What changes whenever the kind's index is committed: its folder's identity and
        time, and the names of its tables of contents (a commit writes ``_MAIN_<n>.toc``
        and removes the one before). The names matter because a folder's time only moves
        once per clock tick of the file system, and two commits can fall in one tick."""
        path = self.path(kind)
        try:
            st = os.stat(path)
            tocs = tuple(sorted(name for name in os.listdir(path) if name.endswith(".toc")))
        except OSError:
            return None
        return (st.st_ino, st.st_mtime_ns, tocs)

    def warm(self, kinds: Iterable[str] | None = None, freeze_gc: bool = True,
             prefetch_mb: int | None = None) -> int:
        """Prepare this thread's searchers (columns, norms, spelling vocabulary) so the
        first searches are as fast as the rest; a server calls it at start-up.

        ``prefetch_mb``: then decode the posting lists of the most frequent words of
        all kinds into the process's :data:`~search.segment.HOT` cache, most frequent
        first, up to so many MB and at most three quarters of the cache (the default;
        the rest is left for the words searches bring in). A query that joins such a
        word with a date range or a name otherwise pays for decoding tens of thousands
        of postings the first time the word is asked for (~35 ms for 44,000), which a
        server that has been running a while has long since done. Returns the bytes
        prefetched.

        ``freeze_gc``: then move every object alive to the garbage collector's
        permanent generation (``gc.freeze``), so that the millions of cached values
        are not walked again by each full collection, a pause of tens of
        milliseconds that would otherwise land on some unlucky search."""
        searchers = []
        for kind in kinds or K.KINDS:
            try:
                searcher = self.searcher(kind)
                searcher.warm()
                searchers.append(searcher)
            except IndexUnavailable:
                pass
        budget = HOT.budget * 3 // 4
        if prefetch_mb is not None:  # more than that would only evict what it just read
            budget = min(budget, prefetch_mb << 20)
        used = 0
        if budget > 0:
            # Field by field in turn, most frequent first in each: the short lists of
            # a small field (titles) are not crowded out by the long ones of the body.
            ranked = []
            for s in searchers:
                per_field: dict[str, int] = {}
                for c in s.frequent_postings():
                    rank = per_field[c[2]] = per_field.get(c[2], -1) + 1
                    ranked.append((rank, -c[0], c))
            ranked.sort(key=lambda r: r[:2])
            for _, _, (df, seg, fieldname, word) in ranked:
                size = 8 * df
                if used + size > budget:
                    break
                seg.postings(fieldname, word, df)
                used += size
        if freeze_gc:
            gc.collect()
            gc.freeze()
        return used

    def _forget(self, kind: str) -> None:
        cache = getattr(self._local, "searchers", None)
        if cache and kind in cache:
            cache.pop(kind)[1].close()

    def search(self, query: str, scope, **options):
        """Search; see :func:`search.searching.search` for the options."""
        from search.searching import search
        return search(self, query, scope, **options)

    def suggest(self, prefix: str, scope, limit: int = 10, kind: str | None = None):
        """Completions as you type; see :func:`search.searching.suggest`."""
        from search.searching import suggest
        return suggest(self, prefix, scope, limit=limit, kind=kind)


def _leaf_readers(ix, reuse: dict):
    """``(reader, the segment readers opened anew)`` of the index's current segments:
    a segment found in ``reuse`` under ``(segment id, deletions)`` keeps the reader
    given (a segment's files never change, and its deletions only grow, so an equal
    count is an equal set); the others are opened. After a commit that adds a small
    segment a reopen then opens that one only, instead of every segment's terms table,
    once per server thread (Whoosh's own ``reuse`` also keeps segments the commit
    has merged away)."""
    from whoosh.reading import EmptyReader, MultiReader, SegmentReader

    toc = ix._read_toc()
    if not toc.segments:
        return EmptyReader(toc.schema), []
    readers, fresh = [], []
    try:
        for segment in toc.segments:
            reader = reuse.pop((segment.segment_id(), segment.deleted_count()), None)
            if reader is None:
                reader = SegmentReader(ix.storage, toc.schema, segment, generation=toc.generation)
                fresh.append(reader)
            readers.append(reader)
    except BaseException:
        for reader in fresh:
            reader.close()
        raise
    if len(readers) == 1:
        return readers[0], fresh
    return MultiReader(readers, generation=toc.generation), fresh
