"""The unit of work on a real SQLite database: what is not committed is gone, after-commit
work runs only after a commit, and rows a use case read stay readable after the block (a
view renders them). Bad paths tried: leaving without commit after a flush, an exception
inside the block, a rollback before leaving, reading a row that was changed and not kept."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from archive.accounts import Unit
from archive.db import make_engine, make_session_factory
from archive.migrate import upgrade
from archive.uow import UnitOfWork


@pytest.fixture
def factory(tmp_path, database_url):
    engine = make_engine(database_url or f"sqlite:///{tmp_path / 'uow.db'}")
    upgrade(engine)
    yield make_session_factory(engine)
    engine.dispose()


def _units(factory) -> list[str]:
    with factory() as s:
        return list(s.scalars(select(Unit.code).order_by(Unit.code)))


def test_commit_keeps_the_change_and_then_runs_after_commit_work(factory):
    ran = []
    with UnitOfWork(factory) as uow:
        uow.session.add(Unit(code="XA-A", name="Xã A"))
        uow.after_commit(lambda: ran.append(_units(factory)))
        assert ran == []
        uow.commit()
    assert ran == [["XA-A"]]  # the callback saw the committed row


def test_leaving_without_commit_drops_a_flushed_change_and_its_callbacks(factory):
    ran = []
    with UnitOfWork(factory) as uow:
        uow.session.add(Unit(code="XA-B", name="Xã B"))
        uow.session.flush()
        uow.after_commit(lambda: ran.append(1))
    assert _units(factory) == [] and ran == []


def test_an_exception_rolls_back(factory):
    with pytest.raises(RuntimeError):
        with UnitOfWork(factory) as uow:
            uow.session.add(Unit(code="XA-C", name="Xã C"))
            uow.session.flush()
            raise RuntimeError("refused")
    assert _units(factory) == []


def test_rollback_forgets_registered_work(factory):
    ran = []
    with UnitOfWork(factory) as uow:
        uow.session.add(Unit(code="XA-D", name="Xã D"))
        uow.after_commit(lambda: ran.append(1))
        uow.rollback()
        uow.commit()
    assert _units(factory) == [] and ran == []


def test_rows_read_stay_readable_after_the_block(factory):
    with UnitOfWork(factory) as uow:
        uow.session.add(Unit(code="XA-E", name="Xã E"))
        uow.commit()
    with UnitOfWork(factory) as uow:
        unit = uow.session.scalar(select(Unit).where(Unit.code == "XA-E"))
        count = uow.session.scalar(select(func.count()).select_from(Unit))
    assert (unit.code, unit.name, count) == ("XA-E", "Xã E", 1)  # detached, not expired


def test_a_row_changed_and_not_committed_is_not_left_with_the_change(factory):
    with UnitOfWork(factory) as uow:
        uow.session.add(Unit(code="XA-F", name="Xã F"))
        uow.commit()
    with UnitOfWork(factory) as uow:
        unit = uow.session.scalar(select(Unit).where(Unit.code == "XA-F"))
        unit.name = "đổi tên"
    assert _units(factory) == ["XA-F"]
    with factory() as s:
        assert s.scalar(select(Unit.name)) == "Xã F"
