"""Page images of sample documents and register entries, with their ground truth.

Pages are A4 at 300 dpi (2480×3508), black text on white in a font that covers
Vietnamese, laid out loosely after Decree 30/2020 (documents) or as a register book page
(civil-status entries). ``RenderedPage.lines`` is exactly the text drawn, line by line,
in reading order: what OCR of the page should give back. ``Noise`` turns a clean page
into a realistic scan (skew, blur, grey paper and ink, grain, dust, JPEG).

Deterministic: the same arguments (and seed) give the same pixels.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from statistics import NormalDist
from typing import Sequence

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

from docsvc.sampledata.documents import AdminDocument
from docsvc.sampledata.numwords import date_digits, date_long
from docsvc.sampledata.registers import KIND_TITLE, RegisterEntry

DPI = 300
A4_PX = (2480, 3508)  # 210 × 297 mm at 300 dpi
MM = DPI / 25.4

# liberation2 first: Liberation 1.x (fonts-liberation) has no Vietnamese glyphs.
_FONT_DIRS = ("/usr/share/fonts/truetype/liberation2", "/usr/share/fonts/truetype/dejavu",
              "/usr/share/fonts/truetype/noto", "/usr/share/fonts/truetype/liberation")
_VIETNAMESE_PROBE = "ỘỮẪằểđƯ"

# name -> (regular, bold, italic) file names; all cover Vietnamese (precomposed NFC glyphs).
FONTS: dict[str, tuple[str, str, str]] = {
    "liberation-serif": ("LiberationSerif-Regular.ttf", "LiberationSerif-Bold.ttf", "LiberationSerif-Italic.ttf"),
    "dejavu-serif": ("DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf", "DejaVuSerif-Italic.ttf"),
    "noto-serif": ("NotoSerif-Regular.ttf", "NotoSerif-Bold.ttf", "NotoSerif-Italic.ttf"),
    "dejavu-sans": ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf"),
}


@lru_cache(maxsize=None)
def font_path(name: str, style: str = "regular") -> Path:
    """Path of a font file of ``FONTS`` (style: regular, bold, italic) that really has
    Vietnamese glyphs; FileNotFoundError otherwise (never a page of empty boxes)."""
    filename = FONTS[name][("regular", "bold", "italic").index(style)]
    for folder in _FONT_DIRS:
        path = Path(folder) / filename
        if path.exists() and _covers_vietnamese(path):
            return path
    raise FileNotFoundError(f"no {filename} with Vietnamese glyphs (install fonts-liberation2, "
                            f"fonts-dejavu-core, fonts-noto-core)")


def _covers_vietnamese(path: Path) -> bool:
    # A missing glyph renders as the font's .notdef box, the same for every absent character.
    font = ImageFont.truetype(str(path), 40, layout_engine=ImageFont.Layout.BASIC)

    def pixels(ch: str) -> bytes:
        image = Image.new("L", (80, 80), 0)
        ImageDraw.Draw(image).text((10, 10), ch, font=font, fill=255)
        return image.tobytes()

    notdef = pixels("\uffff")
    return all(pixels(ch) != notdef for ch in _VIETNAMESE_PROBE)


@lru_cache(maxsize=64)
def _font(name: str, style: str, size_pt: float) -> ImageFont.FreeTypeFont:
    # BASIC layout: the same glyph positions whatever libraqm version is installed.
    return ImageFont.truetype(str(font_path(name, style)), round(size_pt * DPI / 72),
                              layout_engine=ImageFont.Layout.BASIC)


@dataclass(frozen=True)
class Noise:
    """Scanning defects, applied in the order a scanner makes them.

    skew_degrees: largest page rotation (the seed picks a quarter to all of it, either
    way); blur_radius: Gaussian blur of
    optics and toner spread (pixels at 300 dpi); paper/ink: grey levels of background and
    text; shading: how much darker the paper gets towards one edge (uneven lighting, a
    book's gutter); grain_sigma: sensor noise (grey levels); dust_per_mpx: dark specks per
    megapixel, 1 to 3 px in radius (a 13 pt letter's stroke is about 5 px wide);
    jpeg_quality: compression of the scanner's output (None: none).
    """

    skew_degrees: float = 0.0
    blur_radius: float = 0.0
    paper: int = 255
    ink: int = 0
    shading: int = 0
    grain_sigma: float = 0.0
    dust_per_mpx: float = 0.0
    jpeg_quality: int | None = None

    @classmethod
    def scan(cls, strength: float = 1.0) -> "Noise":
        """A used office scanner on a laser print: half a degree to two degrees of skew,
        soft edges, grey paper darker towards one side, visible grain, some 260 specks of
        dust on the page, JPEG at the scanner's default quality. ``strength`` scales every
        defect (1.0 is the default used by the tests and the demo)."""
        return cls(skew_degrees=2.0 * strength, blur_radius=1.1 * strength,
                   paper=round(255 - 25 * strength), ink=round(45 * strength),
                   shading=round(20 * strength), grain_sigma=14 * strength,
                   dust_per_mpx=30 * strength, jpeg_quality=max(30, round(95 - 20 * strength)))


@dataclass
class RenderedPage:
    """A page image (mode L) and the text drawn on it, line by line in reading order."""

    image: Image.Image
    lines: list[str]
    kind: str                      # "document" | "register"
    font: str
    noise: Noise | None = None
    dpi: int = DPI

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@dataclass
class _Style:
    font: str = "liberation-serif"
    size_pt: float = 13.0
    line_spacing: float = 1.25
    margins_mm: tuple[float, float, float, float] = (20, 15, 20, 30)  # top, right, bottom, left


@dataclass
class _Canvas:
    """Flows lines of text down A4 pages, starting a new page when one is full."""

    style: _Style
    kind: str
    pages: list[RenderedPage] = field(default_factory=list)
    y: int = 0

    def __post_init__(self):
        top, right, bottom, left = (round(m * MM) for m in self.style.margins_mm)
        self.left, self.right, self.top, self.bottom = left, A4_PX[0] - right, top, A4_PX[1] - bottom
        self.new_page()

    @property
    def page(self) -> RenderedPage:
        return self.pages[-1]

    def new_page(self) -> None:
        image = Image.new("L", A4_PX, 255)
        image.info["dpi"] = (DPI, DPI)
        self.pages.append(RenderedPage(image, [], self.kind, self.style.font))
        self._draw = ImageDraw.Draw(image)
        self.y = self.top

    def font(self, style: str = "regular", scale: float = 1.0) -> ImageFont.FreeTypeFont:
        return _font(self.style.font, style, self.style.size_pt * scale)

    def line_height(self, font: ImageFont.FreeTypeFont) -> int:
        return round(font.size * self.style.line_spacing)

    def gap(self, lines: float) -> None:
        self.y += round(self.line_height(self.font()) * lines)

    def wrap(self, text: str, font: ImageFont.FreeTypeFont, width: int, *, indent: int = 0,
             hanging: int = 0) -> list[tuple[str, int]]:
        """Greedy word wrap: (line, x offset) pairs; the first line is indented by
        ``indent``, the others by ``hanging``."""
        out: list[tuple[str, int]] = []
        words, current = text.split(), ""
        offset = indent
        for word in words:
            candidate = f"{current} {word}" if current else word
            if current and font.getlength(candidate) > width - offset:
                out.append((current, offset))
                current, offset = word, hanging
            else:
                current = candidate
        out.append((current, offset))
        return out

    def paragraph(self, text: str, *, style: str = "regular", scale: float = 1.0,
                  align: str = "left", x0: int | None = None, x1: int | None = None,
                  indent: int = 0, hanging: int = 0, label: str = "") -> None:
        """Draw wrapped text between x0 and x1; ``label`` (bold) starts the first line."""
        font = self.font(style, scale)
        x0 = self.left if x0 is None else x0
        x1 = self.right if x1 is None else x1
        full = f"{label} {text}".strip() if label else text
        height = self.line_height(font)
        for line, offset in self.wrap(full, font, x1 - x0, indent=indent, hanging=hanging):
            if self.y + height > self.bottom:
                self.new_page()
            width = font.getlength(line)
            if align == "center":
                x = x0 + (x1 - x0 - width) / 2
            elif align == "right":
                x = x1 - width
            else:
                x = x0 + offset
            if label and line.startswith(label):
                bold = self.font("bold", scale)
                self._draw.text((x, self.y), label, font=bold, fill=0)
                rest = line[len(label):]
                self._draw.text((x + bold.getlength(label), self.y), rest, font=font, fill=0)
            else:
                self._draw.text((x, self.y), line, font=font, fill=0)
            self.page.lines.append(line)
            self.y += height
            label = ""  # only the first line carries it

    def columns(self, columns: list[tuple[int, int, list]]) -> None:
        """Side-by-side blocks of centred lines (x0, x1, items); an item is (text, style,
        scale), or None to end a section. Section k of every column starts on the same
        row (as the number and the date do in a Decree 30 header), and each row is one
        ground-truth line, read left to right (as OCR reads across the page)."""
        sections: list[list[list[tuple[str, ImageFont.FreeTypeFont]]]] = []  # column, section, line
        for x0, x1, items in columns:
            column: list[list[tuple[str, ImageFont.FreeTypeFont]]] = [[]]
            for item in items:
                if item is None:
                    column.append([])
                    continue
                text, style, scale = item
                font = self.font(style, scale)
                column[-1] += [(line, font) for line, _ in self.wrap(text, font, x1 - x0)]
            sections.append(column)
        for k in range(max(len(column) for column in sections)):
            if k:
                self.gap(0.3)
            cells = [column[k] if k < len(column) else [] for column in sections]
            for row in range(max(len(c) for c in cells)):
                parts, height = [], 0
                for (x0, x1, _), cell in zip(columns, cells):
                    if row < len(cell):
                        line, font = cell[row]
                        self._draw.text((x0 + (x1 - x0 - font.getlength(line)) / 2, self.y), line,
                                        font=font, fill=0)
                        parts.append(line)
                        height = max(height, self.line_height(font))
                self.page.lines.append(" ".join(parts))
                self.y += height


def render_document(doc: AdminDocument, *, font: str = "liberation-serif", size_pt: float = 13.0,
                    noise: Noise | None = None, seed: int = 0) -> list[RenderedPage]:
    """A document's pages: header block in two columns (issuer and number on the left,
    national motto, place and date on the right, each column read top to bottom), type and
    abstract, body, signer, recipients. Long bodies flow onto more pages."""
    canvas = _Canvas(_Style(font=font, size_pt=size_pt), "document")
    split = canvas.left + round((canvas.right - canvas.left) * 0.42)
    gutter = round(6 * MM)
    left = [(doc.issuer_parent, "regular", 1.0), (doc.issuer_name, "bold", 1.0), None,
            (f"Số: {doc.number_symbol}", "regular", 1.0)]
    if not doc.type_abbr:  # a dispatch carries its abstract under the number
        left.append((f"V/v {doc.abstract}", "regular", 12 / 13))
    right = [("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "bold", 12 / 13),
             ("Độc lập - Tự do - Hạnh phúc", "bold", 1.0), None,
             (f"{doc.place}, {date_long(doc.issued_on)}", "italic", 1.0)]
    canvas.columns([(canvas.left, split - gutter, left), (split, canvas.right, right)])
    canvas.gap(1)
    for mark in (doc.urgency, doc.secrecy):
        if mark:
            canvas.paragraph(mark.upper(), style="bold")
    if doc.type_abbr:
        canvas.gap(0.5)
        canvas.paragraph(doc.type_name.upper(), style="bold", scale=14 / 13, align="center")
        canvas.paragraph(f"Về việc {doc.abstract}", style="bold", align="center",
                         x0=canvas.left + round(15 * MM), x1=canvas.right - round(15 * MM))
    canvas.gap(1)
    for sentence in doc.body:
        canvas.paragraph(sentence, indent=round(12.7 * MM))
        canvas.gap(0.25)
    canvas.gap(0.75)
    signer_x0 = canvas.left + round((canvas.right - canvas.left) * 0.5)
    canvas.paragraph(doc.signer_position.upper(), style="bold", align="center", x0=signer_x0)
    canvas.gap(2.5)  # room for the signature and seal
    canvas.paragraph(doc.signer_name, style="bold", align="center", x0=signer_x0)
    canvas.gap(1)
    canvas.paragraph("Nơi nhận:", style="bold", scale=12 / 13)
    for recipient in doc.recipients:
        canvas.paragraph(f"- {recipient}", scale=11 / 13)
    return _finish(canvas.pages, noise, seed)


def entry_lines(entry: RegisterEntry) -> list[tuple[str, str]]:
    """(label, value) pairs drawn for an entry: its heading, then ``entry.fields``."""
    heading = [("Số:", f"{entry.number:02d}"), ("Quyển số:", entry.book), ("Trang:", str(entry.page)),
               ("Ngày đăng ký:", date_digits(entry.registered_on))]
    return heading + [(f"{label}:", value) for label, value in entry.fields]


def render_register(entries: Sequence[RegisterEntry], *, font: str = "liberation-serif",
                    size_pt: float = 13.0, noise: Noise | None = None, seed: int = 0,
                    per_page: int = 2) -> list[RenderedPage]:
    """Register book pages with up to ``per_page`` entries each (fewer when the next entry
    does not fit): a title per page, then each entry's heading and "Label: value" lines,
    long values wrapped under the value."""
    canvas = _Canvas(_Style(font=font, size_pt=size_pt, line_spacing=1.3), "register")
    on_page = 0
    for entry in entries:
        needed = _entry_height(canvas, entry)
        if on_page and (on_page >= per_page or canvas.y + needed > canvas.bottom):
            canvas.new_page()
            on_page = 0
        if on_page == 0:
            title = f"SỔ ĐĂNG KÝ {KIND_TITLE[entry.kind].upper()}"
            canvas.paragraph(title, style="bold", scale=14 / 13, align="center")
            canvas.paragraph(entry.office, align="center")
            canvas.gap(0.8)
        else:
            canvas.gap(1.2)
        heading, fields = entry_lines(entry)[:4], entry_lines(entry)[4:]
        canvas.paragraph("   ".join(f"{label} {value}" for label, value in heading), style="bold")
        canvas.gap(0.2)
        for label, value in fields:
            canvas.paragraph(value, label=label, hanging=round(10 * MM))
        on_page += 1
    return _finish(canvas.pages, noise, seed)


def _entry_height(canvas: _Canvas, entry: RegisterEntry) -> int:
    font = canvas.font()
    lines = 4  # heading, gaps
    for label, value in entry_lines(entry)[4:]:
        lines += len(canvas.wrap(f"{label} {value}", font, canvas.right - canvas.left,
                                 hanging=round(10 * MM)))
    return lines * canvas.line_height(font)


def _finish(pages: list[RenderedPage], noise: Noise | None, seed: int) -> list[RenderedPage]:
    if noise is None:
        return pages
    return [replace(page, image=add_noise(page.image, noise, seed=seed * 1000 + i), noise=noise)
            for i, page in enumerate(pages)]


def _gaussian_lut(sigma: float) -> list[int]:
    """Maps a uniform byte to 128 + a normal deviate: grain from random bytes, no numpy."""
    normal = NormalDist(128, sigma)
    return [min(255, max(0, round(normal.inv_cdf((u + 0.5) / 256)))) for u in range(256)]


def add_noise(image: Image.Image, noise: Noise, *, seed: int = 0) -> Image.Image:
    """A scan of ``image`` (mode L, white paper): skew, blur, grey levels, grain, dust, JPEG."""
    rng = random.Random(seed)
    img = image.convert("L")
    if noise.skew_degrees:
        angle = noise.skew_degrees * rng.choice((-1, 1)) * rng.uniform(0.25, 1.0)
        img = img.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
    if noise.blur_radius:
        img = img.filter(ImageFilter.GaussianBlur(noise.blur_radius))
    if noise.paper != 255 or noise.ink != 0:
        span = noise.paper - noise.ink
        img = img.point([noise.ink + span * v // 255 for v in range(256)])
    if noise.shading:
        # Darker towards one edge: a 256-step ramp scaled to the page, subtracted.
        ramp = Image.linear_gradient("L").point(lambda v: v * noise.shading // 255)
        ramp = ramp.rotate(rng.choice((90, 270)))
        img = ImageChops.subtract(img, ramp.resize(img.size, Image.Resampling.BILINEAR))
    if noise.dust_per_mpx:
        draw = ImageDraw.Draw(img)
        count = round(noise.dust_per_mpx * img.width * img.height / 1e6)
        for _ in range(count):
            x, y = rng.randrange(img.width), rng.randrange(img.height)
            r = rng.choice((1, 1, 1, 2, 2, 3))
            draw.ellipse((x - r, y - r, x + r, y + r), fill=noise.ink + rng.randrange(40))
    if noise.grain_sigma:
        grain = Image.frombytes("L", img.size, rng.randbytes(img.width * img.height))
        grain = grain.point(_gaussian_lut(noise.grain_sigma))
        img = ImageChops.add(img, grain, scale=1.0, offset=-128)
    if noise.jpeg_quality:
        buffer = io.BytesIO()
        img.save(buffer, "JPEG", quality=noise.jpeg_quality)
        img = Image.open(io.BytesIO(buffer.getvalue()))
        img.load()
    img.info["dpi"] = image.info.get("dpi", (DPI, DPI))
    return img
