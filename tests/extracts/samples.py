"""Sample extract content for the document, signing and register tests: real Vietnamese prose
that, together, uses every tone-marked vowel and Đ/đ (the tests check the coverage)."""

from __future__ import annotations

import datetime
import re
import shutil
import subprocess
import unicodedata

from pypdf import PdfReader

from docsvc.extracts.document import ExtractContent

# Letters the brief asks the text checks to cover (precomposed, NFC).
TONE_LETTERS = "ạảãầẩẫậằẳẵặềểễệồổỗộờởỡợừửữựỳỷỹỵĐđ"

FIELDS: tuple[tuple[str, str], ...] = (
    ("Họ, chữ đệm, tên", "ĐẶNG THỊ NGỌC HUYỀN"),
    ("Ngày, tháng, năm sinh", "25/12/1998"),
    ("Ghi bằng chữ", "Ngày hai mươi lăm tháng Mười hai năm một nghìn chín trăm chín mươi tám"),
    ("Giới tính", "Nữ"),
    ("Dân tộc", "Kinh"),
    ("Quốc tịch", "Việt Nam"),
    ("Nơi sinh", "Trạm y tế xã Quỳnh Hậu, huyện Quỳnh Lưu, tỉnh Nghệ An"),
    ("Quê quán", "thôn Mỹ Lộc, xã Hải Phú, huyện Hải Hậu, tỉnh Nam Định"),
    ("Số định danh cá nhân", "040198012345"),
    ("Họ, chữ đệm, tên người mẹ", "Lưu Thị Thẫm"),
    ("Năm sinh của người mẹ", "1972"),
    ("Nơi cư trú của người mẹ",
     "số 18 ngõ 45 phố Hàng Bạc, phường Hàng Đào, quận Hoàn Kiếm, thành phố Hà Nội; nay tạm trú tại "
     "tổ dân phố Bắc Sơn, phường Kỳ Bá, thành phố Thái Bình, tỉnh Thái Bình, gần ngã ba Cầu Giấy cũ"),
    ("Họ, chữ đệm, tên người cha", "Phạm Văn Thẳng"),
    ("Năm sinh của người cha", "1970"),
    ("Nơi cư trú của người cha", "đường Ông Ích Khiêm, phường Hải Châu, quận Hải Châu, thành phố Đà Nẵng"),
    ("Người đi khai", "Nguyễn Thị Mỵ, bà ngoại, cùng chị Đỗ Thu Hằng; đã xuất trình giấy tờ tùy thân hợp lệ, "
                      "đồng thời cam kết chịu trách nhiệm về nội dung khai, kể cả đặc điểm nhận dạng"),
)
REGISTRATION = ("Đã đăng ký khai sinh tại Ủy ban nhân dân xã Quỳnh Hậu, huyện Quỳnh Lưu, tỉnh Nghệ An, "
                "số 112, quyển số 02, ngày 30/12/1998")
NOTES = ("Ngày 03/04/2015 cải chính tên người mẹ từ Lưu Thị Thẩm thành Lưu Thị Thẫm theo Quyết định số "
         "45/QĐ-UBND, có sự giúp đỡ của Sở Tư pháp trong việc đối chiếu sổ gốc.",
         "Ngày 20/10/2020 bổ sung số định danh cá nhân; người ký: ông Hoàng Kỷ; bản chính do Lữ Văn Tự lưu cùng hồ sơ lịch sử.")
VERIFY_URL = "https://docsvc.example.gov.vn/verify/K7Q2M4X9PZ3BWD5T8HRN6CJY"


def content(**changes) -> ExtractContent:
    base = dict(kind="birth", office_lines=("UBND HUYỆN QUỲNH LƯU", "UBND XÃ QUỲNH HẬU"), number="167/TLKS-BS",
                fields=FIELDS, registration=REGISTRATION, notes=NOTES, place="Xã Quỳnh Hậu",
                issued_on=datetime.date(2026, 3, 5), signer_title=("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"),
                signer_name="Hồ Sỹ Hùng", verify_url=VERIFY_URL)
    base.update(changes)
    return ExtractContent(**base)


def flat(text: str) -> str:
    """Whitespace (line breaks of wrapped lines included) as single spaces; page footers out."""
    return " ".join(re.sub(r"Trang \d+/\d+", " ", text).split())


def pypdf_text(pdf: bytes) -> str:
    import io
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def page_count(pdf: bytes) -> int:
    import io
    return len(PdfReader(io.BytesIO(pdf)).pages)


PDFTOTEXT = shutil.which("pdftotext")


def pdftotext_text(pdf: bytes) -> str:
    result = subprocess.run([PDFTOTEXT, "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True,
                            check=True, timeout=60)
    return result.stdout.decode("utf-8")


def is_nfc(text: str) -> bool:
    return unicodedata.is_normalized("NFC", text)


def embedded_font_files(pdf: bytes) -> dict[str, bool]:
    """BaseFont name -> whether its descriptor carries an embedded TrueType program
    (/FontFile2), for every font used on every page."""
    import io
    fonts: dict[str, bool] = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            fonts[str(font["/BaseFont"])] = bool(descriptor and "/FontFile2" in descriptor.get_object())
    return fonts
