"""Organisation units, users, roles, API tokens and sign-in attempts.

Units form a tree with a validity period (DOMAIN.md: since 1 July 2025 district committees
are gone but their records are not). A unit that ends may name a successor, which then has
custody of its records: users of the successor see what the old unit made.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from archive.models import Base, utcnow

# Secrecy levels (DOMAIN.md §1) and the clearance that lets a user see them.
SECRECY_NONE, SECRECY_MAT, SECRECY_TOI_MAT, SECRECY_TUYET_MAT = 0, 1, 2, 3
SECRECY_LABELS = {0: "Thường", 1: "Mật", 2: "Tối mật", 3: "Tuyệt mật"}

ROLES = ("admin", "clerk", "archivist", "specialist", "leader", "one_stop", "civil_status", "viewer")
ROLE_LABELS = {
    "admin": "Quản trị hệ thống",
    "clerk": "Văn thư",
    "archivist": "Lưu trữ",
    "specialist": "Chuyên viên",
    "leader": "Lãnh đạo",
    "one_stop": "Cán bộ một cửa",
    "civil_status": "Công chức hộ tịch",
    "viewer": "Người xem",
}


class Unit(Base):
    __tablename__ = "units"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(32), default="unit")  # province | commune | department | unit
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    successor_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    parent: Mapped["Unit | None"] = relationship(remote_side=[id], foreign_keys=[parent_id])
    successor: Mapped["Unit | None"] = relationship(remote_side=[id], foreign_keys=[successor_id])

    def is_valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str | None] = mapped_column(String(254))   # reminders by e-mail (routing), when SMTP is set
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    clearance: Mapped[int] = mapped_column(Integer, default=SECRECY_NONE)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Bumped when the password changes or the account is disabled: old sessions stop working.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column()
    last_login_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit] = relationship()
    role_rows: Mapped[list["UserRole"]] = relationship(cascade="all, delete-orphan", lazy="selectin")

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(r.role for r in self.role_rows)

    def set_roles(self, roles) -> None:
        unknown = set(roles) - set(ROLES)
        if unknown:
            raise ValueError(f"unknown role(s): {', '.join(sorted(unknown))}")
        self.role_rows = [UserRole(role=r) for r in sorted(set(roles))]


class UserRole(Base):
    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(32), primary_key=True)


class ApiToken(Base):
    """A per-user API token. Only its SHA-256 is kept; the token is shown once."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))  # shown in lists so a person can tell tokens apart
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column()
    expires_at: Mapped[datetime | None] = mapped_column()  # None: until revoked

    user: Mapped[User] = relationship()


class WebSession(Base):
    """A signed-in browser session, kept on the server: the cookie carries a random token and
    only its SHA-256 is stored here. Signing out (or expiry) ends the row, so a copied cookie
    is refused afterwards."""

    __tablename__ = "web_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # SHA-256 of the cookie's token
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()                  # absolute end (a working day)
    ended_at: Mapped[datetime | None] = mapped_column()
    ended_reason: Mapped[str | None] = mapped_column(String(32))    # logout | idle | expired | password | disabled
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(300))

    user: Mapped[User] = relationship()


class LoginAttempt(Base):
    """Every sign-in attempt, for throttling by name and by address across processes."""

    __tablename__ = "login_attempts"
    __table_args__ = (Index("ix_login_attempts_ip_at", "ip", "at"),
                      Index("ix_login_attempts_username_at", "username", "at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    ip: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    success: Mapped[bool] = mapped_column(Boolean, default=False)


_UNITS = select(Unit.__table__.c.id, Unit.__table__.c.parent_id, Unit.__table__.c.successor_id)


def unit_subtree_ids(session: Session, unit_id: int) -> set[int]:
    """The unit, every unit below it, and every unit whose records passed into their custody
    (a unit whose successor is in the set, recursively)."""
    units = session.execute(_UNITS).all()
    children: dict[int | None, list[int]] = {}
    predecessors: dict[int, list[int]] = {}
    for uid, parent, successor in units:
        children.setdefault(parent, []).append(uid)
        if successor is not None:
            predecessors.setdefault(successor, []).append(uid)
    seen: set[int] = set()
    stack = [unit_id]
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        stack.extend(children.get(current, ()))
        stack.extend(predecessors.get(current, ()))
    return seen
