"""Tesseract kept loaded (ingest.tesspool, ingest.tessproc, ingest.tessapi) on the real
libtesseract: pages read right by a process that stays, the same word boxes as the
``tesseract`` command, and a crash, a timeout, a missing language or a dead idle process
each handled.

Bad inputs tried: a process killed with SIGSEGV in the middle of a page, a page over its
timeout, a language that does not exist, an idle process killed between two pages, an
empty image, options the engine does not know or that lack their value.
"""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest
from PIL import Image

from docsvc.sampledata.cer import character_error_rate
from ingest.errors import IngestError, TransientIngestError
from ingest.images import prepare_for_ocr
from ingest.ocr import TesseractCliEngine, TesseractEngine, _parse_config

def _wait_for(predicate, what: str, limit: float = 120.0):
    """Wait on a state of the pool (not on the clock); the limit only stops a hang."""
    deadline = time.monotonic() + limit
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"never saw {what}")
        time.sleep(0.005)


def _crop(page, height=1200):
    crop = page.image.crop((0, 0, page.image.width, height))
    crop.info["dpi"] = (300, 300)
    return crop


@pytest.mark.parametrize("config, expected", [
    ("--psm 6", (6, None, {})),
    ("--psm 4 --dpi 200 -c preserve_interword_spaces=1", (4, 200, {"preserve_interword_spaces": "1"})),
])
def test_config_takes_the_commands_options(config, expected):
    assert _parse_config(config) == expected


@pytest.mark.parametrize("config", ["--oem 1", "--psm", "-c novalue", "--user-words x"])
def test_config_refuses_what_it_does_not_know(config):
    with pytest.raises(ValueError):
        _parse_config(config)


@pytest.mark.ocr
@pytest.mark.xdist_group("ocr")
def test_pages_are_read_right_by_one_process_that_stays(samples):
    engine = TesseractEngine()
    try:
        first = engine.recognize(samples.register_page.image, page=1)
        pids = engine.processes.idle_pids()
        second = engine.recognize(samples.doc_page.image, page=2)
        assert len(pids) == 1 and engine.processes.idle_pids() == pids  # loaded once, reused
        cer1 = character_error_rate(samples.register_page.text, first.text)
        cer2 = character_error_rate(samples.doc_page.text, second.text)
        print(f"resident Tesseract CER: register page {cer1:.2%}, document page {cer2:.2%}")
        assert cer1 <= 0.01 and cer2 <= 0.01
        assert 0 < first.confidence <= 100
        for word in first.words:
            assert 0 <= word.left and word.left + word.width <= samples.register_page.image.width
            assert 0 <= word.top and word.top + word.height <= samples.register_page.image.height
    finally:
        engine.close()
    assert engine.processes.idle_pids() == [] and _is_gone(pids[0])


@pytest.mark.ocr
@pytest.mark.xdist_group("ocr")
@pytest.mark.parametrize("dpi", [300, None])
def test_same_text_and_word_boxes_as_the_tesseract_command(samples, dpi):
    """The noisy page prepared as the pipeline prepares it, with and without a resolution
    (without one, both let Tesseract estimate it)."""
    image = prepare_for_ocr(samples.noisy_page.image)
    image.info.pop("dpi", None)
    if dpi:
        image.info["dpi"] = (dpi, dpi)
    engine = TesseractEngine()
    try:
        resident = engine.recognize(image, page=1)
    finally:
        engine.close()
    command = TesseractCliEngine().recognize(image, page=1)
    assert len(resident.words) > 50
    assert resident.words == command.words
    assert resident.text == command.text and resident.confidence == command.confidence


@pytest.mark.ocr
@pytest.mark.xdist_group("ocr")
def test_a_crash_fails_the_page_as_transient_and_the_next_page_gets_a_new_process(samples):
    engine = TesseractEngine()
    caught: list[BaseException] = []

    def read():
        try:
            engine.recognize(samples.register_page.image, page=4)
        except BaseException as exc:  # noqa: BLE001 - handed to the test below
            caught.append(exc)

    try:
        thread = threading.Thread(target=read)
        thread.start()
        crashed = _wait_for(engine.processes.busy_pids, "a process reading the page")[0]
        os.kill(crashed, signal.SIGSEGV)
        thread.join()
        assert len(caught) == 1 and isinstance(caught[0], TransientIngestError)
        assert "page 4" in str(caught[0])
        assert engine.processes.idle_pids() == [] and engine.processes.busy_pids() == []
        result = engine.recognize(_crop(samples.doc_page), page=5)
        assert "CỘNG HÒA" in result.text
        assert crashed not in engine.processes.idle_pids()
    finally:
        engine.close()


@pytest.mark.ocr
@pytest.mark.xdist_group("ocr")
def test_a_page_over_its_timeout_is_an_ocr_timeout_and_its_process_is_killed(samples):
    engine = TesseractEngine(timeout=0.01)
    try:
        with pytest.raises(IngestError) as caught:
            engine.recognize(samples.doc_page.image, page=7)
        assert caught.value.code == "ocr_timeout" and "7" in caught.value.message("vi")
        assert engine.processes.idle_pids() == [] and engine.processes.busy_pids() == []
        engine.timeout = 300
        assert "CỘNG HÒA" in engine.recognize(_crop(samples.doc_page), page=8).text
    finally:
        engine.close()


@pytest.mark.ocr
@pytest.mark.xdist_group("ocr")
def test_an_idle_process_found_dead_is_replaced_without_failing_the_page(samples):
    engine = TesseractEngine()
    try:
        page = _crop(samples.doc_page)
        engine.recognize(page, page=1)
        [dead] = engine.processes.idle_pids()
        os.kill(dead, signal.SIGKILL)
        _wait_for(lambda: _is_gone(dead), "the killed process end")
        assert "CỘNG HÒA" in engine.recognize(page, page=2).text
        assert engine.processes.idle_pids() != [dead]
    finally:
        engine.close()


def _is_gone(pid: int) -> bool:
    """Dead (a zombie not yet reaped counts as dead)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


@pytest.mark.ocr
@pytest.mark.xdist_group("ocr")
def test_a_missing_language_is_transient_and_leaves_no_process():
    engine = TesseractEngine(lang="khong_co_ngon_ngu_nay")
    with pytest.raises(TransientIngestError) as caught:
        engine.recognize(Image.new("L", (200, 100), 255), page=3)
    assert "khong_co_ngon_ngu_nay" in str(caught.value)
    assert engine.processes.idle_pids() == [] and engine.processes.busy_pids() == []


@pytest.mark.ocr
@pytest.mark.xdist_group("ocr")
def test_pages_read_at_once_each_get_a_process():
    """Two pages taken at once (as two OCR threads do) get two processes, both kept."""
    engine = TesseractEngine()
    pool = engine.processes
    try:
        first, second = pool._take(1), pool._take(2)
        assert first.pid != second.pid and pool.busy_pids() == sorted([first.pid, second.pid])
        pool._give_back(first, True)
        pool._give_back(second, True)
        assert sorted(pool.idle_pids()) == sorted([first.pid, second.pid])
    finally:
        engine.close()
    assert _is_gone(first.pid) and _is_gone(second.pid)


def test_more_threads_than_processes_never_start_more_processes(samples):
    """The pipeline's executor has twice as many threads as Tesseract processes; the engine
    lets ``processes`` pages in at once, so six threads on three pages with processes=1 read
    every page right through one process, and at no moment are two pages in Tesseract."""
    engine = TesseractEngine(processes=1)
    pool = engine.processes
    crops = [_crop(samples.register_page, 400), _crop(samples.doc_page, 400), _crop(samples.register_page, 800)]
    most_busy = []
    stop = threading.Event()

    def watch():
        while not stop.is_set():
            most_busy.append(len(pool.busy_pids()))
            time.sleep(0.001)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        results: dict[int, str] = {}

        def read(index: int) -> None:
            results[index] = engine.recognize(crops[index % 3], page=index + 1).text

        threads = [threading.Thread(target=read, args=(i,)) for i in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        stop.set()
        watcher.join()
        assert len(results) == 6 and all(results[i] == results[i % 3] for i in range(6))
        assert all(results[i].strip() for i in range(3))
        assert max(most_busy) == 1
        assert len(pool.idle_pids()) == 1
    finally:
        stop.set()
        engine.close()


def test_an_empty_image_is_an_empty_page_without_starting_tesseract():
    engine = TesseractEngine(lang="khong_co_ngon_ngu_nay")  # would fail if it started
    result = engine.recognize(Image.new("L", (0, 0)), page=1)
    assert (result.text, result.confidence, result.words) == ("", None, [])


@pytest.mark.ocr
@pytest.mark.xdist_group("ocr")
def test_the_pipeline_starts_its_processes_before_the_first_page(samples):
    """Pipeline(concurrency=2) starts two processes at once; the first page uses one of
    them instead of starting another."""
    from ingest.pipeline import Pipeline
    from ingest.results import PNG, Limits

    engine = TesseractEngine()
    try:
        Pipeline(engine, Limits(), concurrency=2)
        warmed = sorted(engine.processes.idle_pids())
        assert len(warmed) == 2
        [page] = Pipeline(engine, Limits(), concurrency=2).pages(samples.png, PNG)
        assert "CỘNG HÒA" in page.text
        assert sorted(engine.processes.idle_pids()) == warmed
    finally:
        engine.close()
