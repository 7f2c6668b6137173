"""Rebuilding a kind's index from the database: chunked, bounded in memory,
committed as it goes, resumable, and swapped in only when complete.

``fetch_chunk(after)`` returns the next records in cursor order after ``after``
(``None`` for the first chunk; then the :attr:`Kind.cursor` of the last record
returned, ``(doc_id, page)`` for pages and ``(entry_id,)`` for entries), and an empty
sequence at the end. The application implements it with keyset pagination, e.g.
``WHERE (document_id, page_no) > (:d, :p) ORDER BY document_id, page_no LIMIT 5000``.

The new index is written beside the live one (``<kind>.build``), which keeps answering
searches meanwhile. Every ``commit_every`` records the segments written so far are
committed and the cursor saved in ``checkpoint.json``; an interrupted rebuild (crash,
kill, power cut) run again with the same arguments continues from the checkpoint,
first deleting anything committed after it. When all records are in, the kind's write
lock is taken, ids written by ``update``/``delete`` during the rebuild (journaled in
``touched.log``) are re-fetched with ``refetch(ids)`` when given, and the new
directory replaces the live one in two renames.

Memory stays bounded: at most one chunk of records in the parent process, and in each
worker the postings of ``commit_every / procs`` records (a few hundred MB at the
defaults).
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

from whoosh import query as wq

from search import kinds as K
from search.errors import IndexUnavailable, RebuildRunning, WriterBusy
from search.locks import file_lock
from search.segments import FastWriter, ParallelWriter

CHECKPOINT = "checkpoint.json"
TOUCHED = "touched.log"
#: Records per commit (a resume point, and the size of the segments written).
COMMIT_EVERY = {"person": 250_000, "document": 100_000}


@dataclass(frozen=True)
class RebuildReport:
    kind: str
    records: int          # index documents written by this run
    total: int            # in the new index, including earlier runs of a resumed build
    seconds: float
    resumed: bool
    touched: list[int]    # ids written during the rebuild (re-fetched if ``refetch``)


def read_checkpoint(build_dir: str) -> dict | None:
    try:
        with open(os.path.join(build_dir, CHECKPOINT)) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def _write_checkpoint(build_dir: str, data: dict) -> None:
    tmp = os.path.join(build_dir, CHECKPOINT + ".tmp")
    with open(tmp, "w") as f:
        json.dump(data, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, os.path.join(build_dir, CHECKPOINT))


def journal_touched(build_dir: str, ids: Sequence[int]) -> None:
    """Note ids written while a rebuild may be running (cheap when none is)."""
    if ids and os.path.isdir(build_dir):
        with open(os.path.join(build_dir, TOUCHED), "a") as f:
            f.write("".join(f"{i}\n" for i in ids))


def _touched(build_dir: str) -> list[int]:
    try:
        with open(os.path.join(build_dir, TOUCHED)) as f:
            return sorted({int(line) for line in f if line.strip()})
    except OSError:
        return []


def rebuild(index, kind: str, fetch_chunk: Callable[[tuple | None], Sequence], *,
            refetch: Callable[[list[int]], Iterable] | None = None, procs: int = 2,
            commit_every: int | None = None, fresh: bool = False,
            progress: Callable[[int], None] | None = None) -> RebuildReport:
    """Rebuild ``kind`` (see the module docstring). ``procs``: indexing processes
    (1 = in this process). ``fresh``: discard an interrupted build instead of
    resuming it. ``progress(count)`` is called after each commit. Raises
    :class:`RebuildRunning` if another process is rebuilding the kind."""
    spec = K.KINDS[kind]
    build_dir = index.build_path(kind)
    commit_every = commit_every or COMMIT_EVERY.get(kind, 100_000)
    started = time.monotonic()
    lock = file_lock(index.build_lock_path(kind), timeout=0)
    try:
        lock.__enter__()
    except WriterBusy as exc:
        raise RebuildRunning(f"{kind} is being rebuilt by another process") from exc
    try:
        return _run(index, spec, build_dir, fetch_chunk, refetch, procs, commit_every,
                    fresh, progress, started)
    finally:
        lock.__exit__(None, None, None)


def _open_build(index, spec, build_dir, fresh):
    """The build index and its checkpoint, resuming when possible."""
    cp = None if fresh else read_checkpoint(build_dir)
    if cp is not None and cp.get("version") == spec.version:
        try:
            return index.open_at(build_dir, spec), cp
        except IndexUnavailable:
            pass
    ix = index.create_at(build_dir, spec)
    cp = {"kind": spec.name, "version": spec.version, "after": None, "count": 0,
          "started": time.time()}
    _write_checkpoint(build_dir, cp)
    return ix, cp


def _new_writer(ix, procs):
    return ParallelWriter(ix, procs=procs) if procs > 1 else FastWriter(ix)


def _run(index, spec, build_dir, fetch_chunk, refetch, procs, commit_every, fresh,
         progress, started) -> RebuildReport:
    ix, cp = _open_build(index, spec, build_dir, fresh)
    after = tuple(cp["after"]) if cp["after"] is not None else None
    resumed = after is not None
    count = cp["count"]
    written = pending = 0
    writer = None
    if resumed:
        # A commit may have landed after the last checkpoint was saved: drop it.
        w = FastWriter(ix)
        w.delete_by_query(wq.TermRange("key", spec.cursor_key(after), None,
                                       startexcl=True))
        w.commit(merge=False)
    try:
        while True:
            chunk = fetch_chunk(after)
            if not chunk:
                break
            if writer is None:
                writer = _new_writer(ix, procs)
            for record in chunk:
                writer.add_document(**spec.fields(record))
            after = spec.cursor(chunk[-1])
            pending += len(chunk)
            if pending >= commit_every:
                writer.commit(merge=False)
                writer = None
                count, written, pending = count + pending, written + pending, 0
                cp.update(after=list(after), count=count, updated=time.time())
                _write_checkpoint(build_dir, cp)
                if progress:
                    progress(count)
        if writer is not None:
            writer.commit(merge=False)
            writer = None
            count, written = count + pending, written + pending
            cp.update(after=list(after) if after else None, count=count,
                      updated=time.time(), complete=True)
            _write_checkpoint(build_dir, cp)
            if progress:
                progress(count)
    except BaseException:
        if writer is not None:
            writer.cancel()
        raise
    touched = _swap(index, spec, build_dir, refetch)
    return RebuildReport(spec.name, written, count, time.monotonic() - started, resumed,
                         touched)


def _swap(index, spec, build_dir, refetch) -> list[int]:
    """Replace the live index with the build, under the write lock. Returns the ids
    written while the rebuild ran (re-indexed from ``refetch`` when given)."""
    live = index.path(spec.name)
    old = live + ".old"
    with index.write_lock(spec.name):
        touched = _touched(build_dir)
        if touched and refetch is not None:
            ix = index.open_at(build_dir, spec)
            w = FastWriter(ix)
            for rid in touched:
                w.delete_by_term(*spec.id_term(rid))
            for start in range(0, len(touched), 1000):
                for record in refetch(touched[start:start + 1000]):
                    w.add_document(**spec.fields(record))
            w.commit()
        for name in (CHECKPOINT, TOUCHED):
            try:
                os.remove(os.path.join(build_dir, name))
            except FileNotFoundError:
                pass
        shutil.rmtree(old, ignore_errors=True)
        if os.path.exists(live):
            os.rename(live, old)
        os.rename(build_dir, live)
        shutil.rmtree(old, ignore_errors=True)
    return touched
