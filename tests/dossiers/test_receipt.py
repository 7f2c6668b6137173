"""The receipt PDF parsed back with pypdf: the title, the heading, the code, the applicant,
the procedure, the documents, the received moment and the promised date written
``ngày 09 tháng 03 năm 2026``; a receipt with no date promised says so."""

from __future__ import annotations

import io
from datetime import datetime

from pypdf import PdfReader

from docsvc.dossiers import services as dossiers
from docsvc.dossiers.receipt import ReceiptContent, render_receipt


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_receipt_of_a_dossier(services, people):
    dossiers.configure_office(services, people.p("quantri"), "XA-A", "000.00.12.H29", place="Xã A",
                              heading="ỦY BAN NHÂN DÂN HUYỆN X\nỦY BAN NHÂN DÂN XÃ A")
    got = dossiers.receive_dossier(services, people.p("motcua"), "DD-CN", "Trần Thị Hoà", received_at="2026-03-02T09:05",
                                   documents="Đơn đăng ký biến động\nGiấy chứng nhận (bản gốc)",
                                   applicant_contact="Thôn 3, xã A")
    pdf = dossiers.receipt_pdf(services, people.p("motcua"), got["id"])
    assert pdf.startswith(b"%PDF")
    text = _text(pdf)
    for expected in ("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                     "Độc lập - Tự do - Hạnh phúc", "ỦY BAN NHÂN DÂN XÃ A", "Mã hồ sơ: 000.00.12.H29-260302-0001",
                     "Trần Thị Hoà", "Đăng ký biến động đất đai", "Đơn đăng ký biến động",
                     "Giấy chứng nhận (bản gốc)", "09 giờ 05 phút, ngày 02 tháng 03 năm 2026",
                     "ngày 09 tháng 03 năm 2026", "5 ngày làm việc", "Cán bộ motcua", "Xã A, ngày 02 tháng 03 năm 2026"):
        assert expected in text, expected


def test_receipt_without_a_date():
    content = ReceiptContent(("UBND XÃ A",), "UBND xã A", "Xã A", "XA-A-260302-0002", "Lê Văn C", "", "Khai sinh",
                             (), 1, datetime(2026, 3, 2, 16, 0), None, "Cán bộ")
    text = _text(render_receipt(content))
    assert "chưa hẹn (hồ sơ chưa đủ)" in text and "(không ghi)" in text
    assert render_receipt(content) == render_receipt(content)   # equal content, equal bytes


def test_notices(services, people):
    """The apology slip names both dates and the reason; the refusal slip the reason; a kind
    the dossier has not had (or an unknown kind) is not found; a clerk may not print them."""
    import pytest

    from docsvc.dossiers.rules import DossierNotFound
    from docsvc.services.audit import PermissionDenied

    desk = people.p("motcua")
    got = dossiers.receive_dossier(services, desk, "DD-CN", "Ngô Thị Kim", received_at="2026-03-02T09:00")
    dossiers.route(services, desk, got["id"])
    dossiers.apologize(services, people.p("diachinh"), got["id"], "2026-03-12", "Chờ kết quả đo đạc",
                       at="2026-03-05T09:00")
    text = _text(dossiers.notice_pdf(services, desk, got["id"], "apology"))
    for expected in ("PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ", "Ngô Thị Kim", "09/03/2026", "12/03/2026",
                     "Chờ kết quả đo đạc", "ngày 05 tháng 03 năm 2026"):
        assert expected in text, expected
    for kind in ("refusal", "supplement", "other"):
        with pytest.raises(DossierNotFound):
            dossiers.notice_pdf(services, desk, got["id"], kind)
    refused = dossiers.receive_dossier(services, desk, "DD-CN", "Lý Văn Long", received_at="2026-03-02T10:00",
                                       outcome="refused", note="Không thuộc thẩm quyền của xã")
    text = _text(dossiers.notice_pdf(services, desk, refused["id"], "refusal"))
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in text and "Không thuộc thẩm quyền của xã" in text
    with pytest.raises(PermissionDenied):
        dossiers.notice_pdf(services, people.p("vanthu"), refused["id"], "refusal")
