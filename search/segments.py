"""A faster write path for Whoosh segments; the files it writes are ordinary Whoosh 3
segments, read by the stock readers, matchers and scorers.

Why: profiling the stock ``SegmentWriter`` on register entries showed most of the time
outside the analysis: every posting became a 5-tuple, was size-checked, sorted,
pickled to a temporary run when the pool filled, and on flush asked the per-document
reader for its field length, which for a field without a length column costs an
``os.stat`` per posting. And the postings writer never inlines single-document posting
lists (its ``inlinelimit`` test is off by one and calls a misspelled method), so each of
the millions of unique terms (ids, names, personal numbers) got a zlib-compressed block.

What this module does instead:

* :class:`FastWriter` keeps an in-memory inverted index while documents are added
  (field → term → ``array('I')`` of document numbers, plus an ``array('f')`` of term
  frequencies for BM25 fields) and writes each posting list in one pass on flush.
  Fields must be :class:`search.fields.Computed` (or stored/column-only fields).
* :class:`FastCodec` inlines posting lists of one document into the term table and
  does not compress blocks (posting data is small integers; reading is faster).
* :class:`ParallelWriter` is Whoosh's ``MpWriter`` (``procs=N, multisegment=True``)
  with :class:`FastWriter` in the worker processes: each worker writes its own
  segment, and the parent commits them all together under the index lock.

Memory: postings cost about 4 bytes each plus about 150 bytes per distinct term until
the segment is flushed, so callers bound a segment by committing every so many
documents (see :meth:`search.index.SearchIndex.rebuild`).
"""

from __future__ import annotations

import queue
from bisect import bisect_left
from pickle import dumps
from array import array
from collections import Counter, defaultdict, deque
from operator import methodcaller, sub

from whoosh.codec.whoosh3 import W3Codec, W3PostingsWriter, W3TermInfo
from whoosh.system import pack_ushort
from whoosh.util.numeric import length_to_byte
from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.writing import SegmentWriter

from search.fields import Computed

_BLOCK = 128
_INLINE = W3TermInfo._struct  # inlined flag, weight, df, min/max length, max weight, ids


def _new_ids() -> array:
    return array("I")


def _consume(iterator) -> None:
    deque(iterator, maxlen=0)


def _add_tf(tf: dict, term: str, docnum: int, n: int) -> None:
    """Note a frequency above 1: ``tf[term]`` is ``(docnums, frequencies)`` in two
    compact arrays (a dict per term took most of a writer's memory)."""
    got = tf.get(term)
    if got is None:
        tf[term] = (array("I", (docnum,)), array("B", (min(n, 255),)))
    else:
        got[0].append(docnum)
        got[1].append(min(n, 255))


class _PostingsWriter(W3PostingsWriter):
    """Stock writer with the single-posting inline path fixed, and block encoding done
    with C-level operations instead of per-posting generators."""

    def _mini_ids(self):
        ids = self._ids
        if len(ids) < 2:
            return tuple(ids)
        return (ids[0],) + tuple(map(sub, ids[1:], ids[:-1]))

    def _mini_weights(self):
        weights = self._weights
        n = len(weights)
        first = weights[0]
        if weights.count(first) == n:
            return None if first == 1.0 else first
        return tuple(weights)

    def finish_postings(self):
        terminfo = self._terminfo
        if not self.written() and len(self) <= self._inlinelimit:
            terminfo.add_block(self)
            terminfo.set_inlined(self._ids, self._weights, self._values)
        else:
            if self._ids:
                self._write_block(last=True)
            startoffset = self._startoffset
            terminfo.set_extent(startoffset, self._postfile.tell() - startoffset)
        self._terminfo = None
        return terminfo


class FastCodec(W3Codec):
    """Whoosh 3 codec: uncompressed blocks, one-document posting lists inlined."""

    def __init__(self, blocklimit=_BLOCK, compression=0, inlinelimit=1):
        super().__init__(blocklimit=blocklimit, compression=compression,
                         inlinelimit=inlinelimit)

    def postings_writer(self, dbfile, byteids=False):
        return _PostingsWriter(dbfile, blocklimit=self._blocklimit, byteids=byteids,
                               compression=self._compression,
                               inlinelimit=self._inlinelimit)


class FastWriter(SegmentWriter):
    """A ``SegmentWriter`` that inverts documents in memory (see the module doc)."""

    def __init__(self, ix, **kwargs):
        kwargs.setdefault("codec", FastCodec())
        kwargs.setdefault("compound", True)
        super().__init__(ix, **kwargs)
        self._inv: dict[str, dict[str, array]] = {}
        self._tf: dict[str, dict[str, array]] = {}
        self._lens: dict[str, dict[int, int]] = {}

    # -- adding -----------------------------------------------------------------

    def add_document(self, **fields):
        self._check_state()
        schema = self.schema
        docnum = self.docnum
        pdw = self.perdocwriter
        pdw.start_doc(docnum)
        try:
            for name, value in fields.items():
                if value is None or name.startswith("_"):
                    continue
                field = schema[name]
                length = 0
                if field.indexed:
                    if not isinstance(field, Computed):
                        raise TypeError(f"field {name!r} must be a search.fields type")
                    terms = field.terms(value)
                    if field.weighted:
                        n = self._add_weighted(name, docnum, Counter(terms), field.scorable)
                        length = n if field.scorable else 0
                    elif terms:
                        inv = self._inv.get(name)
                        if inv is None:
                            inv = self._inv[name] = defaultdict(_new_ids)
                        # One C-level pass: inv[t].append(docnum) for every term.
                        _consume(map(methodcaller("append", docnum),
                                     map(inv.__getitem__, set(terms))))
                if field.stored or length:
                    pdw.add_field(name, field, value if field.stored else None, length)
                column = field.column_type
                if column is not None:
                    pdw.add_column_value(name, column, field.to_column_value(value))
        except Exception:
            pdw.cancel_doc()
            raise
        pdw.finish_doc()
        self._added = True
        self.docnum += 1

    def _add_weighted(self, name, docnum, counts: Counter, scorable: bool) -> int:
        # Most frequencies are 1: only the others are kept (see _add_tf).
        inv = self._inv.get(name)
        if inv is None:
            inv = self._inv[name] = defaultdict(_new_ids)
            self._tf[name] = {}
        tf = self._tf[name]
        length = sum(counts.values())
        _consume(map(methodcaller("append", docnum), map(inv.__getitem__, counts)))
        if length != len(counts):
            for t, n in counts.items():
                if n != 1:
                    _add_tf(tf, t, docnum, n)
        if length and scorable:
            self._set_length(name, docnum, length)
        return length

    def _set_length(self, name, docnum, length):
        lens = self._lens.get(name)
        if lens is None:
            lens = self._lens[name] = array("I")
        if len(lens) <= docnum:
            lens.extend(array("I", bytes(4 * (docnum + 1 - len(lens)))))
        lens[docnum] = length

    def add_postings_to_pool(self, reader, startdoc, docmap):
        """Merging a segment (``add_reader``): pour its live postings into memory."""
        schema = self.schema
        for name in reader.indexed_field_names():
            if name not in schema:
                continue
            weighted = getattr(schema[name], "weighted", False)
            scorable = schema[name].scorable
            inv = self._inv.setdefault(name, defaultdict(_new_ids))
            tf = self._tf.setdefault(name, {}) if weighted else None
            for tb in reader.lexicon(name):
                m = reader.postings(name, tb)
                t = tb.decode("utf-8")
                while m.is_active():
                    old = m.id()
                    new = docmap[old] if docmap is not None else startdoc + old
                    inv[t].append(new)
                    if weighted:
                        w = m.weight()
                        if w != 1:
                            _add_tf(tf, t, new, int(w))
                    if scorable:
                        self._set_length(name, new, reader.doc_field_length(old, name, 1))
                    m.next()

    # -- flushing ---------------------------------------------------------------

    def _flush_segment(self):
        self.perdocwriter.close()
        fw = self.fieldwriter
        schema = self.schema
        for name in sorted(self._inv):
            inv = self._inv[name]
            if not inv:
                continue
            tf = self._tf.get(name)
            lens = self._lens.get(name)
            fw.start_field(name, schema[name])
            pw = fw._postwriter
            tindex_add = fw._tindex.add
            field_key = pack_ushort(fw._fieldid)
            sparse_tf = tf or {}
            # str order is code point order, the same as the UTF-8 bytes' order.
            for t in sorted(inv):
                ids = inv[t]
                if len(ids) == 1:
                    # Most terms (ids, names, personal numbers) have one document: write
                    # the inlined term info directly (what finish_postings would make).
                    d = ids[0]
                    w = float(sparse_tf[t][1][0]) if t in sparse_tf else 1.0
                    lb = length_to_byte(lens[d]) if lens is not None else 0
                    tindex_add(field_key + t.encode("utf-8"),
                               _INLINE.pack(1, w, 1, lb, lb, w, d, d)
                               + dumps(((d,), (w,), ()), 2))
                    continue
                fw.start_term(t.encode("utf-8"))
                weights = None
                if tf is not None:
                    sparse = tf.get(t)
                    weights = array("f", [1.0]) * len(ids)
                    if sparse:  # ids are sorted: find each by bisection
                        for d, w in zip(*sparse):
                            weights[bisect_left(ids, d)] = w
                n = len(ids)
                for start in range(0, n, _BLOCK):
                    self._fill_block(pw, ids, weights, lens, start, min(n, start + _BLOCK))
                    if start + _BLOCK < n:
                        pw._write_block()
                fw.finish_term()
            fw.finish_field()
        fw.close()
        self._inv = {}
        self._tf = {}
        self._lens = {}

    @staticmethod
    def _fill_block(pw, ids, weights, lens, start, end):
        """Load one block's postings and statistics into the postings writer."""
        pw._ids = ids[start:end]
        if weights is None:
            pw._weights = array("f", [1.0]) * (end - start)
            pw._maxweight = 1.0
        else:
            pw._weights = weights[start:end]
            pw._maxweight = max(pw._weights)
        pw._values = []
        if lens is not None:
            block_lens = list(map(lens.__getitem__, pw._ids))
            pw._minlength = min(block_lens) or 1
            pw._maxlength = max(block_lens)
        else:
            pw._minlength = None
            pw._maxlength = 0

    def _close_segment(self):
        self._inv = {}
        self._tf = {}
        self._lens = {}
        super()._close_segment()


class _FastSubTask(SubWriterTask):
    """``SubWriterTask.run`` with a :class:`FastWriter` (copied: the stock method
    constructs ``SegmentWriter`` itself)."""

    def run(self):
        ix = self.storage.open_index(self.indexname)
        writer = self.writer = FastWriter(ix, _lk=False, **self.kwargs)
        while self.running:
            jobinfo = self.jobqueue.get()
            if jobinfo is None:
                break
            self._process_file(*jobinfo)
        if not self.running:
            writer.cancel()
            return
        if writer._added:
            segment = writer._finalize_segment()
        else:
            writer._close_segment()
            segment = None
        self.resultqueue.put((None, writer.pool.fieldnames, segment), timeout=60)


class ParallelWriter(MpWriter, FastWriter):
    """``MpWriter(multisegment=True)`` whose workers are :class:`FastWriter` s.

    Documents go to the workers in batches through files in the index's temporary
    storage; each worker writes one segment; ``commit`` adds them to the index
    together. Deletions are made by this (parent) writer.
    """

    def __init__(self, ix, procs=2, batchsize=256, **kwargs):
        kwargs.setdefault("codec", FastCodec())
        kwargs.setdefault("compound", True)
        MpWriter.__init__(self, ix, procs=procs, batchsize=batchsize, multisegment=True,
                          **kwargs)
        # MpWriter.__init__ calls SegmentWriter.__init__ directly; set FastWriter's state
        # so merges and deletions in this parent writer use the fast path too.
        self._inv, self._tf, self._lens = {}, {}, {}
        self.subargs = {k: v for k, v in self.subargs.items()
                        if k not in ("timeout", "delay")}

    def _new_task(self):
        task = _FastSubTask(self.storage, self.indexname, self.jobqueue,
                            self.resultqueue, self.subargs, True)
        self.tasks.append(task)
        task.start()
        return task

    def _commit(self, mergetype, optimize, merge):
        if self.docbuffer:
            self._enqueue()
        for _ in self.tasks:
            self.jobqueue.put(None)
        finalsegments = self._merge_segments(mergetype, optimize, merge)
        results = []
        while len(results) < len(self.tasks):
            try:
                results.append(self.resultqueue.get(timeout=1.0))
            except queue.Empty:
                failed = [t.exitcode for t in self.tasks if t.exitcode]
                if failed:
                    raise RuntimeError(f"index worker failed (exit codes {failed})")
        for task in self.tasks:
            task.join()
        finalsegments += [s for _, _, s in results if s is not None]
        if self._added:
            finalsegments.append(self._finalize_segment())
        else:
            self._close_segment()
        self._commit_toc(finalsegments)
        self._finish()
