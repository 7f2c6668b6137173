"""Fixity finds blobs that went missing or changed. Inputs tried: an intact store, a deleted
blob, a blob whose bytes were altered on disk."""

from __future__ import annotations

import json
import os

from archive.fixity import check_fixity
from archive.models import Blob


def _add(services, data: bytes) -> str:
    sha = services.blobs.put(data)
    with services.session_factory() as s:
        s.add(Blob(sha256=sha, size_bytes=len(data), media_type="application/octet-stream", role="original"))
        s.commit()
    return sha


def test_fixity_reports_missing_and_corrupt_blobs(app, services):
    good, gone, bad = (_add(services, d) for d in (b"good bytes", b"deleted bytes", b"altered bytes"))
    runner = app.test_cli_runner()

    result = runner.invoke(args=["fixity", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"checked": 3, "ok": 3, "missing": [], "corrupt": []}

    services.blobs.path(gone).unlink()
    path = services.blobs.path(bad)
    os.chmod(path, 0o644)
    path.write_bytes(b"altered bytes, tampered")

    result = runner.invoke(args=["fixity", "--json"])
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report == {"checked": 3, "ok": 1, "missing": [gone], "corrupt": [bad]}
    with services.session_factory() as s:
        assert check_fixity(s, services.blobs).ok == 1

    human = runner.invoke(args=["fixity"])
    assert human.exit_code == 1 and gone in human.output and bad in human.output and good not in human.output
