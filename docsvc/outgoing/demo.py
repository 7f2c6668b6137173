"""Sample outgoing documents for ``docsvc demo`` (issue 14): in the demo commune, one document
at each step of the issuing process — a decision filed after one return, a công văn released
to the commune's justice unit (it lands in that unit's incoming register) and to a body
outside (a package in the exchange folder), a plan waiting for the chairman's signature, a
report returned for changes, an invitation still a draft — and the settings they need (the
office's abbreviation, the legal unit). Every step goes through the use cases. A second run
adds nothing when the commune already has outgoing documents."""

from __future__ import annotations

from sqlalchemy import func, select

from archive.accounts import Unit, User
from archive.outgoing import OutgoingDocument
from docsvc.access import Principal, principal_for, system_principal
from docsvc.services.container import Services

COMMUNE, OFFICE, JUSTICE = "XA-TANPHU", "XA-TANPHU-VP", "XA-TANPHU-TP"
DRAFTER, LEADER, CLERK, ARCHIVIST = "chuyenvien", "lanhdao", "vanthu", "luutru"


def _principal(services: Services, username: str) -> Principal | None:
    with services.session_factory() as session:
        user = session.scalar(select(User).where(User.username == username))
        return principal_for(session, user, via="demo") if user is not None else None


def add_demo_outgoing(services: Services) -> list[str]:
    from docsvc.outgoing import drafts, settings
    from docsvc.outgoing.services import add_version, create_draft, transition

    with services.session_factory() as session:
        commune = session.scalar(select(Unit).where(Unit.code == COMMUNE))
        if commune is None:
            return []
        done = session.scalar(select(func.count()).select_from(OutgoingDocument)
                              .where(OutgoingDocument.issuer_unit_id == commune.id))
        if done:
            return []
    people = {name: _principal(services, name) for name in (DRAFTER, LEADER, CLERK, ARCHIVIST)}
    if any(p is None for p in people.values()):
        return []
    system = system_principal("demo")
    settings.configure(services, system, OFFICE, abbr="VP")
    settings.configure(services, system, COMMUNE, abbr="UBND", place="Tân Phú")
    drafter, leader, clerk, archivist = (people[n] for n in (DRAFTER, LEADER, CLERK, ARCHIVIST))

    def start(doc_type: str, abstract: str, recipients: str, pdf: bytes) -> int:
        return create_draft(services, drafter, {"doc_type": doc_type, "abstract": abstract, "recipients": recipients,
                                                "drafting_unit": OFFICE, "signer": LEADER},
                            pdf, "du-thao.pdf")["id"]

    def steps(doc_id: int, *actions: str) -> dict:
        who = {"submit": drafter, "approve": leader, "check": clerk, "sign": leader, "number": clerk,
               "release": clerk, "file": archivist}
        result: dict = {}
        for action in actions:
            result = transition(services, who[action], doc_id, action)
        return result

    decision_abstract = "Thành lập Tổ công tác số hóa sổ đăng ký hộ tịch"
    decision = start("Quyết định", decision_abstract, f"{JUSTICE}, Sở Tư pháp tỉnh",
                     drafts.decision_pdf(abstract=decision_abstract))
    steps(decision, "submit")
    transition(services, leader, decision, "return", "Bổ sung căn cứ Luật Hộ tịch năm 2014 và ghi rõ thành phần Tổ.")
    add_version(services, drafter, decision, drafts.decision_pdf(abstract=decision_abstract,
                                                                 revision_note="Đã bổ sung căn cứ và thành phần."),
                "du-thao-v2.pdf", "Bổ sung căn cứ, thành phần Tổ công tác")
    filed = steps(decision, "submit", "approve", "check", "sign", "number", "release", "file")

    letter_abstract = "Đề nghị cung cấp danh sách sổ hộ tịch cần số hóa"
    letter = start("Công văn", letter_abstract, f"{JUSTICE}, Phòng Tư pháp (cũ)",
                   drafts.letter_pdf(abstract=letter_abstract))
    released = steps(letter, "submit", "approve", "check", "sign", "number", "release")

    plan_abstract = "Kế hoạch số hóa tài liệu lưu trữ năm 2027"
    plan = start("Kế hoạch", plan_abstract, JUSTICE, drafts.decision_pdf(abstract=plan_abstract))
    steps(plan, "submit", "approve", "check")

    report_abstract = "Báo cáo kết quả số hóa sổ hộ tịch quý IV"
    report = start("Báo cáo", report_abstract, "Sở Tư pháp tỉnh", drafts.letter_pdf(abstract=report_abstract))
    steps(report, "submit")
    transition(services, leader, report, "return", "Số liệu quý IV chưa khớp với sổ: kiểm tra lại.")

    start("Giấy mời", "Mời dự họp triển khai số hóa tài liệu lưu trữ", JUSTICE,
          drafts.letter_pdf(abstract="Mời dự họp triển khai số hóa tài liệu lưu trữ"))
    return [f"Văn bản đi mẫu: {filed['number_symbol']} (đã lưu), {released['number_symbol']} (đã phát hành), "
            "một kế hoạch chờ ký, một báo cáo bị trả lại, một giấy mời đang soạn."]
