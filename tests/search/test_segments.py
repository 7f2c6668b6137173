"""The fast segment writer writes ordinary Whoosh segments: stock Whoosh reads and
scores them, single-document terms are inlined, merges keep every posting, and the
block readers of search.segment agree with Whoosh's own matchers."""

from whoosh import fields as wf
from whoosh import index as windex
from whoosh import query as wq

from search.fields import KeyField, TokenField, WordsField
from search.segment import probe_postings, read_postings
from search.segments import FastWriter, ParallelWriter


def _schema():
    return wf.Schema(key=TokenField(unique=True), body=WordsField(bigrams=True),
                     tag=KeyField(), d=wf.STORED())


def _docs(n):
    for i in range(n):
        words = " ".join(["chung"] + [f"từ{j}" for j in range(i % 7)] + ["hiếm"] * (i == 5))
        yield dict(key=f"{i:06d}", body=words, tag=["nhóm " + str(i % 3)], d={"i": i})


def _stock_ids(ix, q):
    with ix.searcher() as s:
        return sorted(s.stored_fields(d)["d"]["i"] for d in s.docs_for_query(q))


def test_stock_whoosh_reads_what_fastwriter_wrote(tmp_path):
    ix = windex.create_in(str(tmp_path), _schema())
    w = FastWriter(ix)
    for doc in _docs(300):
        w.add_document(**doc)
    w.commit()
    assert _stock_ids(ix, wq.Term("body", "chung")) == list(range(300))
    assert _stock_ids(ix, wq.Term("body", "hiem")) == [5]           # inlined single posting
    assert _stock_ids(ix, wq.Term("body", "hiếm")) == [5]           # exact form too
    assert _stock_ids(ix, wq.Term("key", "000042")) == [42]
    assert _stock_ids(ix, wq.Term("tag", "nhom 1")) == list(range(1, 300, 3))
    assert _stock_ids(ix, wq.Term("body", "chung tu0")) == [i for i in range(300) if i % 7]
    with ix.searcher() as s:                                       # stock BM25F scoring
        hits = s.search(wq.Term("body", "tu1"), limit=5)
        assert hits.scored_length() == 5 and hits[0].score > 0


def test_block_readers_agree_with_whoosh(tmp_path):
    ix = windex.create_in(str(tmp_path), _schema())
    w = FastWriter(ix)
    for doc in _docs(1000):
        w.add_document(**doc)
    w.commit()
    with ix.reader() as r:
        ids, weights = read_postings(r, "body", "chung")
        assert list(ids) == list(range(1000)) and weights is None
        m = r.postings("body", "tu3")
        assert list(read_postings(r, "body", "tu3")[0]) == list(m.all_ids())
        found = probe_postings(r, "body", "tu3", [3, 4, 5, 6, 997, 998])
        assert sorted(found) == [4, 5, 6, 998]        # documents with i % 7 >= 4


def test_merging_small_segments_keeps_postings(tmp_path):
    ix = windex.create_in(str(tmp_path), _schema())
    for start in range(0, 240, 20):                 # twelve commits of twenty
        w = FastWriter(ix)
        for doc in list(_docs(240))[start:start + 20]:
            w.add_document(**doc)
        w.commit()                                    # merges small segments
    w = FastWriter(ix)
    w.delete_by_term("key", "000007")
    w.commit()
    assert len(ix._segments()) < 12
    expected = [i for i in range(240) if i != 7]
    assert _stock_ids(ix, wq.Term("body", "chung")) == expected
    assert _stock_ids(ix, wq.Term("tag", "nhom 1")) == [i for i in expected if i % 3 == 1]


def test_parallel_writer_writes_one_segment_per_worker(tmp_path):
    ix = windex.create_in(str(tmp_path), _schema())
    w = ParallelWriter(ix, procs=2, batchsize=50)
    for doc in _docs(400):
        w.add_document(**doc)
    w.commit(merge=False)
    # One segment per worker that was given documents, never merged: which worker takes which
    # batch is up to the scheduler (on a busy machine one worker may take them all).
    counts = sorted(seg.doc_count_all() for seg in ix._segments())
    # Whole batches of 50 to each worker: [400] when one took them all, else two multiples of 50.
    assert len(counts) in (1, 2) and sum(counts) == 400 and all(c % 50 == 0 for c in counts), counts
    assert _stock_ids(ix, wq.Term("body", "chung")) == list(range(400))


def test_vectorised_lookup_finds_exactly_the_candidates_in_a_list():
    """``lookup`` (one numpy binary search of all candidates) against a plain set
    intersection. Inputs: candidates below, inside, between and beyond the list's
    documents, an empty list, no candidates, weights as a float array and as a list."""
    import random
    from array import array

    from search.engine import lookup, lookup_arrays

    rng = random.Random(3)
    ids = array("I", sorted(rng.sample(range(5, 100_000), 3_000)))
    weights = array("f", [float(rng.randint(1, 9)) for _ in ids])
    by_doc = dict(zip(ids, weights))
    for n in (1, 10, 400, 5_000):
        cands = set(rng.sample(range(0, 100_010), n)) | {0, 4, ids[0], ids[-1], 100_009}
        want = {d: by_doc[d] for d in sorted(cands) if d in by_doc}
        assert lookup((ids, weights), cands) == want
        assert list(lookup((ids, list(weights)), cands).items()) == list(want.items())
        assert lookup((ids, None), cands) == dict.fromkeys(want, 1.0)
        docs, _ = lookup_arrays((ids, weights), cands)
        assert docs.tolist() == sorted(want)           # document order
    assert lookup((array("I"), None), {1, 2}) == {}
    assert lookup((ids, weights), set()) == {}
