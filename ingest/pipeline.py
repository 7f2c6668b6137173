"""Files to pages of text: text layers where a PDF has them, OCR of page images elsewhere.

The thread iterating ``Pipeline.pages`` reads the file and produces page images one at a
time (pdfium is not thread-safe); OCR of those images runs on an executor, up to
``concurrency`` pages at once plus one page ready and waiting, so the cores stay busy
while memory stays bounded whatever the number of pages. Results come out in page order.
"""

from __future__ import annotations

import os
import unicodedata
from collections import deque
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Container, Iterator

from PIL import Image

from ingest.errors import IngestError
from ingest.images import display_images, iter_frames, prepare_for_ocr
from ingest.ocr import OcrEngine
from ingest.results import JPEG, PDF, PNG, TIFF, Limits, PageResult


@dataclass
class _OcrTask:
    """A page image waiting for OCR (8-bit grayscale, upright)."""

    number: int
    image: Image.Image
    dpi: int | None


class Pipeline:
    """Turns one file into ``PageResult``s. Stateless between files; safe to share
    between threads (each ``pages`` call has its own state)."""

    def __init__(self, ocr: OcrEngine, limits: Limits, *, render_dpi: int = 300,
                 concurrency: int | None = None, executor: Executor | None = None):
        self.ocr = ocr
        self.limits = limits
        self.render_dpi = render_dpi
        self.concurrency = max(1, concurrency or os.cpu_count() or 1)
        self.executor = executor
        # Finished pages held back while an earlier one is still being read: bounded.
        self.max_window = 2 * self.concurrency + 2
        # An engine that can get ready ahead (TesseractEngine loads its language in
        # processes of its own) starts now, while the caller stores files or waits.
        warm = getattr(ocr, "warm", None)
        if warm is not None:
            warm(self.concurrency)

    def pages(self, path: Path, media_type: str, *, skip: Container[int] = ()) -> Iterator[PageResult]:
        """Yield the pages of a file in order (numbers from 1), except those in ``skip``,
        which are neither rendered nor OCR'd (already recorded by an earlier run).

        Raises IngestError for bad content (found while decoding) and
        TransientIngestError for failures worth a retry. Pages before the failing one
        have been yielded by then, so a retry can skip them.
        """
        path = Path(path)
        if media_type == PDF:
            source = self._pdf_pages(path, skip)
        elif media_type in (TIFF, PNG, JPEG):
            source = self._image_pages(path, media_type, skip)
        else:
            raise IngestError("unsupported_type", detail=f" ({media_type})")
        return self._run(source)

    # -- page sources (run in the caller's thread) --------------------------------------

    def _image_pages(self, path: Path, media_type: str, skip: Container[int]) -> Iterator[_OcrTask]:
        for number, gray, dpi in iter_frames(path, media_type, self.limits, skip):
            yield _OcrTask(number, gray, dpi)

    def _pdf_pages(self, path: Path, skip: Container[int]) -> Iterator[_OcrTask | PageResult]:
        # Imported here: pypdf and pdfium cost 0.1-0.15 s of start-up to every command
        # and worker, and a folder of scans never needs them.
        from ingest.pagetree import check_pages
        from ingest.pdf import PdfPages, open_reader, text_layer

        reader = open_reader(path, self.limits)
        # Counted (and page sizes checked) without loading pages before pypdf loads them all.
        count = check_pages(reader, self.limits)
        if count > self.limits.max_pages:
            raise IngestError("too_many_pages", pages=count, limit=self.limits.max_pages)
        count = len(reader.pages)
        with PdfPages(path, self.limits, self.render_dpi) as pdf:
            for index in range(count):
                number = index + 1
                if number in skip:
                    continue
                text = text_layer(reader, index)
                if text is None:
                    gray, dpi = pdf.scan_image(index)
                    yield _OcrTask(number, gray, dpi)
                    continue
                display, dpi = pdf.display_image(index)
                image, thumbnail = display_images(display)
                yield PageResult(number=number, text=text, source="text_layer", confidence=None,
                                 words=pdf.text_words(index, display.width), width=display.width,
                                 height=display.height, dpi=dpi, image=image, thumbnail=thumbnail)

    # -- OCR (runs on the executor) -----------------------------------------------------

    def _recognize(self, task: _OcrTask) -> PageResult:
        prepared = prepare_for_ocr(task.image)
        if task.dpi:
            prepared.info["dpi"] = (task.dpi, task.dpi)
        result = self.ocr.recognize(prepared, page=task.number)
        image, thumbnail = display_images(task.image)
        return PageResult(
            number=task.number, text=unicodedata.normalize("NFC", result.text), source="ocr",
            confidence=result.confidence, words=list(result.words), width=task.image.width,
            height=task.image.height, dpi=task.dpi, image=image, thumbnail=thumbnail)

    # -- the sliding window -------------------------------------------------------------

    def _run(self, source: Iterator[_OcrTask | PageResult]) -> Iterator[PageResult]:
        own = None
        executor = self.executor
        if executor is None:
            own = executor = ThreadPoolExecutor(self.concurrency, thread_name_prefix="ocr")
        window: deque[Future] = deque()
        try:
            for item in source:
                if isinstance(item, PageResult):
                    future: Future = Future()
                    future.set_result(item)
                else:
                    future = executor.submit(self._recognize, item)
                window.append(future)
                del item  # the page image now belongs to its task alone
                while window and window[0].done():
                    yield window.popleft().result()
                # One more page than there are cores: the next is ready when a core frees.
                while (sum(not f.done() for f in window) > self.concurrency
                       or len(window) > self.max_window):
                    wait([f for f in window if not f.done()], return_when=FIRST_COMPLETED)
                    while window and window[0].done():
                        yield window.popleft().result()
            while window:
                yield window.popleft().result()
        finally:
            for future in window:
                future.cancel()
            source.close()
            if own is not None:
                own.shutdown(wait=True, cancel_futures=True)
