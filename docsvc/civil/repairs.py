"""Checks and repairs of values as OCR reads them: known vocabularies, Vietnamese
syllables, names, and the slips Tesseract makes on typed text."""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz import fuzz, process

from docsvc.civil.fields import nfc
from docsvc.civil.vocabulary import PHRASES, PROVINCES, fold, text_key

def from_vocabulary(text: str, vocabulary) -> tuple[str | None, bool]:
    """The vocabulary entry ``text`` reads as: (entry, exact). Exact when equal, or equal
    without diacritics to one entry only; otherwise the closest entry above 80, not exact."""
    value = nfc(text).strip(" ,.;")
    for entry in vocabulary:
        if value.casefold() == entry.casefold():
            return entry, True
    folded = [e for e in vocabulary if text_key(e) == text_key(value)]
    if len(folded) == 1:
        return folded[0], False
    match = process.extractOne(text_key(value), {e: text_key(e) for e in vocabulary}, scorer=fuzz.ratio,
                               score_cutoff=80)
    return (match[2], False) if match else (None, False)


_ONSET = r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?"
_RHYME = r"(?:[aeiouy]{1,3})(?:ch|ng|nh|[cmnptk])?"  # k: Đắk Lắk, Kon Plông
_SYLLABLE = re.compile(f"^{_ONSET}{_RHYME}$")
_VIET_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323", "\u0302", "\u0306", "\u031b"}
WORDY = {"text", "name", "person_paper", "signer", "paper"}


def vietnamese_words(text: str) -> bool:
    """Every word of letters is a Vietnamese syllable, or an abbreviation in capitals
    (CCCD, GBT); letters with marks Vietnamese does not use (ä, ð) fail."""
    for raw in re.split(r"[\s,;/()\-]+", text):
        word = raw.strip(".:")
        if not word or any(ch.isdigit() for ch in word):
            continue
        if word.isupper() and len(word) > 1 and word.isascii():
            continue
        for ch in unicodedata.normalize("NFD", word.lower()):
            if not ("a" <= ch <= "z" or ch == "đ" or ch in _VIET_MARKS):
                return False
        if not _SYLLABLE.match(fold(word)):
            return False
    return True


ODD = re.compile(r"[^\W\d_][.,;:'’`\"|~^\-][^\W\d_]|[|~^`\\{}<>\[\]@#$%&*=+_]")
_NAME_WORD = re.compile(r"^[^\W\d_][^\W\d_'’-]*$")


def looks_like_name(text: str) -> bool:
    words = text.split()
    return bool(words) and all(_NAME_WORD.match(w) and w[0].isupper() for w in words)


_SO = re.compile(r"\b[Ss][oóòỏõọôốồổỗộơớờởỡợð](?=\s+\d)")


def split_glued(value: str) -> str:
    """Words run together or split by a mark: 'ThịOanh' → 'Thị Oanh', 'Nguyễn.Văn' →
    'Nguyễn Văn', 'Long,Cần' → 'Long, Cần'."""
    chars = []
    for i, ch in enumerate(value):
        if (0 < i < len(value) - 1 and ch.isupper() and value[i - 1].islower()
                and value[i + 1].islower()):
            chars.append(" ")
        chars.append(ch)
    value = "".join(chars)
    value = re.sub(r"(?<=[^\W\d_])\.(?=[^\W\d_])", " ", value)
    value = re.sub(r",(?=[^\s\d])", ", ", value)
    return " ".join(value.split())


def repair(value: str) -> str:
    """What OCR does to typed register values, undone: ';' for ',' between parts of an
    address, 'sõ 123' for 'số 123', glued words, fixed phrases with a wrong mark."""
    value = value.replace(";", ",")
    value = _SO.sub(lambda m: "Số" if m.group(0)[0] == "S" else "số", value)
    value = split_glued(value)
    return _fix_phrases(value)


def fix_province(value: str) -> str:
    head, comma, last = value.rpartition(",")
    if not comma or not last.strip() or last.strip() in PROVINCES:
        return value
    same = [p for p in PROVINCES if text_key(p) == text_key(last)]
    return f"{head}, {same[0]}" if len(same) == 1 else value


def _fix_phrases(value: str) -> str:
    """Fixed phrases (``PHRASES``) read with a wrong mark, or with a short word of three or
    more lost, put right: 'Giãy báo tử' → 'Giấy báo tử', 'Trạm tế' → 'Trạm Y tế'."""
    words = value.split()
    for phrase in PHRASES:
        parts = phrase.split()
        n = len(parts)
        target = text_key(phrase)
        # The phrase less one of its short words, as it reads when OCR lost that word.
        shorter = {text_key(" ".join(parts[:k] + parts[k + 1:])) for k in range(1, n)
                   if n >= 3 and len(parts[k]) <= 2}
        i = 0
        while i < len(words):
            for size in (n, n - 1):
                if i + size > len(words) or size < 2:
                    continue
                chunk = " ".join(words[i:i + size])
                key = text_key(chunk)
                if size == n:
                    close = key == target or (n >= 3 and fuzz.ratio(key, target) >= 85
                                              and key.split()[:1] == target.split()[:1])
                else:
                    close = key in shorter
                if close:
                    if chunk.strip(",.") != phrase:
                        tail = chunk[len(chunk.rstrip(",.")):]
                        words[i:i + size] = (phrase + tail).split()
                    i += n - 1
                    break
            i += 1
    return " ".join(words)
