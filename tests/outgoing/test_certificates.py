"""Personal certificates (docsvc.outgoing.certificates and its command) on real SQLite and
the data directory's ``keys/``: an administrator installs a leader's certificate, a leader
installs their own, the newer one takes over; the leader's and the organisation's identities
then sign a decision whose two signatures check against the local authority.

Bad inputs tried (each leaves no certificate row, no audit record and no key file): an
expired certificate; one of a foreign authority; one naming another person; one already
attached to someone else; the organisation's own certificate; a leader of a unit whose
office has no certificate; an administrator installing for a user outside their units; a wrong passphrase; bytes that are no PKCS#12; an unknown user; a
specialist installing their own (not a leader); a leader installing someone else's; and at
the command line: a missing passphrase variable, a user without the right."""

from __future__ import annotations

import datetime
import functools
import json

import pytest
from sqlalchemy import func, select

from archive.audit import AuditRecord
from archive.outgoing import PersonalCertificate
from docsvc.extracts import services as extracts
from docsvc.extracts.signing import make_local_authority, make_office_pkcs12
from docsvc.outgoing.certificates import (
    CertificateInvalid,
    CertificateUnavailable,
    install_personal_certificate,
    organisation_identity,
    personal_identity,
)
from docsvc.outgoing.cli_certificates import certificate_command
from docsvc.outgoing.signing import check_signatures, make_personal_pkcs12, sign_organisation, sign_personal
from docsvc.services.audit import PermissionDenied
from tests.outgoing.test_signing import decision_pdf

PASS = b"mat-khau-ca-nhan"


@functools.lru_cache(maxsize=None)
def _authority(name: str) -> tuple[bytes, bytes]:
    return make_local_authority(name)


def _ca(name: str = "CA thử nghiệm của tỉnh") -> tuple[bytes, bytes]:
    return _authority(name)  # one CA per name (lru_cache alone keys _ca() and _ca(name) apart)


@functools.lru_cache(maxsize=None)
def _p12(name: str, ca: str = "CA thử nghiệm của tỉnh") -> bytes:
    return make_personal_pkcs12(name, PASS, authority=_ca(ca))


@pytest.fixture
def people(services, accounts):
    for username, role, unit, full in (("quantri", "admin", "XA-A", "Quản Trị"),
                                       ("chutich", "leader", "XA-A", "Nguyễn Văn Chủ"),
                                       ("trungten", "leader", "XA-A", "Nguyễn Văn Chủ"),
                                       ("chuyenvien", "specialist", "XA-A", "Lê Thị Soạn"),
                                       ("chutichb", "leader", "XA-B", "Đỗ Văn Bê")):
        accounts.user(username, role, unit=unit, full_name=full)
    extracts.install_certificate(services, accounts.principal("quantri"), "XA-A",
                                 p12=make_office_pkcs12("UBND xã A", PASS, authority=_ca()), passphrase=PASS)
    return accounts


def _state(services):
    """What an install writes: certificate rows, audit records, key files of persons."""
    with services.session_factory() as db:
        rows = db.scalar(select(func.count()).select_from(PersonalCertificate))
        audits = db.scalar(select(func.count()).select_from(AuditRecord)
                           .where(AuditRecord.action == "outgoing.certificate"))
    key_dir = services.settings.resolved_key_dir
    files = sorted(p.name for p in key_dir.glob("person-*")) if key_dir.exists() else []
    return rows, audits, files


def test_admin_installs_a_leaders_certificate_and_both_identities_sign(services, people):
    data = install_personal_certificate(services, people.principal("quantri"), "chutich",
                                        p12=_p12("Nguyễn Văn Chủ"), passphrase=PASS)
    assert data["username"] == "chutich" and data["full_name"] == "Nguyễn Văn Chủ"
    [cert] = data["certificates"]
    assert cert["active"] and cert["subject"] == "Nguyễn Văn Chủ"
    rows, audits, files = _state(services)
    assert (rows, audits, len(files)) == (1, 1, 1)
    key_file = services.settings.resolved_key_dir / files[0]
    assert key_file.stat().st_mode & 0o777 == 0o600
    from docsvc.extracts.signing import CertificateError, load_identity
    with pytest.raises(CertificateError):
        load_identity(key_file.read_bytes(), PASS)  # re-encrypted: the person's passphrase no longer opens it
    with services.session_factory() as db:
        record = db.scalar(select(AuditRecord).where(AuditRecord.action == "outgoing.certificate"))
        assert record.object_type == "user" and record.details["fingerprint"] == cert["fingerprint"]
        chutich = people.principal("chutich").user_id
        person = personal_identity(services, db, chutich)
        assert person.fingerprint == cert["fingerprint"]
        assert personal_identity(services, db, people.principal("chuyenvien").user_id) is None
        unit_a = people.principal("chutich").unit_id
        office = organisation_identity(services, db, unit_a)
        assert office.subject == "UBND xã A"
        assert organisation_identity(services, db, people.principal("chutichb").unit_id) is None
    signed = sign_organisation(sign_personal(decision_pdf(), person, signer_name="Nguyễn Văn Chủ"), office,
                               number_symbol="05/QĐ-UBND", issued_on=datetime.date(2026, 1, 5), place="Xã A")
    checks = check_signatures(signed, [_ca()[0]])
    assert [(c.signer, c.valid) for c in checks] == [("Nguyễn Văn Chủ", True), ("UBND xã A", True)]


def test_a_leader_installs_their_own_and_the_newer_one_takes_over(services, people):
    leader = people.principal("chutich")
    first = install_personal_certificate(services, leader, "chutich", p12=_p12("Nguyễn Văn Chủ"), passphrase=PASS)
    # the same person's name as on a card: capitals, no accents
    second = install_personal_certificate(services, leader, "chutich",
                                          p12=make_personal_pkcs12("NGUYEN VAN CHU", PASS, authority=_ca()),
                                          passphrase=PASS.decode())
    newer, older = second["certificates"]
    assert newer["active"] and not older["active"]
    assert older["fingerprint"] == first["certificates"][0]["fingerprint"]
    with services.session_factory() as db:
        assert personal_identity(services, db, leader.user_id).fingerprint == newer["fingerprint"]
    assert _state(services)[:2] == (2, 2)


@pytest.mark.parametrize("case", ["expired", "foreign", "other_person", "taken", "office_cert", "no_office_cert",
                                  "wrong_passphrase", "junk", "unknown_user", "other_unit"])
def test_refused_certificates_leave_nothing(services, people, case):
    admin = people.principal("quantri")
    if case == "taken":
        install_personal_certificate(services, admin, "chutich", p12=_p12("Nguyễn Văn Chủ"), passphrase=PASS)
    before = _state(services)
    username, p12, passphrase, field, words = {
        "expired": ("chutich", make_personal_pkcs12(
            "Nguyễn Văn Chủ", PASS, authority=_ca(), days=365,
            valid_from=datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=400)),
            PASS, "certificate", "hết hạn"),
        "foreign": ("chutich", _p12("Nguyễn Văn Chủ", ca="CA nước ngoài"), PASS, "certificate", "tổ chức chứng thực"),
        "other_person": ("chutich", _p12("Trần Thị Khác"), PASS, "certificate", "không phải Nguyễn Văn Chủ"),
        "taken": ("trungten", _p12("Nguyễn Văn Chủ"), PASS, "certificate", "người khác"),
        "office_cert": ("chutich", None, PASS, "certificate", "của cơ quan"),
        "no_office_cert": ("chutichb", _p12("Đỗ Văn Bê"), PASS, "certificate", "chưa cài chứng thư số"),
        "wrong_passphrase": ("chutich", _p12("Nguyễn Văn Chủ"), b"sai", "certificate", "Mật khẩu"),
        "junk": ("chutich", b"%PDF-1.7 not a certificate", PASS, "certificate", "PKCS#12"),
        "unknown_user": ("khongco", _p12("Nguyễn Văn Chủ"), PASS, "username", "Không có người dùng"),
        "other_unit": ("chutichb", _p12("Đỗ Văn Bê"), PASS, "username", "trong đơn vị của bạn"),
    }[case]
    actor = people.principal("chutichb") if case == "no_office_cert" else admin  # B's leader, for themself
    if case == "office_cert":
        # the office's own certificate, installed for the office, offered as a person's
        p12 = make_office_pkcs12("UBND xã A", PASS, authority=_ca())
        extracts.install_certificate(services, admin, "XA-A", p12=p12, passphrase=PASS)
    with pytest.raises(CertificateInvalid) as refused:
        install_personal_certificate(services, actor, username, p12=p12, passphrase=passphrase)
    assert refused.value.field == field and words in refused.value.message, refused.value.message
    assert _state(services) == before


@pytest.mark.parametrize("actor, target", [("chuyenvien", "chuyenvien"), ("chutich", "trungten"),
                                           ("chutichb", "chutich")])
def test_only_an_admin_or_the_leader_themself(services, people, actor, target):
    before = _state(services)
    with pytest.raises(PermissionDenied):
        install_personal_certificate(services, people.principal(actor), target, p12=_p12("Nguyễn Văn Chủ"),
                                     passphrase=PASS)
    assert _state(services) == before


def test_a_missing_key_file_is_said_plainly(services, people):
    install_personal_certificate(services, people.principal("quantri"), "chutich", p12=_p12("Nguyễn Văn Chủ"),
                                 passphrase=PASS)
    for path in services.settings.resolved_key_dir.glob("person-*"):
        path.unlink()
    with services.session_factory() as db, pytest.raises(CertificateUnavailable) as missing:
        personal_identity(services, db, people.principal("chutich").user_id)
    assert missing.value.code == "no_key"


def test_the_command_installs_with_the_passphrase_from_the_environment(app, services, people, tmp_path):
    runner = app.test_cli_runner()
    p12 = tmp_path / "chutich.p12"
    p12.write_bytes(_p12("Nguyễn Văn Chủ"))
    result = runner.invoke(certificate_command, ["chutich", str(p12), "--passphrase-env", "P12_PASS", "--json"],
                           env={"DOCSVC_USER": "chutich", "P12_PASS": PASS.decode()})
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["username"] == "chutich" and answer["subject"] == "Nguyễn Văn Chủ" and len(answer["fingerprint"]) == 64
    # prompted when no variable is named; the local operator may install for anyone
    prompted = runner.invoke(certificate_command, ["chutich", str(p12)], input=PASS.decode() + "\n")
    assert prompted.exit_code == 0 and "Đã cài chứng thư số cho chutich" in prompted.output
    unset = runner.invoke(certificate_command, ["chutich", str(p12), "--passphrase-env", "KHONG_CO"],
                          env={"DOCSVC_USER": "chutich"})
    assert unset.exit_code == 2 and "KHONG_CO" in unset.output
    refused = runner.invoke(certificate_command, ["chuyenvien", str(p12), "--passphrase-env", "P12_PASS"],
                            env={"DOCSVC_USER": "chuyenvien", "P12_PASS": PASS.decode()})
    assert refused.exit_code == 1 and "outgoing.configure" in refused.output
    wrong = runner.invoke(certificate_command, ["chutich", str(p12), "--passphrase-env", "P12_PASS"],
                          env={"DOCSVC_USER": "chutich", "P12_PASS": "sai"})
    assert wrong.exit_code == 1 and "Mật khẩu" in wrong.output
