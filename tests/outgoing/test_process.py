"""The issuing process end to end through the use cases, on real SQLite, a real blob store and
a real Whoosh index (issue 14 "Done when"): a decision and a công văn from draft to filing
with one return on the way; their numbers and symbols, the outgoing register's columns, the
recipient commune's incoming register row, the archived record found in search, the timeline
and the obsolete version; and the refusals.

Bad inputs tried: an unknown type, an empty abstract, no recipients, an unknown drafting unit,
another commune's unit, a signer who is not a leader of the issuing body, a reply to another
commune's incoming row, an empty file, a text file as a draft; steps by a role without the
right (viewer, clerk approving, specialist signing), by the right role in the wrong unit or the
wrong person (the office's head signing, a deputy when the chairman is named), out of order
(numbering before signing, releasing twice, submitting a returned draft without a new
version, a version after submission); changing and deleting a step record in the database.
"""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest
from sqlalchemy import select, text

from archive.incoming import IncomingDocument
from archive.models import Job
from archive.outgoing import OutgoingDocument
from docsvc.finding.services import run_search
from docsvc.worker import wait_for_jobs
from docsvc.outgoing import issuing, reading, settings
from docsvc.outgoing.rules import OutgoingConflict, OutgoingInvalid, OutgoingNotFound, WrongPerson
from docsvc.outgoing.services import add_version, create_draft, transition
from docsvc.services.audit import PermissionDenied
from tests.outgoing.conftest import draft, pdf, walk


def _incoming_rows(services, unit_code: str) -> list[IncomingDocument]:
    with services.session_factory() as db:
        from archive.accounts import Unit

        unit = db.scalar(select(Unit).where(Unit.code == unit_code))
        return list(db.scalars(select(IncomingDocument).where(IncomingDocument.office_unit_id == unit.id)
                               .order_by(IncomingDocument.arrival_number)))


def test_a_decision_from_draft_to_filing_with_one_return(services, org):
    doc = draft(services, org)
    assert (doc["state"], doc["version"], doc["issuer"]["code"], doc["drafting_unit"]["code"]) == (
        "draft", 1, "XA-A", "XA-A-VP")
    doc_id = doc["id"]
    transition(services, org["cv"], doc_id, "submit")
    returned = transition(services, org["truongvp"], doc_id, "return", "Sửa căn cứ pháp lý ở Điều 1")
    assert returned["state"] == "returned"
    with pytest.raises(OutgoingConflict) as refused:
        transition(services, org["cv"], doc_id, "submit")
    assert refused.value.code == "new_version_required"
    v2 = add_version(services, org["cv"], doc_id, pdf("Dự thảo lần 2", "Căn cứ Luật Hộ tịch 2014"), "v2.pdf",
                     "Đã sửa căn cứ")
    assert [(v["number"], v["obsolete"]) for v in v2["versions"]] == [(1, True), (2, False)]
    walk(services, org, doc_id, "sign")
    numbered = transition(services, org["vanthu"], doc_id, "number")
    assert numbered["number_symbol"] == "01/QĐ-UBND" and numbered["signature_kind"] == "wet"
    released = transition(services, org["vanthu"], doc_id, "release")
    assert released["state"] == "released"
    # The recipient commune's incoming register has it, with its own arrival number.
    rows = _incoming_rows(services, "XA-B")
    assert [(r.arrival_number, r.number, r.symbol, r.doc_type, r.issuer, r.status) for r in rows] == [
        (1, "01", "QĐ-UBND", "Quyết định", "Ủy ban nhân dân xã A", "registered")]
    deliveries = {(d["recipient"], d["channel"], d["status"]) for d in released["deliveries"]}
    assert deliveries == {("Ủy ban nhân dân xã B", "internal", "delivered"),
                          ("Sở Tư pháp tỉnh", "folder", "written")}
    package = next(d for d in released["deliveries"] if d["channel"] == "folder")["detail"]
    with zipfile.ZipFile(package) as z:
        names = sorted(z.namelist())
        envelope = z.read(next(n for n in names if n.endswith(".xml"))).decode("utf-8")
    assert "01/QĐ-UBND".split("/")[1] in envelope and "Thành lập Tổ công tác số hóa sổ hộ tịch" in envelope
    filed = transition(services, org["luutru"], doc_id, "file")
    assert (filed["state"], filed["retention"], filed["has_history"]) == ("filed", "permanent", True)
    assert [s["action"] for s in filed["records"]] == [
        "create", "submit", "return", "version", "submit", "approve", "check", "sign", "number", "release", "file"]
    assert [s["actor_name"] for s in filed["records"]][:3] == ["Lê Thị Thu Hà", "Lê Thị Thu Hà", "Trần Quốc Bảo"]
    assert filed["records"][2]["comment"] == "Sửa căn cứ pháp lý ở Điều 1"
    assert [s["version"] for s in filed["records"]][:5] == [1, 1, 1, 2, 2]
    # The archived record: a document with the number and symbol, its original the released file.
    from archive.models import Document

    with services.session_factory() as db:
        archived = db.get(Document, filed["document_id"])
        row = db.get(OutgoingDocument, doc_id)
        assert (archived.direction, archived.number_symbol, archived.doc_type, archived.sha256) == (
            "outgoing", "01/QĐ-UBND", "Quyết định", row.released_sha256)
        job_id = db.scalar(select(Job.id).where(Job.document_id == archived.id))
    # Ingested like any document, then found in search by its number and symbol.
    assert wait_for_jobs(services, [job_id], timeout=600)[job_id].status == "done"
    found = run_search(services, org["luutru"], "01/QĐ-UBND")
    assert [h.id for h in found.hits] == [filed["document_id"]]


def test_a_cong_van_is_numbered_issuer_then_drafting_unit(services, org):
    settings.configure(services, org.accounts.system, "XA-A-VP", abbr="VP")
    first = draft(services, org, "Công văn", abstract="Đề nghị cung cấp danh sách sổ hộ tịch cần số hóa",
                  recipients="XA-B")
    walk(services, org, first["id"], "submit")
    transition(services, org["truongvp"], first["id"], "return", "Ghi rõ thời hạn gửi danh sách")
    add_version(services, org["cv"], first["id"], pdf("Công văn, bản sửa"), "v2.pdf")
    done = walk(services, org, first["id"], "file")
    assert (done["number_symbol"], done["state"], done["retention"]) == ("01/UBND-VP", "filed", "10")
    # The decision sequence and the công văn share the issuer's yearly sequence.
    decision = draft(services, org)
    assert walk(services, org, decision["id"], "number")["number_symbol"] == "02/QĐ-UBND"


def test_secret_documents_have_their_own_sequence_and_readers(services, org):
    secret = draft(services, org, secrecy="mat")
    plain = draft(services, org)
    assert walk(services, org, secret["id"], "number")["number_symbol"] == "01/QĐ-UBND"
    assert walk(services, org, plain["id"], "number")["number_symbol"] == "01/QĐ-UBND"
    with services.session_factory() as db:
        scopes = {r.id: r.scope for r in db.scalars(select(OutgoingDocument))}
    assert scopes == {secret["id"]: "outgoing_secret", plain["id"]: "outgoing"}
    org.accounts.user("cv0", "specialist", unit="XA-A", clearance=0)
    with pytest.raises(OutgoingNotFound):
        reading.get_outgoing(services, org.accounts.principal("cv0"), secret["id"])   # clearance 0
    assert [d["id"] for d in reading.list_outgoing(services, org.accounts.principal("cv0"))] == [plain["id"]]


def test_refusals_of_role_person_and_order_leave_nothing_behind(services, org):
    doc_id = draft(services, org)["id"]
    with pytest.raises(PermissionDenied):
        transition(services, org["xem"], doc_id, "submit")
    with pytest.raises(OutgoingConflict) as early:
        transition(services, org["vanthu"], doc_id, "number")
    assert early.value.code == "out_of_order"
    transition(services, org["cv"], doc_id, "submit")
    with pytest.raises(PermissionDenied):
        transition(services, org["vanthu"], doc_id, "approve")
    with pytest.raises(OutgoingConflict) as late:
        add_version(services, org["cv"], doc_id, pdf("muộn"), "v.pdf")
    assert late.value.code == "not_editable"
    with pytest.raises(OutgoingNotFound):
        transition(services, org["lanhdao_b"], doc_id, "approve")   # another commune's: absent
    walk_to_checked = ("approve", "check")
    for action, who in zip(walk_to_checked, ("truongvp", "vanthu")):
        transition(services, org[who], doc_id, action)
    with pytest.raises(WrongPerson):
        transition(services, org["truongvp"], doc_id, "sign")       # the office's head: not the issuer's leader
    with pytest.raises(WrongPerson) as named:
        transition(services, org["phochutich"], doc_id, "sign")     # the chairman is named
    assert "Nguyễn Văn An" in named.value.message
    with pytest.raises(PermissionDenied):
        transition(services, org["cv"], doc_id, "sign")
    transition(services, org["chutich"], doc_id, "sign")
    transition(services, org["vanthu"], doc_id, "number")
    transition(services, org["vanthu"], doc_id, "release")
    with pytest.raises(OutgoingConflict):
        transition(services, org["vanthu"], doc_id, "release")
    after = reading.get_outgoing(services, org["chutich"], doc_id)
    assert [s["action"] for s in after["records"]] == ["create", "submit", "approve", "check", "sign", "number",
                                                       "release"]
    assert len(_incoming_rows(services, "XA-B")) == 1


def test_step_records_cannot_be_changed_or_deleted(services, org):
    doc_id = draft(services, org)["id"]
    transition(services, org["cv"], doc_id, "submit")
    for statement in ("UPDATE outgoing_steps SET comment = 'sửa lén' WHERE outgoing_id = :i",
                      "DELETE FROM outgoing_steps WHERE outgoing_id = :i"):
        with services.engine.connect() as conn:
            with pytest.raises(Exception) as refused:
                conn.execute(text(statement), {"i": doc_id})
            assert "never changed" in str(refused.value)
            conn.rollback()
    assert [s["comment"] for s in reading.get_outgoing(services, org["cv"], doc_id)["records"]] == [None, None]


@pytest.mark.parametrize("field,value", [
    ("doc_type", "Thư tình"), ("abstract", "   "), ("recipients", " , "), ("drafting_unit", "KHONG-CO"),
    ("signer", "cv"), ("signer", "lanhdao_b"), ("in_reply_to", "999999"),
])
def test_bad_values_name_their_field(services, org, field, value):
    with pytest.raises(OutgoingInvalid) as refused:
        draft(services, org, **{field: value})
    assert refused.value.field == field
    with services.session_factory() as db:
        assert db.scalar(select(OutgoingDocument.id)) is None


def test_another_communes_unit_and_bad_files_are_refused(services, org):
    with pytest.raises(WrongPerson):
        draft(services, org, drafting_unit="XA-B")
    for data in (b"", b"just some text, not a draft"):
        with pytest.raises(OutgoingInvalid) as refused:
            create_draft(services, org["cv"], {"doc_type": "Công văn", "abstract": "x", "recipients": "XA-B"},
                         data, "x.pdf")
        assert refused.value.field == "file"


def test_withdrawn_after_numbering_keeps_its_number(services, org):
    first = draft(services, org)
    walk(services, org, first["id"], "number")
    gone = transition(services, org["vanthu"], first["id"], "withdraw", "Sai đối tượng áp dụng")
    assert (gone["state"], gone["number_symbol"]) == ("withdrawn", "01/QĐ-UBND")
    assert gone["withdrawn_note"] == "Thu hồi sau khi cho số: Sai đối tượng áp dụng"
    second = draft(services, org)
    assert walk(services, org, second["id"], "number")["number_symbol"] == "02/QĐ-UBND"


def test_a_replacing_document_changes_the_earlier_ones_status_at_release(services, org):
    earlier = draft(services, org)
    walk(services, org, earlier["id"], "release")
    later = draft(services, org, abstract="Thay thế Quyết định thành lập Tổ công tác")
    linked = issuing.link(services, org["cv"], later["id"], earlier["id"], "replaces")
    assert [(c["id"], c["kind"]) for c in linked["links"]["changes"]] == [(earlier["id"], "replaces")]
    assert reading.get_outgoing(services, org["cv"], earlier["id"])["control_status"] == "in_force"
    walk(services, org, later["id"], "release")
    seen = reading.get_outgoing(services, org["cv"], earlier["id"])
    assert (seen["control_status"], seen["control_status_label"]) == ("replaced", "Đã bị thay thế")
    assert [(c["id"], c["label"]) for c in seen["links"]["changed_by"]] == [(later["id"], "Bị thay thế bởi")]


def test_a_reply_links_both_ways(services, org):
    from docsvc.incoming.services import register_incoming

    org.accounts.user("vt_a1", "clerk", unit="XA-A", clearance=1)
    arrival = register_incoming(services, org.accounts.principal("vt_a1"), {
        "number": "45", "symbol": "STP-HCTP", "issuer": "Sở Tư pháp tỉnh", "doc_type": "Công văn",
        "abstract": "Đề nghị báo cáo tiến độ số hóa", "issued_on": "2026-01-05", "arrived_at": "2026-01-06T09:00"})
    reply = draft(services, org, "Công văn", recipients="Sở Tư pháp tỉnh", in_reply_to=str(arrival["id"]))
    assert reply["in_reply_to"]["number_symbol"] == "45/STP-HCTP"
    assert [r["id"] for r in reading.replies_to(services, org["cv"], arrival["id"])] == [reply["id"]]


def test_legal_check_when_the_issuing_body_names_its_legal_unit(services, org):
    settings.configure(services, org.accounts.system, "XA-A", legal_unit="XA-A-TP")
    doc_id = draft(services, org)["id"]
    walk(services, org, doc_id, "approve")
    waiting = transition(services, org["vanthu"], doc_id, "check")
    assert (waiting["state"], waiting["needs_legal_check"]) == ("form_checked", True)
    with pytest.raises(PermissionDenied):
        transition(services, org["vanthu"], doc_id, "check")     # the clerk holds no outgoing.legal
    with pytest.raises(WrongPerson):
        transition(services, org["cv"], doc_id, "check")         # a specialist, not of the legal unit
    checked = transition(services, org["tuphap"], doc_id, "check", "Đúng thẩm quyền")
    assert checked["state"] == "checked" and checked["records"][-1]["action"] == "legal"


def test_a_wet_signature_scan_is_the_file_released(services, org):
    doc_id = draft(services, org)["id"]
    walk(services, org, doc_id, "number")
    from docsvc.outgoing.services import attach_signed_scan

    scan = pdf("Bản quét văn bản đã ký tay", "Số: 01/QĐ-UBND")
    attached = attach_signed_scan(services, org["vanthu"], doc_id, scan, "scan.pdf")
    assert attached["records"][-1]["action"] == "scan"
    released = transition(services, org["vanthu"], doc_id, "release")
    with services.session_factory() as db:
        assert db.get(OutgoingDocument, doc_id).released_sha256 == hashlib.sha256(scan).hexdigest()
    assert released["state"] == "released"


def test_a_digitally_signed_decision_carries_the_leaders_and_the_organisations_signatures(services, org):
    """With the chairman's certificate and the commune's, ``sign`` is a PAdES signature and
    ``number`` adds the organisation's with the number stamp; both check against the local
    authority in the file released, delivered and filed."""
    from docsvc.extracts import services as extracts
    from docsvc.extracts.signing import make_local_authority, make_office_pkcs12
    from docsvc.outgoing.certificates import install_personal_certificate
    from docsvc.outgoing.signing import check_signatures, make_personal_pkcs12

    authority = make_local_authority("CA thử nghiệm")
    org.accounts.user("quantri", "admin", unit="XA-A")
    admin = org.accounts.principal("quantri")
    extracts.install_certificate(services, admin, "XA-A", p12=make_office_pkcs12("Ủy ban nhân dân xã A", b"pw",
                                                                                 authority=authority),
                                 passphrase=b"pw")
    install_personal_certificate(services, admin, "chutich",
                                 p12=make_personal_pkcs12("Nguyễn Văn An", b"pw", authority=authority), passphrase=b"pw")
    doc_id = draft(services, org)["id"]
    signed = walk(services, org, doc_id, "sign")
    assert signed["signature_kind"] == "digital"
    released = walk_from(services, org, doc_id, ("number", "release"))
    with services.session_factory() as db:
        row = db.get(OutgoingDocument, doc_id)
        pdf = services.blobs.read(row.released_sha256)
    checks = check_signatures(pdf, [authority[0]])
    assert [(c.intact, c.trusted) for c in checks] == [(True, True), (True, True)]
    assert released["number_symbol"] == "01/QĐ-UBND" and "01/QĐ-UBND" in pdf_text(pdf)


def walk_from(services, org, doc_id: int, actions) -> dict:
    from tests.outgoing.conftest import ACTORS

    result = {}
    for action in actions:
        result = transition(services, org[ACTORS[action]], doc_id, action)
    return result


def pdf_text(data: bytes) -> str:
    """The page text and the organisation's stamp (read as test_signing reads it)."""
    from tests.outgoing.test_signing import _stamp_text

    from pypdf import PdfReader

    return "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages) + _stamp_text(data)


def test_the_outgoing_register_row_has_the_official_columns(services, org):
    from docsvc.outgoing.register import outgoing_register

    doc_id = draft(services, org, copies="5")["id"]
    walk(services, org, doc_id, "release")
    register = outgoing_register(services, org["vanthu"], year=reading.get_outgoing(services, org["cv"], doc_id)["year"])
    (row,) = register["rows"]
    assert (row["number_symbol"], row["doc_type"], row["signer"], row["recipients"], row["copies"]) == (
        "01/QĐ-UBND", "Quyết định", "Nguyễn Văn An", "Ủy ban nhân dân xã B, Sở Tư pháp tỉnh", 5)
    assert row["type_abstract"] == "Quyết định thành lập Tổ công tác số hóa sổ hộ tịch"
    assert row["sent_on"] and row["file_keeper"].startswith("Văn phòng HĐND và UBND xã A")
