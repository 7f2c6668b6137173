"""The process record of one outgoing document as a PDF (docsvc.outgoing.history), read back
with pypdf: identification, every version (the superseded one marked obsolete) with its
SHA-256, every step's local time, actor, role, action, decision, comment and version, the
automatic form checks, the deliveries; and the ISO records of a period as one PDF.

Bad or awkward inputs tried: a document not yet numbered (no number, no date), no versions,
no steps and no deliveries (each table says "Không có"), moments as naive UTC datetimes, as
ISO strings without an offset and with ``Z``, a step at 17:30 UTC (the next local day), a
comment with markup characters (``<``, ``&``) and a line break, a 64-character hash, an
unknown role and an unknown decision (printed as given), decomposed (NFD) Vietnamese text."""

from __future__ import annotations

import io
import unicodedata
from datetime import date, datetime

from pypdf import PdfReader

from docsvc.outgoing.history import history_pdf, iso_records_pdf

TZ = "Asia/Ho_Chi_Minh"
OFFICE = "Ủy ban nhân dân xã A"


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return unicodedata.normalize("NFC", "\n".join(page.extract_text() for page in reader.pages))


def flat(text: str) -> str:
    """The text with line breaks inside table cells joined (a cell wraps where it likes)."""
    return " ".join(text.split())


def _record():
    doc = {"id": 7, "doc_type": "Quyết định", "number_symbol": "05/QĐ-UBND", "issued_on": date(2026, 1, 15),
           "abstract": "Về việc thành lập Tổ công tác chuyển đổi số", "drafting_unit": "Văn phòng HĐND và UBND",
           "issuer": OFFICE, "signer": "Nguyễn Văn Hùng", "state": "filed", "state_label": "Đã lưu trữ",
           "control_status": "amended"}
    versions = [
        {"number": 1, "file_name": "du-thao-1.docx", "sha256": "a1" * 32, "created_by": "Trần Thị Lan",
         "created_at": datetime(2026, 1, 5, 1, 0), "obsolete": True},
        {"number": 2, "file_name": "du-thao-2.pdf", "sha256": "b2" * 32, "created_by": "Trần Thị Lan",
         "created_at": "2026-01-06T02:00:00", "obsolete": False},
    ]
    checks = {"checks": [{"code": "symbol", "label": "Số, ký hiệu đúng mẫu", "ok": True, "detail": "QĐ-UBND"},
                         {"code": "date_line", "label": "Địa danh, ngày tháng năm", "ok": False,
                          "detail": "Thiếu địa danh trước ngày tháng"}]}
    steps = [
        {"action": "create", "from_state": None, "to_state": "draft", "version": 1, "actor_name": "Trần Thị Lan",
         "actor_role": "specialist", "at": datetime(2026, 1, 5, 1, 0)},
        {"action": "submit", "from_state": "draft", "to_state": "submitted", "version": 1,
         "actor_name": "Trần Thị Lan", "actor_role": "specialist", "at": "2026-01-05T03:00:00Z"},
        {"action": "return", "action_label": "Trả lại", "from_state": "submitted", "to_state": "returned",
         "decision": "returned", "comment": "Sửa căn cứ pháp lý <Điều 3> & bổ sung\nnơi nhận", "version": 1,
         "actor_name": "Lê Văn Đức", "actor_role": "leader", "at": datetime(2026, 1, 5, 17, 30)},
        {"action": "check", "from_state": "approved", "to_state": "checked", "decision": "passed", "version": 2,
         "actor_name": unicodedata.normalize("NFD", "Phạm Thị Hoà"), "actor_role": "clerk",
         "at": datetime(2026, 1, 7, 2, 0), "details": checks, "comment": "Đã kiểm tra thể thức"},
        {"action": "sign", "from_state": "checked", "to_state": "signed", "decision": "wet", "version": 2,
         "actor_name": "Nguyễn Văn Hùng", "actor_role": "leader", "at": datetime(2026, 1, 9, 2, 0),
         "comment": "Ký tay, đính kèm bản quét"},
        {"action": "file", "from_state": "released", "to_state": "filed", "decision": "lưu vĩnh viễn",
         "version": 2, "actor_name": "Đỗ Thị Mai", "actor_role": "records_keeper", "at": datetime(2026, 1, 16, 3)},
    ]
    deliveries = [{"recipient": "Ủy ban nhân dân xã B", "channel": "internal", "status": "delivered",
                   "detail": "Số đến 12/2026", "at": datetime(2026, 1, 15, 3, 0)},
                  {"recipient": "Sở Nội vụ tỉnh", "channel": "folder", "status": "written",
                   "detail": "/var/exchange/05-QĐ-UBND.zip", "at": datetime(2026, 1, 15, 3, 5)}]
    return doc, versions, steps, deliveries


def test_history_pdf_has_every_step_version_check_and_delivery():
    doc, versions, steps, deliveries = _record()
    pdf = history_pdf(doc, versions, steps, deliveries, office_name=OFFICE, time_zone=TZ)
    text = text_of(pdf)
    joined = flat(text)
    assert text.startswith("ỦY BAN NHÂN DÂN XÃ A")
    assert "HỒ SƠ QUÁ TRÌNH BAN HÀNH VĂN BẢN" in text
    for value in ("05/QĐ-UBND", "15/01/2026", "Về việc thành lập Tổ công tác chuyển đổi số", "Văn phòng HĐND và UBND",
                  "Nguyễn Văn Hùng", "Đã lưu trữ", "Đã được sửa đổi, bổ sung"):
        assert value in joined, value
    # versions: the superseded one is marked obsolete, the current one current, hashes whole
    assert "du-thao-1.docx" in joined and "du-thao-2.pdf" in joined
    assert joined.count("Đã lỗi thời") == 1 and joined.count("Hiện hành") == 1
    assert joined.index("du-thao-1.docx") < joined.index("Đã lỗi thời") < joined.index("du-thao-2.pdf")
    assert joined.replace(" ", "").count("a1" * 32) == 1 and joined.replace(" ", "").count("b2" * 32) == 1
    assert "05/01/2026 08:00" in joined and "06/01/2026 09:00" in joined   # UTC → local, naive and ISO
    # every step: local time, actor and role, action, decision, comment, in order
    expected = [("05/01/2026 08:00", "Trần Thị Lan", "(Chuyên viên)", "Tạo dự thảo"),
                ("05/01/2026 10:00", "Trần Thị Lan", "(Chuyên viên)", "Trình duyệt"),
                ("06/01/2026 00:30", "Lê Văn Đức", "(Lãnh đạo)", "Trả lại"),
                ("07/01/2026 09:00", "Phạm Thị Hoà", "(Văn thư)", "Kiểm tra thể thức"),
                ("09/01/2026 09:00", "Nguyễn Văn Hùng", "(Lãnh đạo)", "Ký ban hành"),
                ("16/01/2026 10:00", "Đỗ Thị Mai", "(records_keeper)", "Lưu trữ")]
    section = joined[joined.index("III. Các bước xử lý"):joined.index("IV. Kết quả kiểm tra")]
    position = 0
    for when, actor, role, action in expected:
        position = section.index(f"{when} {actor} {role} {action}", position)
    for comment in ("Sửa căn cứ pháp lý <Điều 3> & bổ sung nơi nhận", "Đã kiểm tra thể thức",
                    "Ký tay, đính kèm bản quét"):
        assert comment in section, comment
    assert "Chờ lãnh đạo đơn vị duyệt → Trả lại để sửa" in section
    for decision in ("Trả lại", "Đạt", "Ký tay", "lưu vĩnh viễn"):
        assert decision in section, decision
    # the automatic form checks, passed and failed
    checks = joined[joined.index("IV. Kết quả kiểm tra"):joined.index("V. Phát hành")]
    assert "Số, ký hiệu đúng mẫu Đạt QĐ-UBND" in checks
    assert "Địa danh, ngày tháng năm Không đạt Thiếu địa danh trước ngày tháng" in checks
    delivered = joined[joined.index("V. Phát hành"):]
    assert "Ủy ban nhân dân xã B Trong hệ thống Đã nhận Số đến 12/2026 15/01/2026 10:00" in delivered
    assert "Sở Nội vụ tỉnh" in delivered and "Đã ghi gói" in delivered
    assert "Trang 1/" in text


def test_history_pdf_of_a_bare_draft_says_what_is_missing():
    doc = {"id": 3, "doc_type": "Công văn", "number_symbol": None, "issued_on": None, "abstract": "Về việc báo cáo",
           "drafting_unit": "Phòng Kinh tế", "issuer": OFFICE, "signer": None, "state": "draft",
           "control_status": "in_force"}
    joined = flat(text_of(history_pdf(doc, [], [], [], office_name=OFFICE, time_zone=TZ)))
    assert "Chưa cho số (mã hồ sơ #3)" in joined and "Dự thảo" in joined and "Còn hiệu lực" in joined
    assert "Không có kết quả kiểm tra tự động." in joined
    assert joined.replace("Không có kết quả", "").count("Không có") == 3   # versions, steps, deliveries


def test_iso_records_pdf_has_a_cover_and_each_document():
    doc, versions, steps, deliveries = _record()
    other = dict(doc, id=8, number_symbol="06/QĐ-UBND", abstract="Về việc phê duyệt kế hoạch năm 2026",
                 state="released", state_label="Đã phát hành, chờ lưu")
    pdf = iso_records_pdf([(doc, versions, steps, deliveries), (other, versions[1:], steps[:2], [])],
                          office_name=OFFICE, period_text="Từ ngày 01/01/2026 đến ngày 31/03/2026", time_zone=TZ)
    reader = PdfReader(io.BytesIO(pdf))
    pages = [flat(unicodedata.normalize("NFC", p.extract_text())) for p in reader.pages]
    cover = pages[0]
    assert "HỒ SƠ ISO QUÁ TRÌNH BAN HÀNH VĂN BẢN ĐI" in cover
    assert "Từ ngày 01/01/2026 đến ngày 31/03/2026" in cover
    assert "Số văn bản 2" in cover and "Số bước xử lý đã ghi 8" in cover and "Số lần trả lại 1" in cover
    assert "1 05/QĐ-UBND Quyết định Về việc thành lập Tổ công tác chuyển đổi số Đã lưu trữ 6" in cover
    assert "2 06/QĐ-UBND Quyết định Về việc phê duyệt kế hoạch năm 2026 Đã phát hành, chờ lưu 2" in cover
    # each record starts on a page of its own, in the order given
    starts = [i for i, p in enumerate(pages) if p.startswith("ỦY BAN NHÂN DÂN XÃ A HỒ SƠ QUÁ TRÌNH BAN HÀNH VĂN BẢN")]
    assert len(starts) == 2 and 0 < starts[0] < starts[1]
    assert "05/QĐ-UBND" in pages[starts[0]] and "06/QĐ-UBND" in pages[starts[1]]
    assert "Lê Văn Đức" in " ".join(pages[starts[0]:starts[1]])
    assert "Lê Văn Đức" not in " ".join(pages[starts[1]:])
    assert pages[-1].endswith(f"Trang {len(pages)}/{len(pages)}")
    empty = flat(text_of(iso_records_pdf([], office_name=OFFICE, period_text="Quý II năm 2026", time_zone=TZ)))
    assert "Số văn bản 0" in empty and "Không có" in empty
