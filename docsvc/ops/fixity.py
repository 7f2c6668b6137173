"""Fixity as a use case: a full check or a night's slice, repair from the replica, the
worker's nightly timer, and what the administration page shows.

The mechanism (the run rows, each blob's last check, the slice, the repair) is
``archive.fixity_runs``; this module wires it to the settings (``DOCSVC_FIXITY_HOUR``,
``DOCSVC_FIXITY_DAYS``, ``DOCSVC_BLOB_REPLICA``), to the audit trail and to the log. A blob
that is missing or corrupt and cannot be repaired is told loudly: an ERROR line, a
``system.fixity_problem`` audit record, and a banner on the administration pages until a later
run finds the blob good.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable
from zoneinfo import ZoneInfo

from archive import fixity_runs as fr
from archive.models import Blob
from docsvc.access import Principal, system_principal
from docsvc.services.audit import PermissionDenied, record
from docsvc.services.container import Services
from docsvc.timers import Periodic

log = logging.getLogger(__name__)

RUN_ACTION = "system.fixity_run"
PROBLEM_ACTION = "system.fixity_problem"
PROBLEM_RECORDS_PER_RUN = 50   # one audit record per unrepaired blob, up to this; the run's record counts all
POLL_MINUTES = 10              # how often the worker looks whether tonight's run is due


@dataclass
class FixityResult:
    """A finished run: its row (as a dict) and every problem it met."""

    run: dict
    problems: list[fr.Problem] = field(default_factory=list)

    @property
    def unrepaired(self) -> list[fr.Problem]:
        return [p for p in self.problems if not p.repaired]

    @property
    def intact(self) -> bool:
        return not self.unrepaired

    def report(self) -> dict:
        """What ``docsvc fixity --json`` printed before runs were recorded (kept as is)."""
        return {"checked": self.run["checked"], "ok": self.run["ok"],
                "missing": sorted(p.sha256 for p in self.problems if p.what == fr.MISSING),
                "corrupt": sorted(p.sha256 for p in self.problems if p.what == fr.CORRUPT)}


def _require(principal: Principal) -> None:
    if not principal.can("system.fixity"):
        raise PermissionDenied("system.fixity")


def _replica(services: Services) -> Path | None:
    value = services.settings.blob_replica
    return Path(value).expanduser().resolve() if value else None


def run_fixity(services: Services, principal: Principal, *, full: bool = True, repair: bool = False,
               now: datetime | None = None, worker: str | None = None, day=None,
               progress: Callable[[int, int], None] | None = None,
               stop: Callable[[], bool] | None = None) -> FixityResult | None:
    """Check every blob (``full``) or the slice the schedule takes now, optionally repairing
    from the replica, and record the run. A scheduled run names its local ``day``: → None
    when another runner has that day already."""
    _require(principal)
    now = now or datetime.now(timezone.utc)
    began = datetime.now(timezone.utc)
    kind = fr.RUN_SCHEDULED if day is not None else fr.RUN_MANUAL
    run_id = fr.start_run(services.session_factory, kind=kind, worker=worker or principal.username, now=now, day=day)
    if run_id is None:
        return None
    if full:
        with services.session_factory() as session:
            total = session.query(Blob).count()
        shas = fr.all_shas(services.session_factory)
    else:
        with services.session_factory() as session:
            shas = fr.select_slice(session, now, services.settings.fixity_days or 30)
        total = len(shas)
    done = [0]

    def step(n: int) -> None:
        done[0] += n
        if progress:
            progress(done[0], total)

    problems = fr.execute_run(services.session_factory, services.blobs, run_id, shas, now=now,
                              replica=_replica(services), repair=repair, progress=step, stop=stop)
    unrepaired = [p for p in problems if not p.repaired]
    with services.uow() as uow:
        run = fr.finish_run(uow.session, run_id, now + (datetime.now(timezone.utc) - began))
        summary = {k: v for k, v in run.as_dict().items() if k not in ("problems", "started_at", "finished_at")}
        summary["unrepaired"] = len(unrepaired)
        record(services, uow.session, principal, RUN_ACTION, object_type="fixity_run", object_id=run_id,
               details=summary)
        for p in unrepaired[:PROBLEM_RECORDS_PER_RUN]:
            record(services, uow.session, principal, PROBLEM_ACTION, object_type="blob", object_id=p.sha256,
                   details={"run": run_id, "what": p.what, "note": p.note})
        uow.commit()
        result = FixityResult(run.as_dict(), problems)
    for p in problems:
        if p.repaired:
            log.warning("fixity: blob %s was %s and is repaired from the replica", p.sha256, p.what)
        else:
            log.error("fixity: blob %s is %s and NOT repaired (%s)", p.sha256, p.what,
                      p.note or "repair not asked")
    return result


def local_now(services: Services, now: datetime | None = None) -> datetime:
    return (now or datetime.now(timezone.utc)).astimezone(ZoneInfo(services.settings.time_zone))


def run_scheduled(services: Services, *, now: datetime | None = None, worker: str = "worker",
                  stop: Callable[[], bool] | None = None) -> FixityResult | None:
    """Tonight's slice, repaired from the replica when one is configured, if it is due: from
    ``DOCSVC_FIXITY_HOUR`` local time, once per local day whatever the number of workers (the
    first to claim the day runs it; a worker that was down at that hour catches up when it
    starts). → None when not due or already run."""
    s = services.settings
    if s.fixity_days <= 0:
        return None
    local = local_now(services, now)
    if local.hour < s.fixity_hour:
        return None
    with services.session_factory() as session:
        if fr.scheduled_run_of(session, local.date()) is not None:
            return None
    return run_fixity(services, system_principal("fixity"), full=False, repair=True, now=now, worker=worker,
                      day=local.date(), stop=stop)


def replicate_blobs(services: Services, principal: Principal) -> dict:
    """Copy to the replica every blob it lacks (``docsvc fixity --replicate``)."""
    _require(principal)
    replica = _replica(services)
    if replica is None:
        raise ValueError("DOCSVC_BLOB_REPLICA")
    out = fr.replicate(services.session_factory, services.blobs, replica)
    out["replica"] = str(replica)
    return out


@dataclass
class FixityOverview:
    runs: list[dict]
    problem_count: int
    problems: list[dict]
    replica: str
    hour: int
    days: int
    due_tonight: int
    total: int


def fixity_overview(services: Services, principal: Principal, limit: int = 30) -> FixityOverview:
    """The recent runs, the blobs still bad, and the schedule (the administration page)."""
    _require(principal)
    with services.session_factory() as session:
        runs = [r.as_dict() | {"unrepaired": r.unrepaired} for r in fr.recent_runs(session, limit)]
        count, rows = fr.open_problems(session)
        problems = [{"sha256": r.sha256, "state": r.state, "since": r.problem_since, "checked_at": r.checked_at,
                     "run_id": r.run_id} for r in rows]
        nxt = local_now(services).replace(hour=services.settings.fixity_hour, minute=0, second=0, microsecond=0)
        if nxt <= local_now(services):
            nxt += timedelta(days=1)
        total, due = fr.slice_size(session, nxt.astimezone(timezone.utc), services.settings.fixity_days or 30)
    replica = _replica(services)
    return FixityOverview(runs, count, problems, str(replica) if replica else "", services.settings.fixity_hour,
                          services.settings.fixity_days, due, total)


def fixity_alert(services: Services, principal: Principal) -> int:
    """How many blobs are missing or corrupt and not repaired, for the banner (0 for whoever
    may not see fixity)."""
    if not principal.can("system.fixity"):
        return 0
    with services.session_factory() as session:
        return fr.open_problems(session, limit=0)[0]


class FixitySchedule(Periodic):
    """The worker's timer: looks every few minutes whether tonight's run is due; the first
    look one interval after start, so that a worker started many times a day (a deployment,
    the tests) does not hash at once each time."""

    name = "fixity"
    first_at_once = False

    def __init__(self, services: Services, worker_id: str):
        super().__init__(POLL_MINUTES)
        self.services, self.worker_id = services, worker_id

    def tick(self) -> FixityResult | None:
        return run_scheduled(self.services, worker=self.worker_id, stop=self._stop.is_set)


def start_fixity(services: Services, worker_id: str) -> FixitySchedule | None:
    """Unless ``DOCSVC_FIXITY_DAYS`` is 0."""
    return FixitySchedule(services, worker_id).start() if services.settings.fixity_days > 0 else None
