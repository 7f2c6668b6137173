"""Scans into a book and the machine's proposals, through the commands of the interface:
``docsvc civil book add``, ``docsvc civil pages ... --wait --json``, ``docsvc civil entries``,
with the real reading: generated typed death-register pages (docsvc.sampledata), read by
Tesseract and parsed by docsvc.civil.parsing in the job's after-commit hook. Checked: entries
stored as proposed in book order with the values on the page, a page that is not a register
page noted and proposing nothing, a number already taken kept unnumbered with a warning
instead of failing the job, and each page parsed once.
Files tried: a register page, a page that is not one, a page repeating an entry number,
the same scan twice, a path that does not exist, a book of another unit."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from archive.civil import RegisterEntry, RegisterPage
from docsvc.civil import services as civil
from docsvc.civil.pages import add_pages, parse_pending
from docsvc.sampledata import files
from docsvc.sampledata.registers import make_entry
from docsvc.sampledata.render import render_register
from tests.app.inputs import text_pdf
from tests.civil.conftest import PURPOSE

pytestmark = [pytest.mark.ocr, pytest.mark.xdist_group("ocr")]


def _page(path, *numbers):
    """A typed death-register page holding the entries of these numbers (generated, 300 dpi)."""
    entries = [make_entry("death", seed=number, year=2024, number=number) for number in numbers]
    [page] = render_register(entries, per_page=len(entries), font="liberation-serif", size_pt=12)
    files.write_png(page, path)
    return entries


def _run(runner, *args, user=None):
    env = {"DOCSVC_USER": user} if user else None
    return runner.invoke(args=list(args), env=env)


def test_pages_are_read_and_proposed_in_book_order(app, services, people, tmp_path):
    runner = app.test_cli_runner()
    made = _run(runner, "civil", "book", "add", "--office", "XA-A", "--kind", "death", "--year", "2024",
                "--label", "Sổ khai tử 2024", "--json", user="keyer1")
    assert made.exit_code == 0, made.output
    book_id = json.loads(made.stdout)["id"]
    held = civil.create_entry(services, people.keyer1, book_id, {"number": 3, "full_name": "Đã Có Sẵn",
                                                          "registered_on": "2024-01-09"})
    one, other, three = tmp_path / "p1.png", tmp_path / "p2.pdf", tmp_path / "p3.png"
    truth = _page(one, 1, 2) + _page(three, 3, 4)
    other.write_bytes(text_pdf(["Biên bản họp tổ dân phố", "Hôm nay, ngày 05 tháng 01 năm 2024, tại nhà văn hóa"]))

    result = _run(runner, "civil", "pages", str(book_id), str(one), str(other), str(three), "--wait", "--json",
                  user="keyer1")
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert {k: answer[k] for k in ("book_id", "pages", "proposed", "unparsed", "failed")} == \
        {"book_id": book_id, "pages": 3, "proposed": 4, "unparsed": 0, "failed": []}
    assert [note.split(":")[0] for note in answer["notes"]] == ["Trang 2", "Trang 3"]
    assert answer["notes"][1] == ("Trang 3: Số 03 năm 2024 đã có trong sổ của đơn vị: mục đề xuất "
                                  "để trống số, cần người nhập xem lại.")
    listed = _run(runner, "civil", "entries", str(book_id), "--status", "proposed", "--json", user="keyer2")
    assert listed.exit_code == 0, listed.output
    entries = json.loads(listed.stdout)
    assert [(e["number"], e["page"], e["status"], e["kind"]) for e in entries] == [
        (1, 1, "proposed", "death"), (2, 1, "proposed", "death"), (4, 3, "proposed", "death"),
        (None, 3, "proposed", "death")]
    by_name = {e["fields"]["full_name"]["value"]: e for e in entries}
    assert set(by_name) == {t.full_name for t in truth}          # each name read as printed
    first = entries[0]
    assert first["fields"]["full_name"]["value"] == truth[0].full_name
    assert first["fields"]["full_name"]["state"] in ("ok", "uncertain") and first["fields"]["full_name"]["confidence"]
    assert first["fields"]["registered_on"]["value"] == truth[0].registered_on.isoformat()
    assert first["fields"]["sex"]["value"] == truth[0].sex
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
    with services.session_factory() as db:
        parsed = list(db.scalars(select(RegisterPage.parsed_at).order_by(RegisterPage.seq)))
    assert parse_pending(services, people.keyer1, book_id) == 0
    with services.session_factory() as db:
        assert list(db.scalars(select(RegisterPage.parsed_at).order_by(RegisterPage.seq))) == parsed
        assert db.scalar(select(func.count()).select_from(RegisterEntry)) == 5
        assert db.scalar(select(func.count()).select_from(RegisterPage)) == 3

    # Without --json: one line per entry; a book of an office that is not theirs is refused.
    lines = _run(runner, "civil", "entries", str(book_id), "--status", "keyed", user="keyer2")
    assert lines.exit_code == 0 and "số 01/2024" in lines.output and truth[0].full_name in lines.output
    bad = _run(runner, "civil", "book", "add", "--office", "XA-B", "--kind", "death", "--year", "2024",
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
