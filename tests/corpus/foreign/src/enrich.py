"""pypdf: adds to a LibreOffice PDF what other producers leave in files — annotations
(sticky note, free text, link), a file attachment, and outline entries."""

import sys

from pypdf import PdfReader, PdfWriter
from pypdf.annotations import FreeText, Link, Text

reader = PdfReader(sys.argv[1])
writer = PdfWriter(clone_from=reader)
writer.add_annotation(0, Text(text="Đề nghị Phòng Tư pháp rà soát lại mục II.", rect=(500, 700, 520, 720)))
writer.add_annotation(0, FreeText(text="Đã duyệt", rect=(400, 780, 540, 810), font="Helvetica", font_size="12pt"))
writer.add_annotation(0, Link(rect=(56, 560, 300, 580), target_page_index=0))
writer.add_attachment("danh-sach-xa.csv", "Mã xã,Tên xã\n01,Tân Phú\n02,Hòa Bình\n".encode())
top = writer.add_outline_item(title="Phụ lục: danh sách xã", page_number=0)
writer.add_outline_item(title="Ghi chú của Phòng Tư pháp", page_number=0, parent=top)
with open(sys.argv[2], "wb") as fh:
    writer.write(fh)
