"""The document list shows number and symbol, date and issuer, and narrows by type, year of
issue, unit and state, among the documents the user may see; the upload button only for
those who may upload."""

from __future__ import annotations

import io
import re
from datetime import date

from docsvc.documents.submit import submit_stream
from tests.app.inputs import text_pdf
from tests.conftest import login


def _doc(services, principal, name, unit, **fields):
    return submit_stream(services, io.BytesIO(text_pdf([name])), f"{name}.pdf", principal=principal,
                         unit_code=unit, fields=fields)


def _rows(page: str) -> list[str]:
    body = page[page.find("<tbody>"):page.find("</tbody>")]
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for row in body.split("</tr>") if "<td" in row]


def test_columns_and_filters(client, services, accounts):
    accounts.user("tonghop", "clerk", unit="UBND")
    system = accounts.system
    _doc(services, system, "ke-hoach-a", "XA-A", doc_type="Kế hoạch", number=5, symbol="KH-UBND",
         issued_on=date(2025, 3, 4), issuer="UBND xã A")
    _doc(services, system, "quyet-dinh-a", "XA-A", doc_type="Quyết định", number=12, symbol="QĐ-UBND",
         issued_on=date(2026, 1, 9), issuer="UBND xã A")
    _doc(services, system, "ke-hoach-b", "XA-B", doc_type="Kế hoạch", number=7, symbol="KH-UBND",
         issued_on=date(2026, 2, 1), issuer="UBND xã B")
    login(client, "tonghop", accounts.passwords["tonghop"])

    rows = _rows(client.get("/documents").get_data(as_text=True))
    assert len(rows) == 3
    assert rows[-1].startswith("05/KH-UBND 04/03/2025 UBND xã A")

    kinds = _rows(client.get("/documents?doc_type=Kế hoạch").get_data(as_text=True))
    assert [r.split()[0] for r in kinds] == ["07/KH-UBND", "05/KH-UBND"]
    in_2026 = _rows(client.get("/documents?year=2026").get_data(as_text=True))
    assert sorted(r.split()[0] for r in in_2026) == ["07/KH-UBND", "12/QĐ-UBND"]
    with services.session_factory() as db:
        from docsvc.accounts.services import get_unit

        unit_b = get_unit(db, "XA-B").id
    only_b = _rows(client.get(f"/documents?unit={unit_b}&year=2026").get_data(as_text=True))
    assert [r.split()[0] for r in only_b] == ["07/KH-UBND"]
    page = client.get("/documents?year=1999").get_data(as_text=True)
    assert "Không có văn bản nào phù hợp." in page
    # Odd input is ignored, not an error.
    assert client.get("/documents?year=abc&unit=x&status=nope").status_code == 200


def test_a_unit_s_user_sees_only_its_filters_and_no_upload_when_not_allowed(client, services, accounts):
    accounts.user("xem2", "viewer", unit="XA-A")
    _doc(services, accounts.system, "giay-moi-b", "XA-B", doc_type="Giấy mời", number=3, symbol="GM-UBND",
         issued_on=date(2024, 5, 6))
    _doc(services, accounts.system, "cong-van-a", "XA-A", doc_type="Công văn", number=9, symbol="UBND-VP",
         issued_on=date(2025, 5, 6))
    login(client, "xem2", accounts.passwords["xem2"])
    page = client.get("/documents").get_data(as_text=True)
    assert "Giấy mời" not in page and "2024" not in page  # another unit's type and year are not offered
    assert "Công văn" in page and "Tải lên văn bản" not in page


def test_the_edit_form_reads_and_writes_day_month_year(client, services, accounts):
    """The register fields' dates are typed dd/mm/yyyy and shown back that way; a date that is
    not one is refused with the form it should have, nothing changed."""
    from archive.models import Document
    from tests.conftest import csrf_token

    accounts.user("vt9", "clerk")
    sub = _doc(services, accounts.principal("vt9"), "to-trinh", "XA-A")
    login(client, "vt9", accounts.passwords["vt9"])
    url = f"/documents/{sub.document_id}/fields"
    client.post(url, data={"issued_on": "05/01/2026", "arrived_on": "6/1/2026", "csrf_token": csrf_token(client)})
    with services.session_factory() as db:
        doc = db.get(Document, sub.document_id)
        assert (doc.issued_on, doc.arrived_on) == (date(2026, 1, 5), date(2026, 1, 6))
    page = client.get(f"/documents/{sub.document_id}").get_data(as_text=True)
    assert 'value="05/01/2026"' in page and 'value="06/01/2026"' in page
    refused = client.post(url, data={"issued_on": "31/02/2026", "csrf_token": csrf_token(client)},
                          follow_redirects=True).get_data(as_text=True)
    assert "05/01/2026" in refused
    with services.session_factory() as db:
        assert db.get(Document, sub.document_id).issued_on == date(2026, 1, 5)
