"""The fields of a civil-status entry (DOMAIN.md §4, issue 11): one list per kind, in the
order of the register form. This module is the contract every part of the capability shares:
the parser (``docsvc.civil.parsing``), the use cases, the API and its OpenAPI document, the
workbench form, the national package and the search feed all read field keys, types and
labels from here and nowhere else.

A stored entry keeps, per field, ``{"value": ..., "state": ..., "confidence": ...}``:

- ``value``: ``None`` or the normalised value of the field's type (``TYPES`` below);
- ``state``: ``ok`` | ``missing`` (the register has nothing: "Không có thông tin") |
  ``illegible`` | ``uncertain`` (read, but a check failed or the reading was weak);
- ``confidence``: 0–100 when the machine read it, ``None`` when a person keyed it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

KINDS = ("birth", "death", "marriage")
KIND_TITLES = {"birth": "khai sinh", "death": "khai tử", "marriage": "kết hôn"}

STATES = ("ok", "missing", "illegible", "uncertain")
STATE_LABELS = {"ok": "Đã đọc", "missing": "Không có thông tin", "illegible": "Không đọc được",
                "uncertain": "Chưa chắc chắn"}
STATUSES = ("proposed", "keyed", "verified", "disputed")
STATUS_LABELS = {"proposed": "Máy đề xuất", "keyed": "Đã nhập", "verified": "Đã kiểm tra",
                 "disputed": "Hai lần nhập khác nhau"}

#: What the national tools write for a missing value.
MISSING_TEXT = "Không có thông tin"

#: National codes (DOMAIN.md §4).
SEX = {1: "Nam", 2: "Nữ", 3: "Chưa xác định"}
REGISTRATION_KIND = {0: "Không có thông tin", 1: "Đúng hạn", 2: "Đăng ký lại",
                     3: "Ghi vào sổ việc đã đăng ký ở nước ngoài", 4: "Quá hạn"}
MARRIAGE_KIND = {"first": "Đăng ký lần đầu", "again": "Đăng ký lại"}

#: Value types. ``text``: NFC string; ``date``: ISO ``YYYY-MM-DD``; ``year``: int;
#: ``time``: ``HH:MM``; ``int``: a positive int (the entry number); ``sex`` and
#: ``registration_kind``: the national int code; ``marriage_kind``: ``first`` | ``again``.
TYPES = ("text", "date", "year", "time", "int", "sex", "registration_kind", "marriage_kind")


@dataclass(frozen=True)
class Field:
    key: str
    label: str          # Vietnamese, as the form and the spreadsheet header say it
    type: str = "text"
    sensitive: bool = False  # ethnicity is sensitive personal data (Law 91/2025/QH15)


def _common_head() -> list[Field]:
    return [Field("number", "Số", "int"), Field("registered_on", "Ngày đăng ký", "date")]


def _common_tail() -> list[Field]:
    return [Field("registration_kind", "Loại đăng ký", "registration_kind"),
            Field("officer", "Người ký"), Field("officer_position", "Chức vụ người ký"),
            Field("notes", "Ghi chú")]


def _parent(prefix: str, who: str) -> list[Field]:
    return [Field(f"{prefix}_name", f"Họ, chữ đệm, tên người {who}"),
            Field(f"{prefix}_birth_year", f"Năm sinh của {who}", "year"),
            Field(f"{prefix}_ethnicity", f"Dân tộc của {who}", sensitive=True),
            Field(f"{prefix}_nationality", f"Quốc tịch của {who}"),
            Field(f"{prefix}_residence", f"Nơi cư trú của {who}")]


def _spouse(prefix: str, who: str) -> list[Field]:
    return [Field(f"{prefix}_name", f"Họ, chữ đệm, tên người {who}"),
            Field(f"{prefix}_date_of_birth", f"Ngày, tháng, năm sinh của {who}", "date"),
            Field(f"{prefix}_ethnicity", f"Dân tộc của {who}", sensitive=True),
            Field(f"{prefix}_nationality", f"Quốc tịch của {who}"),
            Field(f"{prefix}_residence", f"Nơi cư trú của {who}"),
            Field(f"{prefix}_id_paper", f"Giấy tờ tùy thân của {who}")]


FIELDS: dict[str, tuple[Field, ...]] = {
    "birth": tuple(_common_head() + [
        Field("full_name", "Họ, chữ đệm, tên"),
        Field("sex", "Giới tính", "sex"),
        Field("date_of_birth", "Ngày, tháng, năm sinh", "date"),
        Field("place_of_birth", "Nơi sinh"),
        Field("home_town", "Quê quán"),
        Field("ethnicity", "Dân tộc", sensitive=True),
        Field("nationality", "Quốc tịch"),
        Field("personal_id", "Số định danh cá nhân"),
        *_parent("mother", "mẹ"),
        *_parent("father", "cha"),
        Field("declarant", "Người đi khai sinh"),
        Field("declarant_paper", "Giấy tờ tùy thân của người đi khai sinh"),
    ] + _common_tail()),
    "death": tuple(_common_head() + [
        Field("full_name", "Họ, chữ đệm, tên người chết"),
        Field("sex", "Giới tính", "sex"),
        Field("date_of_birth", "Ngày, tháng, năm sinh", "date"),
        Field("personal_id", "Số định danh cá nhân"),
        Field("ethnicity", "Dân tộc", sensitive=True),
        Field("nationality", "Quốc tịch"),
        Field("residence", "Nơi cư trú cuối cùng"),
        Field("date_of_death", "Ngày chết", "date"),
        Field("time_of_death", "Giờ chết", "time"),
        Field("place_of_death", "Nơi chết"),
        Field("cause_of_death", "Nguyên nhân chết"),
        Field("death_notice", "Giấy báo tử"),
        Field("declarant", "Người đi khai tử"),
        Field("declarant_paper", "Giấy tờ tùy thân của người đi khai tử"),
    ] + _common_tail()),
    "marriage": tuple(_common_head() + [
        *_spouse("husband", "chồng"),
        *_spouse("wife", "vợ"),
        Field("marriage_kind", "Hình thức đăng ký kết hôn", "marriage_kind"),
    ] + _common_tail()),
}

BY_KEY: dict[str, dict[str, Field]] = {kind: {f.key: f for f in fields} for kind, fields in FIELDS.items()}

#: The subject's name field of each kind (what search, lists and extracts call "the person").
SUBJECT = {"birth": "full_name", "death": "full_name", "marriage": "wife_name"}


def field_keys(kind: str) -> list[str]:
    return [f.key for f in FIELDS[kind]]


class FieldValueError(ValueError):
    """A value that does not fit its field; ``message`` is Vietnamese, for the person."""

    def __init__(self, key: str, message: str):
        super().__init__(f"{key}: {message}")
        self.key = key
        self.message = message


_DMY = re.compile(r"^\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})\s*$")
_TIME = re.compile(r"^\s*(\d{1,2})\s*(?::|h|giờ)\s*(\d{1,2})?\s*(?:phút)?\s*$", re.IGNORECASE)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join(str(text).split()))


def normalise(kind: str, key: str, raw) -> object:
    """The stored form of a value a person or a file gave for ``key`` (``None`` stays
    ``None``). Raises ``FieldValueError`` with a Vietnamese message when it does not fit.
    Dates accept ISO and ``dd/mm/yyyy``; codes accept the int, its digit string or the
    Vietnamese word."""
    spec = BY_KEY[kind].get(key)
    if spec is None:
        raise FieldValueError(key, "Trường không có trong mẫu sổ này.")
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    t = spec.type
    if t == "text":
        return nfc(raw)
    if t == "date":
        if isinstance(raw, date):
            return raw.isoformat()
        text = str(raw)
        m = _ISO.match(text)
        parts = (int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None
        if parts is None:
            m = _DMY.match(text)
            parts = (int(m.group(3)), int(m.group(2)), int(m.group(1))) if m else None
        if parts is None:
            raise FieldValueError(key, "Ngày phải có dạng dd/mm/yyyy.")
        try:
            return date(*parts).isoformat()
        except ValueError:
            raise FieldValueError(key, "Ngày không có thật.") from None
    if t in ("year", "int"):
        try:
            value = int(str(raw).strip())
        except ValueError:
            raise FieldValueError(key, "Phải là một số.") from None
        if t == "year" and not 1850 <= value <= 2100:
            raise FieldValueError(key, "Năm không hợp lệ.")
        if t == "int" and value < 1:
            raise FieldValueError(key, "Số phải từ 1 trở lên.")
        return value
    if t == "time":
        m = _TIME.match(str(raw))
        if not m or int(m.group(1)) > 23 or int(m.group(2) or 0) > 59:
            raise FieldValueError(key, "Giờ phải có dạng HH:MM.")
        return f"{int(m.group(1)):02d}:{int(m.group(2) or 0):02d}"
    codes = {"sex": SEX, "registration_kind": REGISTRATION_KIND, "marriage_kind": MARRIAGE_KIND}[t]
    if raw in codes:
        return raw
    text = nfc(raw)
    for code, word in codes.items():
        if text == str(code) or text.casefold() == word.casefold():
            return code
    allowed = ", ".join(f"{c} ({w})" for c, w in codes.items())
    raise FieldValueError(key, f"Giá trị phải là một trong: {allowed}.")


def display(kind: str, key: str, value) -> str:
    """The value as a person reads it (codes as words, dates dd/mm/yyyy)."""
    if value is None:
        return ""
    t = BY_KEY[kind][key].type
    if t == "date":
        y, m, d = str(value).split("-")
        return f"{d}/{m}/{y}"
    if t == "sex":
        return SEX.get(value, str(value))
    if t == "registration_kind":
        return REGISTRATION_KIND.get(value, str(value))
    if t == "marriage_kind":
        return MARRIAGE_KIND.get(value, str(value))
    return str(value)
