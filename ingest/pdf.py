"""PDF pages: structure checks and text layers with pypdf, page images with pypdfium2.

pdfium is not thread-safe (not even across documents), and a worker runs several
documents at once, so every pdfium call in this module holds ``PDFIUM_LOCK``. Page images
are produced by the thread that iterates a document; only OCR runs in parallel.
"""

from __future__ import annotations

import logging
import math
import re
import threading
import unicodedata
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image
from pypdf import PasswordType, PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError

from ingest.errors import IngestError, TransientIngestError
from ingest.images import check_pixels, to_grayscale
from ingest.pagetree import MAX_PAGE_PT, MIN_PAGE_PT, page_boxes
from ingest.results import Limits, WordBox

log = logging.getLogger(__name__)

PDFIUM_LOCK = threading.RLock()

# A page whose text layer has fewer non-space characters than this is treated as a scan:
# scanners often stamp a date or page number as text on an image-only page.
MIN_TEXT_CHARS = 16
# An image covering at least this share of the page, alone on it, is the page's scan.
FULL_PAGE_SHARE = 0.85
_EOF_WINDOW = 1024  # where readers look for the %%EOF marker at the end of a file
_DISPLAY_LONG_SIDE = 1600
MAX_RENDER_SIDE = 30000  # pixels; Leptonica (Tesseract) refuses images over 2^15 a side


def open_reader(path: Path, limits: Limits | None = None) -> PdfReader:
    """A pypdf reader for a readable PDF, decrypted when the user password is empty.

    Only the trailer, the catalogue and the page tree as far as its first page are read
    here: the pages are counted by ``check_pages``, which stops at the page limit.
    Raises IngestError: truncated_pdf, corrupt_pdf, encrypted_pdf, empty_pdf.
    """
    with open(path, "rb") as fh:
        fh.seek(0, 2)
        size = fh.tell()
        fh.seek(max(0, size - _EOF_WINDOW))
        if b"%%EOF" not in fh.read():
            raise IngestError("truncated_pdf")
    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted:
            try:
                if reader.decrypt("") == PasswordType.NOT_DECRYPTED:
                    raise IngestError("encrypted_pdf")
            except (FileNotDecryptedError, NotImplementedError, DependencyError) as exc:
                raise IngestError("encrypted_pdf") from exc
        first = next(page_boxes(reader), None)
    except IngestError:
        raise
    except MemoryError:
        raise
    except Exception as exc:  # pypdf raises many kinds of errors on damaged files
        raise IngestError("corrupt_pdf", detail=_short(exc)) from exc
    if first is None:
        raise IngestError("empty_pdf")
    return reader


def check_image_sizes(reader: PdfReader, limits: Limits) -> None:
    """Refuse (image_too_large) a PDF embedding an image whose declared size is over the
    pixel limit, reading only the image dictionaries (nothing is decoded)."""
    seen: set[int] = set()
    for page in reader.pages:
        _check_resources(page.get("/Resources"), limits, seen, depth=0)


def _check_resources(resources, limits: Limits, seen: set[int], depth: int) -> None:
    if resources is None or depth > 4:
        return
    try:
        xobjects = resources.get_object().get("/XObject")
        items = list(xobjects.get_object().items()) if xobjects is not None else []
    except Exception:  # a damaged resource dictionary: pdfium checks again before rendering
        return
    for _name, ref in items:
        key = getattr(ref, "idnum", None) or id(ref)
        if key in seen:
            continue
        seen.add(key)
        try:
            xobject = ref.get_object()
            subtype = xobject.get("/Subtype")
            if subtype == "/Image":
                width, height = int(xobject.get("/Width", 0)), int(xobject.get("/Height", 0))
                if width * height > limits.max_pixels:
                    check_pixels(width, height, limits)
            elif subtype == "/Form":
                _check_resources(xobject.get("/Resources"), limits, seen, depth + 1)
        except IngestError:
            raise
        except Exception:
            continue


def open_document(path: Path) -> pdfium.PdfDocument:
    """The same file opened by pdfium (for images); corrupt_pdf/encrypted_pdf if it cannot."""
    with PDFIUM_LOCK:
        try:
            return pdfium.PdfDocument(str(path))
        except pdfium.PdfiumError as exc:
            if "password" in str(exc).lower():
                raise IngestError("encrypted_pdf") from exc
            raise IngestError("corrupt_pdf", detail=_short(exc)) from exc


def _words(textpage, scale: float, left0: float, top0: float) -> list[WordBox]:
    words: list[WordBox] = []
    chars: list[str] = []
    box: list[float] = []

    def flush() -> None:
        if chars and box:
            left, bottom, right, top = box
            words.append(WordBox(unicodedata.normalize("NFC", "".join(chars)), 100.0,
                                 round((left - left0) * scale), round((top0 - top) * scale),
                                 max(1, round((right - left) * scale)), max(1, round((top - bottom) * scale))))
        chars.clear()
        box.clear()

    for i in range(textpage.count_chars()):
        char = chr(pdfium_c.FPDFText_GetUnicode(textpage, i) or 32)
        if char.isspace() or char == "\x00":
            flush()
            continue
        left, bottom, right, top = textpage.get_charbox(i)
        chars.append(char)
        if right > left and top > bottom:
            if box:
                box[:] = [min(box[0], left), min(box[1], bottom), max(box[2], right), max(box[3], top)]
            else:
                box[:] = [left, bottom, right, top]
    flush()
    return words


def _short(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text[:200]


def text_layer(reader: PdfReader, index: int) -> str | None:
    """The page's text layer in NFC, or None when it has (almost) none or it does not
    decode to real text (then the page is OCR'd)."""
    try:
        text = reader.pages[index].extract_text() or ""
    except MemoryError:
        raise
    except Exception as exc:  # a broken content stream: fall back to OCR of the image
        log.warning("text layer of page %d unreadable (%s); OCR instead", index + 1, _short(exc))
        return None
    text = unicodedata.normalize("NFC", text)
    if not usable_text(text):
        return None
    lines = [line.rstrip() for line in text.splitlines()]
    return "\n".join(lines).strip("\n")


_NOT_TEXT = {"Co", "Cc", "Cn", "Cs"}  # private use, control, unassigned, surrogate
# A control character touching a letter: the font's Unicode map sends a real letter to a
# control code. Ghostscript's PDF/A output of a vntex (T5) LaTeX file maps every "đ" to
# U+0012 ("\x12ịnh kỳ" for "định kỳ"); the rest reads well, so the share rule below
# lets it through, and every word with that letter would be lost to search.
_BROKEN_MAP = re.compile(r"[^\W\d_][\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f][^\W\d_]")


def usable_text(text: str) -> bool:
    """At least MIN_TEXT_CHARS visible characters, at most a tenth of them private-use,
    control or replacement characters (what fonts without a Unicode map extract as), and
    no control character inside a word (a Unicode map that is wrong for some letters)."""
    visible = [ch for ch in text if not ch.isspace()]
    if len(visible) < MIN_TEXT_CHARS:
        return False
    if _BROKEN_MAP.search(text):
        return False
    bad = sum(ch == "\ufffd" or unicodedata.category(ch) in _NOT_TEXT for ch in visible)
    return bad * 10 <= len(visible)


class PdfPages:
    """Page images of one PDF (pdfium), opened for the duration of an ingest."""

    def __init__(self, path: Path, limits: Limits, render_dpi: int = 300):
        self.limits = limits
        self.render_dpi = render_dpi
        self.document = open_document(path)

    def __len__(self) -> int:
        with PDFIUM_LOCK:
            return len(self.document)

    def close(self) -> None:
        with PDFIUM_LOCK:
            self.document.close()

    def __enter__(self) -> "PdfPages":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def scan_image(self, index: int) -> tuple[Image.Image, int | None]:
        """The page as an 8-bit grayscale image for OCR, and its dpi.

        When the page is a single image covering the page (a scan), that image at its own
        resolution; otherwise the page rendered at ``render_dpi``, smaller if that would
        exceed the pixel limit. An embedded image over the limit is refused before pdfium
        decodes it (image_too_large).
        """
        with PDFIUM_LOCK:
            try:
                page = self.document[index]
                try:
                    images = self._check_images(page)
                    scan = self._single_image(page, images)
                    if scan is not None:
                        return scan
                    return self._render(page, self.render_dpi, grayscale=True, number=index + 1)
                finally:
                    page.close()
            except pdfium.PdfiumError as exc:
                raise TransientIngestError(f"pdfium failed on page {index + 1}: {exc}") from exc

    def display_image(self, index: int) -> tuple[Image.Image, int]:
        """The page rendered in colour with a long side of about 1600 px (text-layer
        pages), and the resolution it was rendered at."""
        with PDFIUM_LOCK:
            try:
                page = self.document[index]
                try:
                    self._check_images(page)
                    width, height = page.get_size()
                    dpi = _DISPLAY_LONG_SIDE * 72 / max(width, height, 1)
                    return self._render(page, dpi, grayscale=False, number=index + 1)
                finally:
                    page.close()
            except pdfium.PdfiumError as exc:
                raise TransientIngestError(f"pdfium failed on page {index + 1}: {exc}") from exc

    def text_words(self, index: int, image_width: int) -> list[WordBox]:
        """Word boxes of the page's text layer (confidence 100), in the pixels of the page
        rendered ``image_width`` pixels wide; none for a rotated page or when pdfium cannot
        say."""
        with PDFIUM_LOCK:
            try:
                page = self.document[index]
                try:
                    if page.get_rotation() != 0:
                        return []
                    left0, _bottom, right0, top0 = page.get_cropbox()
                    textpage = page.get_textpage()
                    try:
                        return _words(textpage, image_width / max(1e-6, right0 - left0), left0, top0)
                    finally:
                        textpage.close()
                finally:
                    page.close()
            except pdfium.PdfiumError as exc:
                log.warning("no word boxes for page %d: %s", index + 1, exc)
                return []

    def _check_images(self, page) -> list:
        images = list(page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=4))
        for obj in images:
            check_pixels(*obj.get_px_size(), self.limits)
        return images

    def _single_image(self, page, images: list) -> tuple[Image.Image, int | None] | None:
        if len(images) != 1 or page.get_rotation() != 0:
            return None
        texts = list(page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_TEXT], max_depth=4))
        if texts:
            return None
        obj = images[0]
        width, height = page.get_size()
        left, bottom, right, top = obj.get_bounds()
        shown = max(0.0, min(right, width) - max(left, 0)) * max(0.0, min(top, height) - max(bottom, 0))
        if shown < FULL_PAGE_SHARE * width * height:
            return None
        # Rendered at its native size: applies /Decode arrays, masks and any rotation
        # in the image matrix, so the result is upright as the page shows it.
        bitmap = obj.get_bitmap(render=True, scale_to_original=True)
        image = to_grayscale(bitmap.to_pil())
        dpi = round(image.width * 72 / max(1e-6, right - left))
        return image, (dpi if 50 <= dpi <= 4800 else None)

    def _render(self, page, dpi: float, *, grayscale: bool, number: int = 0) -> tuple[Image.Image, int]:
        # The caller has checked the page's images against the pixel limit. Inspection
        # refused absurd page sizes, but this runs on whatever pdfium makes of the file:
        # the bitmap is bounded here too, by the pixel limit and by MAX_RENDER_SIDE.
        width, height = page.get_size()
        if not (math.isfinite(width) and math.isfinite(height) and width > 0 and height > 0):
            raise IngestError("bad_page_size", page=number, width=width, height=height,
                              min_pt=MIN_PAGE_PT, max_pt=MAX_PAGE_PT)
        scale = dpi / 72
        pixels = width * scale * height * scale
        if pixels > self.limits.max_pixels:  # a huge page: render it smaller, not bigger
            scale *= math.sqrt(self.limits.max_pixels / pixels) * 0.999
        if max(width, height) * scale > MAX_RENDER_SIDE:  # a long strip: no side Tesseract refuses
            scale = MAX_RENDER_SIDE / max(width, height)
        scale = max(scale, 1e-3)
        bitmap = page.render(scale=scale, grayscale=grayscale)
        image = bitmap.to_pil()
        image = to_grayscale(image) if grayscale else image.convert("RGB")
        return image, round(scale * 72)

