"""docs/permissions.md shows the permission table as the code has it."""

from pathlib import Path

from docsvc.permissions import markdown_table

DOC = Path(__file__).resolve().parents[2] / "docs" / "permissions.md"


def test_the_documented_table_is_the_real_one():
    text = DOC.read_text(encoding="utf-8")
    assert text.split("<!-- table -->\n", 1)[1].strip() == markdown_table().strip()
