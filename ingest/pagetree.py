"""A PDF's page tree, read without loading its pages: how many pages (up to the limit plus
one) and whether each has a size a renderer can be asked for."""

from __future__ import annotations

import math

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject

from ingest.errors import IngestError
from ingest.results import Limits


# Page sides we take, in points (1/72 inch). Acrobat's own largest page is 200 inches; a
# page beyond that, or under a point, is a mistake or an attack (a 10⁶-point MediaBox asks
# a renderer for a bitmap of terapixels), not a document.
MIN_PAGE_PT, MAX_PAGE_PT = 1, 14400


def check_pages(reader: PdfReader, limits: Limits) -> int:
    """The number of pages, counting at most ``limits.max_pages + 1`` of them, after
    checking each counted page's size (bad_page_size).

    The page tree is walked without loading the pages. A tree whose root declares more
    pages than the limit (``/Count``, the number pdfium and most viewers believe) is
    refused at once, with that number.
    """
    try:
        declared = reader.trailer["/Root"]["/Pages"].get("/Count")
        if isinstance(declared, int) and declared > limits.max_pages:
            return int(declared)
        count = 0
        for media, crop, unit in page_boxes(reader):
            count += 1
            _check_size(count, media, crop, unit)
            if count > limits.max_pages:
                break
    except IngestError:
        raise
    except MemoryError:
        raise
    except Exception as exc:
        raise IngestError("corrupt_pdf", detail=(str(exc) or type(exc).__name__)[:200]) from exc
    if count == 0:
        raise IngestError("empty_pdf")
    return count


def page_boxes(reader: PdfReader):
    """(MediaBox, CropBox, UserUnit) of each page in order, boxes inherited from the
    ancestors where the page has none, walking the tree with an explicit stack and
    skipping nodes already seen (a tree that loops is walked once)."""
    root = reader.trailer["/Root"]["/Pages"]
    seen: set[int] = set()
    if getattr(root, "indirect_reference", None) is not None:
        seen.add(root.indirect_reference.idnum)
    stack = [(root, None, None)]
    while stack:
        node, media, crop = stack.pop()
        if not isinstance(node, DictionaryObject):
            continue
        media = node.get("/MediaBox", media)
        crop = node.get("/CropBox", crop)
        if "/Kids" in node and node.get("/Type") != "/Page":
            kids = node["/Kids"]
            if not isinstance(kids, ArrayObject):
                continue
            for kid in reversed(kids):
                idnum = getattr(kid, "idnum", None)
                if idnum is not None:
                    if idnum in seen:
                        continue
                    seen.add(idnum)
                stack.append((kid.get_object(), media, crop))
            continue
        yield media, crop, node.get("/UserUnit", 1)


def _box(value) -> tuple[float, float, float, float] | None:
    try:
        x1, y1, x2, y2 = (float(v.get_object()) for v in value.get_object())
    except (TypeError, ValueError, AttributeError):
        return None
    if not all(math.isfinite(v) for v in (x1, y1, x2, y2)):
        return (0.0, 0.0, math.inf, math.inf)
    return min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)


def _check_size(number: int, media, crop, unit) -> None:
    """bad_page_size when the page's visible box (MediaBox within CropBox, as renderers
    show it) has a side under MIN_PAGE_PT or over MAX_PAGE_PT. A page with no readable
    MediaBox passes: readers give it a default size."""
    box = _box(media) if media is not None else None
    if box is None:
        return
    cropped = _box(crop) if crop is not None else None
    if cropped is not None:
        inside = (max(box[0], cropped[0]), max(box[1], cropped[1]), min(box[2], cropped[2]), min(box[3], cropped[3]))
        if inside[2] > inside[0] and inside[3] > inside[1]:
            box = inside
    try:
        scale = float(unit.get_object()) if unit is not None else 1.0
    except (TypeError, ValueError, AttributeError):
        scale = 1.0
    if not (math.isfinite(scale) and scale > 0):
        scale = 1.0
    width, height = (box[2] - box[0]) * scale, (box[3] - box[1]) * scale
    if not (MIN_PAGE_PT <= width <= MAX_PAGE_PT and MIN_PAGE_PT <= height <= MAX_PAGE_PT):
        raise IngestError("bad_page_size", page=number, width=width, height=height,
                          min_pt=MIN_PAGE_PT, max_pt=MAX_PAGE_PT)
