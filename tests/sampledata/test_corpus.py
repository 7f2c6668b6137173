"""The demo corpus: a small varied set, all of it accepted by the ingest, reproducible."""

from __future__ import annotations

import hashlib

from PIL import Image

from docsvc.sampledata.corpus import write_demo_corpus
from ingest.inspect import inspect_file
from ingest.pdf import open_reader, text_layer
from ingest.results import JPEG, PDF, PNG, TIFF, Limits


def test_demo_corpus_is_varied_valid_and_reproducible(tmp_path):
    paths = write_demo_corpus(tmp_path / "a", seed=0)
    assert 6 <= len(paths) <= 10
    infos = {p.name: inspect_file(p, Limits()) for p in paths}
    assert {info.media_type for info in infos.values()} == {PDF, TIFF, PNG, JPEG}
    assert any(info.media_type == TIFF and info.page_count > 1 for info in infos.values())

    pdfs = [p for p in paths if infos[p.name].media_type == PDF]
    layers = [text_layer(open_reader(p), i) is not None for p in pdfs for i in range(infos[p.name].page_count)]
    assert sorted(layers) == [False, False, True, True]  # two typed pages (text layer), two scanned

    jpeg = next(p for p in paths if infos[p.name].media_type == JPEG)
    with Image.open(jpeg) as image:
        assert image.getexif().get(0x0112) == 6

    again = write_demo_corpus(tmp_path / "b", seed=0)
    digest = lambda p: hashlib.sha256(p.read_bytes()).hexdigest()  # noqa: E731
    assert [digest(p) for p in paths] == [digest(p) for p in again]
