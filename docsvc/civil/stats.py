"""Statistics per person over the keying of register entries (issue 11 §4): how many
entries they key an hour, how much reviewers change of what they keyed, and how often
their double keyings agree. Read from the keyings and revisions, which keep who and when."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.accounts import User
from archive.civil import RegisterEntry, RegisterKeying, RegisterRevision


def compute(session: Session, *, unit_ids: frozenset[int] | None, book_id: int | None) -> list[dict]:
    """One dict per person who keyed, reviewed or arbitrated an entry in scope, by user name
    (see docsvc.civil.services.keying_stats for the meaning of each number)."""
    def scoped(query):
        if unit_ids is not None:
            query = query.where(RegisterEntry.office_unit_id.in_(unit_ids))
        if book_id is not None:
            query = query.where(RegisterEntry.book_id == book_id)
        return query

    people: dict[int | None, dict] = defaultdict(lambda: {
        "keyed": 0, "hours": set(), "verified": 0, "review_changes": 0, "changed_in_review": 0,
        "double_keyed": 0, "agreed": 0})
    rounds: dict[int, dict[int, int | None]] = defaultdict(dict)
    status: dict[int, str] = {}
    for entry_id, user_id, round_, at, entry_status in session.execute(scoped(
            select(RegisterKeying.entry_id, RegisterKeying.user_id, RegisterKeying.round, RegisterKeying.at,
                   RegisterEntry.status).join(RegisterEntry, RegisterEntry.id == RegisterKeying.entry_id))):
        rounds[entry_id][round_] = user_id
        status[entry_id] = entry_status
        if round_ in (1, 2):
            person = people[user_id]
            person["keyed"] += 1
            person["hours"].add(at.replace(minute=0, second=0, microsecond=0))
    for entry_id, by_round in rounds.items():
        if 2 not in by_round:
            continue
        agreed = 3 not in by_round and status[entry_id] != "disputed"
        for round_ in (1, 2):
            if round_ in by_round:
                people[by_round[round_]]["double_keyed"] += 1
                people[by_round[round_]]["agreed"] += int(agreed)
    for (verifier,) in session.execute(scoped(select(RegisterEntry.verified_by)
                                              .where(RegisterEntry.status == "verified"))):
        people[verifier]["verified"] += 1
    for reviewer, keyer, changes in session.execute(scoped(
            select(RegisterRevision.user_id, RegisterEntry.keyed_by, RegisterRevision.changes)
            .join(RegisterEntry, RegisterEntry.id == RegisterRevision.entry_id)
            .where(RegisterRevision.stage == "review"))):
        people[reviewer]["review_changes"] += len(changes or {})
        people[keyer]["changed_in_review"] += len(changes or {})
    ids = [u for u in people if u is not None]
    names = {uid: name for uid, name in session.execute(select(User.id, User.username).where(User.id.in_(ids)))}
    result = []
    for user_id, p in people.items():
        hours = len(p.pop("hours"))
        result.append({
            "user_id": user_id, "username": names.get(user_id, "system") if user_id is not None else "system",
            **p, "active_hours": hours,
            "entries_per_hour": round(p["keyed"] / hours, 1) if hours else 0.0,
            "agreement_rate": round(p["agreed"] / p["double_keyed"], 3) if p["double_keyed"] else None,
        })
    return sorted(result, key=lambda r: r["username"])
