"""The one Whoosh release ``search/`` is built against.

``search/`` reads Whoosh's private structures (segment files read in place, posting blocks
decoded by our executor, the segment writer), which a new release may change without notice.
pyproject.toml pins ``whoosh-reloaded`` to this version; importing ``search`` with any other
fails at once with a message saying what to do, instead of answering queries wrongly.
"""

from __future__ import annotations

WHOOSH_VERSION = (2, 7, 5)


class WhooshVersionMismatch(ImportError):
    pass


def check_whoosh(found: tuple | None = None) -> None:
    """Raise ``WhooshVersionMismatch`` unless the installed Whoosh is ``WHOOSH_VERSION``."""
    if found is None:
        import whoosh

        found = tuple(whoosh.__version__)
    if tuple(found[:3]) != WHOOSH_VERSION:
        want = ".".join(map(str, WHOOSH_VERSION))
        have = ".".join(map(str, found))
        raise WhooshVersionMismatch(
            f"search/ is built against whoosh-reloaded {want} (it reads Whoosh's private "
            f"structures) but {have} is installed. Install the pinned version with 'make setup' "
            f"(pip install -r requirements.lock), or port search/storage.py, search/segment.py "
            f"and search/segments.py to {have} and change WHOOSH_VERSION and pyproject.toml.")
