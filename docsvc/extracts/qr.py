"""The QR code of an extract's verification address: reportlab's encoder, with the choice of
the mask pattern done with numpy.

reportlab tries the eight mask patterns and keeps the one with the lowest penalty (ISO/IEC
18004 §7.8.3), scoring each in pure Python: about two thirds of the time of a QR code, and a
sixth of the time of issuing an extract. ``lost_points`` gives the same score as
``reportlab.graphics.barcode.qrencoder.QRUtil.getLostPoint`` (quirks included: the finder-like
pattern is counted along rows only, in one direction, and not at the last position of a
row), so the code
drawn is module for module the one reportlab would make (a test compares them)."""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from reportlab.graphics.barcode.qrencoder import QRCode

_FINDER_LIKE = np.array([True, False, True, True, True, False, True, False, False, False, False])


def _runs(a: np.ndarray) -> int:
    """Rule 1 along rows: a run of L ≥ 5 modules of one colour costs L - 2."""
    rows, n = a.shape
    edges = np.ones((rows, n + 1), dtype=bool)
    edges[:, 1:n] = a[:, 1:] != a[:, :-1]
    lengths = np.diff(np.flatnonzero(edges.ravel()))  # a row's end and the next start: length 1
    long = lengths[lengths >= 5]
    return int((long - 2).sum())


def _finder_like(a: np.ndarray) -> int:
    """Rule 3 along rows: 40 for each dark-light-dark³-light-dark-light⁴ (positions
    0 .. n - 12, as reportlab scans; the pattern cannot overlap itself)."""
    n = a.shape[1]
    width = len(_FINDER_LIKE)
    if n <= width:
        return 0
    windows = sliding_window_view(a, width, axis=1)[:, : n - width]
    return 40 * int((windows == _FINDER_LIKE).all(axis=2).sum())


def lost_points(modules: np.ndarray) -> int:
    """The penalty of a masked symbol (``modules``: dark is True)."""
    m = modules
    score = _runs(m) + _runs(m.T)
    block = m[:-1, :-1]
    score += 3 * int(((block == m[1:, :-1]) & (block == m[:-1, 1:]) & (block == m[1:, 1:])).sum())
    score += _finder_like(m)  # reportlab compares its columns (tuples) with a list: never equal
    cells = m.size
    dark = int(m.sum())
    score += 10 * (abs(100 * dark // cells - 50) // 5)
    return score


def best_mask(qr: QRCode) -> int:
    """The mask pattern reportlab's ``getBestMaskPattern`` would choose (the first lowest)."""
    best, lowest = 0, None
    for pattern in range(8):
        qr.makeImpl(True, pattern)
        lost = lost_points(np.array(qr.modules, dtype=bool))
        if lowest is None or lost < lowest:
            best, lowest = pattern, lost
    return best


def qr_modules(value: str, level: str = "M") -> list[list[bool]]:
    """The modules of the QR code of ``value`` (rows, dark is True), without the quiet zone."""
    from reportlab.graphics.barcode.qr import QrCodeWidget

    qr = QrCodeWidget(value, barLevel=level).qr
    if qr.version is None:
        qr.version = qr.calculate_version()
    qr.makeImpl(False, best_mask(qr))
    return [[bool(m) for m in row] for row in qr.modules]
