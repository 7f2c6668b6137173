"""The value(s) after one printed label, read into contract fields with a state."""

from __future__ import annotations

import re
from dataclasses import dataclass

from docsvc.civil.fields import MARRIAGE_KIND, REGISTRATION_KIND, SEX, FieldValueError, nfc, normalise
from docsvc.civil.lines import Word
from docsvc.civil.repairs import (ODD, WORDY, fix_province, from_vocabulary, looks_like_name, repair,
                                  split_glued, vietnamese_words)
from docsvc.civil.spelled import DATE_DIGITS, date_from_digits, digits_of, time_text, words_date
from docsvc.civil.vocabulary import (CAUSES_OF_DEATH, ETHNICITIES, ID_PAPER_WORDS, NATIONALITIES, PLACE_KEYS,
                                     POSITIONS, SURNAMES, fold, label_score, text_key)

# A field whose weakest word Tesseract read below this confidence is ``uncertain``.
# Chosen on bench/registers.py --sweep (48 generated pages, half noisy, seed 11): silent
# errors were 0.26% of fields with no threshold, 0.15% at 75, 0.10% at 80, 0.05% from 85
# on, while the share of fields left for a person to check grew from 9.9% (80) to 11.5%
# (85), 15.6% (90) and 29% (94). On unseen pages (seed 13): 0.21% from 80 to 88, 0.10% at
# 90 for 15% uncertain. 85 is where the silent errors stop falling on the pages tuned on;
# what is left above it are misread marks on real syllables (Chi/Chỉ, Hòa/Hóa).
LOW_CONFIDENCE = 85.0
# A number (three digits or more: an ID, a paper's number, a year) read below this is
# uncertain: a misread digit leaves no trace in the text, unlike a misread letter.
DIGITS_CONFIDENCE = 90.0
# A short "word" read below this after a value is a speck, not part of it.
DUST_CONFIDENCE = 30.0


@dataclass
class Value:
    value: object
    state: str
    confidence: float | None

    def as_dict(self) -> dict:
        return {"value": self.value, "state": self.state,
                "confidence": None if self.confidence is None else round(self.confidence, 1)}


def weakest(words: list[Word]) -> float | None:
    return min(w.conf for w in words) if words else None


def state_for(ok: bool, conf: float | None) -> str:
    return "ok" if ok and (conf is None or conf >= LOW_CONFIDENCE) else "uncertain"


def normalised(kind: str, key: str, raw) -> tuple[object, bool]:
    """(normalised value, fits) — a value that does not fit its type is kept as None."""
    try:
        return normalise(kind, key, raw), True
    except FieldValueError:
        return None, False


class Reader:
    """Turns the words after one label into contract values."""

    def __init__(self, kind: str):
        self.kind = kind

    def read(self, handler: str, keys: tuple[str, ...], words: list[Word]) -> dict[str, Value]:
        # Punctuation standing alone at either end is dust or a stray mark, not the value.
        words = list(words)
        dropped = False
        while words and not any(ch.isalnum() for ch in words[-1].text):
            words.pop()
        while words and not any(ch.isalnum() for ch in words[0].text) and words[0].text != "(":
            words.pop(0)
        # Specks read as a short word after the value ("Hòa nh.", "Tuấn mm"): dropped, and
        # the field is left uncertain (it might have been a real word read badly).
        while len(words) > 1 and words[-1].conf < DUST_CONFIDENCE and len(words[-1].text.strip(".,;:'\"")) <= 3:
            words.pop()
            dropped = True
        if words:
            last = words[-1]
            stripped = last.text.rstrip(".,;:")
            if stripped and stripped != last.text and handler not in ("date_words",):
                words[-1] = Word(stripped, last.conf, last.x, last.y, last.w, last.h)
        conf = weakest(words)
        text = nfc(" ".join(w.text for w in words)).strip()
        if not text:
            return {k: Value(None, "missing", None) for k in keys}
        out = getattr(self, "_" + handler)(keys, text, words, conf)
        weak_digits = handler != "date_words" and any(
            sum(ch.isdigit() for ch in w.text) >= 3 and w.conf < DIGITS_CONFIDENCE for w in words)
        if dropped or weak_digits or ODD.search(text) or (handler in WORDY and not vietnamese_words(text)):
            # "Xã.Thịnh", a stray mark inside a word, "Trọrig" (no Vietnamese syllable)
            for v in out.values():
                v.state = "uncertain" if v.state == "ok" else v.state
        return out

    def _text(self, keys, text, words, conf):
        value, ok = normalised(self.kind, keys[0], text)
        if value and keys[0] == "cause_of_death":
            entry, exact = from_vocabulary(value, CAUSES_OF_DEATH)
            if entry is not None and text_key(entry) == text_key(value):
                value, ok = entry, ok and exact
        elif value:
            fixed = repair(value)
            if keys[0].endswith(PLACE_KEYS):
                fixed = fix_province(fixed)
            if fixed != value:
                value, ok = fixed, False
        return {keys[0]: Value(value, state_for(ok, conf), conf)}

    def _name(self, keys, text, words, conf):
        value, ok = normalised(self.kind, keys[0], text.strip(" ,.;"))
        if value:
            fixed = split_glued(value)
            if fixed != value:
                value, ok = fixed, False
        ok = ok and looks_like_name(value or "")
        if value:
            first, _, rest = value.partition(" ")
            if first not in SURNAMES:
                # Not a family name: a misread one ("Trân" for "Trần") is put right when
                # only one family name reads the same without marks, but stays uncertain.
                same = [s for s in SURNAMES if text_key(s) == text_key(first)]
                if len(same) == 1:
                    value = f"{same[0]} {rest}".strip()
                ok = False
        return {keys[0]: Value(value, state_for(ok, conf), conf)}

    def _paper(self, keys, text, words, conf):
        value, ok = normalised(self.kind, keys[0], text.strip(" ,.;"))
        if value:
            fixed = repair(value)
            if fixed != value:
                value, ok = fixed, False
        fits = bool(re.search(r"\bs[ốo]\s*:?\s*[0-9A-Z]{5,}$", value or ""))
        return {keys[0]: Value(value, state_for(ok and fits, conf), conf)}

    def _int(self, keys, text, words, conf):
        digits, clean = digits_of(text)
        value, ok = normalised(self.kind, keys[0], digits)
        return {keys[0]: Value(value, state_for(ok and clean, conf), conf)}

    def _year(self, keys, text, words, conf):
        digits, clean = digits_of(text)
        value, ok = normalised(self.kind, keys[0], digits)
        return {keys[0]: Value(value, state_for(ok and clean and len(digits) == 4, conf), conf)}

    def _personal_id(self, keys, text, words, conf):
        digits, clean = digits_of(text.replace(" ", ""))
        value, ok = normalised(self.kind, keys[0], digits)
        return {keys[0]: Value(value, state_for(ok and clean and len(digits) == 12, conf), conf)}

    def _date_words(self, keys, text, words, conf):
        head, _, tail = text.partition("(")
        iso, clean = date_from_digits(head)
        if tail:
            # Digits and words must agree; the words only decide when the digits are gone.
            spelled = words_date(tail)
            if iso is None:
                return {keys[0]: Value(spelled, "uncertain", conf)}
            head_words = [w for w in words if "(" not in w.text][:3]
            return {keys[0]: Value(iso, state_for(clean and spelled == iso, weakest(head_words)), conf)}
        return {keys[0]: Value(iso, state_for(iso is not None and clean, conf), conf)}

    def _time(self, keys, text, words, conf):
        value, ok = normalised(self.kind, keys[0], time_text(text))
        return {keys[0]: Value(value, state_for(ok, conf), conf)}

    def _time_date(self, keys, text, words, conf):
        time_key, date_key = keys
        head, _, tail = text.partition(",")
        if not DATE_DIGITS.search(tail):
            head, tail = text, text
        t, t_ok = normalised(self.kind, time_key, time_text(head))
        d, d_clean = date_from_digits(tail)
        return {time_key: Value(t, state_for(t_ok and bool(re.search(r"ph", fold(head))), conf), conf),
                date_key: Value(d, state_for(d is not None and d_clean, conf), conf)}

    def _sex(self, keys, text, words, conf):
        entry, exact = from_vocabulary(text, SEX.values())
        code = next((c for c, w in SEX.items() if w == entry), None)
        # Folded Nam / Nu / Chua xac dinh cannot be taken for one another.
        exact = exact or (entry is not None and text_key(entry) == text_key(text))
        return {keys[0]: Value(code, state_for(code is not None and exact, conf), conf)}

    def _registration_kind(self, keys, text, words, conf):
        entry, exact = from_vocabulary(text, [w for c, w in REGISTRATION_KIND.items() if c])
        code = next((c for c, w in REGISTRATION_KIND.items() if w == entry), None)
        exact = exact or (entry is not None and text_key(entry) == text_key(text))
        return {keys[0]: Value(code, state_for(code is not None and exact, conf), conf)}

    def _marriage_kind(self, keys, text, words, conf):
        entry, exact = from_vocabulary(text, MARRIAGE_KIND.values())
        code = next((c for c, w in MARRIAGE_KIND.items() if w == entry), None)
        exact = exact or (entry is not None and text_key(entry) == text_key(text))
        state = state_for(code is not None and exact, conf)
        out = {keys[0]: Value(code, state, conf)}
        if len(keys) > 1:  # "lần đầu" is a registration on time, "lại" a re-registration
            out[keys[1]] = Value({"first": 1, "again": 2}.get(code), state, conf)
        return out

    def _ethnicity(self, keys, text, words, conf):
        entry, exact = from_vocabulary(text, ETHNICITIES)
        if entry is None:
            value, _ = normalised(self.kind, keys[0], text)
            return {keys[0]: Value(value, "uncertain", conf)}
        return {keys[0]: Value(entry, state_for(exact, conf), conf)}

    def _nationality(self, keys, text, words, conf):
        entry, exact = from_vocabulary(text, NATIONALITIES)
        if entry is None and len(text_key(text)) >= 4:  # "Việt" with "Nam" lost
            entry = next((n for n in NATIONALITIES if text_key(n).startswith(text_key(text) + " ")), None)
        if entry is None:  # another nationality: kept as read
            value, ok = normalised(self.kind, keys[0], text.strip(" ,.;"))
            return {keys[0]: Value(value, state_for(ok and looks_like_name(value or ""), conf), conf)}
        return {keys[0]: Value(entry, state_for(exact, conf), conf)}

    def _ethnicity_nationality(self, keys, text, words, conf):
        ethnicity, nationality = keys
        head, comma, tail = text.rpartition(",")
        if not comma:  # the comma was lost: the nationality is the known tail
            for nat in NATIONALITIES:
                n = len(nat.split())
                parts = text.split()
                if len(parts) > n and from_vocabulary(" ".join(parts[-n:]), (nat,))[0]:
                    head, tail = " ".join(parts[:-n]), " ".join(parts[-n:])
                    break
            else:
                return {ethnicity: Value(None, "uncertain", conf),
                        nationality: Value(None, "uncertain", conf)}
        out = self._ethnicity((ethnicity,), head.strip(), words, conf) if head.strip() else \
            {ethnicity: Value(None, "missing", None)}
        out.update(self._nationality((nationality,), tail.strip(), words, conf) if tail.strip() else
                   {nationality: Value(None, "missing", None)})
        if not comma:
            for v in out.values():
                v.state = "uncertain" if v.state == "ok" else v.state
        return out

    def _person_paper(self, keys, text, words, conf):
        person, paper = keys
        name, comma, rest = text.partition(",")
        if not comma:
            m = re.search(r"\b(" + "|".join(map(re.escape, ID_PAPER_WORDS)) + r")\b", text, re.IGNORECASE)
            name, rest = (text[:m.start()], text[m.start():]) if m else (text, "")
        out = self._name((person,), name.strip(), words, conf)
        out.update(self._paper((paper,), rest.strip(), words, conf) if rest.strip() else
                   {paper: Value(None, "missing", None)})
        if not comma:
            for v in out.values():
                v.state = "uncertain" if v.state == "ok" else v.state
        return out

    def _signer(self, keys, text, words, conf):
        position_key, officer_key = keys
        tokens = text.split()
        best, best_len, best_score = None, 0, 0.0
        for pos in POSITIONS:
            n = len(pos.split())
            if len(tokens) <= n:
                continue
            s = label_score(" ".join(tokens[:n]), pos)
            if s > best_score or (s == best_score and n > best_len):
                best, best_len, best_score = pos, n, s
        if best is None or best_score < 80:
            name = self._name((officer_key,), text, words, conf)
            return {position_key: Value(None, "uncertain", conf), **name}
        exact = nfc(" ".join(tokens[:best_len])) == best
        out = {position_key: Value(best, state_for(exact or best_score >= 95, conf), conf)}
        out.update(self._name((officer_key,), " ".join(tokens[best_len:]), words, conf))
        return out

