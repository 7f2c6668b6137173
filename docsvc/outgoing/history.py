"""The process record of an outgoing document as a PDF an auditor reads ("HỒ SƠ QUÁ TRÌNH BAN
HÀNH VĂN BẢN", ISO 9001 clause 7.5; issue 14 points 6 and 8), and the ISO records of a period
as one PDF (a cover, then each document's record).

Pure: no database, no Flask. A4 portrait, reportlab platypus tables in the embedded Liberation
Serif of docsvc.extracts.fonts (drawn under its ``RENDER_LOCK``), so the Vietnamese text
extracts exactly. Every page says "Trang x/y" at its foot.

The input, as plain dicts (the ``get`` use case of docsvc.outgoing.services and
docsvc.outgoing.reports produce them; extra keys are ignored, a missing optional key prints
as empty):

``doc``
    ``id`` (int), ``doc_type`` (str, "Quyết định"), ``number_symbol`` (str | None,
    "05/QĐ-UBND"; None before numbering), ``issued_on`` (date | ISO "YYYY-MM-DD" | None),
    ``abstract`` (str), ``drafting_unit`` (str: the drafting unit's name), ``issuer`` (str: the
    issuing body's name), ``signer`` (str | None: the signer's full name, with the title when
    known), ``state`` (str: a code of archive.outgoing.STATES), ``state_label`` (str | None;
    default ``rules.STATE_LABELS[state]``), ``control_status`` (str: in_force | amended |
    replaced | annulled).
``versions`` (each)
    ``number`` (int), ``file_name`` (str | None), ``sha256`` (str: of the version's file),
    ``created_by`` (str: a person's name), ``created_at`` (moment), ``obsolete`` (bool: the
    version was superseded).
``steps`` (each, in the order they were taken)
    ``action`` (str: create | version | submit | approve | return | check | legal | sign |
    number | release | file | withdraw ...), ``action_label`` (str | None; default
    ``rules.ACTION_LABELS[action]``), ``from_state`` (str | None), ``to_state`` (str),
    ``decision`` (str | None: approved | returned | passed | failed ... or free text),
    ``comment`` (str | None), ``version`` (int | None), ``actor_name`` (str), ``actor_role``
    (str | None: a role code, archive.accounts.ROLE_LABELS), ``at`` (moment), ``details``
    (dict: ``{"checks": [{"code", "label", "ok", "detail"}]}`` for the automatic form checks,
    ``{"number_symbol"}`` for numbering; anything else is not printed).
``deliveries`` (each)
    ``recipient`` (str), ``channel`` (str: internal | folder | smtp | none), ``status`` (str:
    delivered | written | sent | failed), ``detail`` (str | None), ``at`` (moment).

A *moment* is a ``datetime`` (aware, as the database gives it; a naive one is read as UTC)
or an ISO 8601 string (without an offset: UTC). It is printed in ``time_zone`` as
``dd/mm/yyyy HH:MM``.
"""

from __future__ import annotations

import io
import unicodedata
from datetime import date, datetime, timezone
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from archive.accounts import ROLE_LABELS
from docsvc.extracts.fonts import RENDER_LOCK, register_fonts
from docsvc.outgoing.rules import ACTION_LABELS, STATE_LABELS
from docsvc.register_table import NumberedCanvas

TITLE = "HỒ SƠ QUÁ TRÌNH BAN HÀNH VĂN BẢN"
ISO_TITLE = "HỒ SƠ ISO QUÁ TRÌNH BAN HÀNH VĂN BẢN ĐI"
NOT_NUMBERED = "Chưa cho số"
OBSOLETE, CURRENT = "Đã lỗi thời", "Hiện hành"
CONTROL_LABELS = {"in_force": "Còn hiệu lực", "amended": "Đã được sửa đổi, bổ sung", "replaced": "Đã được thay thế",
                  "annulled": "Đã bị bãi bỏ"}
DECISION_LABELS = {"approved": "Đồng ý", "returned": "Trả lại", "passed": "Đạt", "failed": "Không đạt",
                   "signed": "Đã ký", "numbered": "Đã cho số", "released": "Đã phát hành", "filed": "Đã lưu",
                   "withdrawn": "Thu hồi", "digital": "Ký số", "wet": "Ký tay"}
CHANNEL_LABELS = {"internal": "Trong hệ thống", "folder": "Gói liên thông (thư mục)", "smtp": "Thư điện tử",
                  "none": "Không gửi"}
DELIVERY_LABELS = {"delivered": "Đã nhận", "written": "Đã ghi gói", "sent": "Đã gửi", "failed": "Không thành"}

PAGE_W, PAGE_H = A4
MARGIN = 15 * mm
TEXT_W = PAGE_W - 2 * MARGIN          # 180 mm
NOTHING = "Không có"


def nfc(value) -> str:
    return unicodedata.normalize("NFC", "" if value is None else str(value))


def moment(value, time_zone: str) -> datetime | None:
    """A moment (datetime or ISO string; without an offset: UTC) in ``time_zone``."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(ZoneInfo(time_zone))


def local_text(value, time_zone: str) -> str:
    """``dd/mm/yyyy HH:MM`` in local time; empty for nothing."""
    local = moment(value, time_zone)
    return f"{local:%d/%m/%Y %H:%M}" if local else ""


def day_text(value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        value = value.date()
    return f"{value:%d/%m/%Y}"


def _state(code: str | None) -> str:
    return STATE_LABELS.get(code or "", nfc(code))


class Styles:
    """The paragraph styles of the record, on the embedded faces."""

    def __init__(self):
        regular, bold, italic = register_fonts()
        self.regular, self.bold = regular, bold
        self.cell = ParagraphStyle("cell", fontName=regular, fontSize=9, leading=11)
        self.small = ParagraphStyle("small", parent=self.cell, fontSize=8, leading=10)
        self.head = ParagraphStyle("head", parent=self.cell, fontName=bold, alignment=1)
        self.label = ParagraphStyle("label", parent=self.cell, fontName=bold)
        self.centre = ParagraphStyle("centre", parent=self.cell, alignment=1)
        self.office = ParagraphStyle("office", fontName=bold, fontSize=11, leading=14)
        self.title = ParagraphStyle("title", fontName=bold, fontSize=14, leading=18, alignment=1, spaceBefore=6)
        self.sub = ParagraphStyle("sub", fontName=regular, fontSize=12, leading=16, alignment=1)
        self.section = ParagraphStyle("section", fontName=bold, fontSize=11, leading=14, spaceBefore=8, spaceAfter=4)
        self.note = ParagraphStyle("note", fontName=italic, fontSize=9, leading=11)


def _p(text, style) -> Paragraph:
    """A cell: the text escaped, line breaks kept."""
    return Paragraph(escape(nfc(text)).replace("\n", "<br/>"), style)


def _grid(rows: list[list], widths_mm: tuple[float, ...], styles: Styles, *, header: bool = True) -> Table:
    table = Table(rows, colWidths=[w * mm for w in widths_mm], repeatRows=1 if header else 0, splitInRow=1)
    style = [("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP"),
             ("FONT", (0, 0), (-1, -1), styles.regular, 9)]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.9, 0.9, 0.9)))
    if len(rows) == 2 and rows[1][1:] == [""] * (len(rows[1]) - 1):
        style.append(("SPAN", (0, 1), (-1, 1)))         # "Không có" across an empty table
    table.setStyle(TableStyle(style))
    return table


def _empty(columns: int, styles: Styles) -> list:
    return [_p(NOTHING, styles.centre)] + [""] * (columns - 1)


def _identification(doc: dict, styles: Styles) -> Table:
    control = doc.get("control_status") or "in_force"
    rows = [("Loại văn bản", doc.get("doc_type")),
            ("Số, ký hiệu", doc.get("number_symbol") or NOT_NUMBERED),
            ("Ngày ban hành", day_text(doc.get("issued_on"))),
            ("Trích yếu", doc.get("abstract")),
            ("Cơ quan ban hành", doc.get("issuer")),
            ("Đơn vị soạn thảo", doc.get("drafting_unit")),
            ("Người ký", doc.get("signer")),
            ("Tình trạng xử lý", doc.get("state_label") or _state(doc.get("state"))),
            ("Hiệu lực", CONTROL_LABELS.get(control, nfc(control)))]
    table = Table([[_p(k, styles.label), _p(v, styles.cell)] for k, v in rows], colWidths=[40 * mm, 140 * mm])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("BACKGROUND", (0, 0), (0, -1), colors.Color(0.95, 0.95, 0.95))]))
    return table


def _versions(versions: list[dict], styles: Styles, time_zone: str) -> Table:
    head = ["Phiên bản", "Tệp", "Mã băm SHA-256", "Người tạo", "Thời điểm", "Tình trạng"]
    rows = [[_p(h, styles.head) for h in head]]
    for v in versions:
        sha = nfc(v.get("sha256"))
        rows.append([_p(v.get("number"), styles.centre), _p(v.get("file_name"), styles.cell),
                     _p(" ".join(sha[i:i + 16] for i in range(0, len(sha), 16)), styles.small),
                     _p(v.get("created_by"), styles.cell), _p(local_text(v.get("created_at"), time_zone), styles.cell),
                     _p(OBSOLETE if v.get("obsolete") else CURRENT, styles.cell)])
    if not versions:
        rows.append(_empty(len(head), styles))
    return _grid(rows, (14, 40, 42, 32, 28, 24), styles)


def _actor(step: dict) -> str:
    role = step.get("actor_role")
    name = nfc(step.get("actor_name"))
    return f"{name}\n({ROLE_LABELS.get(role, role)})" if role else name


def _action(step: dict) -> str:
    label = step.get("action_label") or ACTION_LABELS.get(step.get("action") or "", nfc(step.get("action")))
    before, after = step.get("from_state"), step.get("to_state")
    if after and before != after:
        return f"{label}\n{_state(before) if before else 'Bắt đầu'} → {_state(after)}"
    return nfc(label)


def _decision(step: dict) -> str:
    decision = step.get("decision")
    return DECISION_LABELS.get(decision, nfc(decision)) if decision else ""


def _steps(steps: list[dict], styles: Styles, time_zone: str) -> Table:
    head = ["STT", "Thời điểm", "Người thực hiện", "Bước", "Quyết định", "Ý kiến", "Phiên bản"]
    rows = [[_p(h, styles.head) for h in head]]
    for n, s in enumerate(steps, start=1):
        rows.append([_p(n, styles.centre), _p(local_text(s.get("at"), time_zone), styles.cell),
                     _p(_actor(s), styles.cell), _p(_action(s), styles.cell), _p(_decision(s), styles.cell),
                     _p(s.get("comment"), styles.cell),
                     _p("" if s.get("version") is None else s.get("version"), styles.centre)])
    if not steps:
        rows.append(_empty(len(head), styles))
    return _grid(rows, (11, 22, 33, 38, 18, 44, 14), styles)


def _checks(steps: list[dict], styles: Styles, time_zone: str) -> list:
    """Each step's automatic form checks: what was checked, passed or not, why."""
    story: list = []
    for s in steps:
        checks = (s.get("details") or {}).get("checks") or []
        if not checks:
            continue
        story.append(_p(f"{local_text(s.get('at'), time_zone)} — {nfc(s.get('actor_name'))}"
                        f" — phiên bản {s.get('version') or ''}".rstrip(), styles.note))
        rows = [[_p(h, styles.head) for h in ("Nội dung kiểm tra", "Kết quả", "Chi tiết")]]
        for c in checks:
            rows.append([_p(c.get("label") or c.get("code"), styles.cell),
                         _p("Đạt" if c.get("ok") else "Không đạt", styles.centre), _p(c.get("detail"), styles.cell)])
        story += [_grid(rows, (70, 20, 90), styles), Spacer(1, 3 * mm)]
    return story or [_p("Không có kết quả kiểm tra tự động.", styles.note)]


def _deliveries(deliveries: list[dict], styles: Styles, time_zone: str) -> Table:
    head = ["Nơi nhận", "Cách gửi", "Tình trạng", "Chi tiết", "Thời điểm"]
    rows = [[_p(h, styles.head) for h in head]]
    for d in deliveries:
        rows.append([_p(d.get("recipient"), styles.cell),
                     _p(CHANNEL_LABELS.get(d.get("channel"), nfc(d.get("channel"))), styles.cell),
                     _p(DELIVERY_LABELS.get(d.get("status"), nfc(d.get("status"))), styles.cell),
                     _p(d.get("detail"), styles.small), _p(local_text(d.get("at"), time_zone), styles.cell)])
    if not deliveries:
        rows.append(_empty(len(head), styles))
    return _grid(rows, (45, 30, 22, 55, 28), styles)


def history_story(doc: dict, versions: list[dict], steps: list[dict], deliveries: list[dict], *,
                  office_name: str, time_zone: str, styles: Styles | None = None) -> list:
    """The flowables of one document's record (shared by ``history_pdf`` and
    ``iso_records_pdf``)."""
    styles = styles or Styles()
    return [
        _p(nfc(office_name).upper(), styles.office),
        _p(TITLE, styles.title),
        _p(doc.get("number_symbol") or f"{NOT_NUMBERED} (mã hồ sơ #{doc.get('id')})", styles.sub),
        Spacer(1, 4 * mm),
        _p("I. Thông tin văn bản", styles.section), _identification(doc, styles),
        _p("II. Các phiên bản dự thảo", styles.section), _versions(versions, styles, time_zone),
        _p("III. Các bước xử lý", styles.section), _steps(steps, styles, time_zone),
        _p("IV. Kết quả kiểm tra thể thức tự động", styles.section),
        *_checks(steps, styles, time_zone),
        _p("V. Phát hành", styles.section), _deliveries(deliveries, styles, time_zone),
        Spacer(1, 4 * mm),
        _p("Các bước là hồ sơ ISO: không sửa, không xóa; thời điểm theo giờ địa phương "
           f"({time_zone}).", styles.note),
    ]


def _build(story: list, title: str, author: str) -> bytes:
    regular = register_fonts()[0]
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                            bottomMargin=MARGIN, invariant=1, initialFontName=regular, title=title,
                            author=author, creator="docsvc")
    with RENDER_LOCK:
        doc.build(story, canvasmaker=NumberedCanvas)
    return out.getvalue()


def history_pdf(doc: dict, versions: list[dict], steps: list[dict], deliveries: list[dict], *,
                office_name: str, time_zone: str) -> bytes:
    """One document's process record: identification, versions (obsolete ones marked),
    every step as a row, the automatic form checks, the deliveries."""
    with RENDER_LOCK:
        story = history_story(doc, versions, steps, deliveries, office_name=office_name, time_zone=time_zone)
    name = doc.get("number_symbol") or f"#{doc.get('id')}"
    return _build(story, f"{TITLE} {name}", nfc(office_name))


def iso_records_pdf(docs: list[tuple[dict, list[dict], list[dict], list[dict]]], *, office_name: str,
                    period_text: str, time_zone: str) -> bytes:
    """The ISO records of a period as one PDF: a cover (the period, the counts, the list of
    documents), then each document's record on its own pages."""
    styles = Styles()
    steps_total = sum(len(steps) for _d, _v, steps, _dl in docs)
    returns = sum(1 for _d, _v, steps, _dl in docs for s in steps if s.get("action") == "return")
    by_state: dict[str, int] = {}
    for d, *_rest in docs:
        label = d.get("state_label") or _state(d.get("state"))
        by_state[label] = by_state.get(label, 0) + 1
    story: list = [
        _p(nfc(office_name).upper(), styles.office), Spacer(1, 30 * mm),
        _p(ISO_TITLE, styles.title), _p(nfc(period_text), styles.sub), Spacer(1, 10 * mm),
    ]
    counts = [("Số văn bản", len(docs)), ("Số bước xử lý đã ghi", steps_total), ("Số lần trả lại", returns)]
    counts += [(f"— {label}", n) for label, n in sorted(by_state.items())]
    table = Table([[_p(k, styles.label), _p(v, styles.cell)] for k, v in counts], colWidths=[70 * mm, 40 * mm])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
    story += [table, Spacer(1, 8 * mm), _p("Danh mục văn bản", styles.section)]
    head = ["STT", "Số, ký hiệu", "Loại văn bản", "Trích yếu", "Tình trạng", "Số bước"]
    rows = [[_p(h, styles.head) for h in head]]
    for n, (d, _v, steps, _dl) in enumerate(docs, start=1):
        rows.append([_p(n, styles.centre), _p(d.get("number_symbol") or NOT_NUMBERED, styles.cell),
                     _p(d.get("doc_type"), styles.cell), _p(d.get("abstract"), styles.cell),
                     _p(d.get("state_label") or _state(d.get("state")), styles.cell), _p(len(steps), styles.centre)])
    if not docs:
        rows.append(_empty(len(head), styles))
    story.append(_grid(rows, (11, 30, 26, 71, 30, 12), styles))
    with RENDER_LOCK:
        for d, versions, steps, deliveries in docs:
            story.append(PageBreak())
            story += history_story(d, versions, steps, deliveries, office_name=office_name, time_zone=time_zone,
                                   styles=styles)
    return _build(story, f"{ISO_TITLE} {nfc(period_text)}", nfc(office_name))
