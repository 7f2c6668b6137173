"""Sample extracts for ``docsvc demo`` (issue 12), so that a first run shows extracts of every
kind: the demo commune gets a local CA and an office certificate (the CA's certificate PEM
under ``DATA_DIR/extracts/ca/``), the demo leader (``lanhdao``, given a full name) signs, and
two extracts are issued from the verified entries of the demo death book, one of them then
revoked. A second run adds nothing that is already there.

``install_local_certificate`` is also the ``docsvc extract certificate --make-local`` command's.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from archive.blobstore import write_private
from docsvc.access import Principal, system_principal
from docsvc.services.container import Services

OFFICE = "XA-TANPHU"
SIGNER = "lanhdao"
SIGNER_NAME = "Trần Văn Lãnh"
SIGNER_TITLE = "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH"
PLACE = "Xã Tân Phú"
HEADING = "ỦY BAN NHÂN DÂN\nXÃ TÂN PHÚ"
PLACEHOLDER_NAME = "Người dùng mẫu"  # docsvc.accounts.bootstrap gives demo accounts this name


def ca_path(services: Services, office_code: str) -> Path:
    code = "".join(c if c.isalnum() or c in "-_" else "_" for c in office_code)
    return services.settings.data_dir.resolve() / "extracts" / "ca" / f"{code}-ca.pem"


def install_local_certificate(services: Services, principal: Principal, office: str | None,
                              leaders: tuple[str, ...] = ()) -> tuple[dict, Path]:
    """A new local CA and an office certificate it issued, installed for the office (for
    trying it out: not a certificate anyone else trusts), and for each of ``leaders``
    (usernames) a personal certificate of the same CA, in their own name, to sign outgoing
    documents with. The CA's key is not kept: a new run makes a new CA. Returns the office's
    settings and where the CA certificate PEM is."""
    from docsvc.extracts import services as extracts
    from docsvc.extracts.signing import make_local_authority, make_office_pkcs12

    unit = extracts.get_office(services, principal, office)["unit"]
    ca = make_local_authority(f"CA cục bộ docsvc (dùng thử) {unit['code']}"[:64])  # X.509: names ≤ 64
    passphrase = secrets.token_urlsafe(24).encode()
    p12 = make_office_pkcs12(unit["name"][:64], passphrase, authority=ca)
    data = extracts.install_certificate(services, principal, unit["code"], p12=p12, passphrase=passphrase)
    if leaders:
        from docsvc.accounts.services import get_user
        from docsvc.outgoing.certificates import install_personal_certificate
        from docsvc.outgoing.signing import make_personal_pkcs12

        for username in leaders:
            with services.session_factory() as session:
                full_name = get_user(session, username).full_name or username
            install_personal_certificate(services, principal, username, passphrase=passphrase,
                                         p12=make_personal_pkcs12(full_name[:64], passphrase, authority=ca))
    path = ca_path(services, unit["code"])
    write_private(path, ca[0])
    return data, path


def _principal(services: Services, username: str) -> Principal | None:
    from sqlalchemy import select

    from archive.accounts import User
    from docsvc.access import principal_for

    with services.session_factory() as session:
        user = session.scalar(select(User).where(User.username == username))
        return principal_for(session, user, via="demo") if user is not None else None


def _name_the_signer(services: Services, system: Principal) -> bool:
    from docsvc.accounts.services import get_user, update_user

    with services.session_factory() as session:
        user = get_user(session, SIGNER)
        if user.full_name and not user.full_name.startswith(PLACEHOLDER_NAME):
            return False
        update_user(services, session, system, user, full_name=SIGNER_NAME)
        session.commit()
        return True


def add_demo_extracts(services: Services) -> list[str]:
    """Certificate, signer and sample extracts of the demo commune (the demo accounts and
    books must exist). Returns the lines to show."""
    from docsvc.audit.personal import Purpose
    from docsvc.civil import services as civil
    from docsvc.extracts import services as extracts

    system = system_principal("demo")
    lines: list[str] = []
    office = extracts.get_office(services, system, OFFICE)
    named = _name_the_signer(services, system)   # before the certificates: the leader's names him
    if not any(c["active"] for c in office["certificates"]):
        office, path = install_local_certificate(services, system, OFFICE, leaders=(SIGNER,))
        office = extracts.configure_office(services, system, OFFICE, place=PLACE, heading=HEADING)
        lines.append(f"Trích lục: chứng thư số thử nghiệm của {office['unit']['name']} (CA cục bộ: {path})")
    if named or not any(s["active"] for s in office["signers"]):
        office = extracts.set_signer(services, system, OFFICE, username=SIGNER, title=SIGNER_TITLE)
        lines.append(f"Trích lục: người ký {SIGNER_NAME} ({SIGNER}), {SIGNER_TITLE.replace(chr(10), ' / ')}")
    if extracts.list_extracts(services, system, office=OFFICE, limit=1):
        return lines  # issued by an earlier run

    officer = _principal(services, "motcua") or system
    reviser = _principal(services, "hotich") or system
    purpose = Purpose("other", "Tạo dữ liệu mẫu (docsvc demo)")
    verified = []
    for book in civil.list_books(services, system, office_code=OFFICE):
        verified += civil.list_entries(services, system, book["id"], status="verified", purpose=purpose)
    if not verified:
        lines.append("Trích lục: chưa có mục đã kiểm tra để cấp trích lục mẫu")
        return lines
    requests = [("Nguyễn Thị Hoa", "CCCD 079185001234", 2, "con đẻ, giải quyết thừa kế"),
                ("Lê Văn Bình", "CCCD 079190005678", 1, "cháu nội, bổ sung hồ sơ"),
                ("Phạm Thị Thu", "Hộ chiếu C1234567", 1, "con dâu, thủ tục đất đai")]
    issued = []
    for i, (name, paper, copies, why) in enumerate(requests):
        entry = verified[i % len(verified)]
        issued.append(extracts.issue_extract(services, officer, entry["id"],
                                             extracts.IssueRequest.parse(name, paper, copies, SIGNER, why)))
    extracts.revoke_extract(services, reviser, issued[1]["id"], reason="Ghi sai số giấy tờ của người yêu cầu")
    lines.append("Trích lục: đã cấp " + ", ".join(x["number"] for x in issued) + f"; thu hồi {issued[1]['number']}")
    return lines
