"""Civil-status register entries (birth, death, marriage) with the fields of DOMAIN.md §4.

``generate_entries`` is deterministic for a seed and cheap (no rendering), so the search
benchmark can draw a million entries from it; the renderer turns a few into page images.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Iterator

from docsvc.sampledata import names
from docsvc.sampledata.numwords import date_digits, date_words

# Codes used by the national digitisation tools.
REG_KIND = {0: "Không có thông tin", 1: "Đúng hạn", 2: "Đăng ký lại", 3: "Ghi vào sổ việc đã đăng ký ở nước ngoài", 4: "Quá hạn"}
SEX = {1: "Nam", 2: "Nữ", 3: "Chưa xác định"}
EXTRACT_PREFIX = {"birth": "TLKS", "death": "TLKT", "marriage": "TLKH"}
KIND_TITLE = {"birth": "khai sinh", "death": "khai tử", "marriage": "kết hôn"}

OFFICER_POSITIONS = ["Chủ tịch", "Phó Chủ tịch"]
CAUSES_OF_DEATH = ["Bệnh già", "Bệnh tim", "Tai nạn giao thông", "Ung thư", "Đột quỵ", "Bệnh phổi",
                   "Không rõ nguyên nhân"]
ID_PAPERS = ["CCCD", "CMND", "Hộ chiếu"]


@dataclass
class Parent:
    full_name: str
    birth_year: int
    ethnicity: str
    nationality: str
    residence: str


@dataclass
class Spouse:
    full_name: str
    date_of_birth: date
    ethnicity: str
    nationality: str
    residence: str
    id_paper: str


@dataclass
class RegisterEntry:
    """One entry in a civil-status register book. ``kind``: birth | death | marriage.

    ``person`` names the subject (the child, the deceased, or the wife for a marriage;
    the husband is ``spouse``). ``fields`` holds every labelled field in the order the
    register page prints them, which is also the ground truth for OCR.
    """

    kind: str
    office: str
    book: str
    year: int
    number: int
    page: int
    registered_on: date
    full_name: str
    sex: int
    date_of_birth: date | None
    registration_kind: int
    officer: str
    officer_position: str
    mother: Parent | None = None
    father: Parent | None = None
    spouse: Spouse | None = None
    wife: Spouse | None = None
    place_of_birth: str = ""
    home_town: str = ""
    ethnicity: str = "Kinh"
    nationality: str = "Việt Nam"
    personal_id: str = ""
    declarant: str = ""
    declarant_paper: str = ""
    death_time: str = ""
    death_place: str = ""
    death_cause: str = ""
    death_notice: str = ""
    notes: str = ""
    fields: list[tuple[str, str]] = field(default_factory=list)

    @property
    def entry_id(self) -> str:
        """Stable identifier: office, kind, year, number."""
        return f"{self.office}/{self.kind}/{self.year}/{self.number}"

    def as_dict(self) -> dict:
        data = asdict(self)
        data["entry_id"] = self.entry_id
        return data


def _personal_id(rng: random.Random, sex: int, born: date) -> str:
    """12-digit citizen ID: province code, century/sex digit, year, random."""
    century = (born.year // 100) - 19  # 1900s -> 0, 2000s -> 1
    digit = century * 2 + (0 if sex == 1 else 1)
    number = f"0{rng.randint(1, 96):02d}{digit}{born.year % 100:02d}{rng.randint(0, 999999):06d}"
    # The ID has no century code before 1900 (it gave "046-193…"): such people have none.
    return number if born.year >= 1900 else ""


def _random_date(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, (end - start).days))


def _parent(rng: random.Random, sex: int, child_born: date) -> Parent:
    return Parent(
        full_name=names.full_name(rng, sex),
        birth_year=child_born.year - rng.randint(19, 42),
        ethnicity=names.ETHNICITIES.draw(rng),
        nationality="Việt Nam",
        residence=names.address(rng),
    )


def _officer(rng: random.Random) -> tuple[str, str]:
    return names.full_name(rng, rng.choice((1, 1, 2))), rng.choice(OFFICER_POSITIONS)


def _birth(rng: random.Random, office: str, year: int, number: int, page: int) -> RegisterEntry:
    sex = 1 if rng.random() < 0.51 else 2
    reg_kind = rng.choices([1, 4, 2, 3], weights=[80, 12, 6, 2])[0]
    registered = _random_date(rng, date(year, 1, 1), date(year, 12, 28))
    if reg_kind == 1:
        born = registered - timedelta(days=rng.randint(1, 59))
    else:
        born = registered - timedelta(days=rng.randint(60, 365 * 30))
    mother, father = _parent(rng, 2, born), _parent(rng, 1, born)
    if rng.random() < 0.04:
        father = None  # father not recorded
    name = names.full_name(rng, sex)
    surname_from_father = father is not None and rng.random() < 0.9
    if surname_from_father:
        name = father.full_name.split()[0] + " " + " ".join(name.split()[1:])
    officer, position = _officer(rng)
    entry = RegisterEntry(
        kind="birth", office=office, book=f"01/{year}", year=year, number=number, page=page,
        registered_on=registered, full_name=name, sex=sex, date_of_birth=born,
        registration_kind=reg_kind, officer=officer, officer_position=position,
        mother=mother, father=father,
        place_of_birth=rng.choice(["Bệnh viện Đa khoa ", "Trạm Y tế ", "Nhà hộ sinh "]) + names.place(rng),
        home_town=names.place(rng), ethnicity=names.ETHNICITIES.draw(rng),
        personal_id=_personal_id(rng, sex, born),
        declarant=(father or mother).full_name,
        declarant_paper=f"{rng.choice(ID_PAPERS)} số {rng.randint(10**8, 10**12 - 1)}",
    )
    entry.fields = [
        ("Họ, chữ đệm, tên", entry.full_name),
        ("Giới tính", SEX[sex]),
        ("Ngày, tháng, năm sinh", f"{date_digits(born)} ({date_words(born)})"),
        ("Nơi sinh", entry.place_of_birth),
        ("Quê quán", entry.home_town),
        ("Dân tộc", entry.ethnicity),
        ("Quốc tịch", entry.nationality),
        ("Số định danh cá nhân", entry.personal_id),
        ("Họ, chữ đệm, tên người mẹ", mother.full_name),
        ("Năm sinh của mẹ", str(mother.birth_year)),
        ("Dân tộc, quốc tịch của mẹ", f"{mother.ethnicity}, {mother.nationality}"),
        ("Nơi cư trú của mẹ", mother.residence),
        ("Họ, chữ đệm, tên người cha", father.full_name if father else ""),
        ("Năm sinh của cha", str(father.birth_year) if father else ""),
        ("Dân tộc, quốc tịch của cha", f"{father.ethnicity}, {father.nationality}" if father else ""),
        ("Nơi cư trú của cha", father.residence if father else ""),
        ("Người đi khai sinh", f"{entry.declarant}, {entry.declarant_paper}"),
        ("Loại đăng ký", REG_KIND[reg_kind]),
        ("Người ký", f"{position} {officer}"),
        ("Ghi chú", entry.notes),
    ]
    return entry


def _death(rng: random.Random, office: str, year: int, number: int, page: int) -> RegisterEntry:
    sex = 1 if rng.random() < 0.53 else 2
    registered = _random_date(rng, date(year, 1, 1), date(year, 12, 28))
    died = registered - timedelta(days=rng.randint(0, 14))
    born = died - timedelta(days=rng.randint(365 * 1, 365 * 98))
    reg_kind = rng.choices([1, 4, 2], weights=[85, 10, 5])[0]
    officer, position = _officer(rng)
    name = names.full_name(rng, sex)
    entry = RegisterEntry(
        kind="death", office=office, book=f"01/{year}", year=year, number=number, page=page,
        registered_on=registered, full_name=name, sex=sex, date_of_birth=born,
        registration_kind=reg_kind, officer=officer, officer_position=position,
        ethnicity=names.ETHNICITIES.draw(rng), personal_id=_personal_id(rng, sex, born),
        home_town=names.place(rng),
        death_time=f"{rng.randint(0, 23):02d} giờ {rng.randint(0, 59):02d} phút, {date_digits(died)}",
        death_place=rng.choice(["Tại nhà, ", "Bệnh viện Đa khoa "]) + names.place(rng),
        death_cause=rng.choice(CAUSES_OF_DEATH),
        death_notice=f"Giấy báo tử số {rng.randint(1, 999)}/GBT của Trạm Y tế {names.commune_name(rng)}",
        declarant=names.full_name(rng, rng.choice((1, 2))),
        declarant_paper=f"{rng.choice(ID_PAPERS)} số {rng.randint(10**8, 10**12 - 1)}",
    )
    entry.fields = [
        ("Họ, chữ đệm, tên người chết", name),
        ("Giới tính", SEX[sex]),
        ("Ngày, tháng, năm sinh", date_digits(born)),
        ("Dân tộc", entry.ethnicity),
        ("Quốc tịch", entry.nationality),
        ("Số định danh cá nhân", entry.personal_id),
        ("Nơi cư trú cuối cùng", entry.home_town),
        ("Thời gian chết", entry.death_time),
        ("Nơi chết", entry.death_place),
        ("Nguyên nhân chết", entry.death_cause),
        ("Giấy báo tử", entry.death_notice),
        ("Người đi khai tử", f"{entry.declarant}, {entry.declarant_paper}"),
        ("Loại đăng ký", REG_KIND[reg_kind]),
        ("Người ký", f"{position} {officer}"),
        ("Ghi chú", entry.notes),
    ]
    return entry


def _spouse(rng: random.Random, sex: int, married: date) -> Spouse:
    born = married - timedelta(days=rng.randint(365 * 18 + 10, 365 * 45))
    return Spouse(
        full_name=names.full_name(rng, sex), date_of_birth=born,
        ethnicity=names.ETHNICITIES.draw(rng), nationality="Việt Nam",
        residence=names.address(rng),
        id_paper=f"{rng.choice(ID_PAPERS)} số {rng.randint(10**8, 10**12 - 1)}",
    )


def _marriage(rng: random.Random, office: str, year: int, number: int, page: int) -> RegisterEntry:
    registered = _random_date(rng, date(year, 1, 1), date(year, 12, 28))
    wife, husband = _spouse(rng, 2, registered), _spouse(rng, 1, registered)
    reg_kind = rng.choices([1, 2], weights=[92, 8])[0]
    officer, position = _officer(rng)
    entry = RegisterEntry(
        kind="marriage", office=office, book=f"01/{year}", year=year, number=number, page=page,
        registered_on=registered, full_name=wife.full_name, sex=2, date_of_birth=wife.date_of_birth,
        registration_kind=reg_kind, officer=officer, officer_position=position,
        wife=wife, spouse=husband, ethnicity=wife.ethnicity,
    )
    kind_label = "Đăng ký lần đầu" if reg_kind == 1 else "Đăng ký lại"
    entry.fields = [
        ("Họ, chữ đệm, tên người vợ", wife.full_name),
        ("Ngày, tháng, năm sinh của vợ", date_digits(wife.date_of_birth)),
        ("Dân tộc, quốc tịch của vợ", f"{wife.ethnicity}, {wife.nationality}"),
        ("Nơi cư trú của vợ", wife.residence),
        ("Giấy tờ tùy thân của vợ", wife.id_paper),
        ("Họ, chữ đệm, tên người chồng", husband.full_name),
        ("Ngày, tháng, năm sinh của chồng", date_digits(husband.date_of_birth)),
        ("Dân tộc, quốc tịch của chồng", f"{husband.ethnicity}, {husband.nationality}"),
        ("Nơi cư trú của chồng", husband.residence),
        ("Giấy tờ tùy thân của chồng", husband.id_paper),
        ("Ngày đăng ký", date_digits(registered)),
        ("Loại đăng ký", kind_label),
        ("Người ký", f"{position} {officer}"),
        ("Ghi chú", entry.notes),
    ]
    return entry


_MAKERS = {"birth": _birth, "death": _death, "marriage": _marriage}
KIND_WEIGHTS = {"birth": 0.62, "death": 0.23, "marriage": 0.15}


def generate_entries(n: int, seed: int = 0, *, kinds: tuple[str, ...] | None = None,
                     office: str = "UBND xã Tân Phú", first_year: int = 1956,
                     last_year: int = 2025, entries_per_page: int = 2) -> Iterator[RegisterEntry]:
    """Yield ``n`` register entries, deterministic for ``seed``.

    Entries are numbered from 1 each year per kind, in register order (years ascending), so
    the output looks like books being digitised front to back.
    """
    rng = random.Random(seed)
    kinds = kinds or tuple(KIND_WEIGHTS)
    weights = [KIND_WEIGHTS[k] for k in kinds]
    span = last_year - first_year + 1
    per_year = max(1, n // span)
    counters: dict[tuple[str, int], int] = {}
    for i in range(n):
        year = min(last_year, first_year + i // per_year)
        kind = rng.choices(kinds, weights=weights)[0]
        number = counters[(kind, year)] = counters.get((kind, year), 0) + 1
        page = (number - 1) // entries_per_page + 1
        yield _MAKERS[kind](rng, office, year, number, page)


def make_entry(kind: str, seed: int, *, year: int = 1985, number: int = 1,
               office: str = "UBND xã Tân Phú") -> RegisterEntry:
    """One entry of a given kind (for tests and page rendering)."""
    rng = random.Random(seed)
    return _MAKERS[kind](rng, office, year, number, (number - 1) // 2 + 1)


def truth_fields(entry: RegisterEntry) -> dict[str, object]:
    """The contract values (``docsvc.civil.fields``) an entry's page should be read as:
    ``{key: value}`` for every key of its kind, normalised as ``fields.normalise`` stores
    them; ``None`` where the register has nothing. The ground truth of the parser's tests
    and of bench/registers.py."""
    from docsvc.civil.fields import field_keys, normalise

    raw: dict[str, object] = {
        "number": entry.number, "registered_on": entry.registered_on,
        "registration_kind": entry.registration_kind, "officer": entry.officer,
        "officer_position": entry.officer_position, "notes": entry.notes,
    }
    if entry.kind in ("birth", "death"):
        raw.update(full_name=entry.full_name, sex=entry.sex, date_of_birth=entry.date_of_birth,
                   ethnicity=entry.ethnicity, nationality=entry.nationality,
                   personal_id=entry.personal_id, declarant=entry.declarant,
                   declarant_paper=entry.declarant_paper)
    if entry.kind == "birth":
        raw.update(place_of_birth=entry.place_of_birth, home_town=entry.home_town)
        for prefix, parent in (("mother", entry.mother), ("father", entry.father)):
            if parent is not None:
                raw.update({f"{prefix}_name": parent.full_name, f"{prefix}_birth_year": parent.birth_year,
                            f"{prefix}_ethnicity": parent.ethnicity,
                            f"{prefix}_nationality": parent.nationality,
                            f"{prefix}_residence": parent.residence})
    elif entry.kind == "death":
        time_text, _, died = entry.death_time.partition(",")
        raw.update(residence=entry.home_town, time_of_death=time_text.replace(" phút", "").strip(),
                   date_of_death=died.strip(), place_of_death=entry.death_place,
                   cause_of_death=entry.death_cause, death_notice=entry.death_notice)
    else:
        for prefix, spouse in (("wife", entry.wife), ("husband", entry.spouse)):
            raw.update({f"{prefix}_name": spouse.full_name, f"{prefix}_date_of_birth": spouse.date_of_birth,
                        f"{prefix}_ethnicity": spouse.ethnicity, f"{prefix}_nationality": spouse.nationality,
                        f"{prefix}_residence": spouse.residence, f"{prefix}_id_paper": spouse.id_paper})
        raw["marriage_kind"] = "first" if entry.registration_kind == 1 else "again"
    return {key: normalise(entry.kind, key, raw.get(key)) for key in field_keys(entry.kind)}
