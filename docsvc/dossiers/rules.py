"""What the dossier use cases share: the refusals, the code format, the fields offered, the
checks of what a person typed, and the scope (docsvc.dossiers.services, .procedures).

**The dossier code** (mã hồ sơ, DOMAIN.md §3): ``{agency code}-{YYMMDD}-{NNNN}``: the
office's national agency code (``OneStopOffice.agency_code``; the unit's own code while none
is set), the local day the dossier was received (two-digit year, month, day) and the
four-digit sequence of that office on that day, from 0001, gap-free
(``archive.sequences``, scope ``dossier``, the day ``YYYYMMDD`` as its "year"). Example:
``000.00.12.H29-261129-0007``, the seventh dossier received on 29/11/2026 by the agency
``000.00.12.H29``.
"""

from __future__ import annotations

import unicodedata
from datetime import date
from typing import Any

from docsvc.access import Principal
from docsvc.documents.queries import NotFound
from docsvc.i18n import N_
from docsvc.services.audit import PermissionDenied

#: The fields a procedure's form offers; any other text is accepted too.
FIELDS = (N_("Hộ tịch"), N_("Đất đai"), N_("Chứng thực"), N_("Kinh doanh"), N_("Xây dựng"),
          N_("Lao động – Thương binh và Xã hội"), N_("Tư pháp"), N_("Khác"))

STATE_LABELS = {
    "received": N_("Đã tiếp nhận"),
    "supplement": N_("Chờ bổ sung"),
    "refused": N_("Từ chối tiếp nhận"),
    "in_progress": N_("Đang giải quyết"),
    "returned": N_("Đã trả kết quả"),
}
STANDING_LABELS = {
    "early": N_("Trước hạn"), "on_time": N_("Đúng hạn"), "late": N_("Quá hạn"),
    "open": N_("Trong hạn"), "due_soon": N_("Sắp đến hạn"), "overdue": N_("Đã quá hạn"),
}
EVENT_LABELS = {
    "received": N_("Tiếp nhận hồ sơ"),
    "supplement_requested": N_("Yêu cầu bổ sung hồ sơ"),
    "supplement_completed": N_("Đã bổ sung đủ hồ sơ, tính lại thời hạn"),
    "refused": N_("Từ chối tiếp nhận"),
    "routed": N_("Chuyển xử lý"),
    "apology": N_("Xin lỗi và hẹn lại ngày trả kết quả"),
    "returned": N_("Trả kết quả"),
}
OUTCOMES = ("accepted", "supplement", "refused")
MAX_WORKING_DAYS = 400
SEQUENCE_DIGITS = 4


class DossierNotFound(NotFound):
    """No such dossier (or procedure, office) for this principal: another unit's looks absent."""

    def __init__(self, message: str = "Không tìm thấy hồ sơ."):
        super().__init__(message)
        self.message = message


class DossierInvalid(ValueError):
    """A bad value: ``field`` names it, ``message`` says why (Vietnamese)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


class UnknownReference(DossierInvalid):
    """A value names something that does not exist (a procedure, a unit, a user, a
    document): the API answers 404 with ``field``."""


class DossierConflict(Exception):
    """The data refuses it. ``code``: wrong_state, already_apologized, too_late,
    procedure_inactive, user_not_in_unit, sequence_full."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


def format_code(agency_code: str, day: date, seq: int) -> str:
    """``000.00.12.H29`` + 29/11/2026 + 7 → ``000.00.12.H29-261129-0007``."""
    if not 1 <= seq < 10 ** SEQUENCE_DIGITS:
        raise DossierConflict("sequence_full", f"Đã hết số hồ sơ của ngày {day:%d/%m/%Y} (tối đa 9999).")
    return f"{agency_code}-{day:%y%m%d}-{seq:0{SEQUENCE_DIGITS}d}"


def require(principal: Principal, action: str) -> None:
    if not principal.can(action):
        raise PermissionDenied(action)


def held(principal: Principal, *unit_ids: int | None) -> bool:
    """In scope when any of the units (the receiving office, the handling unit) is the
    principal's (its subtree and the units in its custody)."""
    return principal.unit_ids is None or any(u in principal.unit_ids for u in unit_ids if u is not None)


def sees_applicant(principal: Principal) -> bool:
    """The applicant's name and contact are personal data: only the one-stop desk and the
    leaders read them; the others see the initials."""
    return principal.can("dossier.applicant")


def initials(name: str | None) -> str:
    letters = [w[0].upper() for w in (name or "").split() if w and w[0].isalpha()]
    return "".join(f"{c}." for c in letters)[:16]


def text(field: str, raw: Any, *, limit: int, required: bool = True) -> str | None:
    value = unicodedata.normalize("NFC", " ".join(str(raw if raw is not None else "").split()))
    if not value:
        if required:
            raise DossierInvalid(field, "Trường này không được để trống.")
        return None
    if len(value) > limit:
        raise DossierInvalid(field, f"Tối đa {limit} ký tự.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate (JSON "\\udbca"): no database can keep it
        raise DossierInvalid(field, "Văn bản có ký tự không hợp lệ.") from None
    return value


def lines(field: str, raw: Any, *, limit: int = 300, most: int = 30) -> list[str]:
    """A list typed one item a line (or given as a list): the documents received."""
    items = raw if isinstance(raw, (list, tuple)) else str(raw or "").splitlines()
    out = [v for v in (text(field, item, limit=limit, required=False) for item in items) if v]
    if len(out) > most:
        raise DossierInvalid(field, f"Tối đa {most} dòng.")
    return out


def working_days(raw: Any) -> int:
    if isinstance(raw, float) and raw.is_integer():  # JSON has one number type: 5.0 is 5
        raw = int(raw)
    if isinstance(raw, bool) or isinstance(raw, float):
        raise DossierInvalid("working_days", "Thời hạn phải là số ngày làm việc.")
    try:
        days = int(str(raw).strip())
    except (TypeError, ValueError):
        raise DossierInvalid("working_days", "Thời hạn phải là số ngày làm việc (số nguyên).") from None
    if not 0 <= days <= MAX_WORKING_DAYS:
        raise DossierInvalid("working_days", f"Thời hạn từ 0 đến {MAX_WORKING_DAYS} ngày làm việc.")
    return days
