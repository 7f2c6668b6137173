"""The exchange package (docsvc.outgoing.edxml): the envelope built, read back and checked as
XML; the zip; writing it to a folder; mailing it through a real SMTP conversation with a
small server in the test (socketserver, on 127.0.0.1).

Checked: every value goes round through parse_envelope, Vietnamese letters intact (NFC); the
envelope is well-formed UTF-8 XML in the configured namespace with the element names of
ELEMENTS; the manifest carries the signed PDF's SHA-256; the zip holds exactly the envelope
and the PDF; write_package leaves no temporary file behind; the mail arrives with the zip
attached, byte for byte, from the DOCSVC_SMTP_* settings.
Bad inputs tried: a number and symbol without "/", a hash that is not SHA-256, an envelope
with a DOCTYPE declaring an entity (billion laughs), text that is not XML, XML of another
kind; a package whose PDF is not the one the manifest describes, a PDF named like the
envelope or with a folder in its name; writing over an existing package (refused, the old
bytes kept), a name with a folder in it; sending without an SMTP host, to a malformed
address, to a server that refuses the recipient."""

from __future__ import annotations

import email
import hashlib
import io
import socketserver
import threading
import unicodedata
import zipfile
from datetime import date, datetime, timezone
from email import policy

import pytest
from lxml import etree

from docsvc.config import load_settings
from docsvc.outgoing import edxml

PDF = b"%PDF-1.7\n% a signed decision stands in here\n%%EOF\n"


def _values(**changes) -> dict:
    values = dict(
        sender={"id": "000.00.12.H29", "name": "Ủy ban nhân dân xã Tân Phú", "address": "Ấp Phú Hòa, xã Tân Phú",
                "email": "vanthu@tanphu.gov.vn"},
        recipient={"id": "000.00.13.H29", "name": "Sở Tư pháp tỉnh Đồng Nai"},
        number_symbol="05/QĐ-UBND", issued_on=date(2026, 1, 5), place="Tân Phú", doc_type="Quyết định",
        abstract="Về việc phê duyệt kế hoạch chuyển đổi số năm 2026 của xã Tân Phú",
        signer={"position": "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH", "full_name": "Trần Văn Lãnh"},
        due_on=date(2026, 1, 20), priority=1, page_count=3, attachment_name="05-QD-UBND.pdf",
        attachment_sha256=hashlib.sha256(PDF).hexdigest(),
        trace=[{"organ_id": "000.00.12.H29", "organ_name": "Ủy ban nhân dân xã Tân Phú",
                "timestamp": datetime(2026, 1, 5, 9, 30, tzinfo=timezone.utc)}])
    values.update(changes)
    return values


def test_the_envelope_round_trips_with_vietnamese_intact():
    data = edxml.envelope(**_values())
    back = edxml.parse_envelope(data)
    assert back == {
        "sender": {"id": "000.00.12.H29", "name": "Ủy ban nhân dân xã Tân Phú", "address": "Ấp Phú Hòa, xã Tân Phú",
                   "email": "vanthu@tanphu.gov.vn"},
        "recipient": {"id": "000.00.13.H29", "name": "Sở Tư pháp tỉnh Đồng Nai"},
        "number_symbol": "05/QĐ-UBND", "issued_on": date(2026, 1, 5), "place": "Tân Phú", "doc_type": "Quyết định",
        "abstract": "Về việc phê duyệt kế hoạch chuyển đổi số năm 2026 của xã Tân Phú",
        "signer": {"competence": "KT. CHỦ TỊCH", "position": "PHÓ CHỦ TỊCH", "full_name": "Trần Văn Lãnh"},
        "due_on": date(2026, 1, 20), "priority": 1, "page_count": 3, "attachment_name": "05-QD-UBND.pdf",
        "attachment_type": "application/pdf", "attachment_sha256": hashlib.sha256(PDF).hexdigest(),
        "digest_algorithm": "SHA-256",
        "trace": [{"organ_id": "000.00.12.H29", "organ_name": "Ủy ban nhân dân xã Tân Phú",
                   "timestamp": "2026-01-05T09:30:00+00:00", "status": None}],
    }
    assert all(unicodedata.is_normalized("NFC", v) for v in (back["abstract"], back["sender"]["name"]))


def test_decomposed_input_is_stored_composed_and_optional_parts_may_be_absent():
    decomposed = unicodedata.normalize("NFD", "Công văn về việc đôn đốc")
    data = edxml.envelope(**_values(abstract=decomposed, due_on=None, trace=[], number_symbol="12/UBND-VP",
                                    doc_type="Công văn", signer={"competence": "TM. ỦY BAN NHÂN DÂN",
                                                                 "position": "CHỦ TỊCH", "full_name": "Lê Văn A"}))
    back = edxml.parse_envelope(data)
    assert back["abstract"] == unicodedata.normalize("NFC", decomposed)
    assert back["due_on"] is None and back["trace"] == [] and back["number_symbol"] == "12/UBND-VP"
    assert back["signer"] == {"competence": "TM. ỦY BAN NHÂN DÂN", "position": "CHỦ TỊCH", "full_name": "Lê Văn A"}


def test_a_trace_hop_may_name_the_organisation_and_the_time_otherwise():
    data = edxml.envelope(**_values(trace=[{"organisation": "UBND xã Tân Phú", "at": "2026-01-05T09:30:00+00:00",
                                            "status": "sent"}]))
    assert edxml.parse_envelope(data)["trace"] == [{"organ_id": "", "organ_name": "UBND xã Tân Phú",
                                                    "timestamp": "2026-01-05T09:30:00+00:00", "status": "sent"}]


def test_well_formed_utf8_xml_with_the_configured_names():
    data = edxml.envelope(**_values())
    assert data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    assert "Sở Tư pháp tỉnh Đồng Nai".encode("utf-8") in data  # letters, not character references
    root = etree.fromstring(data)  # a strict parser: raises on anything not well-formed
    ns = {"e": edxml.NAMESPACE}
    header = "e:edXMLHeader/e:MessageHeader"
    assert root.tag == f"{{{edxml.NAMESPACE}}}edXMLEnvelope"
    assert root.findtext(f"{header}/e:From/e:OrganId", namespaces=ns) == "000.00.12.H29"
    assert root.findtext(f"{header}/e:To/e:OrganName", namespaces=ns) == "Sở Tư pháp tỉnh Đồng Nai"
    assert root.findtext(f"{header}/e:Code/e:CodeNumber", namespaces=ns) == "05"
    assert root.findtext(f"{header}/e:Code/e:CodeNotation", namespaces=ns) == "QĐ-UBND"
    assert root.findtext(f"{header}/e:PromulgationInfo/e:PromulgationDate", namespaces=ns) == "2026-01-05"
    assert root.findtext(f"{header}/e:SignerInfo/e:FullName", namespaces=ns) == "Trần Văn Lãnh"
    assert root.findtext(f"{header}/e:OtherInfo/e:Priority", namespaces=ns) == "1"
    assert root.findtext(f"{header}/e:OtherInfo/e:PageAmount", namespaces=ns) == "3"
    assert len(root.findall("e:edXMLHeader/e:TraceHeaderList/e:TraceHeader", namespaces=ns)) == 1
    digest = root.find("e:edXMLBody/e:DocumentManifest/e:Attachment/e:Digest", namespaces=ns)
    assert digest.text == hashlib.sha256(PDF).hexdigest() and digest.get("Algorithm") == "SHA-256"


def test_the_names_are_configuration(monkeypatch):
    monkeypatch.setitem(edxml.ELEMENTS, "subject", "TrichYeu")
    monkeypatch.setattr(edxml, "NAMESPACE", "urn:example:edxml")
    data = edxml.envelope(**_values())
    assert b"TrichYeu" in data and b"urn:example:edxml" in data and b"Subject" not in data
    assert edxml.parse_envelope(data)["abstract"].startswith("Về việc")


@pytest.mark.parametrize("changes, words", [({"number_symbol": "05-QĐ-UBND"}, "NUMBER/NOTATION"),
                                            ({"attachment_sha256": "abc"}, "64 hexadecimal"),
                                            ({"attachment_sha256": "Z" * 64}, "64 hexadecimal")])
def test_bad_values_are_refused(changes, words):
    with pytest.raises(ValueError, match=words):
        edxml.envelope(**_values(**changes))


def test_unsafe_or_foreign_xml_is_refused():
    laughs = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
              b'<edXML:edXMLEnvelope xmlns:edXML="' + edxml.NAMESPACE.encode() + b'">&lol2;</edXML:edXMLEnvelope>')
    with pytest.raises(edxml.EnvelopeError, match="DOCTYPE"):
        edxml.parse_envelope(laughs)
    with pytest.raises(edxml.EnvelopeError, match="XML hợp lệ"):
        edxml.parse_envelope(b"<not closed")
    with pytest.raises(edxml.EnvelopeError, match="Không phải phong bì"):
        edxml.parse_envelope(b"<?xml version='1.0'?><html><body/></html>")


def test_the_package_holds_the_envelope_and_the_pdf():
    data = edxml.package(edxml.envelope(**_values()), PDF, "05-QD-UBND.pdf")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        assert archive.namelist() == ["envelope.xml", "05-QD-UBND.pdf"]
        assert archive.read("05-QD-UBND.pdf") == PDF
        manifest = edxml.parse_envelope(archive.read("envelope.xml"))
    assert manifest["attachment_sha256"] == hashlib.sha256(PDF).hexdigest()
    assert edxml.package(edxml.envelope(**_values()), PDF, "05-QD-UBND.pdf") == data  # the same bytes again


@pytest.mark.parametrize("pdf, name, words", [(PDF + b"changed", "05-QD-UBND.pdf", "does not describe"),
                                              (PDF, "khac.pdf", "does not describe"),
                                              (PDF, "envelope.xml", "envelope's name"),
                                              (PDF, "../05-QD-UBND.pdf", "plain file name")])
def test_a_package_never_carries_what_its_envelope_does_not_describe(pdf, name, words):
    with pytest.raises(ValueError, match=words):
        edxml.package(edxml.envelope(**_values()), pdf, name)


def test_write_package_is_atomic_and_never_overwrites(tmp_path):
    folder = tmp_path / "lien-thong" / "2026"
    path = edxml.write_package(folder, "05-QD-UBND.zip", b"first package")
    assert path == folder / "05-QD-UBND.zip" and path.read_bytes() == b"first package"
    with pytest.raises(FileExistsError):
        edxml.write_package(folder, "05-QD-UBND.zip", b"second package")
    assert path.read_bytes() == b"first package"
    assert sorted(p.name for p in folder.iterdir()) == ["05-QD-UBND.zip"]  # no temporary left
    for bad in ("../escape.zip", "a/b.zip", "", ".."):
        with pytest.raises(ValueError):
            edxml.write_package(folder, bad, b"x")
    assert not (tmp_path / "lien-thong" / "escape.zip").exists()


def test_write_package_keeps_the_first_of_two_concurrent_writers(tmp_path):
    """Two threads write the same name at once: exactly one succeeds, the file is whole."""
    barrier, outcomes = threading.Barrier(2), []

    def write(data: bytes) -> None:
        barrier.wait()
        try:
            edxml.write_package(tmp_path, "p.zip", data)
            outcomes.append(data)
        except FileExistsError:
            outcomes.append(None)

    threads = [threading.Thread(target=write, args=(bytes([b]) * 200_000,)) for b in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    winners = [o for o in outcomes if o is not None]
    assert len(winners) == 1 and (tmp_path / "p.zip").read_bytes() == winners[0]
    assert [p.name for p in tmp_path.iterdir()] == ["p.zip"]


class _Sink(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True

    def __init__(self, refuse: str | None = None):
        super().__init__(("127.0.0.1", 0), _SmtpHandler)
        self.messages: list[tuple[str, list[str], bytes]] = []
        self.refuse = refuse


class _SmtpHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP (RFC 5321) for smtplib: greeting, EHLO, MAIL, RCPT, DATA, QUIT."""

    def handle(self) -> None:
        sender, recipients = "", []
        self.wfile.write(b"220 sink ESMTP\r\n")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            command = line.decode("ascii", "replace").strip()
            verb = command[:4].upper()
            if verb in ("EHLO", "HELO"):
                self.wfile.write(b"250-sink\r\n250 8BITMIME\r\n")
            elif verb == "MAIL":
                sender = command.split(":", 1)[1].strip().strip("<>").split(">")[0]
                self.wfile.write(b"250 ok\r\n")
            elif verb == "RCPT":
                address = command.split(":", 1)[1].strip().strip("<>")
                if self.server.refuse and address == self.server.refuse:
                    self.wfile.write(b"550 no such mailbox\r\n")
                    continue
                recipients.append(address)
                self.wfile.write(b"250 ok\r\n")
            elif verb == "DATA":
                self.wfile.write(b"354 go on\r\n")
                body = []
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    body.append(chunk[1:] if chunk.startswith(b"..") else chunk)
                self.server.messages.append((sender, recipients, b"".join(body)))
                self.wfile.write(b"250 queued\r\n")
            elif verb == "QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


@pytest.fixture
def sink():
    servers = []

    def start(refuse: str | None = None) -> _Sink:
        server = _Sink(refuse)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def _settings(port: int, host: str = "127.0.0.1"):
    return load_settings(environ={"DOCSVC_SMTP_HOST": host, "DOCSVC_SMTP_PORT": str(port),
                                  "DOCSVC_SMTP_FROM": "vanthu@tanphu.gov.vn", "DOCSVC_SMTP_TIMEOUT": "30"})


def test_send_package_mails_the_zip(sink):
    server = sink()
    data = edxml.package(edxml.envelope(**_values()), PDF, "05-QD-UBND.pdf")
    edxml.send_package(_settings(server.server_address[1]), "vanthu@sotuphap.gov.vn",
                       "Văn bản 05/QĐ-UBND của UBND xã Tân Phú", data, "05-QD-UBND.zip")
    [(sender, recipients, raw)] = server.messages
    assert sender == "vanthu@tanphu.gov.vn" and recipients == ["vanthu@sotuphap.gov.vn"]
    message = email.message_from_bytes(raw, policy=policy.default)
    assert message["Subject"] == "Văn bản 05/QĐ-UBND của UBND xã Tân Phú"
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "05-QD-UBND.zip" and attachment.get_content_type() == "application/zip"
    assert attachment.get_content() == data


def test_send_package_refusals(sink):
    server = sink(refuse="khong-co@sotuphap.gov.vn")
    settings = _settings(server.server_address[1])
    with pytest.raises(ValueError, match="SMTP"):
        edxml.send_package(_settings(0, host=""), "a@b.vn", "x", b"zip", "p.zip")
    import smtplib
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        edxml.send_package(settings, "not an address", "x", b"zip", "p.zip")
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        edxml.send_package(settings, "khong-co@sotuphap.gov.vn", "x", b"zip", "p.zip")
    assert server.messages == []
