"""Fixtures for the search tests: a small hand-made corpus whose records each exercise a
feature, plus generated filler, indexed for real with Whoosh in a temporary directory."""

from __future__ import annotations

import random
from datetime import date

import pytest

from search import AccessScope, DocumentPage, PersonRecord, SearchIndex

EVERYTHING = AccessScope.everything()


def person(entry_id, name, *, event="birth", dob=None, reg=None, related=None, unit_id=4,
           unit="TP", version="1", book=None, number=None, personal_id=None,
           place=None, residence=None, secrecy=0):
    reg = reg or (dob or date(2000, 1, 1))
    return PersonRecord(
        entry_id=entry_id, event=event, full_name=name, sex=1, date_of_birth=dob,
        registered_on=reg, year=reg.year, book=book or f"01/{reg.year}", number=number,
        place_of_birth=place, residence=residence, personal_id=personal_id,
        related=related or {}, unit_id=unit_id, unit=unit, version=version, secrecy=secrecy)


def page(doc_id, page_no, text, *, title="", number=None, symbol=None, doc_type="Công văn",
         issuer="Ủy ban nhân dân xã Tân Phú", issued_on=date(2024, 2, 1), arrived_on=None,
         direction="outgoing", unit_id=1, unit="VP", secrecy=0, version="1"):
    ns = f"{number:02d}/{symbol}" if number is not None and symbol else None
    return DocumentPage(
        doc_id=doc_id, page=page_no, title=title, text=text, number=number, symbol=symbol,
        number_symbol=ns, doc_type=doc_type, issuer=issuer, issued_on=issued_on,
        arrived_on=arrived_on, direction=direction, unit_id=unit_id, unit=unit,
        secrecy=secrecy, version=version)


def people() -> list[PersonRecord]:
    """Hand-made entries first (ids < 100), then generated ones."""
    out = [
        person(1, "Nguyễn Văn Hùng", dob=date(1985, 3, 12), reg=date(1985, 3, 20),
               related={"mother": "Trần Thị Lan", "father": "Nguyễn Văn Bình"},
               personal_id="001085000001", place="Xã Tân Phú, Ninh Bình", number=12),
        person(2, "Nguyễn Văn Hưng", dob=date(1986, 4, 1), related={"mother": "Lê Thị Hoà"}),
        person(3, "Nguyen Van Hung", event="death", dob=date(1940, 1, 1),
               reg=date(2020, 1, 5), residence="Hà Nội", unit_id=5, unit="HTCU"),
        person(4, "Nguyễn Văn Hũng", dob=date(1990, 7, 7)),
        person(5, "Đặng Thị Thủy", dob=date(1990, 5, 6), related={"mother": "Hoàng Thị Hòa"}),
        person(6, "Lê Văn Khỏe", dob=date(1970, 2, 2)),
        person(7, "Trần Quý Toàn", dob=date(1971, 6, 3), related={"spouse": "Phạm Thị Mai"},
               event="marriage"),
        person(8, "Vũ Thị Secret", dob=date(1999, 9, 9), secrecy=2),
        person(9, "Nguyễn Thị Hương", dob=date(1988, 8, 8), unit_id=None, unit=None),
    ]
    rng = random.Random(7)
    surnames = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Võ", "Đỗ"]
    middles = ["Văn", "Thị", "Minh", "Ngọc", "Đức"]
    givens = ["An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Khánh", "Long", "Nam", "Oanh"]
    for i in range(100, 300):
        name = f"{rng.choice(surnames)} {rng.choice(middles)} {rng.choice(givens)}"
        born = date(1950 + rng.randrange(60), rng.randrange(1, 13), rng.randrange(1, 28))
        out.append(person(i, name, dob=born, reg=born.replace(year=born.year + 1),
                          related={"mother": f"{rng.choice(surnames)} Thị {rng.choice(givens)}"},
                          **dict(zip(("unit_id", "unit"), rng.choice([(4, "TP"), (5, "HTCU")])))))
    return out


def pages() -> list[DocumentPage]:
    out = [
        page(10, 1, "UBND XÃ TÂN PHÚ\nSố: 135/KH-UBND\nVề việc triển khai công tác chuyển đổi "
                    "số năm 2024.\nGiao Văn phòng chủ trì, phối hợp thực hiện.",
             title="Kế hoạch triển khai công tác chuyển đổi số năm 2024", number=135,
             symbol="KH-UBND", doc_type="Kế hoạch"),
        page(10, 2, "Trang hai: tăng cường phòng cháy chữa cháy và số hóa sổ hộ tịch.",
             title="Kế hoạch triển khai công tác chuyển đổi số năm 2024", number=135,
             symbol="KH-UBND", doc_type="Kế hoạch"),
        page(11, 1, "Quyết định về số hóa sổ hộ tịch, chỉnh lý tài liệu lưu trữ.",
             title="Quyết định số hóa sổ hộ tịch", number=12, symbol="QĐ-UBND",
             doc_type="Quyết định", issued_on=date(2023, 11, 5), unit_id=2, unit="PKT"),
        page(12, 1, "Báo cáo MẬT về an ninh trật tự: nội dung chuyển đổi số tuyệt mật.",
             title="Báo cáo an ninh", number=3, symbol="BC-UBND", doc_type="Báo cáo",
             secrecy=1, issued_on=date(2024, 3, 10)),
        page(13, 1, "Thông báo lịch tiếp công dân <script>alert(1)</script> & hỏi đáp.",
             title="Thông báo lịch tiếp công dân", number=7, symbol="TB-VP",
             doc_type="Thông báo", issued_on=date(2022, 6, 1), direction="incoming",
             arrived_on=date(2022, 6, 3), unit_id=3, unit="VHXH",
             issuer="Phòng Văn hóa - Xã hội"),
        page(14, 1, "Hướng dẫn phòng cháy và chữa cháy rừng mùa khô hanh.",
             title="Hướng dẫn phòng cháy", number=20, symbol="HD-UBND", doc_type="Hướng dẫn",
             issued_on=date(2021, 1, 15), unit_id=None, unit=None),
    ]
    rng = random.Random(11)
    words = ("kế hoạch báo cáo kết quả thực hiện nhiệm vụ phát triển kinh tế xã hội "
             "đất đai giao thông y tế giáo dục văn hóa thể thao môi trường").split()
    for doc in range(100, 130):
        for p in range(1, rng.randrange(2, 4)):
            text = " ".join(rng.choice(words) for _ in range(40))
            out.append(page(doc, p, text, title=" ".join(rng.sample(words, 6)),
                            number=doc, symbol="TB-UBND", doc_type="Thông báo",
                            issued_on=date(2019 + rng.randrange(6), rng.randrange(1, 13), 10),
                            **dict(zip(("unit_id", "unit"),
                                       rng.choice([(1, "VP"), (2, "PKT"), (3, "VHXH")])))))
    return out


def fetcher(records, cursor, size=50):
    """A ``fetch_chunk`` over a list, in cursor order (as the application's would be)."""
    ordered = sorted(records, key=cursor)

    def fetch(after):
        rest = [r for r in ordered if after is None or cursor(r) > tuple(after)]
        return rest[:size]
    return fetch


def build(root, procs=1) -> SearchIndex:
    idx = SearchIndex(str(root))
    idx.rebuild("person", fetcher(people(), lambda r: (r.entry_id,)), procs=procs)
    idx.rebuild("document", fetcher(pages(), lambda r: (r.doc_id, r.page)), procs=procs)
    return idx


@pytest.fixture(scope="module")
def shared_index(tmp_path_factory):
    """A built index shared by the read-only tests of a module."""
    return build(tmp_path_factory.mktemp("search"))


@pytest.fixture
def fresh_index(tmp_path):
    """A built index of one's own, to change."""
    return build(tmp_path / "idx")


def ids(result, kind=None):
    return [h.id for h in result.hits if kind is None or h.kind == kind]
