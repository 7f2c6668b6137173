"""The printed labels of each kind of register and the contract keys they fill; which
label a line starts with."""

from __future__ import annotations

from dataclasses import dataclass

from docsvc.civil.fields import FIELDS
from docsvc.civil.lines import Line, Word
from docsvc.civil.vocabulary import label_score, text_key

# Label match scores (rapidfuzz ratio, 0-100) needed to accept a line as starting a field:
# with the colon found (the label's end is known) and without it (first words only).
LABEL_SCORE_COLON = 78.0
LABEL_SCORE_BARE = 88.0


# label -> (handler, keys). The printed labels of books and of the sample generator; then
# every contract label (fields.FIELDS) as a one-key label of its type, for books that print
# the fields separately ("Giờ chết", "Quốc tịch của mẹ", "Chức vụ người ký", …).
_COMBINED: dict[str, list[tuple[str, str, tuple[str, ...]]]] = {
    "birth": [
        ("Họ, chữ đệm, tên", "name", ("full_name",)),
        ("Ngày, tháng, năm sinh", "date_words", ("date_of_birth",)),
        ("Số định danh cá nhân", "personal_id", ("personal_id",)),
        ("Dân tộc", "ethnicity", ("ethnicity",)),
        ("Quốc tịch", "nationality", ("nationality",)),
        ("Họ, chữ đệm, tên người mẹ", "name", ("mother_name",)),
        ("Dân tộc, quốc tịch của mẹ", "ethnicity_nationality", ("mother_ethnicity", "mother_nationality")),
        ("Họ, chữ đệm, tên người cha", "name", ("father_name",)),
        ("Dân tộc, quốc tịch của cha", "ethnicity_nationality", ("father_ethnicity", "father_nationality")),
        ("Dân tộc của mẹ", "ethnicity", ("mother_ethnicity",)),
        ("Dân tộc của cha", "ethnicity", ("father_ethnicity",)),
        ("Quốc tịch của mẹ", "nationality", ("mother_nationality",)),
        ("Quốc tịch của cha", "nationality", ("father_nationality",)),
        ("Người đi khai sinh", "person_paper", ("declarant", "declarant_paper")),
        ("Người ký", "signer", ("officer_position", "officer")),
    ],
    "death": [
        ("Họ, chữ đệm, tên người chết", "name", ("full_name",)),
        ("Ngày, tháng, năm sinh", "date_words", ("date_of_birth",)),
        ("Số định danh cá nhân", "personal_id", ("personal_id",)),
        ("Dân tộc", "ethnicity", ("ethnicity",)),
        ("Quốc tịch", "nationality", ("nationality",)),
        ("Thời gian chết", "time_date", ("time_of_death", "date_of_death")),
        ("Người đi khai tử", "person_paper", ("declarant", "declarant_paper")),
        ("Người ký", "signer", ("officer_position", "officer")),
    ],
    "marriage": [
        ("Họ, chữ đệm, tên người vợ", "name", ("wife_name",)),
        ("Họ, chữ đệm, tên người chồng", "name", ("husband_name",)),
        ("Ngày, tháng, năm sinh của vợ", "date_words", ("wife_date_of_birth",)),
        ("Ngày, tháng, năm sinh của chồng", "date_words", ("husband_date_of_birth",)),
        ("Dân tộc, quốc tịch của vợ", "ethnicity_nationality", ("wife_ethnicity", "wife_nationality")),
        ("Dân tộc, quốc tịch của chồng", "ethnicity_nationality", ("husband_ethnicity", "husband_nationality")),
        ("Dân tộc của vợ", "ethnicity", ("wife_ethnicity",)),
        ("Dân tộc của chồng", "ethnicity", ("husband_ethnicity",)),
        ("Quốc tịch của vợ", "nationality", ("wife_nationality",)),
        ("Quốc tịch của chồng", "nationality", ("husband_nationality",)),
        ("Giấy tờ tùy thân của vợ", "paper", ("wife_id_paper",)),
        ("Giấy tờ tùy thân của chồng", "paper", ("husband_id_paper",)),
        ("Loại đăng ký", "marriage_kind", ("marriage_kind", "registration_kind")),
        ("Hình thức đăng ký kết hôn", "marriage_kind", ("marriage_kind", "registration_kind")),
        ("Người ký", "signer", ("officer_position", "officer")),
    ],
}

_TYPE_HANDLER = {"text": "text", "date": "date_words", "year": "year", "time": "time", "int": "int",
                 "sex": "sex", "registration_kind": "registration_kind", "marriage_kind": "marriage_kind"}


@dataclass(frozen=True)
class Label:
    text: str
    handler: str
    keys: tuple[str, ...]
    folded: str
    words: int


def _labels(kind: str) -> list[Label]:
    seen: dict[str, Label] = {}

    def add(text, handler, keys):
        folded = text_key(text)
        if folded not in seen:
            seen[folded] = Label(text, handler, tuple(keys), folded, len(folded.split()))

    for text, handler, keys in _COMBINED[kind]:
        add(text, handler, keys)
    for f in FIELDS[kind]:
        if f.key == "number":
            continue
        handler = _TYPE_HANDLER[f.type]
        if f.key.endswith("_id_paper") or f.key == "declarant_paper":
            handler = "paper"
        elif f.key.endswith("name") or f.key in ("declarant", "officer"):
            handler = "name"
        elif f.key.endswith("ethnicity"):
            handler = "ethnicity"
        elif f.key.endswith("nationality"):
            handler = "nationality"
        elif f.key == "personal_id":
            handler = "personal_id"
        add(f.label, handler, (f.key,))
    return list(seen.values())


LABELS = {kind: _labels(kind) for kind in FIELDS}


def match_label(line: Line, labels: list[Label], margin: float, height: float) -> tuple[Label, list[Word]] | None:
    """The label a line starts with and the words of its value, or None (a continuation)."""
    words = line.words
    # The words up to the first colon (a colon glued to the value is split off).
    for i, w in enumerate(words[:9]):
        if ":" in w.text:
            before, _, after = w.text.partition(":")
            label_text = " ".join([x.text for x in words[:i]] + [before])
            rest = words[i + 1:]
            if after.strip():
                rest = [Word(after.strip(), w.conf, w.x + w.w // 2, w.y, w.w // 2, w.h)] + rest
            scored = [(label_score(label_text, lab.text), lab.words, lab) for lab in labels]
            score, _, best = max(scored, key=lambda s: (s[0], s[1]))
            if score >= LABEL_SCORE_COLON:
                return best, rest
            break
    # No colon read: the first words against each label, only at the left margin.
    if line.start > margin + 1.5 * height:
        return None
    best, best_score, best_n = None, 0.0, 0
    for lab in labels:
        n = len(lab.text.split())
        if len(words) < n:
            continue
        s = label_score(" ".join(w.text for w in words[:n]), lab.text)
        if s > best_score or (s == best_score and n > best_n):
            best, best_score, best_n = lab, s, n
    if best is not None and best_score >= LABEL_SCORE_BARE:
        return best, words[best_n:]
    return None

