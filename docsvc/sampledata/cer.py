"""Character error rate of recognised text against its ground truth.

Both texts are NFC-normalised and their whitespace collapsed (runs of spaces, tabs and
line breaks become one space; ends stripped), so layout differences — line breaks where
OCR joins or splits lines, blank lines between paragraphs — do not count as errors.
"""

from __future__ import annotations

import re
import unicodedata

try:  # C implementation (dev extra); the pure-Python fallback below gives the same numbers
    from rapidfuzz.distance import Levenshtein as _rf_levenshtein
except ImportError:  # pragma: no cover - exercised only without rapidfuzz
    _rf_levenshtein = None

_WHITESPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """NFC, whitespace runs collapsed to one space, stripped."""
    return _WHITESPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def levenshtein(a: str, b: str) -> int:
    """Edit distance (insertions, deletions, substitutions, each costing 1)."""
    if _rf_levenshtein is not None:
        return _rf_levenshtein.distance(a, b)
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def character_error_rate(truth: str, hypothesis: str) -> float:
    """Levenshtein distance between the normalised texts divided by the length of the
    normalised truth (0.0 is perfect; may exceed 1.0 when the hypothesis is much longer).
    An empty truth gives 0.0 for an empty hypothesis and 1.0 otherwise."""
    truth_n, hyp_n = normalise(truth), normalise(hypothesis)
    if not truth_n:
        return 0.0 if not hyp_n else 1.0
    return levenshtein(truth_n, hyp_n) / len(truth_n)
