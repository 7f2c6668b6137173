"""Fixtures for the extract tests: an office (XA-A) with a civil-status officer, a one-stop
officer, a chairman on the list of signers, a local CA and the office's certificate, a birth
book with a verified entry; and a second office (XA-B) with its own officer."""

from __future__ import annotations

import functools

import pytest

from docsvc.access import system_principal
from docsvc.civil import services as civil
from docsvc.extracts import services as extracts
from docsvc.extracts.signing import make_local_authority, make_office_pkcs12
from tests.conftest import Accounts

PASSPHRASE = b"mat-khau-chung-thu"


@functools.lru_cache(maxsize=None)
def _authority(name: str) -> tuple[bytes, bytes]:
    return make_local_authority(name)


def authority(name: str = "CA thử nghiệm của tỉnh") -> tuple[bytes, bytes]:
    """One local CA per name for the whole run (its certificate PEM, its key PEM)."""
    return _authority(name)


@functools.lru_cache(maxsize=None)
def _office_p12(office: str, ca: str) -> bytes:
    return make_office_pkcs12(office, PASSPHRASE, authority=authority(ca))


def office_p12(office: str = "UBND xã A", ca: str = "CA thử nghiệm của tỉnh") -> bytes:
    return _office_p12(office, ca)


class Office:
    """The people, book and entries of the tests."""

    def __init__(self, services, accounts: Accounts):
        self.services, self.accounts = services, accounts
        for name, role, unit, full in (("hotich", "civil_status", "XA-A", "Trần Thị Hộ Tịch"),
                                       ("hotich2", "civil_status", "XA-A", "Lê Văn Kiểm"),
                                       ("motcua", "one_stop", "XA-A", "Phạm Thu Một Cửa"),
                                       ("chutich", "leader", "XA-A", "Nguyễn Văn Chủ"),
                                       ("quantri", "admin", "XA-A", "Quản Trị"),
                                       ("vanthu", "clerk", "XA-A", "Văn Thư"),
                                       ("hotichb", "civil_status", "XA-B", "Đỗ Văn Bê")):
            accounts.user(name, role, unit=unit, full_name=full)
        admin = self.p("quantri")
        extracts.install_certificate(services, admin, "XA-A", p12=office_p12(), passphrase=PASSPHRASE)
        extracts.set_signer(services, admin, "XA-A", username="chutich", title="CHỦ TỊCH")
        self.book = civil.add_book(services, self.p("hotich"), office_code="XA-A", kind="birth",
                                   year_from=2024, label="01/2024")

    def p(self, name: str):
        return self.accounts.principal(name)

    def entry(self, name: str = "Nguyễn Văn An", *, verified: bool = True, **more) -> dict:
        fields = {"full_name": name, "sex": 1, "date_of_birth": "01/03/2024", "registered_on": "2024-03-05",
                  "place_of_birth": "Trạm y tế xã A", "ethnicity": "Kinh", "nationality": "Việt Nam",
                  "mother_name": "Lê Thị Bình", "father_name": "Nguyễn Văn Cường", **more}
        entry = civil.create_entry(self.services, self.p("hotich"), self.book["id"], fields)
        if verified:
            entry = civil.verify_entry(self.services, self.p("hotich2"), entry["id"])
        return entry

    def issue(self, entry_id: int, who: str = "motcua", **values):
        request = extracts.IssueRequest.parse(values.pop("requester", "Nguyễn Văn An"),
                                              values.pop("id_paper", "CCCD 001099012345"), **values)
        return extracts.issue_extract(self.services, self.p(who), entry_id, request)


@pytest.fixture
def office(services, accounts):
    return Office(services, accounts)


@pytest.fixture
def system():
    return system_principal("test")
