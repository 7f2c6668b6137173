"""Every string the status page, its problems and its permission mark for translation has
its English in docsvc/ops/translations_en_ops.py or already in the main catalog (the
integrator merges the first into the second).

Bad input tried: a marked string with no English anywhere (the check lists it)."""

from __future__ import annotations

import re
from pathlib import Path

from docsvc.ops.translations_en_ops import CATALOG as OPS
from docsvc.translations_en import CATALOG

ROOT = Path(__file__).resolve().parents[2] / "docsvc"
MARKED = re.compile(r"""\b(?:N_|_)\(\s*(["'])((?:(?!\1).)+)\1\s*\)""")
SOURCES = [*(ROOT / "ops").rglob("*.py"), *(ROOT / "ops").rglob("*.html"), ROOT / "templates" / "admin" / "index.html"]


def untranslated(paths, catalog) -> list[str]:
    found = {m.group(2) for p in paths for m in MARKED.finditer(p.read_text(encoding="utf-8"))}
    return sorted(s for s in found if s not in catalog)


def test_every_marked_string_of_the_status_has_english(tmp_path):
    both = {**CATALOG, **OPS}
    assert untranslated(SOURCES, both) == []
    from docsvc.permissions import TABLE

    assert TABLE["system.status"][0] in both
    stray = tmp_path / "x.html"
    stray.write_text('{{ _("Một câu chưa dịch") }}', encoding="utf-8")
    assert untranslated([stray], both) == ["Một câu chưa dịch"]
