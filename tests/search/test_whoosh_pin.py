"""search/ reads Whoosh's private structures: it runs only on the Whoosh it is built against."""

from __future__ import annotations

import re
from importlib.metadata import version
from pathlib import Path

import pytest

from search.compat import WHOOSH_VERSION, WhooshVersionMismatch, check_whoosh

ROOT = Path(__file__).resolve().parents[2]
PINNED = ".".join(map(str, WHOOSH_VERSION))


def test_the_installed_whoosh_is_the_pinned_one():
    assert version("whoosh-reloaded") == PINNED
    check_whoosh()  # the import of search did this too


def test_pyproject_and_lock_pin_exactly_that_version():
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert re.search(rf'"whoosh-reloaded=={re.escape(PINNED)}"', pyproject, re.I)
    lock = (ROOT / "requirements.lock").read_text()
    assert re.search(rf"^whoosh-reloaded=={re.escape(PINNED)} ", lock, re.I | re.M)


@pytest.mark.parametrize("other", [(2, 7, 4), (2, 7, 6), (3, 0, 0)])
def test_any_other_version_is_refused_with_a_clear_message(other):
    with pytest.raises(WhooshVersionMismatch) as refused:
        check_whoosh(other)
    message = str(refused.value)
    assert PINNED in message and ".".join(map(str, other)) in message
    assert "make setup" in message
