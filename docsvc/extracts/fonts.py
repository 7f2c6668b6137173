"""The embedded fonts of extracts and the extract register: Liberation Serif (Times New Roman
metrics, full Vietnamese coverage), registered once per process as TrueType so that reportlab
embeds a subset with a ToUnicode map and the text extracts exactly."""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

# liberation2 first: Liberation 1.x (fonts-liberation) has no Vietnamese glyphs.
_FONT_DIRS = ("/usr/share/fonts/truetype/liberation2", "/usr/share/fonts/truetype/liberation")
_FILES = {"regular": "LiberationSerif-Regular.ttf", "bold": "LiberationSerif-Bold.ttf",
          "italic": "LiberationSerif-Italic.ttf"}
REGULAR, BOLD, ITALIC = "docsvc-serif", "docsvc-serif-bold", "docsvc-serif-italic"
_ALIASES = {"regular": REGULAR, "bold": BOLD, "italic": ITALIC}

# reportlab's TrueType subsetting reads the font file through one shared parser position:
# two documents saved at once in two threads (a threaded web server) corrupt each other's
# subsets or fail with IndexError. Everything that draws with these faces holds this lock.
RENDER_LOCK = threading.RLock()


def _font_file(filename: str) -> Path:
    for folder in _FONT_DIRS:
        path = Path(folder) / filename
        if path.exists():
            return path
    raise FileNotFoundError(f"no {filename} (install fonts-liberation2)")


@lru_cache(maxsize=None)
def register_fonts() -> tuple[str, str, str]:
    """Register the three faces (once per process) and return their names
    (regular, bold, italic)."""
    with RENDER_LOCK:
        for style, alias in _ALIASES.items():
            if alias not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(TTFont(alias, str(_font_file(_FILES[style]))))
        pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=ITALIC, boldItalic=BOLD)
    return REGULAR, BOLD, ITALIC


def width(text: str, font: str, size: float) -> float:
    return pdfmetrics.stringWidth(text, font, size)


def wrap(text: str, font: str, size: float, max_width: float, first_width: float | None = None) -> list[str]:
    """Break ``text`` into lines no wider than ``max_width`` (the first line no wider than
    ``first_width`` when given). Words break at spaces; a word longer than a line (a long
    number, an address) is cut between characters rather than run off the page."""
    widths = [first_width if first_width is not None else max_width, max_width]
    lines: list[str] = []
    current = ""
    for word in text.split():
        limit = widths[min(len(lines), 1)]
        candidate = f"{current} {word}" if current else word
        if width(candidate, font, size) <= limit:
            current = candidate
            continue
        if current or (not lines and width(word, font, size) <= widths[1]):
            lines.append(current)  # an empty first line: the value starts under its label
            current = ""
            limit = widths[1]
        while width(word, font, size) > limit:
            cut = _fit(word, font, size, limit)
            lines.append(word[:cut])
            word = word[cut:]
            limit = widths[1]
        current = word
    if current or not lines:
        lines.append(current)
    return lines


def _fit(word: str, font: str, size: float, limit: float) -> int:
    cut = 1
    while cut < len(word) and width(word[:cut + 1], font, size) <= limit:
        cut += 1
    return cut
