"""The extract commands of the interface (``docsvc extract issue|revoke|register`` and the
operator's ``office``, ``signer``, ``certificate``), through click's runner on the real app,
acting as the user in DOCSVC_USER or as the local operator.

Checked: the issue's JSON has exactly the interface's keys, the PDF is written under the data
directory (0600), is the stored file byte for byte and its signature validates; revoking;
the register as PDF and XLSX parsed back (every issue, the revoked one marked); a local
certificate made for an office that had none lets it issue, and its CA file checks the
signature.
Bad inputs tried: a draft entry, an entry that does not exist, a blank requester, 0 copies, a
user whose role may not issue (clerk) or revoke (one-stop), revoking twice, a wrong
passphrase, a file that is not PKCS#12, both a file and --make-local, an unknown signer user,
a register year with no office to choose."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from docsvc.dates import local_now
from docsvc.extracts import services as extracts
from docsvc.extracts.signing import check_signature, make_office_pkcs12
from tests.extracts.conftest import authority


def _run(runner, *args, user=None, input=None):
    env = {"DOCSVC_USER": user} if user else None
    return runner.invoke(args=[str(a) for a in args], env=env, input=input)


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def _issue(runner, entry_id, *more, user="motcua"):
    return _run(runner, "extract", "issue", entry_id, "--requester", "Nguyễn Văn An", "--id-paper",
                "CCCD 001099012345", *more, user=user)


def test_issue_writes_the_signed_pdf_and_answers_the_interface_json(services, office, runner):
    entry = office.entry("Đặng Thị Ngọc Huyền")
    result = _issue(runner, entry["id"], "--copies", 2, "--signer", "chutich", "--purpose", "mẹ đẻ", "--json")
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert set(answer) == {"id", "number", "verify_url", "pdf"}
    assert answer["number"] == "1/TLKS-BS" and "/verify/" in answer["verify_url"]
    pdf_file = services.settings.data_dir.resolve() / "extracts"
    assert answer["pdf"].startswith(str(pdf_file)) and answer["pdf"].endswith("1-TLKS-BS.pdf")
    path = Path(answer["pdf"])
    data = path.read_bytes()
    assert data.startswith(b"%PDF") and path.stat().st_mode & 0o777 == 0o600
    detail = extracts.get_extract(services, office.p("motcua"), answer["id"])
    assert hashlib.sha256(data).hexdigest() == detail["pdf_sha256"] and detail["copies"] == 2
    assert "Đặng Thị Ngọc Huyền" in "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert check_signature(data, [authority()[0]]).valid

    text = _issue(runner, entry["id"])
    assert text.exit_code == 0 and "2/TLKS-BS" in text.output and "Tệp PDF đã ký" in text.output


def test_refusals_exit_non_zero_with_a_message_and_use_no_number(services, office, runner):
    draft = office.entry("Chưa Kiểm Tra", verified=False)
    refused = _issue(runner, draft["id"])
    assert refused.exit_code == 1 and "chưa được kiểm tra" in refused.output
    assert _issue(runner, 999_999).exit_code == 1
    entry = office.entry()
    blank = _run(runner, "extract", "issue", entry["id"], "--requester", "  ", "--id-paper", "CCCD 1", user="motcua")
    assert blank.exit_code == 1 and "requester" in blank.output
    zero = _issue(runner, entry["id"], "--copies", 0)
    assert zero.exit_code == 1 and "copies" in zero.output
    clerk = _issue(runner, entry["id"], user="vanthu")
    assert clerk.exit_code == 1 and "không được làm việc này" in clerk.output
    other = _issue(runner, entry["id"], user="hotichb")
    assert other.exit_code == 1 and "Không có" in other.output
    unknown = _issue(runner, entry["id"], "--signer", "khongco")
    assert unknown.exit_code == 1 and "không có trong danh sách người ký" in unknown.output
    first = _issue(runner, entry["id"], "--json")
    assert json.loads(first.stdout)["number"] == "1/TLKS-BS"  # none of the refusals took a number


def test_revoke_and_the_register_as_pdf_and_xlsx(services, office, runner, tmp_path):
    entry = office.entry()
    issued = [json.loads(_issue(runner, entry["id"], "--json").stdout) for _ in range(3)]
    one_stop = _run(runner, "extract", "revoke", issued[1]["id"], "--reason", "Sai", user="motcua")
    assert one_stop.exit_code == 1 and "không được" in one_stop.output
    revoked = _run(runner, "extract", "revoke", issued[1]["id"], "--reason", "Ghi sai số giấy tờ", "--json",
                   user="hotich")
    assert revoked.exit_code == 0, revoked.output
    assert json.loads(revoked.stdout) == {"id": issued[1]["id"], "number": "2/TLKS-BS", "status": "revoked",
                                          "reason": "Ghi sai số giấy tờ"}
    twice = _run(runner, "extract", "revoke", issued[1]["id"], "--reason", "Lần nữa", user="hotich")
    assert twice.exit_code == 1 and "đã bị thu hồi" in twice.output

    year = local_now(services.settings.time_zone).year
    pdf_out, xlsx_out = tmp_path / "so.pdf", tmp_path / "so.xlsx"
    made = _run(runner, "extract", "register", "--year", year, "--format", "pdf", pdf_out, user="hotich")
    assert made.exit_code == 0, made.output
    text = " ".join("".join(p.extract_text() for p in PdfReader(pdf_out).pages).split())
    for number in ("1/TLKS-BS", "2/TLKS-BS", "3/TLKS-BS", "ĐÃ THU HỒI: Ghi sai số giấy tờ", "Nguyễn Văn An"):
        assert number in text, number
    assert text.count("ĐÃ THU HỒI") == 1
    made = _run(runner, "extract", "register", "--year", year, "--format", "xlsx", "--office", "XA-A", xlsx_out)
    assert made.exit_code == 0, made.output
    cells = [[c for c in row if c is not None] for row in load_workbook(xlsx_out).active.iter_rows(values_only=True)]
    numbers = [row[1] for row in cells if len(row) > 1 and str(row[1]).endswith("/TLKS-BS")]
    assert numbers == ["1/TLKS-BS", "2/TLKS-BS", "3/TLKS-BS"]
    revoked_row = next(row for row in cells if len(row) > 1 and row[1] == "2/TLKS-BS")
    assert any("ĐÃ THU HỒI: Ghi sai số giấy tờ" == str(c) for c in revoked_row)
    empty = _run(runner, "extract", "register", "--year", 1999, "--format", "pdf", tmp_path / "x.pdf")
    assert empty.exit_code == 1 and "chỉ rõ cơ quan" in empty.output  # the operator holds every office


def test_an_operator_sets_up_an_office_with_a_local_certificate(services, office, runner, accounts, tmp_path):
    from docsvc.civil import services as civil

    accounts.user("chutichb", "leader", unit="XA-B", full_name="Mai Văn Hai")
    set_up = _run(runner, "extract", "office", "set", "--office", "XA-B", "--place", "Xã B",
                  "--heading", "UBND HUYỆN X\\nUBND XÃ B", "--number-with-year")
    assert set_up.exit_code == 0, set_up.output
    assert "UBND HUYỆN X / UBND XÃ B" in set_up.output
    signer = _run(runner, "extract", "signer", "add", "--office", "XA-B", "chutichb", "--title",
                  "KT. CHỦ TỊCH\\nPHÓ CHỦ TỊCH")
    assert signer.exit_code == 0 and "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH" in signer.output
    nobody = _run(runner, "extract", "signer", "add", "--office", "XA-B", "khongco", "--title", "CHỦ TỊCH")
    assert nobody.exit_code == 1 and "Không có người dùng" in nobody.output

    book = civil.add_book(services, office.p("hotichb"), office_code="XA-B", kind="birth", year_from=2024,
                          label="01/2024")
    entry = civil.create_entry(services, office.p("hotichb"), book["id"],
                               {"full_name": "Lý Văn Tử", "registered_on": "2024-06-01", "date_of_birth": "30/05/2024"})
    accounts.user("hotichb2", "civil_status", unit="XA-B", full_name="Lê Thị Hai")
    civil.verify_entry(services, accounts.principal("hotichb2"), entry["id"])
    no_cert = _issue(runner, entry["id"], user="hotichb")
    assert no_cert.exit_code == 1 and "chưa có chứng thư số" in no_cert.output

    p12 = tmp_path / "b.p12"
    p12.write_bytes(make_office_pkcs12("UBND xã B", b"dung-mat-khau", authority=authority()))
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("sai\n")
    assert _run(runner, "extract", "certificate", "--office", "XA-B", p12, "--passphrase-file", wrong).exit_code == 1
    junk = tmp_path / "junk.p12"
    junk.write_bytes(b"not a pkcs12")
    assert _run(runner, "extract", "certificate", "--office", "XA-B", junk, "--passphrase-file", wrong).exit_code == 1
    both = _run(runner, "extract", "certificate", "--office", "XA-B", p12, "--make-local")
    assert both.exit_code != 0
    good = _run(runner, "extract", "certificate", "--office", "XA-B", p12, input="dung-mat-khau\n")
    assert good.exit_code == 0, good.output

    local = _run(runner, "extract", "certificate", "--office", "XA-B", "--make-local", "--json")
    assert local.exit_code == 0, local.output
    made = json.loads(local.stdout)
    ca_pem = Path(made["ca_certificate"])
    assert ca_pem.is_relative_to(services.settings.data_dir.resolve()) and ca_pem.read_bytes().startswith(b"-----BEGIN")
    issued = _issue(runner, entry["id"], "--json", user="hotichb")
    assert issued.exit_code == 0, issued.output
    answer = json.loads(issued.stdout)
    assert answer["number"].endswith("/TLKS-BS") and answer["number"].count("/") == 2  # with the year
    data = Path(answer["pdf"]).read_bytes()
    assert check_signature(data, [ca_pem.read_bytes()]).valid
    assert not check_signature(data, [authority()[0]]).valid  # the earlier certificate no longer signs
    shown = _run(runner, "extract", "office", "show", "--office", "XA-B")
    assert "Mai Văn Hai" in shown.output and "CA cục bộ" not in shown.output
