"""What the outgoing-document use cases share: the refusals, the types and their
abbreviations (Decree 30, Appendix III), the number and symbol, and the process as a table of
transitions — which action moves which state, by which permission, and which unit the actor
must hold (docsvc.outgoing.services).

Who does what (issue 14, DOMAIN.md §2), through the permission table and the unit tree:

- the drafter (``outgoing.draft``, a specialist of the drafting unit) submits;
- a leader of the drafting unit (``outgoing.review``) approves or returns;
- the records office (``outgoing.check``, a clerk of the issuing body) checks form, and for
  the types that need it the legal unit (``outgoing.legal``) checks legality;
- a leader of the issuing body (``outgoing.sign``; the intended signer when one is named)
  signs, or returns;
- the clerk (``outgoing.issue``) numbers and releases; the archivist (``outgoing.file``) files.

"Of a unit" means the unit is in the principal's unit subtree (``Principal.unit_ids``), as
everywhere else in docsvc.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from archive.outgoing import (APPROVED, CHECKED, DRAFT, FILED, FORM_CHECKED, NUMBERED, RELEASED, RETURNED, SIGNED,
                              SUBMITTED, WITHDRAWN)
from docsvc.documents.queries import NotFound

# Decree 30/2020, Appendix III. Công văn and thư công have none.
TYPE_ABBR = {
    "Nghị quyết": "NQ", "Quyết định": "QĐ", "Chỉ thị": "CT", "Quy chế": "QC", "Quy định": "QyĐ",
    "Thông cáo": "TC", "Thông báo": "TB", "Hướng dẫn": "HD", "Chương trình": "CTr", "Kế hoạch": "KH",
    "Phương án": "PA", "Đề án": "ĐA", "Dự án": "DA", "Báo cáo": "BC", "Biên bản": "BB", "Tờ trình": "TTr",
    "Hợp đồng": "HĐ", "Công điện": "CĐ", "Bản ghi nhớ": "BGN", "Bản thỏa thuận": "BTT", "Giấy ủy quyền": "GUQ",
    "Giấy mời": "GM", "Giấy giới thiệu": "GGT", "Giấy nghỉ phép": "GNP", "Phiếu gửi": "PG", "Phiếu chuyển": "PC",
    "Phiếu báo": "PB", "Công văn": None, "Thư công": None,
}
NO_ABBR = frozenset(t for t, a in TYPE_ABBR.items() if a is None)
# Types whose draft the legal unit checks before signature (configuration in spirit: the
# normative and individual decisions of a committee; a letter or an invitation is not).
LEGAL_CHECK_TYPES = frozenset({"Nghị quyết", "Quyết định", "Chỉ thị", "Quy chế", "Quy định"})

STATE_LABELS = {
    DRAFT: "Dự thảo", RETURNED: "Trả lại để sửa", SUBMITTED: "Chờ lãnh đạo đơn vị duyệt",
    APPROVED: "Chờ văn thư kiểm tra thể thức", FORM_CHECKED: "Chờ thẩm định pháp lý",
    CHECKED: "Chờ lãnh đạo ký", SIGNED: "Đã ký, chờ cho số", NUMBERED: "Đã cho số, chờ phát hành",
    RELEASED: "Đã phát hành, chờ lưu", FILED: "Đã lưu trữ", WITHDRAWN: "Đã thu hồi",
}
ACTION_LABELS = {
    "create": "Tạo dự thảo", "version": "Thêm phiên bản", "submit": "Trình duyệt", "approve": "Duyệt",
    "return": "Trả lại", "check": "Kiểm tra thể thức", "legal": "Thẩm định pháp lý", "sign": "Ký ban hành",
    "number": "Cho số, vào sổ", "release": "Phát hành", "file": "Lưu trữ", "withdraw": "Thu hồi",
    "link": "Liên kết văn bản", "scan": "Đính kèm bản ký tay",
}
ACTIONS = ("submit", "approve", "return", "check", "sign", "number", "release", "file", "withdraw")


class OutgoingNotFound(NotFound):
    """No such outgoing document (or unit, or user) for this principal."""


class OutgoingInvalid(ValueError):
    """A bad value: ``field`` names it, ``message`` says why (Vietnamese)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


class OutgoingConflict(Exception):
    """The step is out of order, or the facts refuse it (409): ``code`` says which
    (``out_of_order``, ``new_version_required``, ``form_check_failed``, ``not_editable``...)."""

    def __init__(self, code: str, message: str, **details):
        super().__init__(message)
        self.code, self.message, self.details = code, message, details


class WrongPerson(Exception):
    """The principal holds the role but is not the person or unit the step needs (403)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Step:
    action: str
    permission: str
    sources: tuple[str, ...]     # states the action may start from
    who: str                     # drafter | unit_leader | office_clerk | legal | signer | archivist


# The process. ``return`` goes back to the drafter from review, check or signature; ``check``
# moves approved → form_checked (types needing a legal check) or → checked; a second
# ``check`` by the legal unit moves form_checked → checked.
PROCESS = {
    "submit": Step("submit", "outgoing.draft", (DRAFT, RETURNED), "drafter"),
    "approve": Step("approve", "outgoing.review", (SUBMITTED,), "unit_leader"),
    "return": Step("return", "outgoing.review", (SUBMITTED, APPROVED, FORM_CHECKED, CHECKED), "returner"),
    "check": Step("check", "outgoing.check", (APPROVED, FORM_CHECKED), "office_clerk"),
    "sign": Step("sign", "outgoing.sign", (CHECKED,), "signer"),
    "number": Step("number", "outgoing.issue", (SIGNED,), "office_clerk"),
    "release": Step("release", "outgoing.issue", (NUMBERED,), "office_clerk"),
    "file": Step("file", "outgoing.file", (RELEASED,), "archivist"),
    "withdraw": Step("withdraw", "outgoing.issue", (DRAFT, RETURNED, SUBMITTED, APPROVED, FORM_CHECKED, CHECKED,
                                                     SIGNED, NUMBERED), "office_clerk"),
}
EDITABLE = (DRAFT, RETURNED)   # a new version only while the drafter holds it


def nfc(text: str | None) -> str:
    return unicodedata.normalize("NFC", str(text or "")).strip()


def doc_type_value(raw) -> tuple[str, str | None]:
    """The type's Vietnamese name as Decree 30 spells it and its abbreviation; case and
    diacritics as typed are forgiven (``quyet dinh`` → ``Quyết định``)."""
    from docsvc.incoming.rules import fold

    text = nfc(raw)
    if not text:
        raise OutgoingInvalid("doc_type", "Chọn loại văn bản (ví dụ Quyết định, Công văn).")
    wanted = fold(text)
    for name, abbr in TYPE_ABBR.items():
        if fold(name) == wanted or (abbr and fold(abbr) == wanted):
            return name, abbr
    raise OutgoingInvalid("doc_type", f"Loại văn bản “{text}” không có trong danh mục của Nghị định 30/2020 "
                                      "(Phụ lục III).")


def symbol_of(doc_type: str, type_abbr: str | None, issuer_abbr: str, unit_abbr: str | None) -> str:
    """``QĐ-UBND`` (type and issuer); for a công văn ``UBND-VP`` (issuer and drafting unit)."""
    if type_abbr:
        return f"{type_abbr}-{issuer_abbr}"
    return f"{issuer_abbr}-{unit_abbr}" if unit_abbr else issuer_abbr


def number_symbol(seq: int, symbol: str) -> str:
    """``05/QĐ-UBND``: the number has two digits at least."""
    return f"{seq:02d}/{symbol}"
