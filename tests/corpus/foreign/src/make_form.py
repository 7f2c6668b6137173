"""ReportLab: a one-page application form with AcroForm fields (text, check box, choice)
whose static text is Vietnamese in embedded DejaVu Sans."""

import sys

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

pdfmetrics.registerFont(TTFont("DejaVuSans", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"))
c = canvas.Canvas(sys.argv[1], pagesize=A4, invariant=1)
c.setFont("DejaVuSans", 16)
c.drawString(72, 770, "TỜ KHAI ĐĂNG KÝ KHAI SINH")
c.setFont("DejaVuSans", 11)
for i, line in enumerate(["Kính gửi: Ủy ban nhân dân xã Tân Phú",
                          "Họ, chữ đệm, tên người yêu cầu:",
                          "Nơi cư trú:",
                          "Đề nghị cấp bản sao trích lục khai sinh:",
                          "Số bản sao đề nghị cấp:"]):
    c.drawString(72, 730 - i * 40, line)
form = c.acroForm
form.textfield(name="nguoi_yeu_cau", value="Nguyen Van Hung", x=280, y=685, width=240, height=20)
form.textfield(name="noi_cu_tru", value="Thon Dong, xa Tan Phu", x=280, y=645, width=240, height=20)
form.checkbox(name="ban_sao", checked=True, x=330, y=605, size=16)
form.choice(name="so_ban", value="2", options=["1", "2", "3"], x=280, y=565, width=60, height=20)
c.drawString(72, 500, "Tôi cam đoan những nội dung khai trên đây là đúng sự thật.")
c.showPage()
c.save()
