"""Renders the page images the corpus's image files start from (Pillow, DejaVu Serif):
a grey scan-like page of Vietnamese administrative text. The foreign tools then make the
files in the corpus from it; see make_corpus.sh."""

import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
PAGES = {
    "giay-moi": ["ỦY BAN NHÂN DÂN XÃ TÂN PHÚ", "GIẤY MỜI", "Kính mời ông (bà) đến dự họp",
                 "tổng kết công tác hộ tịch năm 2026", "tại hội trường Ủy ban nhân dân xã."],
    "bien-ban": ["BIÊN BẢN", "Về việc bàn giao hồ sơ lưu trữ", "Hôm nay, tại trụ sở Ủy ban nhân dân xã,",
                 "văn thư bàn giao cho lưu trữ cơ quan", "mười hai hộp hồ sơ năm 2020."],
    "to-trinh": ["TỜ TRÌNH", "Về việc phê duyệt danh mục hồ sơ", "Công chức văn phòng kính trình",
                 "Chủ tịch Ủy ban nhân dân xã xem xét,", "phê duyệt danh mục hồ sơ năm 2027."],
    "quyet-dinh": ["QUYẾT ĐỊNH", "Về việc thành lập tổ tiếp công dân", "Chủ tịch Ủy ban nhân dân xã",
                   "quyết định thành lập tổ tiếp công dân", "gồm ba thành viên."],
}


def page(lines: list[str], size=(1240, 620)) -> Image.Image:
    image = Image.new("L", size, 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, 40)
    for i, line in enumerate(lines):
        draw.text((70, 60 + i * 100), line, font=font, fill=20)
    return image


if __name__ == "__main__":
    out = Path(sys.argv[1])
    for name, lines in PAGES.items():
        page(lines).save(out / f"{name}.png", dpi=(200, 200))
