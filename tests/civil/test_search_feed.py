"""Keyed and verified entries feed the person kind of the search index after the commit;
proposals and disputed entries do not; a rebuild puts back what the database holds."""

from __future__ import annotations

from docsvc.civil import services as civil
from docsvc.finding import indexing
from docsvc.finding.services import run_search
from tests.civil.conftest import PURPOSE, birth


def _ids(services, principal, query):
    return [hit.id for hit in run_search(services, principal, query, kind="person", purpose=PURPOSE).hits]


def test_entries_are_found_by_name_without_diacritics_and_leave_when_disputed(services, people):
    """Tried: a disputed entry (must not be found), a search by an officer of another commune."""
    k1, k2 = people.keyer1, people.keyer2
    book = civil.add_book(services, k1, office_code="XA-A", kind="birth", year_from=2024, label="Sổ 2024")
    entry = civil.create_entry(services, k1, book["id"], birth(1, name="Nguyễn Thị Mỹ Duyên",
                                                                mother_name="Lê Thị Hạnh"))
    assert _ids(services, k2, "nguyen thi my duyen") == [entry["id"]]
    assert _ids(services, k2, "Lê Thị Hạnh") == [entry["id"]]           # by the mother's name
    assert _ids(services, people.other, "nguyen thi my duyen") == []     # another commune's officer

    double = civil.add_book(services, k1, office_code="XA-A", kind="birth", year_from=2023, label="Sổ 2023",
                            verification_mode="double")
    other = civil.create_entry(services, k1, double["id"], birth(1, name="Trịnh Văn Khải", day="2023-04-01"))
    assert _ids(services, k2, "trinh van khai") == [other["id"]]
    civil.key_again(services, k2, other["id"], birth(1, name="Trịnh Văn Khái", day="2023-04-01"))
    assert _ids(services, k2, "trinh van khai") == []                    # disputed: out of the index

    civil.verify_entry(services, k2, entry["id"])
    civil.update_entry(services, k1, entry["id"], fields={"full_name": "Nguyễn Thị Mỹ Dung"},
                       reason="Cải chính tên", legal_basis="5/QĐ-UBND", legal_basis_date="2025-02-01")
    assert _ids(services, k2, "nguyen thi my dung") == [entry["id"]]

    indexing.rebuild(services, kinds=("person",), fresh=True)
    assert _ids(services, k2, "nguyen thi my dung") == [entry["id"]]
    assert _ids(services, k2, "trinh van khai") == []

    # reindex --check compares the person kind too, and puts back what went missing.
    assert indexing.check(services)["person"] == {"checked": 1, "missing": [], "stale": [], "extra": [],
                                                  "repaired": 0}
    services.search_index.delete("person", [entry["id"]])
    assert _ids(services, k2, "nguyen thi my dung") == []
    assert indexing.check(services)["person"]["missing"] == [entry["id"]]
    assert _ids(services, k2, "nguyen thi my dung") == [entry["id"]]


def test_a_corrected_entry_is_found_by_its_former_name_below_the_current_holder(services, people):
    """Issue 11 §5 through the use cases: after a correction the index holds the current
    name, the former name still finds the entry (typed with and without diacritics), and an
    entry whose *current* name it is ranks first; a rebuild keeps the former name."""
    k1, k2 = people.keyer1, people.keyer2
    book = civil.add_book(services, k1, office_code="XA-A", kind="birth", year_from=2024, label="Sổ 2024")
    renamed = civil.create_entry(services, k1, book["id"], birth(1, name="Phạm Minh Khánh"))
    civil.verify_entry(services, k2, renamed["id"])
    civil.update_entry(services, k1, renamed["id"], fields={"full_name": "Phạm Minh Khôi"},
                       reason="Cải chính tên", legal_basis="7/QĐ-UBND", legal_basis_date="2025-03-01")
    holder = civil.create_entry(services, k1, book["id"], birth(2, name="Phạm Minh Khánh", day="2024-04-02"))
    for query in ("Phạm Minh Khánh", "pham minh khanh"):
        assert _ids(services, k2, query) == [holder["id"], renamed["id"]], query
    assert _ids(services, k2, "pham minh khoi") == [renamed["id"]]
    indexing.rebuild(services, kinds=("person",), fresh=True)
    assert _ids(services, k2, "pham minh khanh") == [holder["id"], renamed["id"]]
