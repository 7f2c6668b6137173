"""ReportLab: a page that is a CMYK JPEG scan (embedded as is, DCTDecode in DeviceCMYK)."""

import sys

from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen import canvas

c = canvas.Canvas(sys.argv[2], pagesize=landscape(A4), invariant=1)
width, height = landscape(A4)
c.drawImage(sys.argv[1], 0, 0, width=width, height=height)
c.showPage()
c.save()
