"""Vietnamese names and places with realistic frequencies, for generated sample data.

Surname shares follow published estimates (Nguyễn about 38%, Trần 11%, Lê 9.5%, Phạm 7%,
Hoàng/Huỳnh 5.1%, Phan 4.5%, Vũ/Võ 3.9%, Đặng 2.1%, Bùi 2%, Đỗ 1.4%, Hồ 1.3%, Ngô 1.3%,
Dương 1%, Lý 0.5%); the rest share what is left. Văn and Thị are the commonest middle names
of men and women. Spellings use the traditional tone-mark placement (Hòa, Thủy), as most
registers do; search treats both placements as one.
"""

from __future__ import annotations

import random
from bisect import bisect
from itertools import accumulate
from typing import Sequence


class Weighted:
    """Draw from a list of (value, weight) pairs with a given random.Random."""

    def __init__(self, pairs: Sequence[tuple[str, float]]):
        self.values = [v for v, _ in pairs]
        self.cum = list(accumulate(w for _, w in pairs))
        self.total = self.cum[-1]

    def draw(self, rng: random.Random) -> str:
        return self.values[bisect(self.cum, rng.random() * self.total)]


SURNAMES = Weighted([
    ("Nguyễn", 38.0), ("Trần", 11.0), ("Lê", 9.5), ("Phạm", 7.0), ("Hoàng", 3.1), ("Huỳnh", 2.0),
    ("Phan", 4.5), ("Vũ", 2.2), ("Võ", 1.7), ("Đặng", 2.1), ("Bùi", 2.0), ("Đỗ", 1.4), ("Hồ", 1.3),
    ("Ngô", 1.3), ("Dương", 1.0), ("Lý", 0.5), ("Đinh", 0.9), ("Đoàn", 0.8), ("Trương", 0.8),
    ("Lâm", 0.6), ("Mai", 0.6), ("Trịnh", 0.6), ("Lưu", 0.5), ("Cao", 0.5), ("Tô", 0.4),
    ("Hà", 0.5), ("Tạ", 0.3), ("Châu", 0.3), ("Quách", 0.2), ("Lương", 0.4), ("Thái", 0.3),
    ("Kiều", 0.2), ("Chu", 0.3), ("Triệu", 0.3), ("Văn", 0.2), ("Khúc", 0.1), ("Nông", 0.3),
    ("Lò", 0.1), ("Hứa", 0.2), ("Phùng", 0.3), ("Tăng", 0.1), ("Diệp", 0.1), ("La", 0.1),
])

MALE_MIDDLE = Weighted([
    ("Văn", 50.0), ("Đức", 6.0), ("Minh", 6.0), ("Quốc", 4.0), ("Hữu", 4.0), ("Công", 3.5),
    ("Thanh", 3.5), ("Xuân", 2.5), ("Ngọc", 2.5), ("Đình", 3.0), ("Quang", 3.0), ("Trọng", 2.0),
    ("Mạnh", 1.5), ("Tiến", 1.5), ("Thế", 1.5), ("Bá", 1.0), ("Anh", 1.5), ("Hoàng", 1.5),
    ("Gia", 1.0), ("Tuấn", 1.0), ("Việt", 1.0), ("Duy", 1.0), ("Trung", 0.8), ("Phúc", 0.5),
])

FEMALE_MIDDLE = Weighted([
    ("Thị", 58.0), ("Ngọc", 6.0), ("Thu", 4.0), ("Thanh", 4.0), ("Kim", 3.0), ("Minh", 3.0),
    ("Phương", 2.5), ("Hồng", 2.5), ("Thúy", 2.0), ("Bích", 1.5), ("Mỹ", 1.5), ("Quỳnh", 1.5),
    ("Hải", 1.0), ("Diệu", 1.0), ("Khánh", 1.0), ("Bảo", 1.0), ("Mai", 1.0), ("Hoài", 1.0),
    ("Tuyết", 0.8), ("Lan", 0.8), ("Ánh", 0.8), ("Hà", 0.8), ("Thùy", 1.0), ("Cẩm", 0.6),
])

MALE_GIVEN = Weighted([
    ("Hùng", 4.0), ("Dũng", 3.5), ("Tuấn", 4.0), ("Minh", 4.0), ("Hải", 3.0), ("Nam", 3.5),
    ("Long", 3.0), ("Sơn", 3.0), ("Thắng", 2.5), ("Cường", 2.5), ("Hoàng", 2.0), ("Trung", 2.5),
    ("Hiếu", 2.0), ("Phúc", 2.0), ("Quân", 2.0), ("Khoa", 1.5), ("Đức", 2.5), ("Bình", 2.0),
    ("Tùng", 2.0), ("An", 2.0), ("Huy", 3.0), ("Thành", 2.5), ("Vinh", 1.5), ("Toàn", 1.5),
    ("Lâm", 1.5), ("Kiên", 1.5), ("Hòa", 1.5), ("Thủy", 0.3), ("Quang", 1.5), ("Khánh", 1.5),
    ("Phong", 1.5), ("Tâm", 1.5), ("Tiến", 1.5), ("Tài", 1.5), ("Đạt", 2.0), ("Thịnh", 1.0),
    ("Lợi", 1.0), ("Nghĩa", 1.2), ("Quý", 1.0), ("Hưng", 1.5), ("Thuận", 1.0), ("Trường", 1.2),
    ("Việt", 1.2), ("Duy", 1.2), ("Bảo", 1.0), ("Khải", 0.8), ("Lộc", 1.0), ("Thái", 1.0),
    ("Chiến", 1.0), ("Hậu", 1.0), ("Tú", 1.0), ("Công", 0.8), ("Tín", 0.8), ("Định", 0.8),
    ("Điệp", 0.5), ("Đông", 0.8), ("Khang", 0.8), ("Nhân", 1.0), ("Quyết", 0.7), ("Uy", 0.4),
    ("Thuật", 0.4), ("Tuệ", 0.4), ("Vương", 0.4), ("Xuân", 0.6), ("Yên", 0.3), ("Sang", 0.7),
])

FEMALE_GIVEN = Weighted([
    ("Lan", 3.0), ("Hương", 3.5), ("Hoa", 2.5), ("Mai", 3.0), ("Linh", 4.0), ("Trang", 4.0),
    ("Hà", 3.0), ("Nga", 2.5), ("Thảo", 3.0), ("Hằng", 3.0), ("Ngọc", 2.5), ("Phương", 3.0),
    ("Thủy", 3.0), ("Yến", 2.0), ("Dung", 2.0), ("Loan", 1.5), ("Nhung", 2.0), ("Vân", 2.0),
    ("Anh", 3.5), ("Hạnh", 2.0), ("Huyền", 2.5), ("Oanh", 1.5), ("Quyên", 1.0), ("Tuyết", 1.0),
    ("Xuân", 1.0), ("Hòa", 1.2), ("Thoa", 1.0), ("Thư", 2.0), ("Vy", 2.0), ("Nhi", 2.0),
    ("Ly", 1.5), ("Chi", 1.5), ("Giang", 1.5), ("My", 1.5), ("Nhàn", 1.0), ("Liên", 1.5),
    ("Hiền", 2.0), ("Tâm", 1.2), ("Duyên", 1.5), ("Quỳnh", 1.5), ("Hồng", 1.5), ("Thương", 1.2),
    ("Trinh", 1.0), ("Uyên", 1.0), ("Diệp", 0.5), ("Khuê", 0.3), ("Ánh", 1.0), ("Châu", 1.0),
    ("Đào", 0.8), ("Gấm", 0.4), ("Huệ", 1.0), ("Lụa", 0.4), ("Mận", 0.4), ("Nguyệt", 1.0),
    ("Phượng", 1.0), ("Sương", 0.6), ("Thắm", 0.8), ("Thơ", 0.8), ("Tươi", 0.6), ("Xoan", 0.3),
])

ETHNICITIES = Weighted([
    ("Kinh", 85.3), ("Tày", 1.9), ("Thái", 1.8), ("Mường", 1.5), ("Khmer", 1.4), ("Hoa", 0.8),
    ("Nùng", 1.1), ("Mông", 1.3), ("Dao", 0.9), ("Gia Rai", 0.5), ("Ê Đê", 0.4), ("Ba Na", 0.3),
    ("Sán Chay", 0.2), ("Chăm", 0.2), ("Cơ Ho", 0.2), ("Xơ Đăng", 0.2), ("Sán Dìu", 0.2),
])

# Provinces after the 1 July 2025 merger (34), used for places and home towns.
PROVINCES = [
    "Hà Nội", "Thành phố Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Huế",
    "Tuyên Quang", "Lào Cai", "Thái Nguyên", "Phú Thọ", "Bắc Ninh", "Hưng Yên", "Ninh Bình",
    "Quảng Trị", "Quảng Ngãi", "Gia Lai", "Khánh Hòa", "Lâm Đồng", "Đắk Lắk", "Đồng Nai",
    "Tây Ninh", "Vĩnh Long", "Đồng Tháp", "Cà Mau", "An Giang", "Lai Châu", "Điện Biên",
    "Sơn La", "Lạng Sơn", "Quảng Ninh", "Thanh Hóa", "Nghệ An", "Hà Tĩnh", "Cao Bằng",
]

_COMMUNE_PARTS = [
    "Tân", "Phú", "An", "Bình", "Hòa", "Thạnh", "Long", "Phước", "Đông", "Tây", "Nam", "Bắc",
    "Trung", "Hưng", "Thịnh", "Lộc", "Quang", "Minh", "Đức", "Thuận", "Vĩnh", "Yên", "Hải",
    "Sơn", "Thủy", "Lâm", "Kim", "Ngọc", "Xuân", "Hồng", "Mỹ", "Hiệp", "Khánh", "Thành",
]

STREETS = [
    "Lê Lợi", "Trần Hưng Đạo", "Nguyễn Trãi", "Hai Bà Trưng", "Lý Thường Kiệt", "Quang Trung",
    "Hoàng Diệu", "Phan Đình Phùng", "Nguyễn Huệ", "Lê Duẩn", "Điện Biên Phủ", "Hùng Vương",
    "Bà Triệu", "Ngô Quyền", "Trần Phú", "Võ Thị Sáu", "Nguyễn Du", "Tô Hiến Thành",
]


def commune_name(rng: random.Random) -> str:
    kind = "Phường" if rng.random() < 0.4 else "Xã"
    return f"{kind} {rng.choice(_COMMUNE_PARTS)} {rng.choice(_COMMUNE_PARTS)}"


def place(rng: random.Random) -> str:
    """A commune/ward and province, as written in registers."""
    return f"{commune_name(rng)}, {rng.choice(PROVINCES)}"


def address(rng: random.Random) -> str:
    return f"Số {rng.randint(1, 250)} đường {rng.choice(STREETS)}, {place(rng)}"


def full_name(rng: random.Random, sex: int) -> str:
    """A full name for sex 1 (male) or 2 (female)."""
    surname = SURNAMES.draw(rng)
    if sex == 2:
        middle, given = FEMALE_MIDDLE.draw(rng), FEMALE_GIVEN.draw(rng)
    else:
        middle, given = MALE_MIDDLE.draw(rng), MALE_GIVEN.draw(rng)
    # About one name in eight has two middle names (Nguyễn Thị Minh Khai).
    if rng.random() < 0.12:
        extra = (FEMALE_MIDDLE if sex == 2 else MALE_MIDDLE).draw(rng)
        if extra not in (middle, given):
            return f"{surname} {middle} {extra} {given}"
    return f"{surname} {middle} {given}"
