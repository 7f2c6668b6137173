"""parse_page: typed register pages read from OCR word boxes into proposed entries.

Unit tests build word boxes the way Tesseract gives them (one box per word, left to
right, line under line, wrapped values indented) from text lines, then spoil them: labels
misread, colons lost, values wrapped, values missing, a date whose words disagree with
its digits, a skewed page, numbers that do not run on, weak words, a letter instead of a
register page. A handful of generated pages go through the real Tesseract engine."""

from __future__ import annotations

import math
from datetime import date

import pytest

from docsvc.civil.fields import field_keys
from docsvc.civil.parsing import PageReading, parse_page
from docsvc.civil.spelled import words_date, words_number
from docsvc.civil.vocabulary import fold
from docsvc.sampledata.documents import generate_documents
from docsvc.sampledata.numwords import date_words, number_words
from docsvc.sampledata.registers import make_entry, truth_fields
from docsvc.sampledata.render import Noise, entry_lines, render_document, render_register

W, H = 2480, 3508
CHAR, LINE, LEFT, INDENT = 24, 70, 350, 118


def boxes(lines, *, conf=95.0, skew_degrees=0.0, weak=()):
    """Word boxes for text lines; a line given as (text, True) is a wrapped continuation
    (hanging indent). ``weak``: words read with confidence 40."""
    out = []
    slope = math.tan(math.radians(skew_degrees))
    for row, line in enumerate(lines):
        text, wrapped = line if isinstance(line, tuple) else (line, False)
        x = LEFT + (INDENT if wrapped else 0)
        y = 200 + row * LINE
        for word in text.split():
            width = CHAR * len(word)
            c = 40.0 if word in weak else conf
            out.append([word, c, x, round(y + slope * x), width, 40])
            x += width + CHAR
    return out


def page_lines(entries, *, title=None, office="UBND xã Tân Phú"):
    kind = entries[0].kind
    lines = [title or {"birth": "SỔ ĐĂNG KÝ KHAI SINH", "death": "SỔ ĐĂNG KÝ KHAI TỬ",
                       "marriage": "SỔ ĐĂNG KÝ KẾT HÔN"}[kind], office]
    for entry in entries:
        pairs = entry_lines(entry)
        lines.append("   ".join(f"{label} {value}" for label, value in pairs[:4]))
        lines += [f"{label} {value}".strip() for label, value in pairs[4:]]
    return lines


def assert_reads(reading: PageReading, entries):
    assert reading.is_register and len(reading.entries) == len(entries)
    for proposed, entry in zip(reading.entries, entries):
        truth = truth_fields(entry)
        assert set(proposed.fields) == set(field_keys(entry.kind))
        got = {k: v["value"] for k, v in proposed.fields.items()}
        assert got == truth
        for key, value in proposed.fields.items():
            assert value["state"] == ("missing" if truth[key] is None else "ok"), (key, value)
        assert proposed.number == entry.number and proposed.book == entry.book


@pytest.mark.parametrize("kind", ["birth", "death", "marriage"])
def test_every_kind_read_field_by_field(kind):
    """Clean word boxes of two entries of each kind: every contract key, the right value,
    ok (or missing for the empty notes); the combined labels split into their keys."""
    entries = [make_entry(kind, seed=21, number=3), make_entry(kind, seed=22, number=4)]  # one page (2)
    reading = parse_page(boxes(page_lines(entries)), W, H)
    assert reading.kind == kind and reading.office == "UBND xã Tân Phú" and reading.reason is None
    assert_reads(reading, entries)
    box = reading.entries[1].box
    assert box[1] > reading.entries[0].box[1] and box[2] > 0 and box[3] > LINE


def test_labels_misread_without_diacritics_or_colon():
    """Labels as a weak OCR gives them: marks lost ('Ho, chu dem, ten'), a letter wrong
    ('Giói tính', 'Quốc tich'), the colon dropped ('Nơi sinh Bệnh viện…'), the colon glued
    to the value ('tính:Nam'). Every value still lands in its field."""
    entry = make_entry("birth", seed=5)
    lines = page_lines([entry])
    spoiled = []
    for line in lines:
        line = (line.replace("Họ, chữ đệm, tên: ", "Ho, chu dem, ten: ", 1)
                .replace("Giới tính: ", "Giói tính:", 1)
                .replace("Quốc tịch: ", "Quốc tich: ", 1)
                .replace("Nơi sinh: ", "Nơi sinh ", 1)
                .replace("Năm sinh của mẹ:", "Nam sinh cua me:", 1))
        spoiled.append(line)
    reading = parse_page(boxes(spoiled), W, H)
    fields = reading.entries[0].fields
    truth = truth_fields(entry)
    for key in ("full_name", "sex", "nationality", "place_of_birth", "mother_birth_year"):
        assert fields[key]["value"] == truth[key], key


def test_wrapped_values_are_joined():
    """A residence and the birth date's words wrapped onto indented lines are read whole."""
    entry = make_entry("birth", seed=8)
    lines = []
    for line in page_lines([entry]):
        words = line.split()
        if line.startswith(("Nơi cư trú của mẹ", "Ngày, tháng, năm sinh")):
            lines += [" ".join(words[:8]), (" ".join(words[8:]), True)]
        else:
            lines.append(line)
    reading = parse_page(boxes(lines), W, H)
    fields, truth = reading.entries[0].fields, truth_fields(entry)
    assert fields["mother_residence"] == {"value": truth["mother_residence"], "state": "ok", "confidence": 95.0}
    assert fields["date_of_birth"]["value"] == truth["date_of_birth"]
    assert fields["date_of_birth"]["state"] == "ok"


def test_missing_values_and_missing_labels():
    """The father's lines printed empty → missing; the home-town line not on the page at
    all → uncertain with no value (the machine cannot say the register has nothing)."""
    entry = make_entry("birth", seed=9)
    lines = []
    for line in page_lines([entry]):
        if line.startswith("Quê quán"):
            continue
        if "của cha:" in line or "người cha:" in line:
            line = line.split(":")[0] + ":"
        lines.append(line)
    fields = parse_page(boxes(lines), W, H).entries[0].fields
    for key in ("father_name", "father_birth_year", "father_ethnicity", "father_nationality",
                "father_residence"):
        assert fields[key]["value"] is None and fields[key]["state"] == "missing", key
    assert fields["home_town"] == {"value": None, "state": "uncertain", "confidence": None}
    assert fields["notes"]["state"] == "missing"


def test_date_in_words_disagreeing_with_digits_is_uncertain():
    """Digits 13/02/1985 but words for the 14th: the digits are proposed, uncertain. Words
    alone (digits unreadable) give the date, uncertain too."""
    entry = make_entry("birth", seed=3)
    born = date.fromisoformat(truth_fields(entry)["date_of_birth"])
    wrong = born.replace(day=born.day % 28 + 1)
    lines = [line.replace(f"({date_words(born)})", f"({date_words(wrong)})")
             if line.startswith("Ngày, tháng") else line for line in page_lines([entry])]
    field = parse_page(boxes(lines), W, H).entries[0].fields["date_of_birth"]
    assert field["value"] == born.isoformat() and field["state"] == "uncertain"
    digits = born.strftime("%d/%m/%Y")
    lines = [line.replace(digits, "1?/O?/l9") if line.startswith("Ngày, tháng") else line
             for line in page_lines([entry])]
    field = parse_page(boxes(lines), W, H).entries[0].fields["date_of_birth"]
    assert field["value"] == born.isoformat() and field["state"] == "uncertain"


def test_checks_across_fields():
    """A birth after the registration, a mother born after the child, a personal ID whose
    sex digit contradicts the sex: each such field becomes uncertain, never ok."""
    entry = make_entry("birth", seed=12)
    truth = truth_fields(entry)
    born = date.fromisoformat(truth["date_of_birth"])
    later = born.replace(year=born.year + 3)
    pid = truth["personal_id"]
    flipped = pid[:3] + str(int(pid[3]) ^ 1) + pid[4:]
    lines = []
    for line in page_lines([entry]):
        if line.startswith("Ngày, tháng"):
            line = f"Ngày, tháng, năm sinh: {later.strftime('%d/%m/%Y')} ({date_words(later)})"
        elif line.startswith("Năm sinh của mẹ"):
            line = f"Năm sinh của mẹ: {born.year + 1}"
        elif line.startswith("Số định danh"):
            line = f"Số định danh cá nhân: {flipped}"
        lines.append(line)
    fields = parse_page(boxes(lines), W, H).entries[0].fields
    assert fields["date_of_birth"]["state"] == "uncertain"
    assert fields["registered_on"]["state"] == "uncertain"
    assert fields["mother_birth_year"] == {"value": born.year + 1, "state": "uncertain", "confidence": 95.0}
    assert fields["personal_id"]["state"] == "uncertain"


def test_numbers_must_run_on_within_the_page():
    """Three entries numbered 07, 18, 09: the middle one does not run on, so the number
    the run gives (08) is proposed for it, uncertain; the others stay ok. Two entries that
    disagree with no majority (07, 12) are both uncertain, kept as read."""
    entries = [make_entry("death", seed=s, number=n) for s, n in ((1, 7), (2, 8), (3, 9))]
    lines = [line.replace("Số: 08", "Số: 18") for line in page_lines(entries)]
    reading = parse_page(boxes(lines), W, H)
    assert [e.number for e in reading.entries] == [7, 8, 9]
    assert [e.fields["number"]["state"] for e in reading.entries] == ["ok", "uncertain", "ok"]
    assert "liên tiếp" in reading.reason
    lines = [line.replace("Số: 08", "Số: 12") for line in page_lines(entries[:2])]
    reading = parse_page(boxes(lines), W, H)
    assert [(e.fields["number"]["value"], e.fields["number"]["state"]) for e in reading.entries] == \
        [(7, "uncertain"), (12, "uncertain")]


def test_weak_words_make_a_field_uncertain():
    """A name whose middle word was read with confidence 40 is proposed but uncertain; a
    misread family name ('Trân') is put right and left uncertain."""
    entry = make_entry("death", seed=4)
    name = truth_fields(entry)["full_name"]
    middle = name.split()[1]
    fields = parse_page(boxes(page_lines([entry]), weak={middle}), W, H).entries[0].fields
    assert fields["full_name"]["state"] == "uncertain" and fields["full_name"]["confidence"] == 40.0
    lines = [line.replace("Trần", "Trân") for line in page_lines([entry])]
    reading = parse_page(boxes(lines), W, H)
    for key, value in reading.entries[0].fields.items():
        if truth_fields(entry)[key] and "Trần" in str(truth_fields(entry)[key]).split()[0]:
            assert value["value"] == truth_fields(entry)[key] and value["state"] == "uncertain"


def test_ocr_slips_put_right_and_left_uncertain():
    """Slips Tesseract makes on scans, with high confidence: words glued ('ThịOanh'), a
    semicolon for a comma, 'sõ' for 'số', a province with a wrong mark ('Đông Nai'), a
    cause of death without its dot below ('Đột quy'), the registration year misread (not
    the book's year). The value is put right, and never left ok."""
    entry = make_entry("death", seed=7, year=1972, number=1)
    truth = truth_fields(entry)
    name = truth["full_name"].split()
    glued = " ".join(name[:-2] + [name[-2] + name[-1]])
    last = truth["residence"].rsplit(", ", 1)
    lines = []
    for line in page_lines([entry]):
        if line.startswith("Họ, chữ đệm, tên người chết"):
            line = f"Họ, chữ đệm, tên người chết: {glued}"
        elif line.startswith("Nơi cư trú cuối cùng"):
            line = f"Nơi cư trú cuối cùng: {last[0]}; Đông Nai"
        elif line.startswith("Nguyên nhân chết"):
            line = "Nguyên nhân chết: Đột quy"
        elif line.startswith("Người đi khai tử"):
            line = line.replace(" số ", " sõ ")
        elif line.startswith("Số:"):  # the registration date's year, not the book's
            head, _, tail = line.rpartition("/1972")
            line = f"{head}/1922{tail}"
        lines.append(line)
    fields = parse_page(boxes(lines), W, H).entries[0].fields
    assert fields["full_name"] == {"value": truth["full_name"], "state": "uncertain", "confidence": 95.0}
    assert fields["residence"]["value"] == f"{last[0]}, Đồng Nai"
    assert fields["residence"]["state"] == "uncertain"
    assert fields["cause_of_death"] == {"value": "Đột quỵ", "state": "uncertain", "confidence": 95.0}
    assert fields["declarant_paper"]["value"] == truth["declarant_paper"]
    assert fields["declarant_paper"]["state"] == "uncertain"
    assert fields["registered_on"] == {"value": truth["registered_on"], "state": "uncertain", "confidence": 95.0}


def test_skewed_page():
    """Word boxes of a page turned 1.5° (each line drifts some 60 px across the page,
    nearly a line's height): lines are still found and every field read."""
    entries = [make_entry("marriage", seed=31, number=1), make_entry("marriage", seed=32, number=2)]
    reading = parse_page(boxes(page_lines(entries), skew_degrees=1.5), W, H)
    assert_reads(reading, entries)


def test_not_a_register_page():
    """An administrative letter's lines, and an empty page: no entries, and the reason
    says why in Vietnamese."""
    doc = next(generate_documents(1, seed=3))
    letter = render_document(doc)[0]
    reading = parse_page(boxes(letter.lines), W, H)
    assert not reading.is_register and reading.entries == []
    assert "không phải trang sổ" in reading.reason
    empty = parse_page([], W, H)
    assert not empty.is_register and empty.entries == [] and empty.reason


def test_page_of_another_kind_than_the_book():
    """A death page in a birth book proposes nothing and says so."""
    entry = make_entry("death", seed=6)
    reading = parse_page(boxes(page_lines([entry])), W, H, kind="birth")
    assert reading.kind == "death" and reading.entries == [] and "khai sinh" in reading.reason


@pytest.mark.parametrize("n", [0, 1, 4, 5, 10, 14, 15, 21, 24, 25, 31, 105, 1905, 1985, 2004, 2024, 2025])
def test_number_words(n):
    """Every way numwords writes a number (mốt, tư, lăm, linh, mười/mươi) is read back, and
    the same without diacritics."""
    words = number_words(n)
    assert words_number(words.split()) == n
    assert words_number(fold(words).split()) == n


def test_date_words():
    for d in (date(1985, 2, 13), date(1956, 8, 5), date(2024, 12, 31), date(2001, 5, 21)):
        assert words_date(date_words(d)) == d.isoformat()
    assert words_date("ngày ba mươi, tháng hai, năm một nghìn chín trăm tám mươi") is None
    assert words_date("hôm qua") is None


# -- real Tesseract, a handful of generated pages ---------------------------------------------

@pytest.fixture(scope="module")
def engine():
    from ingest.ocr import TesseractEngine
    engine = TesseractEngine()
    yield engine
    engine.close()


def _ocr(engine, page):
    from ingest.images import prepare_for_ocr
    result = engine.recognize(prepare_for_ocr(page.image), page=1)
    return [w.as_list() for w in result.words]


@pytest.mark.parametrize("kind,font,count", [("birth", "liberation-serif", 1), ("death", "dejavu-serif", 2),
                                             ("marriage", "noto-serif", 2)])
def test_real_ocr_clean_pages(engine, kind, font, count):
    """Generated clean pages through Tesseract as ingest runs it: every field right; the
    few a weak word made uncertain still carry the right value."""
    entries = [make_entry(kind, seed=40 + k, year=1999, number=11 + k) for k in range(count)]
    page = render_register(entries, font=font, per_page=count)[0]
    reading = parse_page(_ocr(engine, page), *page.image.size, kind=kind)
    assert reading.is_register and reading.kind == kind and len(reading.entries) == count
    for proposed, entry in zip(reading.entries, entries):
        truth = truth_fields(entry)
        assert {k: v["value"] for k, v in proposed.fields.items()} == truth
        assert proposed.number == entry.number and proposed.book == entry.book


def test_real_ocr_noisy_page(engine):
    """A noisy scan (skew, blur, grain, dust, JPEG): most fields right, and no wrong value
    stands as ok."""
    entries = [make_entry("death", seed=50 + k, year=2003, number=3 + k) for k in range(2)]
    page = render_register(entries, font="dejavu-sans", noise=Noise.scan(), seed=3, per_page=2)[0]
    reading = parse_page(_ocr(engine, page), *page.image.size)
    assert reading.kind == "death" and len(reading.entries) == 2
    right = total = 0
    for proposed, entry in zip(reading.entries, entries):
        for key, value in truth_fields(entry).items():
            got = proposed.fields[key]
            total += 1
            right += got["value"] == value
            assert got["value"] == value or got["state"] != "ok", (key, got, value)
    assert right / total >= 0.9


def test_arbitrary_word_boxes_never_break_the_parser():
    """Hypothesis: random words (letters with marks, digits, colons, brackets, empty
    strings), random boxes (zero or huge sizes, overlapping, negative confidence) and
    register lines shuffled or cut: parse_page returns a PageReading, never raises, and any
    entry it proposes carries every key of its kind with a known state."""
    from hypothesis import given, settings, strategies as st

    from docsvc.civil.fields import STATES

    register = boxes(page_lines([make_entry("death", seed=2, number=1), make_entry("death", seed=3, number=2)]))
    word = st.one_of(st.text(alphabet="SốQuyểnTrang:0123456789/(),.ăâđêôơưàáảãạ -", max_size=12),
                     st.sampled_from([w[0] for w in register]))
    box = st.tuples(word, st.floats(-1, 100), st.integers(0, 3000), st.integers(0, 4000),
                    st.integers(0, 400), st.integers(0, 200)).map(list)

    @settings(max_examples=80, deadline=None)
    @given(st.lists(box, max_size=80), st.integers(0, len(register)), st.randoms(use_true_random=False))
    def check(extra, cut, rnd):
        words = register[:cut] + extra
        rnd.shuffle(words)
        reading = parse_page(words, W, H)
        assert isinstance(reading, PageReading)
        for entry in reading.entries:
            assert set(entry.fields) == set(field_keys(reading.kind))
            assert all(v["state"] in STATES for v in entry.fields.values())

    check()
