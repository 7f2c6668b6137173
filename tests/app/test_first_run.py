"""The first run as a new user meets it: `docsvc init` on an empty data directory prints the
administrator's password in a box and keeps it in an owner-only file, logs nothing alarming,
and the file goes once the password is changed. Real processes, real SQLite."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys

import pytest

from archive.db import make_engine
from archive.accounts import User
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from docsvc.accounts.services import verify_password


def _docsvc(data_dir, *args, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCSVC_")}
    env["DOCSVC_DATA_DIR"] = str(data_dir)
    return subprocess.run([sys.executable, "-m", "docsvc", *args], env=env, input=stdin, capture_output=True,
                          text=True, timeout=300)


def _admin_hash(data_dir) -> str:
    engine = make_engine(f"sqlite:///{data_dir / 'docsvc.db'}")
    with Session(engine) as db:
        return db.scalar(select(User.password_hash).where(User.username == "admin"))


def test_first_init_shows_the_password_in_a_box_and_keeps_it_private(tmp_path):
    data_dir = tmp_path / "var"
    first = _docsvc(data_dir, "init")
    assert first.returncode == 0, first.stderr
    out = first.stdout
    assert "╔" in out and "╚" in out
    password = re.search(r"password: (\S+)", out).group(1)
    assert verify_password(_admin_hash(data_dir), password)

    kept = data_dir / "admin-password.txt"
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert f"username: admin\npassword: {password}\n" in kept.read_text(encoding="utf-8")
    # Nothing alarming on a brand-new install (the empty index is made, not "rebuilt").
    assert "WARNING" not in first.stderr and "rebuild" not in first.stderr, first.stderr

    again = _docsvc(data_dir, "init")
    assert again.returncode == 0 and "password:" not in again.stdout and kept.exists()

    changed = _docsvc(data_dir, "user", "passwd", "admin", "--password-stdin", stdin="a-new-Password-2026\n")
    assert changed.returncode == 0, changed.stderr
    assert not kept.exists()
    assert verify_password(_admin_hash(data_dir), "a-new-Password-2026")


def test_a_given_admin_password_is_not_written_anywhere(tmp_path):
    data_dir = tmp_path / "var"
    env_run = subprocess.run([sys.executable, "-m", "docsvc", "init"], capture_output=True, text=True, timeout=300,
                             env={**{k: v for k, v in os.environ.items() if not k.startswith("DOCSVC_")},
                                  "DOCSVC_DATA_DIR": str(data_dir), "DOCSVC_ADMIN_PASSWORD": "Given-Secret-99"})
    assert env_run.returncode == 0, env_run.stderr
    assert "Given-Secret-99" not in env_run.stdout
    assert "DOCSVC_ADMIN_PASSWORD" in env_run.stdout
    assert not (data_dir / "admin-password.txt").exists()


@pytest.mark.ocr
@pytest.mark.slow
@pytest.mark.xdist_group("ocr")
def test_the_demo_loads_and_waits_for_its_documents(tmp_path):
    """`docsvc demo --wait` (what a first look at the service runs): every sample document is
    read, none failed, the register scans are marked personal, sample extracts are issued (one
    revoked), and a second `--if-empty` adds nothing."""
    data_dir = tmp_path / "var"
    assert _docsvc(data_dir, "init").returncode == 0
    demo = _docsvc(data_dir, "demo", "--wait")
    assert demo.returncode == 0, demo.stdout + demo.stderr
    engine = make_engine(f"sqlite:///{data_dir / 'docsvc.db'}")
    from archive.models import Document

    with Session(engine) as db:
        states = list(db.scalars(select(Document.status)))
        personal = set(db.scalars(select(Document.original_name).where(Document.personal_data.is_(True))))
    assert len(states) >= 8 and set(states) == {"done"}, states
    # The register scans are personal data: only roles with person.view will see them.
    assert {"06-so-khai-sinh-1987.tif", "07-so-ket-hon-1992.png", "08-so-khai-tu-2003.png"} <= personal
    # The sample register books (issue 11 §9): every state of an entry is there to see.
    with Session(engine) as db:
        statuses = dict(db.execute(text("SELECT status, count(*) FROM register_entries GROUP BY status")).all())
        kinds = set(db.scalars(text("SELECT kind FROM register_books")))
        revisions = db.scalar(text("SELECT count(*) FROM register_revisions WHERE reason IS NOT NULL"))
    assert kinds == {"birth", "death", "marriage"}
    assert statuses.get("proposed", 0) >= 3, statuses    # read by the machine from typed pages
    assert statuses.get("keyed", 0) >= 1 and statuses.get("verified", 0) >= 1 and statuses.get("disputed") == 1
    assert revisions >= 1                                 # a correction of a verified entry
    # Sample extracts (issue 12): issued from verified entries, one revoked, signed by a named leader.
    with Session(engine) as db:
        issued = db.scalar(text("SELECT count(*) FROM extracts"))
        revoked = db.scalar(text("SELECT count(*) FROM extract_revocations"))
        signers = set(db.scalars(text("SELECT signer_name FROM extracts")))
    assert issued >= 2 and revoked == 1 and signers == {"Trần Văn Lãnh"}, (issued, revoked, signers)
    assert (data_dir / "extracts" / "ca" / "XA-TANPHU-ca.pem").exists()
    again = _docsvc(data_dir, "demo", "--if-empty")
    assert again.returncode == 0
    with Session(engine) as db:
        assert len(list(db.scalars(select(Document.id)))) == len(states)
