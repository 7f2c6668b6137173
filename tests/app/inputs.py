"""Small input files made on the spot for the API and CLI tests."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"


def text_png(lines: list[str], *, size=(1654, 700), dpi=200) -> bytes:
    """A clean page strip with a few lines of Vietnamese text."""
    image = Image.new("L", size, 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, 40)
    for i, line in enumerate(lines):
        draw.text((80, 80 + i * 80), line, font=font, fill=0)
    out = io.BytesIO()
    image.save(out, "PNG", dpi=(dpi, dpi))
    return out.getvalue()


def text_pdf(lines: list[str]) -> bytes:
    """A one-page PDF with a real text layer."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("DejaVuSerif", FONT))
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4, invariant=1)
    c.setFont("DejaVuSerif", 13)
    for i, line in enumerate(lines):
        c.drawString(72, 760 - i * 20, line)
    c.showPage()
    c.save()
    return out.getvalue()


def bomb_png() -> bytes:
    """30000×30000 one-bit image: about 100 KB on disk, 900 million pixels once decoded."""
    out = io.BytesIO()
    Image.new("1", (30000, 30000), 1).save(out, "PNG")
    return out.getvalue()
