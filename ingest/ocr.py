"""OCR behind a small interface: the real Tesseract adapter and a fake for rule tests."""

from __future__ import annotations

import os
import tempfile
import threading
import unicodedata
from dataclasses import dataclass, field
from typing import Callable, Mapping, Protocol

import pytesseract
from PIL import Image

from ingest.errors import IngestError, TransientIngestError
from ingest.results import WordBox

# Words with no letter or digit and a confidence below this are dust and grain read as
# punctuation (":", "'", "ˆ"); real punctuation standing alone (the "-" of "Độc lập - Tự
# do") is read with high confidence and kept.
NOISE_CONFIDENCE = 85.0


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
    """Tesseract through pytesseract: one ``image_to_data`` call per page.

    Every Tesseract process runs with one OpenMP thread (``OMP_THREAD_LIMIT=1``): with
    one process per core, Tesseract's own threads only fight each other and make it
    several times slower. The page goes to Tesseract as an uncompressed PGM file (no PNG
    encoding for a file read once), with its resolution as ``--dpi`` when known.
    """

    def __init__(self, lang: str = "vie+eng", timeout: int = 300, config: str = ""):
        self.lang = lang
        self.timeout = timeout
        self.config = config
        # pytesseract starts tesseract with this process's environment.
        os.environ["OMP_THREAD_LIMIT"] = "1"

    def recognize(self, image: Image.Image, *, page: int) -> OcrResult:
        """OCR one page; ``ocr_timeout`` (IngestError) after ``timeout`` seconds, and
        TransientIngestError when Tesseract crashes or cannot be run."""
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

    Lines are rebuilt from the block/paragraph/line numbers of each word; paragraphs
    (and blocks) are separated by a blank line, as Tesseract's own text output does.
    """
    rows = tsv.splitlines()
    if not rows:
        return OcrResult("", None, [])
    header = rows[0].split("\t")
    col = {name: i for i, name in enumerate(header)}
    words: list[WordBox] = []
    paragraphs: list[list[list[str]]] = []  # paragraphs -> lines -> words
    last_par = last_line = None
    for row in rows[1:]:
        cells = row.split("\t")
        if len(cells) < len(header) or cells[col["level"]] != "5":
            continue
        text = unicodedata.normalize("NFC", cells[col["text"]].strip())
        conf = float(cells[col["conf"]])
        if not text or conf < 0 or _is_noise(text, conf):
            continue
        par = (cells[col["block_num"]], cells[col["par_num"]])
        line = par + (cells[col["line_num"]],)
        if par != last_par:
            paragraphs.append([])
            last_par, last_line = par, None
        if line != last_line:
            paragraphs[-1].append([])
            last_line = line
        paragraphs[-1][-1].append(text)
        words.append(WordBox(text, conf, int(cells[col["left"]]), int(cells[col["top"]]),
                             int(cells[col["width"]]), int(cells[col["height"]])))
    text = "\n\n".join("\n".join(" ".join(line) for line in par) for par in paragraphs)
    confidence = sum(w.confidence for w in words) / len(words) if words else None
    return OcrResult(text, confidence, words)


def _is_noise(text: str, conf: float) -> bool:
    return conf < NOISE_CONFIDENCE and not any(ch.isalnum() for ch in text)


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
