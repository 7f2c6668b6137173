"""OCR behind a small interface: the real Tesseract adapter and a fake for rule tests."""

from __future__ import annotations

import os
import tempfile
import threading
import unicodedata
from dataclasses import dataclass, field
from typing import Callable, Mapping, Protocol

from PIL import Image

from ingest.errors import IngestError, TransientIngestError
from ingest.results import WordBox

# Words with no letter or digit and a confidence below this are dust and grain read as
# punctuation (":", "'", "ˆ"); real punctuation standing alone (the "-" of "Độc lập - Tự
# do") is read with high confidence and kept.
NOISE_CONFIDENCE = 85.0
# A word under this share of the median word height, read with less confidence than
# TINY_CONFIDENCE, is a speck (real words, even "-", are read with high confidence).
TINY_SHARE = 0.3
TINY_CONFIDENCE = 90.0


@dataclass
class OcrResult:
    """Text of one page (NFC; lines joined by newlines, paragraphs by a blank line), the
    mean word confidence 0-100 (None when no word was found) and the word boxes."""

    text: str
    confidence: float | None
    words: list[WordBox] = field(default_factory=list)


class OcrEngine(Protocol):
    def recognize(self, image: Image.Image, *, page: int) -> OcrResult:
        """Recognise the text of one page image (8-bit grayscale, ``info["dpi"]`` if known)."""
        ...


class TesseractEngine:
    """Tesseract kept loaded: libtesseract in long-lived processes (``ingest.tesspool``).

    The same reading as ``TesseractCliEngine`` (the ``tesseract`` command per page), with
    the same settings (language, ``--psm``, the resolution as ``--dpi`` when known, one
    OpenMP thread) and the same TSV, so the same text and word boxes; but the language
    model is loaded once per process instead of once per page (about 0.12 of each
    page's 0.8 CPU s), and the page goes through a pipe instead of a temporary file.
    Timeouts and crashes behave as before: ``ocr_timeout`` after ``timeout`` seconds of
    one page, TransientIngestError when Tesseract dies, cannot start or lacks the
    language. See TesseractCliEngine for the choice of language and page segmentation.

    ``config`` takes the command's options that matter here: ``--psm N``, ``--dpi N``
    and ``-c NAME=VALUE``.
    """

    DEFAULT_CONFIG = "--psm 6"

    def __init__(self, lang: str = "vie", timeout: float = 300, config: str = "",
                 processes: int | None = None):
        from ingest.tesspool import TesseractProcesses

        # ``processes``: pages read at once, whatever the number of threads calling. The
        # pipeline's threads then outnumber the Tesseract processes: while a process reads a
        # page, another thread decodes, prepares or encodes the next one, instead of the
        # process waiting for the thread that owns it (docsvc.services.container).
        self._at_once = threading.BoundedSemaphore(processes) if processes else None
        self.lang = lang
        self.timeout = timeout
        self.config = config if "--psm" in config else f"{self.DEFAULT_CONFIG} {config}".strip()
        psm, self.dpi, variables = _parse_config(self.config)
        os.environ["OMP_THREAD_LIMIT"] = "1"
        self.processes = TesseractProcesses(lang, psm, variables)

    def recognize(self, image: Image.Image, *, page: int) -> OcrResult:
        """OCR one page; ``ocr_timeout`` (IngestError) after ``timeout`` seconds, and
        TransientIngestError when Tesseract crashes or cannot be run."""
        if image.mode != "L":
            image = image.convert("L")
        if not image.width or not image.height:
            return OcrResult("", None, [])
        dpi = self.dpi
        if not dpi and image.info.get("dpi"):
            dpi = round(float(image.info["dpi"][0]))
        pixels = image.tobytes()
        if self._at_once is None:
            tsv = self.processes.tsv(pixels, image.width, image.height, dpi or 0, page=page, timeout=self.timeout)
        else:
            with self._at_once:
                tsv = self.processes.tsv(pixels, image.width, image.height, dpi or 0,
                                         page=page, timeout=self.timeout)
        return parse_tsv(tsv)

    def warm(self, pages_at_once: int) -> None:
        """Start the processes for ``pages_at_once`` pages now, so that they load the
        language while the caller does other work (see TesseractProcesses.warm)."""
        self.processes.warm(pages_at_once)

    def close(self) -> None:
        """End the Tesseract processes (they also end with this process)."""
        self.processes.close()


def _parse_config(config: str) -> tuple[int, int | None, dict[str, str]]:
    """(psm, dpi or None, Tesseract variables) from command-line style options."""
    tokens = config.split()
    psm, dpi, variables = 6, None, {}
    i = 0
    while i < len(tokens):
        option = tokens[i]
        value = tokens[i + 1] if i + 1 < len(tokens) else None
        if option in ("--psm", "--dpi", "-c") and value is None:
            raise ValueError(f"Tesseract option {option} needs a value")
        if option == "--psm":
            psm = int(value)
        elif option == "--dpi":
            dpi = int(value)
        elif option == "-c" and "=" in value:
            name, _, setting = value.partition("=")
            variables[name] = setting
        else:
            raise ValueError(f"unsupported Tesseract option {option!r}")
        i += 2
    return psm, dpi, variables


class TesseractCliEngine:
    """Tesseract through pytesseract: one ``tesseract`` command, ``image_to_data``, per
    page. The engine used before ``TesseractEngine`` kept Tesseract loaded; kept as the
    reference its output is compared with (tests/ingest/test_resident_ocr.py) and as a
    fallback where libtesseract cannot be loaded with ctypes.

    Every Tesseract process runs with one OpenMP thread (``OMP_THREAD_LIMIT=1``): with
    one process per core, Tesseract's own threads only fight each other and make it
    several times slower. The page goes to Tesseract as an uncompressed PGM file (no PNG
    encoding for a file read once), with its resolution as ``--dpi`` when known.

    Language: ``vie`` alone by default. On the pages of tests/ingest/test_accuracy.py
    ``vie+eng`` was less accurate (clean CER 0.42% against 0.04%, noisy 1.80% against
    0.63%) and 10-20% slower: the Vietnamese model already reads Latin letters, digits and
    abbreviations, and the English one only adds wrong guesses for accented words.

    Page segmentation: ``--psm 6`` (one uniform block of text) unless ``config`` says
    otherwise. Administrative documents and register pages are one column under a
    two-column header, which psm 6 reads across, row by row. Measured on the generated
    noisy pages: psm 6 stayed near 1% CER up to 4° of skew, where psm 4 went to 9% at
    2.5° and 34% at 4°, and the automatic mode (3) moved whole lines out of order on
    dusty pages (one page from 1% to 14%); psm 4 was a little better (0.6% against 1.0%)
    only on pages skewed about a degree.
    """

    DEFAULT_CONFIG = "--psm 6"

    def __init__(self, lang: str = "vie", timeout: int = 300, config: str = ""):
        self.lang = lang
        self.timeout = timeout
        self.config = config if "--psm" in config else f"{self.DEFAULT_CONFIG} {config}".strip()
        # pytesseract starts tesseract with this process's environment.
        os.environ["OMP_THREAD_LIMIT"] = "1"

    def recognize(self, image: Image.Image, *, page: int) -> OcrResult:
        """OCR one page; ``ocr_timeout`` (IngestError) after ``timeout`` seconds, and
        TransientIngestError when Tesseract crashes or cannot be run."""
        import pytesseract  # here: 0.1-0.15 s of imports (numpy) every command would pay

        os.environ["OMP_THREAD_LIMIT"] = "1"
        if image.mode != "L":
            image = image.convert("L")
        config = self.config
        dpi = image.info.get("dpi")
        if dpi and "--dpi" not in config:
            config = f"{config} --dpi {round(float(dpi[0]))}".strip()
        fd, path = tempfile.mkstemp(prefix="docsvc-ocr-", suffix=".pgm")
        try:
            with os.fdopen(fd, "wb") as fh:
                image.save(fh, "PPM")
            tsv = pytesseract.image_to_data(path, lang=self.lang, config=config,
                                            timeout=self.timeout)
        except pytesseract.TesseractNotFoundError as exc:
            raise TransientIngestError("tesseract is not installed or not on PATH") from exc
        except pytesseract.TesseractError as exc:
            raise TransientIngestError(
                f"tesseract failed on page {page} (status {exc.status}): {exc.message}") from exc
        except RuntimeError as exc:
            if "timeout" in str(exc).lower():
                raise IngestError("ocr_timeout", page=page, seconds=self.timeout) from exc
            raise TransientIngestError(f"tesseract failed on page {page}: {exc}") from exc
        except OSError as exc:
            raise TransientIngestError(f"cannot run tesseract on page {page}: {exc}") from exc
        finally:
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass
        return parse_tsv(tsv)


def parse_tsv(tsv: str) -> OcrResult:
    """Text, mean confidence and word boxes from Tesseract's TSV output.

    Lines are rebuilt from the block/paragraph/line numbers of each word and put in
    reading order (see ``_reading_order``); a change of paragraph or block between two
    lines gives a blank line, as Tesseract's own text output does.
    """
    rows = tsv.splitlines()
    if not rows:
        return OcrResult("", None, [])
    header = rows[0].split("\t")
    col = {name: i for i, name in enumerate(header)}
    found: list[tuple[tuple[str, str, str], WordBox]] = []
    for row in rows[1:]:
        cells = row.split("\t")
        if len(cells) < len(header) or cells[col["level"]] != "5":
            continue
        text = unicodedata.normalize("NFC", cells[col["text"]].strip())
        conf = float(cells[col["conf"]])
        if not text or conf < 0:
            continue
        key = (cells[col["block_num"]], cells[col["par_num"]], cells[col["line_num"]])
        found.append((key, WordBox(text, conf, int(cells[col["left"]]), int(cells[col["top"]]),
                                   int(cells[col["width"]]), int(cells[col["height"]]))))
    heights = sorted(w.height for _key, w in found)
    tiny = heights[len(heights) // 2] * TINY_SHARE if heights else 0
    lines: dict[tuple[str, str, str], list[WordBox]] = {}
    for key, word in found:
        if not _is_noise(word, tiny):
            lines.setdefault(key, []).append(word)
    ordered = _reading_order(list(lines.items()))
    parts: list[str] = []
    previous_par = None
    for (block, par, _line), line_words in ordered:
        if parts:
            parts.append("\n\n" if (block, par) != previous_par else "\n")
        parts.append(" ".join(w.text for w in line_words))
        previous_par = (block, par)
    words = [w for _key, line_words in ordered for w in line_words]
    confidence = sum(w.confidence for w in words) / len(words) if words else None
    return OcrResult("".join(parts), confidence, words)


def _reading_order(lines: list) -> list:
    """Lines top to bottom; lines on the same row (within half a word height) left to
    right.

    Tesseract sometimes takes a clean body line out into a block of its own and lists it
    after the rest of the page (seen on dusty scans: one page went from 1% to 14% CER).
    For single-column pages (psm 4 and 6) the position on the page is the reading order;
    a line's position is that of its first (leftmost) word, which skew barely moves.
    """
    if len(lines) < 2:
        return lines
    heights = sorted(w.height for _key, words in lines for w in words)
    tolerance = heights[len(heights) // 2] / 2

    def middle(item) -> float:
        first = item[1][0]
        return first.top + first.height / 2

    rows: list[list] = []
    row_middle = 0.0
    for item in sorted(lines, key=middle):  # stable: Tesseract's order breaks ties
        if not rows or middle(item) - row_middle > tolerance:
            rows.append([])
            row_middle = middle(item)
        rows[-1].append(item)
    return [item for row in rows for item in sorted(row, key=lambda item: item[1][0].left)]


def _is_noise(word: WordBox, tiny: float) -> bool:
    """Dust read as text: low-confidence punctuation, or a low-confidence "word" a
    fraction of the height of the page's words (a speck read as "l" or ":")."""
    if word.confidence >= TINY_CONFIDENCE:
        return False
    if word.height < tiny:
        return True
    # Modifier letters (ˆ ˇ ˊ, category Lm) count as marks here: they are what a speck
    # above a line is read as.
    return word.confidence < NOISE_CONFIDENCE and not any(
        ch.isalnum() and unicodedata.category(ch) != "Lm" for ch in word.text)


class FakeOcrEngine:
    """For rule tests: returns the text given per page number (a mapping, one string for
    every page, or a function of (image, page)); records every call; can fail on chosen
    pages with a given exception."""

    def __init__(self, pages: Mapping[int, str] | Callable[[Image.Image, int], str] | str = "",
                 *, confidence: float = 90.0, fail: Mapping[int, BaseException] | None = None):
        self.pages = pages
        self.confidence = confidence
        self.fail = dict(fail or {})
        self.calls: list[int] = []
        self.images: dict[int, tuple[str, tuple[int, int], object]] = {}
        self._lock = threading.Lock()

    def recognize(self, image: Image.Image, *, page: int) -> OcrResult:
        with self._lock:
            self.calls.append(page)
            self.images[page] = (image.mode, image.size, image.info.get("dpi"))
        if page in self.fail:
            raise self.fail[page]
        if callable(self.pages):
            text = self.pages(image, page)
        elif isinstance(self.pages, str):
            text = self.pages
        else:
            text = self.pages.get(page, "")
        text = unicodedata.normalize("NFC", text)
        words = [WordBox(word, self.confidence, 10 * i, 10, 8, 8) for i, word in enumerate(text.split())]
        return OcrResult(text, self.confidence if words else None, words)
