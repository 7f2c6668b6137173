"""Scans into a book and the machine's proposals, through the commands of the interface:
``docsvc civil book add``, ``docsvc civil pages ... --wait --json``, ``docsvc civil entries``.

The page parser is another module (docsvc.civil.parsing); here a small stand-in reads
the text-layer words of generated PDFs, so these tests check what the use cases and the
job hook do with a parser's answer: entries stored as proposed in book order, a page that
is not a register page noted and proposing nothing, a number already taken kept
unnumbered with a warning instead of failing the job, and each page parsed once.
Files tried: a register page, a page that is not one, a page repeating an entry number,
the same scan twice, a path that does not exist, a book of another unit."""

from __future__ import annotations

import json
import re
import sys
import types
from dataclasses import dataclass, field

import pytest
from sqlalchemy import func, select

from archive.civil import RegisterEntry, RegisterPage
from docsvc.civil import services as civil
from docsvc.civil.pages import add_pages, parse_pending
from tests.app.inputs import text_pdf
from tests.civil.conftest import PURPOSE


@dataclass
class _Entry:
    number: int | None
    box: tuple
    fields: dict = field(default_factory=dict)


@dataclass
class _Result:
    is_register: bool
    reason: str | None
    entries: list


CALLS: list[str] = []


def _parse_page(words, width, height, kind="birth"):
    """Stand-in parser: 'Số: N Tên: A B C' lines of a page titled 'SỔ ĐĂNG KÝ KHAI SINH'."""
    CALLS.append(kind)
    text = " ".join(w[0] for w in words)
    if "KHAI SINH" not in text:
        return _Result(False, "Không thấy tiêu đề sổ đăng ký.", [])
    entries = []
    for m in re.finditer(r"Số: (\d+) Tên: ([^|]+?) Ngày: (\d{2}/\d{2}/\d{4})", text):
        box = next(w[2:6] for w in words if w[0] == m.group(1))
        entries.append(_Entry(int(m.group(1)), tuple(box), {
            "full_name": {"value": m.group(2).strip(), "state": "ok", "confidence": 91.0},
            "registered_on": {"value": m.group(3), "state": "ok", "confidence": 88.0},
            "sex": {"value": "Nam", "state": "uncertain", "confidence": 41.0}}))
    return _Result(True, None, entries)


@pytest.fixture
def parser(monkeypatch):
    CALLS.clear()
    monkeypatch.setitem(sys.modules, "docsvc.civil.parsing", types.SimpleNamespace(parse_page=_parse_page))
    return CALLS


def _page(*entries) -> bytes:
    lines = ["SỔ ĐĂNG KÝ KHAI SINH"]
    lines += [f"Số: {n} Tên: {name} Ngày: {day} |" for n, name, day in entries]
    return text_pdf(lines)


def _run(runner, *args, user=None):
    env = {"DOCSVC_USER": user} if user else None
    return runner.invoke(args=list(args), env=env)


def test_pages_are_read_and_proposed_in_book_order(app, services, people, parser, tmp_path):
    runner = app.test_cli_runner()
    made = _run(runner, "civil", "book", "add", "--office", "XA-A", "--kind", "birth", "--year", "2024",
                "--label", "Sổ khai sinh 2024", "--json", user="keyer1")
    assert made.exit_code == 0, made.output
    book_id = json.loads(made.stdout)["id"]
    held = civil.create_entry(services, people.keyer1, book_id, {"number": 3, "full_name": "Đã Có Sẵn",
                                                          "registered_on": "2024-01-09"})
    one = tmp_path / "p1.pdf"
    one.write_bytes(_page((1, "Nguyễn Văn An", "05/01/2024"), (2, "Trần Thị Bình", "06/01/2024")))
    other = tmp_path / "p2.pdf"
    other.write_bytes(text_pdf(["Biên bản họp tổ dân phố"]))
    three = tmp_path / "p3.pdf"
    three.write_bytes(_page((3, "Lê Văn Cường", "09/01/2024"), (4, "Phạm Thị Dung", "10/01/2024")))

    result = _run(runner, "civil", "pages", str(book_id), str(one), str(other), str(three), "--wait", "--json",
                  user="keyer1")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"book_id": book_id, "pages": 3, "proposed": 4, "unparsed": 0, "failed": [],
                                         "notes": ["Trang 2: Không thấy tiêu đề sổ đăng ký.",
                                                   "Trang 3: Số 03 năm 2024 đã có trong sổ của đơn vị: mục đề xuất "
                                                   "để trống số, cần người nhập xem lại."]}
    listed = _run(runner, "civil", "entries", str(book_id), "--status", "proposed", "--json", user="keyer2")
    assert listed.exit_code == 0, listed.output
    entries = json.loads(listed.stdout)
    assert [(e["number"], e["page"], e["status"], e["kind"]) for e in entries] == [
        (1, 1, "proposed", "birth"), (2, 1, "proposed", "birth"), (4, 3, "proposed", "birth"),
        (None, 3, "proposed", "birth")]
    first = entries[0]
    assert first["fields"]["full_name"] == {"value": "Nguyễn Văn An", "state": "ok", "confidence": 91.0}
    assert first["fields"]["registered_on"]["value"] == "2024-01-05"
    assert first["fields"]["sex"] == {"value": 1, "state": "uncertain", "confidence": 41.0}
    assert len(first["box"]) == 4 and all(isinstance(v, int) for v in first["box"])
    book = civil.get_book(services, people.keyer1, book_id)
    assert {"kind": "duplicate", "year": 2024, "number": 3, "entry_ids": [held["id"], entries[3]["id"]]} \
        in book["warnings"]

    # Accepting a proposal as it is: one key in the workbench, status "keyed" here.
    accepted = civil.update_entry(services, people.keyer2, first["id"], status="keyed")
    assert (accepted["status"], accepted["keyed_by"]) == ("keyed", people.keyer2.user_id)
    # The unnumbered duplicate cannot be accepted until its number is settled.
    with pytest.raises(civil.Conflict) as dup:
        civil.update_entry(services, people.keyer2, entries[3]["id"], status="keyed")
    assert dup.value.code == "duplicate_number"
    fixed = civil.update_entry(services, people.keyer2, entries[3]["id"], fields={"number": 5}, status="keyed")
    assert (fixed["number"], fixed["status"]) == (5, "keyed")

    # The same scan again is not a second page; parsing again proposes nothing more.
    again = add_pages(services, people.keyer1, book_id, [one])
    assert [(a.seq, a.status) for a in again] == [(1, "already_in_book")]
    calls = len(parser)
    assert parse_pending(services, people.keyer1, book_id) == 0 and len(parser) == calls
    with services.session_factory() as db:
        assert db.scalar(select(func.count()).select_from(RegisterEntry)) == 5
        assert db.scalar(select(func.count()).select_from(RegisterPage)) == 3

    # Without --json: one line per entry; a book of an office that is not theirs is refused.
    lines = _run(runner, "civil", "entries", str(book_id), "--status", "keyed", user="keyer2")
    assert lines.exit_code == 0 and "số 01/2024" in lines.output and "Nguyễn Văn An" in lines.output
    bad = _run(runner, "civil", "book", "add", "--office", "XA-B", "--kind", "birth", "--year", "2024",
               "--label", "Sổ", user="keyer1")
    assert bad.exit_code != 0 and "office" in bad.output
    wrong_year = _run(runner, "civil", "book", "add", "--office", "XA-A", "--kind", "death", "--year", "1800",
                      "--label", "Sổ", user="keyer1")
    assert wrong_year.exit_code != 0 and "year_from" in wrong_year.output

    # Refusals: another unit's officer, a role without person.view, a missing file.
    refused = _run(runner, "civil", "pages", str(book_id), str(one), user="other")
    assert refused.exit_code != 0 and "Không có sổ" in refused.output
    hidden = _run(runner, "civil", "entries", str(book_id), "--json", user="admin1")
    assert hidden.exit_code != 0
    missing = _run(runner, "civil", "pages", str(book_id), str(tmp_path / "none.pdf"), user="keyer1")
    assert missing.exit_code != 0
    assert civil.list_entries(services, people.keyer1, book_id, status="keyed", purpose=PURPOSE)[0]["number"] == 1
