"""Sample files made from rendered pages: what a records office uploads, good and bad.

Good: PNG, JPEG (optionally stored sideways with an EXIF orientation tag), multi-page
TIFF, image-only ("scanned") PDF, PDF with a text layer (reportlab, embedded TrueType font
that covers Vietnamese), and a mixed PDF. Bad: empty, ZIP, plain text, truncated PDF,
corrupt PDF, password-protected PDF, decompression bombs (PNG, TIFF frame, PDF image),
and a file over a size limit. Every writer returns the path it wrote.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from contextlib import contextmanager
from pathlib import Path
from typing import Sequence

from PIL import Image
from pypdf import PdfReader, PdfWriter
from reportlab import rl_config
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as rl_canvas

from docsvc.sampledata.render import DPI, RenderedPage, font_path

A4_PT = (595.2756, 841.8898)  # 210 × 297 mm
_EXIF_ORIENTATION = 0x0112
# EXIF orientation -> how the upright page is stored so that a viewer applying the tag
# shows it upright again.
_STORED = {3: Image.Transpose.ROTATE_180, 6: Image.Transpose.ROTATE_90, 8: Image.Transpose.ROTATE_270}


def write_png(page: RenderedPage, dest: Path) -> Path:
    """The page as an 8-bit grayscale PNG with its resolution (pHYs)."""
    page.image.save(dest, "PNG", dpi=(page.dpi, page.dpi))
    return Path(dest)


def write_jpeg(page: RenderedPage, dest: Path, *, orientation: int = 1, quality: int = 90) -> Path:
    """The page as a JPEG. With ``orientation`` 3, 6 or 8 the pixels are stored turned
    (as a phone or a sheet-fed scanner may) and the EXIF tag says how to turn them back."""
    image = page.image
    exif = Image.Exif()
    if orientation != 1:
        image = image.transpose(_STORED[orientation])
        exif[_EXIF_ORIENTATION] = orientation
    image.save(dest, "JPEG", quality=quality, dpi=(page.dpi, page.dpi), exif=exif.tobytes())
    return Path(dest)


def write_tiff(pages: Sequence[RenderedPage], dest: Path, *, compression: str = "tiff_deflate") -> Path:
    """A multi-page TIFF, one frame per page (deflate-compressed grayscale by default;
    ``group4`` stores bilevel frames as fax scanners do)."""
    frames = [p.image.convert("1") if compression == "group4" else p.image.copy() for p in pages]
    for frame in frames:
        frame.info = {}  # JPEG leftovers (jfif, exif) on a noisy page upset Pillow's TIFF writer
    frames[0].save(dest, "TIFF", save_all=True, append_images=frames[1:], compression=compression,
                   dpi=(pages[0].dpi, pages[0].dpi))
    return Path(dest)


@contextmanager
def _binary_streams():
    """reportlab ASCII85-encodes image streams by default, in pure Python without its C
    accelerator (seconds per scanned page, and 25% larger files): write binary instead."""
    old = rl_config.useA85
    rl_config.useA85 = 0
    try:
        yield
    finally:
        rl_config.useA85 = old


def _register_font(name: str = "liberation-serif") -> str:
    alias = f"docsvc-{name}"
    if alias not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(alias, str(font_path(name, "regular"))))
    return alias


def _draw_text_page(pdf: rl_canvas.Canvas, lines: Sequence[str], font: str, size: float) -> None:
    y = A4_PT[1] - 20 * mm - size
    for line in lines:
        pdf.setFont(font, size)
        pdf.drawString(30 * mm, y, line)
        y -= size * 1.25
    pdf.showPage()


def _draw_scan_page(pdf: rl_canvas.Canvas, page: RenderedPage, quality: int) -> None:
    buffer = io.BytesIO()
    page.image.convert("L").save(buffer, "JPEG", quality=quality, dpi=(page.dpi, page.dpi))
    buffer.seek(0)
    pdf.drawImage(ImageReader(buffer), 0, 0, width=A4_PT[0], height=A4_PT[1])
    pdf.showPage()


def write_text_pdf(pages: Sequence[Sequence[str]], dest: Path, *, font: str = "liberation-serif",
                   size: float = 13.0) -> Path:
    """A PDF with a real text layer: each page's lines drawn top to bottom in an embedded
    TrueType font (a subset with a ToUnicode map, so the text extracts exactly)."""
    alias = _register_font(font)
    with _binary_streams():
        pdf = rl_canvas.Canvas(str(dest), pagesize=A4_PT, invariant=1)
        for lines in pages:
            _draw_text_page(pdf, lines, alias, size)
        pdf.save()
    return Path(dest)


def write_scanned_pdf(pages: Sequence[RenderedPage], dest: Path, *, quality: int = 85) -> Path:
    """An image-only PDF: each page one full-page JPEG image, as a scanner makes."""
    with _binary_streams():
        pdf = rl_canvas.Canvas(str(dest), pagesize=A4_PT, invariant=1)
        for page in pages:
            _draw_scan_page(pdf, page, quality)
        pdf.save()
    return Path(dest)


def write_mixed_pdf(pages: Sequence[RenderedPage | Sequence[str]], dest: Path, *,
                    font: str = "liberation-serif", quality: int = 85) -> Path:
    """A PDF mixing text pages (given as lists of lines) and scanned pages (RenderedPage),
    in the order given: a typed letter with a scanned annex, say."""
    alias = _register_font(font)
    with _binary_streams():
        pdf = rl_canvas.Canvas(str(dest), pagesize=A4_PT, invariant=1)
        for page in pages:
            if isinstance(page, RenderedPage):
                _draw_scan_page(pdf, page, quality)
            else:
                _draw_text_page(pdf, page, alias, 13.0)
        pdf.save()
    return Path(dest)


def write_encrypted_pdf(source: Path, dest: Path, *, user_password: str = "matkhau",
                        algorithm: str = "AES-256") -> Path:
    """``source`` encrypted with pypdf. An empty ``user_password`` gives a PDF anyone can
    open (only an owner password restricts printing or editing)."""
    writer = PdfWriter(clone_from=PdfReader(source))
    writer.encrypt(user_password=user_password, owner_password="chu-so-huu", algorithm=algorithm)
    with open(dest, "wb") as fh:
        writer.write(fh)
    return Path(dest)


def write_truncated(source: Path, dest: Path, *, keep: float = 0.6) -> Path:
    """The first ``keep`` share of ``source``: an interrupted upload or copy."""
    data = Path(source).read_bytes()
    Path(dest).write_bytes(data[: int(len(data) * keep)])
    return Path(dest)


def write_corrupt_pdf(dest: Path) -> Path:
    """Starts and ends like a PDF, but what is between is not one (no objects, no xref)."""
    body = bytes((i * 37 + 11) % 251 for i in range(4000))
    Path(dest).write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + body + b"\nstartxref\n999999\n%%EOF\n")
    return Path(dest)


def write_empty(dest: Path) -> Path:
    Path(dest).write_bytes(b"")
    return Path(dest)


def write_zip(dest: Path) -> Path:
    """A ZIP archive (what a national import package of a register book looks like)."""
    with zipfile.ZipFile(dest, "w") as archive:
        archive.writestr("so-ho-tich/danh-sach.csv", "so,ho_ten\n01,Nguyễn Văn An\n")
    return Path(dest)


def write_text_file(dest: Path) -> Path:
    Path(dest).write_text("Danh sách hồ sơ tiếp nhận ngày 05/01/2026\n01. Nguyễn Văn An\n", "utf-8")
    return Path(dest)


def write_oversized(dest: Path, size: int) -> Path:
    """A PNG signature followed by ``size`` bytes in all (sparse: costs no disk)."""
    with open(dest, "wb") as fh:
        fh.write(b"\x89PNG\r\n\x1a\n")
        fh.truncate(size)
    return Path(dest)


def _zeros_deflated(rows: int, row_bytes: int) -> bytes:
    """Deflate of ``rows`` rows of zero bytes, streamed (never held uncompressed)."""
    compressor = zlib.compressobj(6)
    chunk_rows = max(1, (1 << 20) // row_bytes)
    chunk = b"\x00" * (row_bytes * chunk_rows)
    out, done = [], 0
    while done < rows:
        n = min(chunk_rows, rows - done)
        out.append(compressor.compress(chunk if n == chunk_rows else b"\x00" * (row_bytes * n)))
        done += n
    out.append(compressor.flush())
    return b"".join(out)


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def write_png_bomb(dest: Path, width: int = 20000, height: int = 20000) -> Path:
    """A real decompression bomb: a valid grayscale PNG of width × height white-black
    pixels whose file is a few hundred kilobytes (400 megapixels by default)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    data = _zeros_deflated(height, width + 1)  # filter byte + pixels per row
    Path(dest).write_bytes(b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr)
                           + _png_chunk(b"IDAT", data) + _png_chunk(b"IEND", b""))
    return Path(dest)


def write_tiff_bomb(dest: Path, width: int = 30000, height: int = 30000) -> Path:
    """A two-page TIFF whose first page is small and second declares width × height
    pixels (one deflated strip of zeros): the bomb hides behind a harmless first frame."""
    small = (64, 64)
    frames = [(small, _zeros_deflated(small[1], small[0])), ((width, height), _zeros_deflated(height, width))]
    out = bytearray(b"II*\x00\x00\x00\x00\x00")
    ifd_offsets = []
    for (w, h), data in frames:
        data_offset = len(out)
        out += data
        if len(out) % 2:
            out += b"\x00"
        ifd_offsets.append(len(out))
        entries = [(256, 4, w), (257, 4, h), (258, 3, 8), (259, 3, 8), (262, 3, 1),
                   (273, 4, data_offset), (277, 3, 1), (278, 4, h), (279, 4, len(data))]
        out += struct.pack("<H", len(entries))
        for tag, kind, value in entries:
            out += struct.pack("<HHI", tag, kind, 1) + (struct.pack("<HH", value, 0) if kind == 3
                                                        else struct.pack("<I", value))
        out += b"\x00\x00\x00\x00"  # next IFD offset, patched below
    struct.pack_into("<I", out, 4, ifd_offsets[0])
    next_field = ifd_offsets[0] + 2 + 9 * 12
    struct.pack_into("<I", out, next_field, ifd_offsets[1])
    Path(dest).write_bytes(bytes(out))
    return Path(dest)


def write_pdf_bomb(dest: Path, width: int = 20000, height: int = 20000) -> Path:
    """A one-page PDF showing a single width × height grayscale image (deflated zeros)."""
    data = _zeros_deflated(height, width)
    content = b"q 595 0 0 842 0 0 cm /Im0 Do Q"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /XObject << /Im0 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
        b"/BitsPerComponent 8 /Filter /FlateDecode /Length %d >>\nstream\n" % (width, height, len(data))
        + data + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    Path(dest).write_bytes(bytes(out))
    return Path(dest)


__all__ = [name for name in dir() if name.startswith("write_")] + ["A4_PT", "DPI"]
