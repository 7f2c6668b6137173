"""Vietnamese administrative documents (Decree 30/2020 layout) for sample data.

Each document has its number and symbol, date, issuer, type, abstract (trích yếu), body,
signer and recipients; ``lines()`` gives the text in page order, the ground truth that a
rendered page must give back through OCR.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Iterator

from docsvc.sampledata import names
from docsvc.sampledata.numwords import date_long

# (type name, abbreviation); công văn has none.
DOC_TYPES = [
    ("Quyết định", "QĐ", 18), ("Kế hoạch", "KH", 14), ("Thông báo", "TB", 12),
    ("Báo cáo", "BC", 12), ("Công văn", "", 22), ("Tờ trình", "TTr", 6), ("Giấy mời", "GM", 6),
    ("Hướng dẫn", "HD", 3), ("Chỉ thị", "CT", 2), ("Nghị quyết", "NQ", 2), ("Biên bản", "BB", 3),
]

ISSUERS = [
    ("ỦY BAN NHÂN DÂN", "UBND"), ("VĂN PHÒNG HĐND VÀ UBND", "VP"),
    ("PHÒNG KINH TẾ", "PKT"), ("PHÒNG VĂN HÓA - XÃ HỘI", "VHXH"),
]
DRAFTING_UNITS = ["VX", "KT", "VP", "TP", "ĐC", "YT", "GD"]

SUBJECTS = [
    "triển khai công tác chuyển đổi số năm {year}",
    "tổ chức tiếp nhận và trả kết quả hồ sơ thủ tục hành chính theo cơ chế một cửa",
    "kiện toàn Ban Chỉ đạo phòng, chống thiên tai và tìm kiếm cứu nạn",
    "số hóa sổ hộ tịch và cập nhật vào Cơ sở dữ liệu hộ tịch điện tử",
    "phê duyệt kế hoạch sử dụng đất năm {year}",
    "tăng cường công tác phòng cháy, chữa cháy trên địa bàn",
    "tổ chức các hoạt động kỷ niệm Ngày Quốc khánh 2 tháng 9",
    "kết quả thực hiện nhiệm vụ phát triển kinh tế - xã hội quý {quarter} năm {year}",
    "chỉnh lý tài liệu lưu trữ và lập danh mục hồ sơ năm {year}",
    "đôn đốc thu ngân sách nhà nước những tháng cuối năm",
    "tiêm chủng mở rộng cho trẻ em dưới 5 tuổi",
    "hỗ trợ hộ nghèo, hộ cận nghèo sửa chữa nhà ở",
    "rà soát, cấp đổi giấy chứng nhận quyền sử dụng đất",
    "bảo đảm an toàn giao thông dịp Tết Nguyên đán",
    "thành lập Tổ công tác thực hiện Đề án 06 của Chính phủ",
    "giao chỉ tiêu tuyển quân năm {year}",
]

BODY_SENTENCES = [
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;",
    "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư;",
    "Căn cứ Luật Hộ tịch ngày 20 tháng 11 năm 2014;",
    "Xét đề nghị của Trưởng phòng Văn hóa - Xã hội tại Tờ trình số {n}/TTr-VHXH;",
    "Giao Văn phòng chủ trì, phối hợp với các đơn vị liên quan tổ chức thực hiện.",
    "Các cơ quan, đơn vị báo cáo kết quả thực hiện trước ngày {deadline}.",
    "Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, kịp thời báo cáo về Ủy ban nhân dân để xem xét, giải quyết.",
    "Thủ trưởng các cơ quan, đơn vị và cá nhân có liên quan chịu trách nhiệm thi hành văn bản này.",
    "Kinh phí thực hiện được bố trí từ nguồn ngân sách địa phương năm {year}.",
    "Tổng số hồ sơ tiếp nhận trong kỳ là {count} hồ sơ, trong đó giải quyết đúng hạn {ontime} hồ sơ.",
    "Đề nghị các phòng, ban chuyên môn nghiêm túc triển khai thực hiện.",
    "Ủy ban nhân dân yêu cầu các đơn vị quán triệt và thực hiện nghiêm các nội dung trên.",
    "Tiếp tục đẩy mạnh cải cách hành chính, nâng cao chất lượng phục vụ người dân và doanh nghiệp.",
    "Công chức tư pháp - hộ tịch rà soát các sổ hộ tịch đã lưu trữ từ năm 1956 đến nay.",
    "Thời gian thực hiện từ ngày ký ban hành đến hết ngày 31 tháng 12 năm {year}.",
]

RECIPIENTS = ["Như Điều 3;", "Thường trực Đảng ủy;", "Thường trực HĐND;", "Chủ tịch, các PCT UBND;",
              "Các phòng, ban chuyên môn;", "Lưu: VT."]

URGENCY = ["", "", "", "", "", "", "Khẩn", "Thượng khẩn", "Hỏa tốc"]
SECRECY = ["", "", "", "", "", "", "", "", "", "Mật"]


@dataclass
class AdminDocument:
    number: int
    type_name: str
    type_abbr: str
    issuer_parent: str            # governing body line, e.g. "UBND TỈNH NINH BÌNH"
    issuer_name: str              # e.g. "ỦY BAN NHÂN DÂN XÃ TÂN PHÚ"
    issuer_abbr: str              # e.g. "UBND"
    drafting_unit: str
    place: str
    issued_on: date
    abstract: str                 # trích yếu
    body: list[str]
    signer_position: str
    signer_name: str
    recipients: list[str]
    urgency: str = ""
    secrecy: str = ""
    direction: str = "outgoing"
    extra: dict = field(default_factory=dict)

    @property
    def symbol(self) -> str:
        if self.type_abbr:
            return f"{self.type_abbr}-{self.issuer_abbr}"
        return f"{self.issuer_abbr}-{self.drafting_unit}"

    @property
    def number_symbol(self) -> str:
        """'135/KH-UBND' (number two digits at least)."""
        return f"{self.number:02d}/{self.symbol}"

    @property
    def title(self) -> str:
        if self.type_abbr:
            return f"{self.type_name} {self.number_symbol} về việc {self.abstract}"
        return f"Công văn {self.number_symbol} về việc {self.abstract}"

    def header_lines(self) -> list[str]:
        return [
            self.issuer_parent,
            self.issuer_name,
            f"Số: {self.number_symbol}",
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            f"{self.place}, {date_long(self.issued_on)}",
        ]

    def lines(self) -> list[str]:
        """The document's text in reading order (ground truth for its rendered page)."""
        out = self.header_lines()
        if self.urgency:
            out.append(self.urgency.upper())
        if self.secrecy:
            out.append(self.secrecy.upper())
        if self.type_abbr:
            out += [self.type_name.upper(), f"Về việc {self.abstract}"]
        else:
            out.append(f"V/v {self.abstract}")
        out += self.body
        out += [f"{self.signer_position.upper()}", self.signer_name, "Nơi nhận:"] + self.recipients
        return out

    def text(self) -> str:
        return "\n".join(self.lines())


def _fill(template: str, rng: random.Random, year: int) -> str:
    deadline = date(year, rng.randint(1, 12), rng.randint(1, 28))
    count = rng.randint(200, 5000)
    return template.format(
        year=year, quarter=rng.choice(["I", "II", "III", "IV"]), n=rng.randint(1, 300),
        deadline=date_long(deadline).removeprefix("ngày "), count=count,
        ontime=count - rng.randint(0, 40),
    )


def generate_documents(n: int, seed: int = 0, *, first_year: int = 2019,
                       last_year: int = 2026, body_sentences: tuple[int, int] = (4, 8)
                       ) -> Iterator[AdminDocument]:
    """Yield ``n`` documents, deterministic for ``seed``, numbered per type abbreviation
    and year from 01 as Decree 30 requires."""
    rng = random.Random(seed)
    type_weights = [w for *_, w in DOC_TYPES]
    counters: dict[tuple[str, str, int], int] = {}
    span_days = (date(last_year, 12, 31) - date(first_year, 1, 1)).days
    for _ in range(n):
        issued = date(first_year, 1, 1) + timedelta(days=rng.randint(0, span_days))
        type_name, abbr, _w = rng.choices(DOC_TYPES, weights=type_weights)[0]
        issuer_name, issuer_abbr = rng.choice(ISSUERS)
        commune = names.commune_name(rng)
        province = rng.choice(names.PROVINCES)
        if issuer_abbr == "UBND":
            issuer_full = f"ỦY BAN NHÂN DÂN {commune.upper()}"
            parent = f"UBND TỈNH {province.upper()}" if not province.startswith("Thành phố") else "UBND THÀNH PHỐ HỒ CHÍ MINH"
        else:
            issuer_full = issuer_name
            parent = f"UBND {commune.upper()}"
        key = (issuer_abbr, "", issued.year)  # one sequence per issuing agency per year
        number = counters[key] = counters.get(key, 0) + 1
        year = issued.year
        abstract = _fill(rng.choice(SUBJECTS), rng, year)
        body = [_fill(s, rng, year) for s in rng.sample(BODY_SENTENCES, rng.randint(*body_sentences))]
        signer_sex = rng.choice((1, 1, 2))
        yield AdminDocument(
            number=number, type_name=type_name, type_abbr=abbr, issuer_parent=parent,
            issuer_name=issuer_full, issuer_abbr=issuer_abbr,
            drafting_unit=rng.choice(DRAFTING_UNITS), place=commune.split(" ", 1)[1],
            issued_on=issued, abstract=abstract, body=body,
            signer_position=rng.choice(["TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH", "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH"]).split("\n")[-1],
            signer_name=names.full_name(rng, signer_sex),
            recipients=rng.sample(RECIPIENTS[:-1], 3) + [RECIPIENTS[-1]],
            urgency=rng.choice(URGENCY), secrecy=rng.choice(SECRECY),
            direction=rng.choice(["incoming", "outgoing"]),
        )
