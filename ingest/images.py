"""Page images with Pillow: opening without decoding, pixel limits, frames, grayscale,
preparation for OCR and the display images kept with each page.

Decompression bombs: files are opened with the format's own Pillow class, which reads only
the header, and every frame's declared size is checked against ``Limits.max_pixels``
before anything is decoded. ``Image.open`` is not used because its own global limit
(``Image.MAX_IMAGE_PIXELS``) would either refuse a file before we can say how large it is
or, if raised, weaken the protection for the rest of the process.
"""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path
from typing import Iterator

from PIL import Image, ImageFilter, ImageOps, JpegImagePlugin, PngImagePlugin, TiffImagePlugin

from ingest.errors import IngestError
from ingest.results import JPEG, PNG, TIFF, Limits

_OPENERS = {
    PNG: PngImagePlugin.PngImageFile,
    JPEG: JpegImagePlugin.JpegImageFile,
    TIFF: TiffImagePlugin.TiffImageFile,
}

# What Pillow and its codecs raise on damaged data; all mean "this file is broken".
DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, struct.error, zlib.error,
                 IndexError, KeyError, TypeError, ZeroDivisionError)

# Paper whose darker quarter lies this many grey levels below its median is grainy.
GRAIN_LEVELS = 4
_INK_LEVEL, _PAPER_LEVEL = 60, 200
_LEVELS = [0 if v <= _INK_LEVEL else 255 if v >= _PAPER_LEVEL
           else round((v - _INK_LEVEL) * 255 / (_PAPER_LEVEL - _INK_LEVEL)) for v in range(256)]
DISPLAY_LONG_SIDE = 1600
THUMBNAIL_WIDTH = 240


def corrupt(exc: BaseException) -> IngestError:
    """A ``corrupt_image`` error naming what the decoder said."""
    detail = str(exc) or type(exc).__name__
    return IngestError("corrupt_image", detail=detail[:200])


def check_pixels(width: int, height: int, limits: Limits) -> None:
    """Refuse a declared size over the pixel limit (before any decoding)."""
    if width <= 0 or height <= 0:
        raise IngestError("corrupt_image", detail=f"{width}×{height}")
    if width * height > limits.max_pixels:
        raise IngestError("image_too_large", width=width, height=height,
                          megapixels=width * height / 1e6, limit_mp=limits.max_pixels / 1e6)


def open_image(path: Path, media_type: str) -> Image.Image:
    """Open an image file reading its header only; ``corrupt_image`` if that fails."""
    try:
        return _OPENERS[media_type](str(path))
    except DECODE_ERRORS as exc:
        raise corrupt(exc) from exc


def frame_count(image: Image.Image, limits: Limits) -> int:
    """Number of frames (TIFF pages), checking each frame's declared size on the way.

    Frames are counted as their directories are read, and counting stops at
    ``limits.max_pages + 1``: a file that long is refused whatever its true length, so a
    TIFF of 20,000 tiny frames costs no more to refuse than one of 2,001. (Pillow's
    ``n_frames`` reads every directory, and checks each against all before it.)
    """
    check_pixels(*image.size, limits)
    count = 1
    try:
        while count <= limits.max_pages:
            try:
                image.seek(count)
            except EOFError:
                break
            check_pixels(*image.size, limits)
            count += 1
        if count > 1:
            image.seek(0)
    except DECODE_ERRORS as exc:
        raise corrupt(exc) from exc
    return count


def iter_frames(path: Path, media_type: str, limits: Limits,
                skip=()) -> Iterator[tuple[int, Image.Image, int | None]]:
    """(page number, upright 8-bit grayscale image, dpi or None) for each frame not in
    ``skip``; frames in ``skip`` are never decoded."""
    image = open_image(path, media_type)
    with image:
        count = frame_count(image, limits)
        if count > limits.max_pages:
            raise IngestError("too_many_pages", pages=count, limit=limits.max_pages)
        for index in range(count):
            number = index + 1
            if number in skip:
                continue
            try:
                if index:
                    image.seek(index)
                check_pixels(*image.size, limits)
                image.load()
                dpi = image_dpi(image)
                gray = to_grayscale(ImageOps.exif_transpose(image))
            except DECODE_ERRORS as exc:
                raise corrupt(exc) from exc
            yield number, gray, dpi


def image_dpi(image: Image.Image) -> int | None:
    """Horizontal resolution the file declares, or None when it does not say (or says
    something implausible, like JPEG's 1:1 aspect-only density)."""
    dpi = image.info.get("dpi")
    if not dpi:
        return None
    try:
        value = round(float(dpi[0]))
    except (TypeError, ValueError, IndexError):
        return None
    return value if 50 <= value <= 4800 else None


def to_grayscale(image: Image.Image) -> Image.Image:
    """8-bit grayscale at the same resolution, whatever the mode: 1-bit, palette, CMYK,
    16-bit, float, with or without alpha (transparent areas become white paper)."""
    mode = image.mode
    if mode == "L":
        # Always a new image: the caller may seek the file to its next frame meanwhile.
        return image.copy()
    if mode == "1":
        return image.convert("L")
    if mode.startswith("I;16") or mode in ("I", "F"):
        # Scale the full 16-bit range down; a plain convert("L") would clip at 255.
        scaled = image.convert("I").point(lambda v: v * (1 / 256)) if mode != "F" else image
        return scaled.convert("L")
    if mode in ("P", "PA"):
        image = image.convert("RGBA")
        mode = "RGBA"
    if mode in ("RGBA", "LA", "RGBa", "La"):
        rgba = image.convert("RGBA")
        paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(paper, rgba).convert("L")
    return image.convert("RGB").convert("L")


def prepare_for_ocr(gray: Image.Image) -> Image.Image:
    """Make a scan easier for Tesseract: paper white, ink black, grain smoothed away.

    Faded or grey paper (ink at 110 on paper at 200, say) and strong sensor grain make
    Tesseract's page segmentation give up on whole pages, and dust and grain it does not
    drop cost it time and turn into stray characters. So: stretch the grey levels from
    the ink (darkest 0.2%) to the paper (the median pixel: most of a page is paper); on a
    grainy page, blur 3×3; then clip the ends (at most 60 → black, from 200 → white) so
    that what is left of the grain and the paper's shading becomes flat white, keeping
    the anti-aliased edges of the letters. On the generated noisy pages this halved the
    character error rate at no extra OCR time (a blur alone made Tesseract 10% slower).
    Costs two table lookups and, on grainy pages only, the blur (about 60 ms for an A4
    page at 300 dpi). A clean page (white, flat paper and black ink) is returned as is.
    """
    histogram = gray.histogram()
    total = sum(histogram)
    ink = _percentile(histogram, total * 0.002)
    paper_low = _percentile(histogram, total * 0.25)
    paper = _percentile(histogram, total * 0.5)
    grainy = paper - paper_low >= GRAIN_LEVELS
    if not grainy and ink <= 8 and paper >= 247:
        return gray
    span = max(paper - ink, 16)
    stretch = [min(255, max(0, round((v - ink) * 255 / span))) for v in range(256)]
    if grainy:
        prepared = gray.point(stretch).filter(ImageFilter.BoxBlur(1)).point(_LEVELS)
    else:
        prepared = gray.point([_LEVELS[v] for v in stretch])
    prepared.info = dict(gray.info)
    return prepared


def _percentile(histogram: list[int], rank: float) -> int:
    seen = 0
    for value, count in enumerate(histogram):
        seen += count
        if seen > rank:
            return value
    return 255


def jpeg_bytes(image: Image.Image, *, quality: int = 80) -> bytes:
    """JPEG encoding with fixed settings (the same image always gives the same bytes)."""
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def display_images(image: Image.Image) -> tuple[bytes, bytes]:
    """(display JPEG with a long side of about 1600 px, thumbnail JPEG 240 px wide).

    Halved by box averaging as often as the size allows, then bilinear: a screen image of
    a page, not an archival copy (the original is kept), at a third of the CPU of Lanczos
    from full size, which matters on pages whose OCR takes under a second.
    """
    if image.mode not in ("L", "RGB"):
        image = image.convert("RGB")
    factor = 1
    while max(image.size) // (factor * 2) >= DISPLAY_LONG_SIDE:
        factor *= 2
    display = image.reduce(factor) if factor > 1 else image
    scale = min(1.0, DISPLAY_LONG_SIDE / max(display.size))
    if scale < 1:
        size = (max(1, round(display.width * scale)), max(1, round(display.height * scale)))
        display = display.resize(size, Image.Resampling.BILINEAR)
    thumb_size = (THUMBNAIL_WIDTH, max(1, round(display.height * THUMBNAIL_WIDTH / display.width)))
    thumbnail = display.resize(thumb_size, Image.Resampling.LANCZOS, reducing_gap=2.0)
    return jpeg_bytes(display), jpeg_bytes(thumbnail, quality=75)
