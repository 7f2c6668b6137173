"""Words a typed register page is checked against (official lists and fixed phrases),
and the text forms labels and values are compared in."""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz import fuzz

#: The 54 ethnic groups of Viet Nam (General Statistics Office list), as registers write them.
ETHNICITIES = (
    "Kinh", "Tày", "Thái", "Mường", "Khmer", "Hoa", "Nùng", "Mông", "Dao", "Gia Rai", "Ê Đê",
    "Ba Na", "Xơ Đăng", "Sán Chay", "Cơ Ho", "Chăm", "Sán Dìu", "Hrê", "Mnông", "Ra Glai",
    "Xtiêng", "Bru Vân Kiều", "Thổ", "Giáy", "Cơ Tu", "Giẻ Triêng", "Mạ", "Khơ Mú", "Co",
    "Tà Ôi", "Chơ Ro", "Kháng", "Xinh Mun", "Hà Nhì", "Chu Ru", "Lào", "La Chí", "La Ha",
    "Phù Lá", "La Hủ", "Lự", "Lô Lô", "Chứt", "Mảng", "Pà Thẻn", "Cơ Lao", "Cống", "Bố Y",
    "Si La", "Pu Péo", "Brâu", "Ơ Đu", "Rơ Măm", "Ngái",
)
NATIONALITIES = ("Việt Nam",)
#: Titles of the signing officer, longest first (a prefix of "Người ký").
POSITIONS = ("Phó Chủ tịch", "Chủ tịch", "Công chức tư pháp - hộ tịch", "Trưởng phòng Tư pháp",
             "Phó Trưởng phòng Tư pháp")
#: Vietnamese family names (the first word of a full name), to catch a misread first word.
SURNAMES = (
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
    "Hồ", "Ngô", "Dương", "Lý", "Đào", "Đoàn", "Vương", "Trịnh", "Đinh", "Lâm", "Phùng", "Mai",
    "Tô", "Trương", "Hà", "Lương", "Lưu", "Quách", "Cao", "Chu", "Châu", "Tạ", "Thái", "Kiều",
    "Đàm", "Lã", "La", "Mạc", "Khúc", "Khổng", "Kim", "Hứa", "Tăng", "Thân", "Triệu", "Văn",
    "Từ", "Tôn", "Nghiêm", "Lò", "Lục", "Âu", "Ông", "Giang", "Bạch", "Diệp", "Đồng", "Hàn",
    "Hầu", "Khương", "Lại", "Lữ", "Nông", "Phí", "Quan", "Sầm", "Tống", "Trình", "Ung", "Vi",
    "Viên", "Doãn", "Đậu", "Cù", "Cấn", "Đường", "Lường", "Mẫn", "Ninh", "Thạch", "Tiêu",
    "Giáp", "Lộc", "Mã", "Thiều", "Ứng", "Lạc", "Đào", "Lò", "Hoa", "Y",
)
ID_PAPER_WORDS = ("CCCD", "CMND", "Hộ chiếu", "Giấy chứng minh", "Căn cước")

#: Common causes of death and fixed phrases of register values: a reading that equals one
#: of them without diacritics is put right, and left uncertain when it differed.
CAUSES_OF_DEATH = ("Bệnh già", "Già yếu", "Bệnh tim", "Tai nạn giao thông", "Ung thư", "Đột quỵ",
                   "Bệnh phổi", "Không rõ nguyên nhân", "Tai biến mạch máu não", "Nhồi máu cơ tim",
                   "Suy tim", "Suy thận", "Tai nạn lao động", "Đuối nước", "Lao phổi", "Bệnh gan")
PHRASES = ("Giấy báo tử", "Trạm Y tế", "Bệnh viện Đa khoa", "Nhà hộ sinh", "Tại nhà",
           "Thành phố Hồ Chí Minh", "Hồ Chí Minh")

#: Provinces and centrally-run cities, before and after the 2025 merger: the last part of an
#: address ("…, Đồng Nai") read with a wrong mark is put right (and left uncertain).
PROVINCES = (
    "Hà Nội", "Thành phố Hồ Chí Minh", "Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Huế",
    "Thừa Thiên Huế", "An Giang", "Bà Rịa - Vũng Tàu", "Bắc Giang", "Bắc Kạn", "Bạc Liêu",
    "Bắc Ninh", "Bến Tre", "Bình Định", "Bình Dương", "Bình Phước", "Bình Thuận", "Cà Mau",
    "Cao Bằng", "Đắk Lắk", "Đắk Nông", "Điện Biên", "Đồng Nai", "Đồng Tháp", "Gia Lai", "Hà Giang",
    "Hà Nam", "Hà Tĩnh", "Hải Dương", "Hậu Giang", "Hòa Bình", "Hưng Yên", "Khánh Hòa",
    "Kiên Giang", "Kon Tum", "Lai Châu", "Lâm Đồng", "Lạng Sơn", "Lào Cai", "Long An",
    "Nam Định", "Nghệ An", "Ninh Bình", "Ninh Thuận", "Phú Thọ", "Phú Yên", "Quảng Bình",
    "Quảng Nam", "Quảng Ngãi", "Quảng Ninh", "Quảng Trị", "Sóc Trăng", "Sơn La", "Tây Ninh",
    "Thái Bình", "Thái Nguyên", "Thanh Hóa", "Tiền Giang", "Trà Vinh", "Tuyên Quang",
    "Vĩnh Long", "Vĩnh Phúc", "Yên Bái",
)
PLACE_KEYS = ("residence", "home_town", "place_of_birth", "place_of_death")

KIND_BY_TITLE = {"khai sinh": "birth", "khai tu": "death", "ket hon": "marriage"}



def fold(text: str) -> str:
    """Lower case, no diacritics, đ → d."""
    text = unicodedata.normalize("NFD", text.lower().replace("đ", "d").replace("Đ", "d"))
    return "".join(ch for ch in text if unicodedata.category(ch) != "Mn")


def text_key(text: str) -> str:
    """Folded letters and digits, single spaces: what labels are compared on."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", fold(text)).split())


def plain_text(text: str) -> str:
    """Lower case with diacritics, punctuation dropped: the unfolded comparison."""
    return " ".join(re.sub(r"[^\w]+", " ", unicodedata.normalize("NFC", text.lower())).split())


def label_score(a: str, b: str) -> float:
    """Similarity of two label texts, the better of folded and unfolded."""
    return max(fuzz.ratio(text_key(a), text_key(b)), fuzz.ratio(plain_text(a), plain_text(b)))

