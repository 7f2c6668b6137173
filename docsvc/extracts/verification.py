"""Public verification of an extract (no sign-in): what anyone may know by the code printed
in its QR code, and whether an uploaded file is exactly the one issued with a valid signature."""

from __future__ import annotations

import hashlib
import hmac

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.accounts import Unit
from archive.extracts import Extract, ExtractCertificate, ExtractRevocation
from docsvc.extracts.rules import KIND_LABELS
from docsvc.services.container import Services

# -- public verification (no sign-in) ------------------------------------------------------

def _by_code(session: Session, code: str) -> Extract | None:
    code = (code or "").strip()
    if not 16 <= len(code) <= 43 or not all(c.isalnum() or c in "-_" for c in code):
        return None
    return session.scalar(select(Extract).where(Extract.verify_code == code))


def verify_public(services: Services, code: str) -> dict | None:
    """What anyone may know of an extract by its code: genuine or revoked, the office, the
    number, the day and kind of issue, the holder's initials. Nothing else of the person."""
    with services.session_factory() as session:
        row = _by_code(session, code)
        if row is None:
            return None
        office = session.get(Unit, row.office_unit_id)
        revoked = session.scalar(select(ExtractRevocation).where(ExtractRevocation.extract_id == row.id))
        return {"status": "revoked" if revoked else "genuine", "office": office.name, "number": row.number,
                "issued_on": row.issued_on.isoformat(), "kind": row.kind, "kind_label": KIND_LABELS[row.kind],
                "holder_initials": row.holder_initials,
                "revoked_on": revoked.revoked_at.date().isoformat() if revoked else None}


def verify_file(services: Services, code: str, data: bytes) -> dict | None:
    """Is ``data`` exactly the PDF issued under this code, and is its signature valid with
    the issuing office's certificate?"""
    with services.session_factory() as session:
        row = _by_code(session, code)
        if row is None:
            return None
        cert = session.get(ExtractCertificate, row.certificate_id) if row.certificate_id else None
        roots = []
        if cert is not None:
            roots = [p.encode() for p in _pem_blocks(cert.chain_pem)] or [cert.certificate_pem.encode()]
        sha, issued_at = row.pdf_sha256, row.issued_at
    match = hmac.compare_digest(hashlib.sha256(data).hexdigest(), sha)
    from docsvc.extracts import signing  # pyHanko: only when a file is checked

    # Checked as at the moment of issue: a certificate that has expired since still proves
    # what it signed then (the file must be the stored one as well).
    check = signing.check_signature(data, roots, at=issued_at)
    return {"match": match, "signature_valid": bool(check.valid), "signer": check.signer if check.valid else None,
            "problem": None if check.valid else check.problem}


def _pem_blocks(text: str) -> list[str]:
    blocks, current = [], []
    for line in (text or "").splitlines():
        current.append(line)
        if line.startswith("-----END"):
            blocks.append("\n".join(current) + "\n")
            current = []
    return blocks


