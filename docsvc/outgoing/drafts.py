"""Sample drafts of outgoing documents, laid out as Decree 30/2020 (Appendix I) lays them
out: a Quyết định of a commune's People's Committee and a Công văn to a department, each as
a PDF (reportlab, embedded Liberation Serif, a real text layer) and as a DOCX (a minimal
WordprocessingML package written with zipfile, which LibreOffice opens).

They serve the outgoing process's tests, the demo and the browser test: the same content
in both formats, so that a DOCX converted by LibreOffice passes the same form checks
(docsvc.outgoing.formcheck) as the PDF drawn here. ``revision_note`` adds a paragraph, so
that version 2 of a draft differs from version 1; ``number`` and ``issued_on`` fill in what
numbering gives; ``omit`` leaves parts out, for tests of the form check.

Pure: no database, no Flask.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from dataclasses import dataclass
from typing import Iterable
from xml.sax.saxutils import escape

from reportlab.lib.units import mm

from docsvc.extracts.fonts import register_fonts, width, wrap
from docsvc.formpdf import LEFT, MOTTO, NATION, PAGE_H, PAGE_W, RIGHT, TEXT_W, Layout, Rule, render

DECISION_ABSTRACT = "Về việc thành lập Tổ công tác số hóa sổ đăng ký hộ tịch"
LETTER_ABSTRACT = "Đề nghị cung cấp danh sách sổ hộ tịch cần số hóa"
PARTS = ("motto", "issuer", "number_line", "date_line", "type_name", "abstract", "recipients", "signer_title",
         "signer_name")


@dataclass(frozen=True)
class P:
    """One paragraph: its text, face, alignment (left | centre | justify), size in points,
    first-line indent, and whether a short rule is drawn under it (issuer name, motto)."""
    text: str
    bold: bool = False
    italic: bool = False
    align: str = "left"
    size: float = 13.0
    indent: bool = False
    rule: bool = False
    before: float = 0.0      # space before, in points


@dataclass(frozen=True)
class Cols:
    """Two columns side by side (the heading; recipients and signer), ``share`` of the
    text width for the left one; ``wide`` columns reach 5-10 mm into the margins, as a
    heading's do."""
    left: tuple[P, ...]
    right: tuple[P, ...]
    share: float = 0.42
    wide: bool = False


@dataclass(frozen=True)
class _Opts:
    issuer_name: str
    parent_name: str | None
    issuer_abbr: str
    unit_abbr: str
    place: str
    abstract: str
    signer_name: str
    signer_title: str
    recipients: tuple[str, ...]
    revision_note: str | None
    number: str | None
    issued_on: datetime.date | None
    omit: frozenset[str]


def _opts(kind: str, *, issuer_name: str = "Ủy ban nhân dân xã Tân Phú", parent_name: str | None = None,
          issuer_abbr: str = "UBND", unit_abbr: str = "VP", place: str = "Tân Phú", abstract: str | None = None,
          signer_name: str = "Nguyễn Văn An", signer_title: str | None = None,
          recipients: Iterable[str] | None = None, revision_note: str | None = None, number: str | None = None,
          issued_on: datetime.date | None = None, omit: Iterable[str] = ()) -> _Opts:
    omit = frozenset(omit)
    unknown = omit - set(PARTS)
    if unknown:
        raise ValueError(f"unknown parts to omit: {sorted(unknown)}")
    if kind == "decision":
        default_title, default_recipients = "CHỦ TỊCH", ("Sở Tư pháp tỉnh (để báo cáo)",
                                                          "Chủ tịch, các Phó Chủ tịch UBND xã")
    else:
        default_title, default_recipients = "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH", ("Sở Tư pháp tỉnh Đồng Nai",)
    return _Opts(issuer_name, parent_name, issuer_abbr, unit_abbr, place,
                 abstract or (DECISION_ABSTRACT if kind == "decision" else LETTER_ABSTRACT),
                 signer_name, signer_title or default_title,
                 tuple(recipients) if recipients is not None else default_recipients,
                 revision_note, number, issued_on, omit)


# -- the content ----------------------------------------------------------------------------

def _date_line(o: _Opts) -> str:
    if o.issued_on:
        d = o.issued_on
        month = f"{d.month:02d}" if d.month < 3 else str(d.month)  # Decree 30: 0 before days < 10, months 1-2
        return f"{o.place}, ngày {d.day:02d} tháng {month} năm {d.year}"
    return f"{o.place}, ngày ..... tháng ..... năm ......."


def _two_lines(name: str) -> str:
    """``ỦY BAN NHÂN DÂN`` over ``XÃ TÂN PHÚ``, as headings break a committee's name."""
    for body in ("ỦY BAN NHÂN DÂN ", "UỶ BAN NHÂN DÂN ", "HỘI ĐỒNG NHÂN DÂN "):
        if name.startswith(body) and len(name) > len(body):
            return body.rstrip() + "\n" + name[len(body):]
    return name


def _heading(o: _Opts, symbol: str, under_number: tuple[P, ...] = ()) -> Cols:
    left: list[P] = []
    if o.parent_name:
        left.append(P(o.parent_name.upper(), align="centre", size=12.5))
    if "issuer" not in o.omit:
        left.append(P(_two_lines(o.issuer_name.upper()), bold=True, align="centre", size=12.5, rule=True))
    if "number_line" not in o.omit:
        number = o.number or "         "
        left.append(P(f"Số: {number}/{symbol}", align="centre", before=6))
    left.extend(under_number)
    right = [P(NATION, bold=True, align="centre", size=12.5)]
    if "motto" not in o.omit:
        right.append(P(MOTTO, bold=True, align="centre", size=13.5, rule=True))
    if "date_line" not in o.omit:
        right.append(P(_date_line(o), italic=True, align="centre", before=6))
    return Cols(tuple(left), tuple(right), share=0.40, wide=True)


def _closing(o: _Opts, first: str) -> Cols:
    left: list[P] = []
    if "recipients" not in o.omit:
        left.append(P("Nơi nhận:", bold=True, italic=True, size=12))
        lines = [first, *o.recipients, f"Lưu: VT, {o.unit_abbr}."]
        for i, line in enumerate(lines):
            end = "" if line.endswith(".") else (";" if i < len(lines) - 1 else ".")
            left.append(P(f"- {line}{end}", size=11))
    right: list[P] = []
    if "signer_title" not in o.omit:
        right.extend(P(line.strip(), bold=True, align="centre") for line in o.signer_title.split("\n") if line.strip())
    if "signer_name" not in o.omit and o.signer_name:
        right.append(P(o.signer_name, bold=True, align="centre", before=72))
    return Cols(tuple(left), tuple(right), share=0.45)


def _body(paragraphs: Iterable[str], o: _Opts) -> list[P]:
    out = [P(text, align="justify", indent=True, before=4) for text in paragraphs]
    if o.revision_note:
        out.insert(len(out) - 1, P(o.revision_note, align="justify", indent=True, before=4))
    return out


def _decision(o: _Opts) -> list[P | Cols]:
    issuer = o.issuer_name
    blocks: list[P | Cols] = [_heading(o, f"QĐ-{o.issuer_abbr}")]
    if "type_name" not in o.omit:
        blocks.append(P("QUYẾT ĐỊNH", bold=True, align="centre", size=14, before=18))
    if "abstract" not in o.omit:
        blocks.append(P(o.abstract, bold=True, align="centre", size=14))
    blocks.append(P(f"CHỦ TỊCH {issuer.upper()}", bold=True, align="centre", size=14, before=14))
    blocks += [P(text, italic=True, align="justify", indent=True, before=4) for text in (
        "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;",
        "Căn cứ Luật Hộ tịch ngày 20 tháng 11 năm 2014;",
        "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư;",
        f"Căn cứ Kế hoạch số 45/KH-{o.issuer_abbr} ngày 10 tháng 02 năm 2026 của {issuer} về số hóa dữ liệu "
        "hộ tịch trên địa bàn;",
        "Theo đề nghị của Chánh Văn phòng Hội đồng nhân dân và Ủy ban nhân dân xã.")]
    blocks.append(P("QUYẾT ĐỊNH:", bold=True, align="centre", size=14, before=10))
    blocks += _body((
        "Điều 1. Thành lập Tổ công tác số hóa sổ đăng ký hộ tịch (sau đây gọi là Tổ công tác), gồm các ông, "
        "bà có tên sau: ông Trần Văn Bình, Phó Chủ tịch Ủy ban nhân dân xã, Tổ trưởng; bà Lê Thị Hoa, Chánh Văn "
        "phòng Hội đồng nhân dân và Ủy ban nhân dân xã, Tổ phó; bà Phạm Thị Thu, công chức Tư pháp - Hộ tịch, "
        "thành viên; ông Võ Minh Tâm, viên chức lưu trữ, thành viên.",
        "Điều 2. Tổ công tác có nhiệm vụ rà soát, thống kê toàn bộ sổ đăng ký hộ tịch đang lưu giữ tại xã, kể "
        "cả sổ của các xã trước khi sắp xếp đơn vị hành chính; lập danh mục sổ cần số hóa; tổ chức quét, nhập "
        "dữ liệu và đối chiếu với sổ gốc theo hướng dẫn của Sở Tư pháp; báo cáo kết quả hằng tháng về Ủy ban "
        "nhân dân xã. Tổ công tác tự giải thể sau khi hoàn thành nhiệm vụ.",
        "Điều 3. Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng Hội đồng nhân dân và Ủy ban nhân "
        "dân xã, công chức Tư pháp - Hộ tịch và các ông, bà có tên tại Điều 1 chịu trách nhiệm thi hành Quyết "
        "định này./.",
    ), o)
    blocks.append(_closing(o, "Như Điều 3"))
    return blocks


def _letter(o: _Opts) -> list[P | Cols]:
    issuer = o.issuer_name
    abstract = o.abstract if o.abstract.lower().startswith("v/v") else f"V/v {o.abstract[:1].lower()}{o.abstract[1:]}"
    vv = () if "abstract" in o.omit else (P(abstract, align="centre", size=12, before=2),)
    blocks: list[P | Cols] = [_heading(o, f"{o.issuer_abbr}-{o.unit_abbr}", vv)]
    to = list(o.recipients) or ["Sở Tư pháp"]
    if len(to) == 1:
        blocks.append(P(f"Kính gửi: {to[0]}.", align="centre", size=14, before=18))
    else:
        blocks.append(P("Kính gửi:", align="centre", size=14, before=18))
        blocks += [P(f"- {name}{';' if i < len(to) - 1 else '.'}", align="centre", size=14)
                   for i, name in enumerate(to)]
    first = to[0]
    blocks += _body((
        f"Thực hiện Kế hoạch số 45/KH-{o.issuer_abbr} ngày 10 tháng 02 năm 2026 của {issuer} về số hóa dữ liệu "
        f"hộ tịch trên địa bàn, {issuer} đang rà soát các sổ đăng ký hộ tịch cần số hóa. Sau khi sắp xếp đơn vị "
        "hành chính từ ngày 01 tháng 7 năm 2025, một phần sổ hộ tịch của các xã cũ và sổ lưu của Ủy ban nhân dân "
        "huyện trước đây hiện do Sở Tư pháp quản lý.",
        f"Để việc số hóa được đầy đủ, không bỏ sót, {issuer} đề nghị {first} cung cấp danh sách sổ đăng ký hộ "
        "tịch (khai sinh, kết hôn, khai tử) của các xã cũ nay thuộc địa bàn xã đang lưu giữ tại Sở, gồm: tên "
        "sổ, quyển số, năm đăng ký, số trang và tình trạng của sổ.",
        f"Văn bản trả lời xin gửi về {issuer} (qua Văn phòng Hội đồng nhân dân và Ủy ban nhân dân xã) trước "
        "ngày 31 tháng 3 năm 2026 để tổng hợp, lập kế hoạch quét và nhập dữ liệu.",
        f"{issuer} trân trọng cảm ơn sự phối hợp của Quý cơ quan./.",
    ), o)
    blocks.append(_closing(o, "Như trên"))
    return blocks


# -- PDF --------------------------------------------------------------------------------------

_LEAD = 1.25


def _face(p: P, fonts: tuple[str, str, str]) -> str:
    return fonts[1] if p.bold else fonts[2] if p.italic else fonts[0]


def _para(lay: Layout, p: P, x0: float, x1: float, fonts: tuple[str, str, str]) -> None:
    font = _face(p, fonts)
    indent = 10 * mm if p.indent else 0.0
    lay.y -= p.before
    lines = [line for part in p.text.split("\n")
             for line in wrap(part, font, p.size, x1 - x0, first_width=x1 - x0 - indent)]
    for i, line in enumerate(lines):
        if p.align == "centre":
            lay.line(line, font, p.size, (x0 + x1) / 2, align="centre")
        else:
            lay.line(line, font, p.size, x0 + (indent if i == 0 else 0))
    if p.rule and lines:
        half = min(width(lines[-1], font, p.size), x1 - x0) / (2 if p.text == MOTTO else 4)
        centre = (x0 + x1) / 2
        lay.add(Rule(centre - half, centre + half, lay.y - 3))
        lay.y -= 4


def _column(lay: Layout, paras: tuple[P, ...], x0: float, x1: float, fonts) -> float:
    for p in paras:
        _para(lay, p, x0, x1, fonts)
    return lay.y


def _pdf(blocks: list[P | Cols], title: str, author: str) -> bytes:
    fonts = register_fonts()
    lay = Layout()
    for block in blocks:
        if isinstance(block, P):
            _para(lay, block, LEFT, PAGE_W - RIGHT, fonts)
            continue
        if block is not blocks[0]:
            lay.y -= 4 * mm
        height = max(sum(p.size * _LEAD + p.before for p in side) for side in (block.left, block.right))
        lay.need(min(height, PAGE_H / 2))
        top = lay.y
        split = LEFT + TEXT_W * block.share
        reach = 5 * mm if block.wide else 0.0
        left_bottom = _column(lay, block.left, LEFT - 2 * reach, split + reach, fonts)
        lay.y = top
        right_bottom = _column(lay, block.right, split, PAGE_W - RIGHT + reach, fonts)
        lay.y = min(left_bottom, right_bottom) - 4 * mm
    return render(lay.pages, fonts, title=title, author=author)


# -- DOCX -------------------------------------------------------------------------------------

_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '</Types>')
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/></Relationships>')
_JC = {"left": "left", "centre": "center", "justify": "both"}
# A4 in twentieths of a point; margins of Decree 30 (top 20, bottom 20, left 30, right 15 mm).
_PAGE = ('<w:sectPr><w:pgSz w:w="11906" w:h="16838"/>'
         '<w:pgMar w:top="1134" w:right="851" w:bottom="1134" w:left="1701" w:header="0" w:footer="0" w:gutter="0"/>'
         '</w:sectPr>')
_TEXT_TWIPS = 11906 - 1701 - 851


def _docx_para(p: P) -> str:
    ppr = f'<w:jc w:val="{_JC[p.align]}"/><w:spacing w:before="{int(p.before * 20)}" w:after="0"/>'
    if p.indent:
        ppr = '<w:ind w:firstLine="567"/>' + ppr
    rpr = ('<w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:cs="Times New Roman"/>'
           + ("<w:b/>" if p.bold else "") + ("<w:i/>" if p.italic else "")
           + (f'<w:sz w:val="{round(p.size * 2)}"/>'))
    text = "<w:br/>".join(f'<w:t xml:space="preserve">{escape(part)}</w:t>' for part in p.text.split("\n"))
    return (f"<w:p><w:pPr>{ppr}<w:rPr>{rpr}</w:rPr></w:pPr>"
            f'<w:r><w:rPr>{rpr}</w:rPr>{text}</w:r></w:p>')


def _docx_cols(c: Cols) -> str:
    left_w = round(_TEXT_TWIPS * c.share)
    widths = (left_w, _TEXT_TWIPS - left_w)
    none = "".join(f'<w:{side} w:val="nil"/>' for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    cells = "".join(
        f'<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/></w:tcPr>'
        + ("".join(_docx_para(p) for p in paras) or "<w:p/>") + "</w:tc>"
        for w, paras in zip(widths, (c.left, c.right)))
    return (f'<w:tbl><w:tblPr><w:tblW w:w="{_TEXT_TWIPS}" w:type="dxa"/><w:tblBorders>{none}</w:tblBorders>'
            '<w:tblLayout w:type="fixed"/></w:tblPr>'
            f'<w:tblGrid><w:gridCol w:w="{widths[0]}"/><w:gridCol w:w="{widths[1]}"/></w:tblGrid>'
            f"<w:tr>{cells}</w:tr></w:tbl>")


def _docx(blocks: list[P | Cols]) -> bytes:
    body = "".join(_docx_para(b) if isinstance(b, P) else _docx_cols(b) for b in blocks)
    document = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {_W}>'
                f"<w:body>{body}{_PAGE}</w:body></w:document>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", _CONTENT_TYPES)
        package.writestr("_rels/.rels", _RELS)
        package.writestr("word/document.xml", document)
    return out.getvalue()


# -- the four drafts ----------------------------------------------------------------------------

def decision_pdf(**kw) -> bytes:
    """The Quyết định "về việc thành lập Tổ công tác số hóa sổ đăng ký hộ tịch" as a PDF."""
    o = _opts("decision", **kw)
    return _pdf(_decision(o), title=f"Quyết định {o.abstract}", author=o.issuer_name)


def letter_pdf(**kw) -> bytes:
    """The Công văn "V/v đề nghị cung cấp danh sách sổ hộ tịch cần số hóa" as a PDF."""
    o = _opts("letter", **kw)
    return _pdf(_letter(o), title=f"Công văn {o.abstract}", author=o.issuer_name)


def decision_docx(**kw) -> bytes:
    """The same Quyết định as a DOCX."""
    return _docx(_decision(_opts("decision", **kw)))


def letter_docx(**kw) -> bytes:
    """The same Công văn as a DOCX."""
    return _docx(_letter(_opts("letter", **kw)))
