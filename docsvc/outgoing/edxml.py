"""The exchange package of an outgoing document for an agency outside the system (DOMAIN.md
§6): an edXML-style envelope (QCVN 102:2016/BTTTT, amended 2022) and the signed PDF, zipped,
written to a folder or sent by SMTP.

The element names and the namespace come from public integration code, not from the
regulation's text, so they are configuration: ``ELEMENTS`` maps each part of the envelope to
its element name and ``NAMESPACE`` is its namespace; change them here, the builder and the
reader follow. What is not done: the envelope's own XML signature (the PDF inside carries the
PAdES signatures) and the status messages of the platform.

Pure: values in, bytes out (and a file or a mail out); lxml builds and reads the XML, with a
parser that loads no DTD, resolves no entity and fetches nothing."""

from __future__ import annotations

import hashlib
import io
import os
import smtplib
import unicodedata
import zipfile
from datetime import date, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from lxml import etree

NAMESPACE = "http://www.e-doc.vn/Schema/"
PREFIX = "edXML"
ENVELOPE_NAME = "envelope.xml"
DIGEST_ALGORITHM = "SHA-256"

# part of the envelope → element name (configuration: see the module's docstring)
ELEMENTS: dict[str, str] = {
    "envelope": "edXMLEnvelope",
    "header": "edXMLHeader",
    "message_header": "MessageHeader",
    "from": "From",
    "to": "To",
    "organ_id": "OrganId",
    "organ_name": "OrganName",
    "organ_address": "OrganAdd",
    "email": "Email",
    "telephone": "Telephone",
    "code": "Code",
    "code_number": "CodeNumber",
    "code_notation": "CodeNotation",
    "promulgation": "PromulgationInfo",
    "place": "Place",
    "promulgation_date": "PromulgationDate",
    "document_type": "DocumentType",
    "type_name": "TypeName",
    "subject": "Subject",
    "signer": "SignerInfo",
    "competence": "Competence",
    "position": "Position",
    "full_name": "FullName",
    "due_date": "DueDate",
    "other_info": "OtherInfo",
    "priority": "Priority",
    "page_amount": "PageAmount",
    "trace_list": "TraceHeaderList",
    "trace": "TraceHeader",
    "timestamp": "Timestamp",
    "trace_status": "Status",
    "body": "edXMLBody",
    "manifest": "DocumentManifest",
    "attachment": "Attachment",
    "attachment_name": "AttachmentName",
    "content_type": "ContentType",
    "digest": "Digest",
    "digest_algorithm": "Algorithm",      # an attribute of the digest element
}

PDF_TYPE = "application/pdf"


class EnvelopeError(ValueError):
    """The bytes are not an envelope this module can read (message in Vietnamese)."""


def _tag(part: str) -> str:
    return f"{{{NAMESPACE}}}{ELEMENTS[part]}"


def _text(value: Any) -> str:
    return unicodedata.normalize("NFC", str(value)).strip()


def _add(parent: etree._Element, part: str, value: Any = None) -> etree._Element:
    element = etree.SubElement(parent, _tag(part))
    if value is not None:
        element.text = _text(value)
    return element


def _organisation(parent: etree._Element, part: str, organ: dict) -> None:
    element = _add(parent, part)
    _add(element, "organ_id", organ.get("id") or "")
    _add(element, "organ_name", organ.get("name") or "")
    for key, child in (("address", "organ_address"), ("email", "email"), ("telephone", "telephone")):
        if organ.get(key):
            _add(element, child, organ[key])


def split_number_symbol(number_symbol: str) -> tuple[str, str]:
    """``05/QĐ-UBND`` → (``05``, ``QĐ-UBND``); ``12/UBND-VP`` → (``12``, ``UBND-VP``)."""
    number, _, notation = _text(number_symbol).partition("/")
    if not number or not notation:
        raise ValueError(f"number and symbol {number_symbol!r}: expected NUMBER/NOTATION")
    return number, notation


def split_signer_title(title: str) -> tuple[str | None, str]:
    """``KT. CHỦ TỊCH\\nPHÓ CHỦ TỊCH`` → (``KT. CHỦ TỊCH``, ``PHÓ CHỦ TỊCH``): the competence
    (TM., KT., TL., TUQ. lines) and the position (the last line)."""
    lines = [line.strip() for line in str(title or "").splitlines() if line.strip()]
    if len(lines) < 2:
        return None, lines[0] if lines else ""
    return " ".join(lines[:-1]), lines[-1]


def _first(values: dict, *keys: str) -> Any:
    """The first of ``keys`` given a value (a trace hop may say ``organisation``/``at``)."""
    return next((values[k] for k in keys if values.get(k) not in (None, "")), None)


def _iso(value: date | datetime | str) -> str:
    return value.isoformat() if isinstance(value, (date, datetime)) else _text(value)


def envelope(*, sender: dict, recipient: dict, number_symbol: str, issued_on: date, place: str, doc_type: str,
             abstract: str, signer: dict, due_on: date | None, priority: int, page_count: int,
             attachment_name: str, attachment_sha256: str, trace: list[dict]) -> bytes:
    """The envelope as UTF-8 XML. ``sender``/``recipient``: ``{"id", "name"}`` and optionally
    ``address``, ``email``, ``telephone``. ``signer``: ``{"position", "full_name"}`` and
    optionally ``competence`` (else taken from a two-line ``position``, see
    split_signer_title). ``priority``: the urgency code (0 normal, 1 Khẩn, 2 Thượng khẩn,
    3 Hỏa tốc). ``trace``: the hand-overs so far, ``{"organ_id", "organ_name"?, "timestamp",
    "status"?}`` (``id``, ``organisation`` or ``name``, ``at`` are taken as well).
    ValueError for a number and symbol without ``/`` or a hash that is not SHA-256 hex."""
    digest = str(attachment_sha256 or "").lower()
    if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        raise ValueError("attachment_sha256: expected 64 hexadecimal digits")
    number, notation = split_number_symbol(number_symbol)
    competence = signer.get("competence")
    position = signer.get("position") or ""
    if competence is None:
        competence, position = split_signer_title(position)

    root = etree.Element(_tag("envelope"), nsmap={PREFIX: NAMESPACE})
    header = _add(root, "header")
    message = _add(header, "message_header")
    _organisation(message, "from", sender)
    _organisation(message, "to", recipient)
    code = _add(message, "code")
    _add(code, "code_number", number)
    _add(code, "code_notation", notation)
    promulgation = _add(message, "promulgation")
    _add(promulgation, "place", place)
    _add(promulgation, "promulgation_date", _iso(issued_on))
    _add(_add(message, "document_type"), "type_name", doc_type)
    _add(message, "subject", abstract)
    signer_info = _add(message, "signer")
    if competence:
        _add(signer_info, "competence", competence)
    _add(signer_info, "position", position)
    _add(signer_info, "full_name", signer.get("full_name") or "")
    if due_on is not None:
        _add(message, "due_date", _iso(due_on))
    other = _add(message, "other_info")
    _add(other, "priority", int(priority or 0))
    _add(other, "page_amount", int(page_count))
    traces = _add(header, "trace_list")
    for hop in trace or ():
        item = _add(traces, "trace")
        _add(item, "organ_id", _first(hop, "organ_id", "id") or "")
        name = _first(hop, "organ_name", "organisation", "name")
        if name:
            _add(item, "organ_name", name)
        _add(item, "timestamp", _iso(_first(hop, "timestamp", "at") or ""))
        if hop.get("status"):
            _add(item, "trace_status", hop["status"])
    manifest = _add(_add(root, "body"), "manifest")
    attachment = _add(manifest, "attachment")
    _add(attachment, "attachment_name", attachment_name)
    _add(attachment, "content_type", PDF_TYPE)
    _add(attachment, "digest", digest).set(ELEMENTS["digest_algorithm"], DIGEST_ALGORITHM)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


_PARSER_OPTIONS = {"resolve_entities": False, "no_network": True, "load_dtd": False, "dtd_validation": False,
                   "huge_tree": False, "remove_blank_text": True}


def _parse(data: bytes) -> etree._Element:
    try:
        tree = etree.parse(io.BytesIO(bytes(data)), etree.XMLParser(**_PARSER_OPTIONS))
    except etree.XMLSyntaxError as exc:
        raise EnvelopeError(f"Phong bì không phải XML hợp lệ: {exc}") from None
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise EnvelopeError("Phong bì có khai báo DOCTYPE: không nhận.")
    root = tree.getroot()
    if root.tag != _tag("envelope"):
        raise EnvelopeError(f"Không phải phong bì văn bản điện tử ({root.tag}).")
    return root


def _find(parent: etree._Element | None, *parts: str) -> etree._Element | None:
    element = parent
    for part in parts:
        if element is None:
            return None
        element = element.find(_tag(part))
    return element


def _value(parent: etree._Element | None, *parts: str) -> str | None:
    element = _find(parent, *parts)
    return None if element is None else (element.text or "")


def _date(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise EnvelopeError(f"Ngày không hợp lệ trong phong bì: {text!r}.") from None


def _int(text: str | None) -> int | None:
    if text in (None, ""):
        return None
    try:
        return int(text)
    except ValueError:
        raise EnvelopeError(f"Số không hợp lệ trong phong bì: {text!r}.") from None


def _organ(element: etree._Element | None) -> dict:
    organ = {"id": _value(element, "organ_id"), "name": _value(element, "organ_name")}
    for key, child in (("address", "organ_address"), ("email", "email"), ("telephone", "telephone")):
        if _find(element, child) is not None:
            organ[key] = _value(element, child)
    return organ


def parse_envelope(data: bytes) -> dict:
    """An envelope read back: the values ``envelope`` took (``number_symbol`` joined again,
    dates as dates, numbers as ints, the attachment's name and SHA-256). EnvelopeError when
    the bytes are not well-formed XML, declare a DTD, or are not an envelope."""
    root = _parse(data)
    message = _find(root, "header", "message_header")
    if message is None:
        raise EnvelopeError("Phong bì không có phần đầu (thông tin văn bản).")
    number, notation = _value(message, "code", "code_number"), _value(message, "code", "code_notation")
    signer = _find(message, "signer")
    attachment = _find(root, "body", "manifest", "attachment")
    digest = _find(attachment, "digest")
    traces = _find(root, "header", "trace_list")
    return {
        "sender": _organ(_find(message, "from")),
        "recipient": _organ(_find(message, "to")),
        "number_symbol": f"{number}/{notation}" if number and notation else None,
        "issued_on": _date(_value(message, "promulgation", "promulgation_date")),
        "place": _value(message, "promulgation", "place"),
        "doc_type": _value(message, "document_type", "type_name"),
        "abstract": _value(message, "subject"),
        "signer": {"competence": _value(signer, "competence"), "position": _value(signer, "position"),
                   "full_name": _value(signer, "full_name")},
        "due_on": _date(_value(message, "due_date")),
        "priority": _int(_value(message, "other_info", "priority")),
        "page_count": _int(_value(message, "other_info", "page_amount")),
        "attachment_name": _value(attachment, "attachment_name"),
        "attachment_type": _value(attachment, "content_type"),
        "attachment_sha256": None if digest is None else (digest.text or "").lower(),
        "digest_algorithm": None if digest is None else digest.get(ELEMENTS["digest_algorithm"]),
        "trace": [{"organ_id": _value(hop, "organ_id"), "organ_name": _value(hop, "organ_name"),
                   "timestamp": _value(hop, "timestamp"), "status": _value(hop, "trace_status")}
                  for hop in (traces.findall(_tag("trace")) if traces is not None else [])],
    }


# -- the package ---------------------------------------------------------------------------

def _safe_name(name: str, what: str) -> str:
    """A plain file name: no folder, no parent, no control character."""
    text = unicodedata.normalize("NFC", str(name or "")).strip()
    if (not text or text in (".", "..") or "/" in text or "\\" in text or "\0" in text
            or any(unicodedata.category(c) == "Cc" for c in text)):
        raise ValueError(f"{what}: {name!r} is not a plain file name")
    return text


# A fixed time inside the zip: the same document gives the same package bytes.
_ZIP_TIME = (2020, 1, 1, 0, 0, 0)


def package(envelope: bytes, pdf: bytes, pdf_name: str) -> bytes:
    """The package: a zip of ``envelope.xml`` and the signed PDF under ``pdf_name``.
    ValueError when the envelope's manifest does not name ``pdf_name`` with the PDF's
    SHA-256 (a package never carries a file its envelope does not describe)."""
    name = _safe_name(pdf_name, "pdf_name")
    if name == ENVELOPE_NAME:
        raise ValueError(f"pdf_name: {ENVELOPE_NAME} is the envelope's name")
    described = parse_envelope(envelope)
    if described["attachment_sha256"] != hashlib.sha256(pdf).hexdigest() or described["attachment_name"] != name:
        raise ValueError("the envelope's manifest does not describe this PDF (name or SHA-256)")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for member, data, method in ((ENVELOPE_NAME, envelope, zipfile.ZIP_DEFLATED),
                                     (name, pdf, zipfile.ZIP_STORED)):
            info = zipfile.ZipInfo(member, date_time=_ZIP_TIME)
            info.compress_type = method
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def write_package(directory: Path, name: str, data: bytes) -> Path:
    """Write ``data`` as ``directory/name`` atomically: a temporary file beside it, fsynced,
    then linked to its name (the link fails if the name is taken, so an existing package is
    never replaced, even by a concurrent writer) and the temporary removed. The folder is
    made if missing. FileExistsError when the name is taken; ValueError for a name with a
    folder in it."""
    folder = Path(directory)
    final = folder / _safe_name(name, "name")
    folder.mkdir(parents=True, exist_ok=True)
    if final.exists():
        raise FileExistsError(f"{final} exists: a package is never overwritten")
    tmp = folder / f".{final.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.link(tmp, final)  # FileExistsError if someone wrote it meanwhile
    finally:
        tmp.unlink(missing_ok=True)
    try:  # the new name survives a crash too
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError:
        pass
    return final


def send_package(smtp_settings, to: str, subject: str, data: bytes, filename: str) -> None:
    """Mail the package to ``to`` as an attachment, through the SMTP server of the settings
    (``smtp_host``, ``smtp_port``, ``smtp_from``, ``smtp_user``, ``smtp_password``,
    ``smtp_starttls``, ``smtp_timeout``: the ``DOCSVC_SMTP_*`` settings, as notifications are
    sent by docsvc.routing.notify). ValueError without an SMTP host; a malformed address is
    refused as a server would refuse it (smtplib.SMTPRecipientsRefused), so that a caller
    recording OSError / smtplib.SMTPException records that too."""
    s = smtp_settings
    if not s.smtp_host:
        raise ValueError("no SMTP server configured (DOCSVC_SMTP_HOST)")
    address = str(to or "").strip()
    if address.count("@") != 1 or address.startswith("@") or address.endswith("@") or any(c.isspace() for c in address):
        raise smtplib.SMTPRecipientsRefused({address: (553, b"not an e-mail address")})
    name = _safe_name(filename, "filename")
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = s.smtp_from, address, subject
    message.set_content(f"{subject}\n\nGói văn bản điện tử (edXML) đính kèm: {name}.\n")
    message.add_attachment(bytes(data), maintype="application", subtype="zip", filename=name)
    with smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout) as smtp:
        if s.smtp_starttls:
            smtp.starttls()
        if s.smtp_user:
            smtp.login(s.smtp_user, s.smtp_password)
        smtp.send_message(message)
