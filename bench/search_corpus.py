"""Synthetic corpus for bench/search.py: register entries and document pages from
``docsvc.sampledata``, adapted to ``search`` records.

The document generator draws every body sentence from fifteen templates, so any phrase
of a body is shared by a third of all documents; real pages are far more varied. Pages
after the first are therefore filled here with sentences assembled from larger word
lists, names, places, numbers and dates (``_PageWriter``), so that a phrase staff
remember from a page can be specific, as it is in a real archive. Everything is
deterministic for a seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Iterator

from docsvc.sampledata import names
from docsvc.sampledata.documents import generate_documents
from docsvc.sampledata.registers import generate_entries
from search.records import DocumentPage, PersonRecord

DOC_UNITS = {"UBND": (1, "VP"), "VP": (1, "VP"), "PKT": (2, "PKT"), "VHXH": (3, "VHXH")}
REGISTER_UNITS = [(4, "TP"), (5, "HTCU")]   # civil-status office; the former district's


def person_record(i: int, e) -> PersonRecord:
    """Entry ``i`` (1-based) of the generator as a PersonRecord."""
    related = {}
    if e.mother:
        related["mother"] = e.mother.full_name
    if e.father:
        related["father"] = e.father.full_name
    if e.spouse:
        related["spouse"] = e.spouse.full_name
    if e.kind == "birth":
        residence = e.mother.residence if e.mother else None
    elif e.kind == "marriage":
        residence = e.wife.residence if e.wife else None
    else:
        residence = e.home_town
    unit_id, unit = REGISTER_UNITS[0] if e.year >= 2000 else REGISTER_UNITS[1]
    return PersonRecord(
        entry_id=i, event=e.kind, full_name=e.full_name, sex=e.sex,
        date_of_birth=e.date_of_birth, registered_on=e.registered_on, year=e.year,
        book=e.book, number=e.number, place_of_birth=e.place_of_birth or None,
        residence=residence, personal_id=e.personal_id or None, related=related,
        unit_id=unit_id, unit=unit, version="1",
    )


def persons(n: int, seed: int = 1) -> Iterator[PersonRecord]:
    for i, e in enumerate(generate_entries(n, seed), start=1):
        yield person_record(i, e)


_PURPOSES = ["sửa chữa nhà ở", "mua giống cây trồng", "khắc phục hậu quả lũ lụt",
             "học nghề", "khám chữa bệnh", "chăn nuôi bò sinh sản", "xây dựng công trình vệ sinh",
             "mua thẻ bảo hiểm y tế", "làm đường giao thông nông thôn", "nuôi trồng thủy sản"]
_OFFICES = ["Văn phòng", "Phòng Kinh tế", "Phòng Văn hóa - Xã hội", "Công an xã",
            "Ban Chỉ huy Quân sự", "Trạm Y tế", "Hội Nông dân", "Hội Liên hiệp Phụ nữ",
            "Đoàn Thanh niên", "Mặt trận Tổ quốc", "Bộ phận một cửa", "công chức địa chính"]
_ACTIONS = ["rà soát", "kiểm tra", "thống kê", "cập nhật", "niêm yết công khai", "thẩm định",
            "đôn đốc", "tổng hợp", "lập danh sách", "hướng dẫn", "xác minh", "bàn giao"]
_OBJECTS = ["hồ sơ đất đai", "sổ hộ tịch", "hộ nghèo và hộ cận nghèo", "đối tượng bảo trợ xã hội",
            "công trình xây dựng", "cơ sở kinh doanh", "diện tích lúa", "đàn gia súc",
            "người có công", "trẻ em dưới 6 tuổi", "thanh niên trong độ tuổi nhập ngũ",
            "hồ sơ lưu trữ", "thiết bị phòng cháy", "nguồn nước sinh hoạt", "tài liệu số hóa"]
_ACHIEVE = ["tiêm chủng cho", "cấp mới", "chuyển đổi", "trồng mới", "giải quyết",
            "hỗ trợ", "tuyên truyền cho", "đào tạo"]
_UNIT_NOUNS = ["hộ gia đình", "trường hợp", "hồ sơ", "ha", "người", "cơ sở", "con", "lượt"]
_VIOLATIONS = ["an toàn thực phẩm", "xây dựng trái phép", "môi trường", "phòng cháy",
               "trật tự đô thị", "lấn chiếm đất công", "giá cả", "hóa đơn chứng từ"]
_PERIODS = ["quý I", "quý II", "quý III", "quý IV", "6 tháng đầu năm", "tháng {m}", "năm {y}"]
_PROCS = ["đăng ký khai sinh", "chứng thực", "cấp giấy phép xây dựng", "đăng ký kết hôn",
          "đăng ký kinh doanh", "xác nhận tình trạng hôn nhân", "trích lục hộ tịch"]


class _PageWriter:
    """Sentences for pages after the first (see the module docstring)."""

    def __init__(self, rng: random.Random):
        self.r = rng

    def sentence(self, year: int) -> str:
        r = self.r
        c = r.choice
        kind = r.randrange(7)
        if kind == 0:
            return (f"Hộ {c(['ông', 'bà'])} {names.full_name(r, c((1, 2)))}, trú tại "
                    f"{names.address(r)}, được hỗ trợ {r.randint(2, 60)} triệu đồng để "
                    f"{c(_PURPOSES)}.")
        if kind == 1:
            d = date(year, r.randint(1, 12), r.randint(1, 28))
            return (f"Giao {c(_OFFICES)} phối hợp với {c(_OFFICES)} {c(_ACTIONS)} "
                    f"{c(_OBJECTS)} tại {names.commune_name(r)}, hoàn thành trước ngày "
                    f"{d:%d/%m/%Y}.")
        if kind == 2:
            period = c(_PERIODS).format(m=r.randint(1, 12), y=year)
            return (f"Trong {period}, toàn xã đã {c(_ACHIEVE)} {r.randint(12, 4800)} "
                    f"{c(_UNIT_NOUNS)}, đạt {r.randint(60, 120)}% kế hoạch.")
        if kind == 3:
            return (f"Ông {names.full_name(r, 1)}, {c(['Trưởng thôn', 'Phó Chủ tịch', 'công chức', 'Bí thư chi bộ'])} "
                    f"{c(['thôn', 'ấp', 'tổ dân phố'])} {r.randint(1, 15)}, đề nghị {c(_ACTIONS)} "
                    f"{c(_OBJECTS)} và báo cáo kết quả về {c(_OFFICES)}.")
        if kind == 4:
            total = r.randint(40, 3000)
            return (f"Tiếp nhận {total} hồ sơ {c(_PROCS)}, trong đó {r.randint(1, total)} hồ sơ "
                    f"trực tuyến; trả kết quả đúng hạn {r.randint(85, 100)}%.")
        if kind == 5:
            return (f"Kiểm tra {r.randint(3, 90)} {c(['cơ sở', 'hộ kinh doanh', 'công trình'])} "
                    f"trên địa bàn {names.commune_name(r)}, phát hiện {r.randint(0, 20)} trường "
                    f"hợp vi phạm về {c(_VIOLATIONS)}.")
        return (f"Kinh phí {c(_ACTIONS)} {c(_OBJECTS)} là {r.randint(10, 990)} triệu đồng "
                f"từ nguồn {c(['ngân sách xã', 'ngân sách tỉnh', 'xã hội hóa', 'vốn lồng ghép'])}.")

    def page(self, year: int, words: int) -> str:
        out, n = [], 0
        while n < words:
            s = self.sentence(year)
            out.append(s)
            n += len(s.split())
        return "\n".join(out)


def document_pages(m: int, seed: int = 1, words_per_page: int = 220) -> Iterator[DocumentPage]:
    """``m`` pages of generated documents (1 to 4 pages each)."""
    rng = random.Random(seed * 7919 + 1)
    writer = _PageWriter(rng)
    produced = 0
    doc_id = 0
    for doc in generate_documents(max(1, m), seed):
        doc_id += 1
        pages = rng.choices([1, 2, 3, 4], weights=[35, 30, 20, 15])[0]
        unit_id, unit = DOC_UNITS.get(doc.issuer_abbr, (1, "VP"))
        arrived = doc.issued_on + timedelta(days=rng.randint(1, 5)) \
            if doc.direction == "incoming" else None
        for p in range(1, pages + 1):
            text = doc.text() if p == 1 else writer.page(doc.issued_on.year, words_per_page)
            yield DocumentPage(
                doc_id=doc_id, page=p, title=doc.title, text=text, number=doc.number,
                symbol=doc.symbol, number_symbol=doc.number_symbol, doc_type=doc.type_name,
                issuer=doc.issuer_name, issued_on=doc.issued_on, arrived_on=arrived,
                direction=doc.direction, unit_id=unit_id, unit=unit,
                secrecy=1 if doc.secrecy else 0, version="1")
            produced += 1
            if produced >= m:
                return


class Spool:
    """Records written once to a file of pickled chunks, then read back chunk by chunk
    as often as needed: the stand-in for the database cursor a rebuild reads from,
    so that build timings measure indexing, not the sample generator (timed apart)."""

    def __init__(self, path: str, records, size: int = 5000):
        import pickle
        import time
        self.path = path
        self.count = 0
        t = time.perf_counter()
        with open(path, "wb") as f:
            chunk = []
            for rec in records:
                chunk.append(rec)
                if len(chunk) >= size:
                    pickle.dump(chunk, f, protocol=pickle.HIGHEST_PROTOCOL)
                    self.count += len(chunk)
                    chunk = []
            if chunk:
                pickle.dump(chunk, f, protocol=pickle.HIGHEST_PROTOCOL)
                self.count += len(chunk)
        self.generate_seconds = time.perf_counter() - t

    def chunks(self):
        import pickle
        with open(self.path, "rb") as f:
            while True:
                try:
                    yield pickle.load(f)
                except EOFError:
                    return

    def records(self):
        for chunk in self.chunks():
            yield from chunk

    def feed(self) -> "SpoolFeed":
        return SpoolFeed(self.chunks())


@dataclass
class SpoolFeed:
    """``fetch_chunk`` over a spool; tracks the time spent reading it."""

    source: Iterator
    seconds: float = 0.0

    def __call__(self, after):
        import time
        t = time.perf_counter()
        chunk = next(self.source, [])
        self.seconds += time.perf_counter() - t
        return chunk


@dataclass
class Feed:
    """``fetch_chunk`` over a generator: records in order, ``size`` at a time. Tracks
    the time spent producing records (the "database" side of a rebuild)."""

    source: Iterator
    size: int = 5000
    produced: int = 0
    seconds: float = 0.0

    def __call__(self, after):
        import time
        t = time.perf_counter()
        chunk = []
        for rec in self.source:
            chunk.append(rec)
            if len(chunk) >= self.size:
                break
        self.seconds += time.perf_counter() - t
        self.produced += len(chunk)
        return chunk
