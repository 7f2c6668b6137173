"""The query language parser: every construct, Vietnamese and ASCII field names, dates,
and the guarantee that nothing typed ever raises."""

from datetime import date

import pytest

from search.querylang import (And, DateRange, Field, Not, NumberSymbol, Or, Phrase,
                              Word, YearRange, parse)


def test_words_are_and_ed():
    assert parse("nguyễn văn hùng") == And((Word("nguyễn"), Word("văn"), Word("hùng")))


def test_phrase_or_not_and_grouping():
    assert parse('"chuyển đổi số"') == Phrase(("chuyển", "đổi", "số"))
    assert parse("hùng OR hưng") == Or((Word("hùng"), Word("hưng")))
    assert parse("(hùng OR hưng) -mật") == And((Or((Word("hùng"), Word("hưng"))),
                                                Not(Word("mật"))))
    assert parse("NOT mật") == Not(Word("mật"))


def test_vietnamese_operators_only_in_capitals():
    assert parse("a VÀ b HOẶC c KHÔNG d") == Or((And((Word("a"), Word("b"))),
                                                  And((Word("c"), Not(Word("d"))))))
    # Lower-case "và", "không" are ordinary words of a title.
    assert parse("không và hoặc") == And((Word("không"), Word("và"), Word("hoặc")))


def test_prefix_and_fuzzy():
    assert parse("nguy*") == Word("nguy", prefix=True)
    assert parse("hùnq~") == Word("hùnq", fuzzy=True)
    assert parse("n*") == Word("n")          # too short to expand


def test_number_symbol_typed_alone_or_as_field():
    assert parse("135/KH-UBND") == NumberSymbol("135/KH-UBND")
    assert parse("so:135/KH-UBND") == Field("number", NumberSymbol("135/KH-UBND"))
    assert parse("số:12/UBND-VX") == Field("number", NumberSymbol("12/UBND-VX"))


@pytest.mark.parametrize("query, field", [
    ('loai:"kế hoạch"', "type"), ('loại:"kế hoạch"', "type"), ('type:"kế hoạch"', "type"),
    ("coquan:ubnd", "issuer"), ("cơquan:ubnd", "issuer"), ("issuer:ubnd", "issuer"),
    ("donvi:VP", "unit"), ("đơnvị:VP", "unit"), ("unit:VP", "unit"),
    ('me:"Trần Thị Lan"', "mother"), ('mẹ:"Trần Thị Lan"', "mother"),
    ("cha:Bình", "father"), ("vo:Mai", "spouse"), ("chồng:Toàn", "spouse"),
    ("cccd:001085000001", "personal_id"), ("quyen:01/1985", "book"),
    ("trichyeu:hộ", "title"), ("ten:Hùng", "name"),
])
def test_field_names_in_both_spellings(query, field):
    node = parse(query)
    assert isinstance(node, Field) and node.name == field


def test_years_and_dates():
    assert parse("nam:2024") == Field("year", YearRange(2024, 2024))
    assert parse("năm:2020..2024") == Field("year", YearRange(2020, 2024))
    assert parse("ngay:2024-01-01..2024-03-31") == Field(
        "date", DateRange(date(2024, 1, 1), date(2024, 3, 31)))
    assert parse("ngày:01/2024..03/2024") == Field(
        "date", DateRange(date(2024, 1, 1), date(2024, 3, 31)))
    assert parse("ngay:..2019") == Field("date", DateRange(None, date(2019, 12, 31)))
    assert parse("sinh:1985") == Field("dob", DateRange(date(1985, 1, 1), date(1985, 12, 31)))


def test_free_text_date():
    assert parse("Hùng 12/03/1985") == And((Word("Hùng"),
                                            DateRange(date(1985, 3, 12), date(1985, 3, 12))))


@pytest.mark.parametrize("query", [
    '"unclosed', "(a OR", "AND", "OR OR", ")", "((", 'so:', ":", "ngay:31/02/2020",
    "nam:abc", "-", "*", "~", '""', "a AND", "NOT", "foo:bar baz", "\x00", "a" * 500,
])
def test_bad_syntax_never_raises(query):
    node = parse(query)
    assert node is None or node  # any tree, or nothing for an empty query


def test_bad_syntax_falls_back_to_words():
    assert parse('"unclosed phrase') == And((Word("unclosed"), Word("phrase")))
    assert parse("(hùng OR") == Word("hùng")
    assert parse("foo:bar") == And((Word("foo"), Word("bar")))
