"""The outgoing reports (docsvc.outgoing.reports) on real SQLite, through the use cases, the
API and the page: documents issued per type, drafting unit and month; the time spent in each
step; the ISO records of a quarter as one PDF read back with pypdf; the scope by unit and
clearance; the refusals.

The outgoing documents, versions, steps and deliveries are built directly as rows by
``_quarter`` (TEST SETUP: the process use cases, docsvc/outgoing/services.py, are written
elsewhere), with step times chosen so that every figure is known exactly.

Bad inputs tried: a period ending before it starts (409 ``invalid_period``), a day in the
wrong form (400), an unknown grouping (400 from the validator, and ``ReportInvalid`` from the
use case), ``from`` alone (its quarter), a specialist (403 on the API, the page and the use
case), another commune's leader (sees none of commune A's), a principal without clearance
(the secret document left out), steps a few minutes either side of a local midnight at the
period's edges, a step that keeps its state (a new version), a document numbered outside
the period with steps inside it."""

from __future__ import annotations

import io
import unicodedata
from datetime import date, datetime, timezone

import pytest
from pypdf import PdfReader

from docsvc.outgoing import reports
from docsvc.reports.services import PeriodConflict, ReportInvalid
from docsvc.services.audit import PermissionDenied
from tests.conftest import Api, login

Q1 = (date(2026, 1, 1), date(2026, 3, 31))
Q1_ARGS = "from=2026-01-01&to=2026-03-31"


def _t(day: str, hour: int, minute: int = 0) -> datetime:
    """A step's moment in UTC (local time is 7 hours ahead)."""
    return datetime.fromisoformat(f"2026-{day}T{hour:02d}:{minute:02d}+00:00")


# Each document: (issuer, drafting unit, type, abstract, seq, issued_on, state, secrecy, steps); a step is
# (action, from_state, to_state, at, actor, role, comment, version, details).
SPECIALIST, LEADER, CLERK, ARCHIVIST = ("Trần Thị Lan", "specialist"), ("Lê Văn Đức", "leader"), \
    ("Phạm Thị Hoà", "clerk"), ("Đỗ Thị Mai", "archivist")
CHECKS = {"checks": [{"code": "symbol", "label": "Số, ký hiệu đúng mẫu", "ok": True, "detail": "QĐ-UBND"},
                     {"code": "signer", "label": "Khối chữ ký", "ok": True, "detail": "KT. CHỦ TỊCH"}]}


def _steps(*rows):
    return [dict(zip(("action", "from_state", "to_state", "at", "who", "comment", "version", "details"),
                     (*r, *([None] * (8 - len(r)))))) for r in rows]


DOCS = {
    # 01/QĐ-UBND: one return on the way, filed. Hours per state: draft 2, submitted 4 + 2, returned 21,
    # approved 20, form_checked 24, checked 24, signed 143, numbered 2, released 24; draft→release 242.
    "qd1": ("XA-A", "VP-A", "Quyết định", "Về việc thành lập Tổ công tác chuyển đổi số", 1, date(2026, 1, 15), "filed", 0,
            _steps(("create", None, "draft", _t("01-05", 1), SPECIALIST, None, 1),
                   ("submit", "draft", "submitted", _t("01-05", 3), SPECIALIST, None, 1),
                   ("return", "submitted", "returned", _t("01-05", 7), LEADER,
                    "Sửa căn cứ pháp lý, bổ sung Điều 3 về kinh phí", 1),
                   ("version", "returned", "returned", _t("01-06", 2), SPECIALIST, "Đã sửa theo ý kiến", 2),
                   ("submit", "returned", "submitted", _t("01-06", 4), SPECIALIST, None, 2),
                   ("approve", "submitted", "approved", _t("01-06", 6), LEADER, "Đồng ý trình ký", 2),
                   ("check", "approved", "form_checked", _t("01-07", 2), CLERK, "Thể thức đúng", 2, CHECKS),
                   ("legal", "form_checked", "checked", _t("01-08", 2), LEADER, "Đủ căn cứ pháp lý", 2),
                   ("sign", "checked", "signed", _t("01-09", 2), LEADER, "Ký số", 2),
                   ("number", "signed", "numbered", _t("01-15", 1), CLERK, None, 2, {"number_symbol": "01/QĐ-UBND"}),
                   ("release", "numbered", "released", _t("01-15", 3), CLERK, None, 2),
                   ("file", "released", "filed", _t("01-16", 3), ARCHIVIST, "Lưu vĩnh viễn", 2))),
    # 02/QĐ-UBND, released, not filed: draft 4, submitted 20, approved 2, form_checked 24, checked 24,
    # signed 118, numbered 1; draft→release 193.
    "qd2": ("XA-A", "KT-A", "Quyết định", "Về việc phê duyệt kế hoạch sử dụng đất năm 2026", 2, date(2026, 2, 10),
            "released", 0,
            _steps(("create", None, "draft", _t("02-02", 1), SPECIALIST, None, 1),
                   ("submit", "draft", "submitted", _t("02-02", 5), SPECIALIST, None, 1),
                   ("approve", "submitted", "approved", _t("02-03", 1), LEADER, None, 1),
                   ("check", "approved", "form_checked", _t("02-03", 3), CLERK, None, 1, CHECKS),
                   ("legal", "form_checked", "checked", _t("02-04", 3), LEADER, None, 1),
                   ("sign", "checked", "signed", _t("02-05", 3), LEADER, None, 1),
                   ("number", "signed", "numbered", _t("02-10", 1), CLERK, None, 1),
                   ("release", "numbered", "released", _t("02-10", 2), CLERK, None, 1))),
    # 03/UBND-VP, withdrawn after numbering: draft 2, submitted 2, approved 20, checked 24, signed 48,
    # numbered 24; never released.
    "cv3": ("XA-A", "VP-A", "Công văn", "Về việc đôn đốc nộp báo cáo quý I", 3, date(2026, 2, 20), "withdrawn", 0,
            _steps(("create", None, "draft", _t("02-16", 1), SPECIALIST, None, 1),
                   ("submit", "draft", "submitted", _t("02-16", 3), SPECIALIST, None, 1),
                   ("approve", "submitted", "approved", _t("02-16", 5), LEADER, None, 1),
                   ("check", "approved", "checked", _t("02-17", 1), CLERK, None, 1),
                   ("sign", "checked", "signed", _t("02-18", 1), LEADER, None, 1),
                   ("number", "signed", "numbered", _t("02-20", 1), CLERK, None, 1),
                   ("withdraw", "numbered", "withdrawn", _t("02-21", 1), CLERK, "Thu hồi do sai nơi nhận", 1))),
    # 04/KH-UBND numbered in April (outside Q1) but drafted in March: in Q1's ISO records only.
    "kh4": ("XA-A", "VP-A", "Kế hoạch", "Kế hoạch tuyên truyền cải cách hành chính", 4, date(2026, 4, 2), "numbered", 0,
            _steps(("create", None, "draft", _t("03-30", 1), SPECIALIST, None, 1),
                   ("submit", "draft", "submitted", _t("03-30", 2), SPECIALIST, None, 1),
                   ("approve", "submitted", "approved", _t("04-01", 1), LEADER, None, 1),
                   ("number", "approved", "numbered", _t("04-02", 1), CLERK, None, 1))),
    # A draft begun at 00:30 local on 1 January (17:30 UTC the day before): in Q1's ISO records.
    "draft": ("XA-A", "VP-A", "Tờ trình", "Dự thảo tờ trình về biên chế", None, None, "draft", 0,
              [dict(action="create", from_state=None, to_state="draft", at=datetime(2025, 12, 31, 17, 30, tzinfo=timezone.utc),
                    who=SPECIALIST, comment=None, version=1, details=None)]),
    # A draft begun at 00:30 local on 1 April (17:30 UTC on 31 March): not in Q1's records.
    "april": ("XA-A", "VP-A", "Thông báo", "Thông báo lịch tiếp công dân tháng 4", None, None, "draft", 0,
              [dict(action="create", from_state=None, to_state="draft", at=_t("03-31", 17, 30),
                    who=SPECIALIST, comment=None, version=1, details=None)]),
    # A secret decision: seen only with clearance (secret sequence 1).
    "secret": ("XA-A", "VP-A", "Quyết định", "Về việc bảo vệ bí mật nhà nước", 1, date(2026, 3, 5), "numbered", 1,
               _steps(("create", None, "draft", _t("03-02", 1), SPECIALIST, None, 1),
                      ("submit", "draft", "submitted", _t("03-02", 2), SPECIALIST, None, 1),
                      ("approve", "submitted", "approved", _t("03-02", 4), LEADER, None, 1),
                      ("check", "approved", "checked", _t("03-03", 4), CLERK, None, 1),
                      ("sign", "checked", "signed", _t("03-04", 4), LEADER, None, 1),
                      ("number", "signed", "numbered", _t("03-05", 1), CLERK, None, 1))),
    # Commune B's own decision.
    "b1": ("XA-B", "XA-B", "Quyết định", "Về việc kiện toàn Ban chỉ đạo xã B", 1, date(2026, 1, 20), "released", 0,
           _steps(("create", None, "draft", _t("01-12", 1), ("Ngô Văn Bình", "specialist"), None, 1),
                  ("submit", "draft", "submitted", _t("01-12", 9), ("Ngô Văn Bình", "specialist"), None, 1),
                  ("approve", "submitted", "approved", _t("01-13", 1), ("Hồ Thị Cúc", "leader"), None, 1),
                  ("check", "approved", "checked", _t("01-14", 1), ("Vũ Văn Dũng", "clerk"), None, 1),
                  ("sign", "checked", "signed", _t("01-15", 1), ("Hồ Thị Cúc", "leader"), None, 1),
                  ("number", "signed", "numbered", _t("01-20", 1), ("Vũ Văn Dũng", "clerk"), None, 1),
                  ("release", "numbered", "released", _t("01-20", 5), ("Vũ Văn Dũng", "clerk"), None, 1))),
}
SYMBOLS = {"qd1": "01/QĐ-UBND", "qd2": "02/QĐ-UBND", "cv3": "03/UBND-VP", "kh4": "04/KH-UBND", "secret": "01/QĐ-UBND",
           "b1": "01/QĐ-UBND"}


@pytest.fixture
def quarter(services, accounts):
    """TEST SETUP: units (commune A with two departments, commune B), people, and the outgoing
    documents of DOCS written straight into the tables, with two versions (the first obsolete)
    for 01/QĐ-UBND and its deliveries."""
    from archive.accounts import Unit
    from archive.outgoing import OutgoingDelivery, OutgoingDocument, OutgoingStep, OutgoingVersion
    from archive.records import record_blob
    from docsvc.accounts.services import create_unit
    from sqlalchemy import select

    with services.session_factory() as db:
        create_unit(services, db, accounts.system, "VP-A", "Văn phòng HĐND và UBND xã A", parent_code="XA-A",
                    kind="department")
        create_unit(services, db, accounts.system, "KT-A", "Phòng Kinh tế xã A", parent_code="XA-A", kind="department")
        db.commit()
    signer = accounts.user("ld_a", "leader", unit="XA-A", full_name="Lê Văn Đức")
    accounts.user("ld_a_mat", "leader", unit="XA-A", clearance=1, full_name="Nguyễn Văn Hùng")
    accounts.user("ld_b", "leader", unit="XA-B", full_name="Hồ Thị Cúc")
    accounts.user("ld_vp", "leader", unit="VP-A", full_name="Phan Văn Tú")
    author = accounts.user("cv_a", "specialist", unit="VP-A", full_name="Trần Thị Lan")
    author_b = accounts.user("cv_b", "specialist", unit="XA-B", full_name="Ngô Văn Bình")
    ids = {}
    with services.session_factory() as db:
        unit = {u.code: u.id for u in db.scalars(select(Unit))}
        for n, sha in enumerate(("1" * 64, "2" * 64, "3" * 64)):
            record_blob(db, sha, 1000 + n, "application/pdf", "original")
        for key, (issuer, drafting, doc_type, abstract, seq, issued_on, state, secrecy, steps) in DOCS.items():
            drafter = author_b if issuer == "XA-B" else author
            row = OutgoingDocument(
                issuer_unit_id=unit[issuer], drafting_unit_id=unit[drafting], doc_type=doc_type, abstract=abstract,
                recipients=[{"name": "Sở Nội vụ"}], secrecy=secrecy, state=state, created_by=drafter.id,
                current_version=2 if key == "qd1" else 1, signer_user_id=signer.id if key == "qd1" else None,
                scope=None if seq is None else ("outgoing_secret" if secrecy else "outgoing"),
                year=issued_on.year if issued_on else None, seq=seq, issued_on=issued_on,
                number_symbol=SYMBOLS.get(key), withdrawn_note="Sai nơi nhận" if state == "withdrawn" else None,
                created_at=steps[0]["at"])
            db.add(row)
            db.flush()
            ids[key] = row.id
            db.add(OutgoingVersion(outgoing_id=row.id, number=1, file_sha256="1" * 64, file_name=f"{key}-v1.docx",
                                   media_type="application/pdf", created_by=drafter.id, created_at=steps[0]["at"],
                                   superseded_at=_t("01-06", 2) if key == "qd1" else None))
            if key == "qd1":
                db.add(OutgoingVersion(outgoing_id=row.id, number=2, file_sha256="2" * 64, file_name="qd1-v2.pdf",
                                       media_type="application/pdf", created_by=author.id, created_at=_t("01-06", 2)))
                db.add(OutgoingDelivery(outgoing_id=row.id, recipient_unit_id=unit["XA-B"],
                                        recipient_name="Ủy ban nhân dân xã B", channel="internal", status="delivered",
                                        detail="Số đến 5", at=_t("01-15", 3)))
            for s in steps:
                name, role = s["who"]
                db.add(OutgoingStep(outgoing_id=row.id, action=s["action"], from_state=s["from_state"],
                                    to_state=s["to_state"], decision={"return": "returned", "approve": "approved"}
                                    .get(s["action"]), comment=s["comment"], version=s["version"], actor_name=name,
                                    actor_role=role, details=s["details"] or {}, at=s["at"]))
        db.commit()
    return ids


def _rows(report):
    return {r["label"]: (r["issued"], r["withdrawn"], r["numbered"]) for r in report["rows"]}


def test_issued_per_type_unit_and_month(services, accounts, quarter):
    leader = accounts.principal("ld_a")
    by_type = reports.issued(services, leader, date_from=Q1[0], date_to=Q1[1], group="type")
    assert _rows(by_type) == {"Công văn": (0, 1, 1), "Quyết định": (2, 0, 2)}
    assert [r["label"] for r in by_type["rows"]] == ["Công văn", "Quyết định"]
    assert (by_type["total"]["issued"], by_type["total"]["withdrawn"], by_type["total"]["numbered"]) == (2, 1, 3)
    by_unit = reports.issued(services, leader, date_from=Q1[0], date_to=Q1[1], group="unit")
    assert _rows(by_unit) == {"Phòng Kinh tế xã A": (1, 0, 1), "Văn phòng HĐND và UBND xã A": (1, 1, 2)}
    by_month = reports.issued(services, leader, date_from=Q1[0], date_to=Q1[1], group="month")
    assert [(r["key"], r["label"], r["issued"], r["withdrawn"]) for r in by_month["rows"]] == [
        ("2026-01", "Tháng 01/2026", 1, 0), ("2026-02", "Tháng 02/2026", 1, 1), ("2026-03", "Tháng 03/2026", 0, 0)]
    # cleared for secret documents: the secret decision counts too
    cleared = reports.issued(services, accounts.principal("ld_a_mat"), date_from=Q1[0], date_to=Q1[1])
    assert _rows(cleared) == {"Công văn": (0, 1, 1), "Quyết định": (3, 0, 3)}
    # April: the plan numbered on 2 April
    april = reports.issued(services, leader, date_from=date(2026, 4, 1), date_to=date(2026, 4, 30))
    assert _rows(april) == {"Kế hoạch": (1, 0, 1)}
    # the drafting unit's own leader sees the documents that unit drafted, not the other department's
    office = reports.issued(services, accounts.principal("ld_vp"), date_from=Q1[0], date_to=Q1[1], group="unit")
    assert _rows(office) == {"Văn phòng HĐND và UBND xã A": (1, 1, 2)}


def test_step_times_exactly(services, accounts, quarter):
    times = reports.step_times(services, accounts.principal("ld_a"), date_from=Q1[0], date_to=Q1[1])
    got = {r["state"]: (r["count"], r["mean_hours"], r["median_hours"], r["returns"]) for r in times["states"]}
    assert got == {
        "draft": (3, 2.67, 2.0, 0),                 # 2, 4, 2
        "returned": (1, 21.0, 21.0, 0),
        "submitted": (4, 7.0, 3.0, 1),              # 4 and 2 (01/QĐ), 20, 2
        "approved": (3, 14.0, 20.0, 0),             # 20, 2, 20
        "form_checked": (2, 24.0, 24.0, 0),
        "checked": (3, 24.0, 24.0, 0),
        "signed": (3, 103.0, 118.0, 0),             # 143, 118, 48
        "numbered": (3, 9.0, 2.0, 0),               # 2, 1, 24
        "released": (1, 24.0, 24.0, 0),             # 02/QĐ is still released: not left, not counted
    }
    assert [r["state"] for r in times["states"]] == ["draft", "returned", "submitted", "approved", "form_checked",
                                                      "checked", "signed", "numbered", "released"]
    assert times["states"][0]["label"] == "Dự thảo"
    assert (times["documents"], times["returns"], times["documents_returned"]) == (3, 1, 1)
    assert times["draft_to_release"] == {"count": 2, "mean_hours": 217.5, "median_hours": 217.5}   # 242, 193
    nothing = reports.step_times(services, accounts.principal("ld_a"), date_from=date(2025, 1, 1),
                                 date_to=date(2025, 12, 31))
    assert nothing["states"] == [] and nothing["draft_to_release"] == {"count": 0, "mean_hours": None,
                                                                        "median_hours": None}


def test_another_commune_sees_none_of_commune_a(services, accounts, quarter):
    other = accounts.principal("ld_b")
    assert _rows(reports.issued(services, other, date_from=Q1[0], date_to=Q1[1])) == {"Quyết định": (1, 0, 1)}
    times = reports.step_times(services, other, date_from=Q1[0], date_to=Q1[1])
    assert times["documents"] == 1 and times["returns"] == 0
    assert times["draft_to_release"] == {"count": 1, "mean_hours": 196.0, "median_hours": 196.0}
    text = _pdf_text(reports.iso_records(services, other, date_from=Q1[0], date_to=Q1[1]))
    assert "Về việc kiện toàn Ban chỉ đạo xã B" in text and "Số văn bản 1" in text
    for key, doc in DOCS.items():
        if doc[0] == "XA-A":
            assert doc[3] not in text, key
    assert "Trần Thị Lan" not in text and "Lê Văn Đức" not in text


def _pdf_text(pdf: bytes) -> str:
    pages = PdfReader(io.BytesIO(pdf)).pages
    return " ".join(" ".join(unicodedata.normalize("NFC", p.extract_text()).split()) for p in pages)


def test_iso_records_of_the_quarter_has_each_document_and_is_audited(services, accounts, quarter):
    from archive.audit import AuditRecord
    from sqlalchemy import select

    leader = accounts.principal("ld_a")
    pdf = reports.iso_records(services, leader, date_from=Q1[0], date_to=Q1[1])
    reader = PdfReader(io.BytesIO(pdf))
    text = _pdf_text(pdf)
    assert "HỒ SƠ ISO QUÁ TRÌNH BAN HÀNH VĂN BẢN ĐI" in text and "Từ ngày 01/01/2026 đến ngày 31/03/2026" in text
    assert "Số văn bản 5" in text and "Số lần trả lại 1" in text
    for key in ("qd1", "qd2", "cv3", "kh4", "draft"):          # a step in Q1 (local days)
        assert DOCS[key][3] in text, key
    for key in ("april", "secret", "b1"):                      # 1 April local; no clearance; commune B
        assert DOCS[key][3] not in text, key
    # the cover lists numbered ones first in number order, then the draft
    cover = " ".join(unicodedata.normalize("NFC", reader.pages[0].extract_text()).split())
    assert cover.index("01/QĐ-UBND") < cover.index("02/QĐ-UBND") < cover.index("03/UBND-VP") \
        < cover.index("04/KH-UBND") < cover.index("Chưa cho số")
    # 01/QĐ-UBND's record: every actor and comment, the obsolete version, the form checks, the delivery
    for words in ("Trần Thị Lan (Chuyên viên)", "Lê Văn Đức (Lãnh đạo)", "Phạm Thị Hoà (Văn thư)",
                  "Đỗ Thị Mai (Lưu trữ)", "Sửa căn cứ pháp lý, bổ sung Điều 3 về kinh phí", "Đã sửa theo ý kiến",
                  "Đồng ý trình ký", "Đủ căn cứ pháp lý", "Lưu vĩnh viễn", "Thẩm định pháp lý",
                  "qd1-v1.docx", "Đã lỗi thời", "qd1-v2.pdf", "Số, ký hiệu đúng mẫu Đạt", "Khối chữ ký Đạt",
                  "Ủy ban nhân dân xã B Trong hệ thống Đã nhận Số đến 5", "Thu hồi do sai nơi nhận",
                  "01/01/2026 00:30", "05/01/2026 14:00 Lê Văn Đức", "Người ký Lê Văn Đức",
                  "Đơn vị soạn thảo Văn phòng HĐND và UBND xã A", "Ngày ban hành 15/01/2026"):
        assert words in text, words
    with services.session_factory() as db:
        audit = db.scalars(select(AuditRecord).where(AuditRecord.action == "outgoing.iso_records")).all()
    assert len(audit) == 1 and audit[0].details["from"] == "2026-01-01" and audit[0].details["to"] == "2026-03-31"
    assert sorted(audit[0].details["ids"]) == sorted(quarter[k] for k in ("qd1", "qd2", "cv3", "kh4", "draft"))


def test_refusals(services, accounts, quarter):
    accounts.user("cv_x", "specialist")
    specialist = accounts.principal("cv_x")
    for call in (lambda: reports.issued(services, specialist, date_from=Q1[0], date_to=Q1[1]),
                 lambda: reports.step_times(services, specialist, date_from=Q1[0], date_to=Q1[1]),
                 lambda: reports.iso_records(services, specialist, date_from=Q1[0], date_to=Q1[1])):
        with pytest.raises(PermissionDenied):
            call()
    leader = accounts.principal("ld_a")
    with pytest.raises(PeriodConflict):
        reports.issued(services, leader, date_from=Q1[1], date_to=Q1[0])
    with pytest.raises(ReportInvalid) as bad:
        reports.issued(services, leader, date_from=Q1[0], date_to=Q1[1], group="room")
    assert bad.value.field == "group"
    with pytest.raises(ReportInvalid):
        reports.step_times(services, leader, date_from=None, date_to=Q1[1])


def test_api(client, accounts, quarter):
    api = Api(client, accounts.token("ld_a"))
    answer = api.get(f"/api/v1/reports/outgoing?{Q1_ARGS}&group=unit")
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert (body["from"], body["to"], body["group"]) == ("2026-01-01", "2026-03-31", "unit")
    assert _rows(body) == {"Phòng Kinh tế xã A": (1, 0, 1), "Văn phòng HĐND và UBND xã A": (1, 1, 2)}
    assert api.get(f"/api/v1/reports/outgoing?{Q1_ARGS}").get_json()["group"] == "type"
    steps = api.get(f"/api/v1/reports/outgoing/steps?{Q1_ARGS}").get_json()
    assert steps["documents"] == 3 and steps["draft_to_release"]["mean_hours"] == 217.5
    alone = api.get("/api/v1/reports/outgoing?from=2026-02-01").get_json()
    assert (alone["from"], alone["to"]) == ("2026-02-01", "2026-03-31")
    pdf = api.get(f"/api/v1/reports/outgoing/iso-records.pdf?{Q1_ARGS}")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert "attachment" in pdf.headers["Content-Disposition"]
    assert "Về việc thành lập Tổ công tác chuyển đổi số" in _pdf_text(pdf.data)
    assert api.get(f"/api/v1/reports/outgoing?{Q1_ARGS}&group=room").status_code == 400
    bad = api.get("/api/v1/reports/outgoing/steps?from=2026-03-01&to=2026-02-01")
    assert bad.status_code == 409 and bad.get_json()["error"]["code"] == "invalid_period"
    assert api.get("/api/v1/reports/outgoing?from=31/02/2026").status_code == 400
    accounts.user("cv_api", "specialist")
    specialist = Api(client, accounts.token("cv_api"))
    for url in ("/api/v1/reports/outgoing", "/api/v1/reports/outgoing/steps", "/api/v1/reports/outgoing/iso-records.pdf"):
        assert specialist.get(f"{url}?{Q1_ARGS}").status_code == 403, url


def test_page_renders_tables_chart_and_pdf_button(app, client, accounts, quarter):
    login(client, "ld_a", accounts.passwords["ld_a"])
    page = client.get(f"/reports/outgoing?{Q1_ARGS}&group=month")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    issued = html[html.index('class="table outgoing-issued"'):html.index("</table>", html.index("outgoing-issued"))]
    cells = [" ".join(c.split()) for c in __import__("re").findall(r"<t[dh]>(.*?)</t[dh]>", issued)]
    assert cells[cells.index("Tháng 01/2026"):] == ["Tháng 01/2026", "1", "0", "1", "Tháng 02/2026", "1", "1", "2",
                                                    "Tháng 03/2026", "0", "0", "0", "Tổng cộng", "2", "1", "3"]
    steps = html[html.index('class="table outgoing-steps"'):]
    assert "<td>Đã ký, chờ cho số</td><td>3</td><td>103.0</td><td>118.0</td><td>0</td>" in steps
    assert "<td>2</td><td>217.5</td><td>217.5</td><td>1</td>" in steps
    assert "/reports/outgoing/chart/types.svg?" in html and "/reports/outgoing/iso-records.pdf?" in html
    chart = client.get(f"/reports/outgoing/chart/types.svg?{Q1_ARGS}")
    assert chart.status_code == 200 and chart.mimetype == "image/svg+xml"
    svg = chart.get_data(as_text=True)
    assert "Quyết định" in svg and "Công văn" in svg and "<script" not in svg
    pdf = client.get(f"/reports/outgoing/iso-records.pdf?{Q1_ARGS}")
    assert pdf.status_code == 200 and "Sửa căn cứ pháp lý" in _pdf_text(pdf.data)
    assert client.get("/reports/outgoing?from=31/02/2026").status_code == 400
    accounts.user("cv_page", "specialist")
    other = app.test_client()
    login(other, "cv_page", accounts.passwords["cv_page"])
    assert other.get(f"/reports/outgoing?{Q1_ARGS}").status_code == 403
