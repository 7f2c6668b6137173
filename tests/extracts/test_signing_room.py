"""The room kept for the signature (docsvc.extracts.signing._reserved_bytes, instead of pyHanko's
trial signature of every file) is enough for the office certificates we make: EC P-256 and
RSA 2048 keys. Inputs tried: both kinds of key; an identity whose PKCS#12 also carries its
authority's certificate (as every office PKCS#12 made here does)."""

from __future__ import annotations

from docsvc.extracts import document, signing
from tests.extracts import samples
from tests.extracts.conftest import authority


def test_the_signature_fits_for_rsa_and_ec_keys():
    pdf = document.render_extract(samples.content())
    ca = authority()
    for key in ("ec", "rsa"):
        identity = signing.load_identity(signing.make_office_pkcs12("UBND xã Quỳnh Hậu", b"pw", authority=ca,
                                                                    key=key), b"pw")
        assert identity.chain_pem  # the authority's certificate travels in the container too
        signed = signing.sign_pdf(pdf, identity, location="Xã Quỳnh Hậu")
        check = signing.check_signature(signed, [ca[0]])
        assert check.valid, (key, check.problem)
