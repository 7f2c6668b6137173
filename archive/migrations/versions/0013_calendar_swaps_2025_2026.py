"""working calendar: the Government's swapped days of 2025 and 2026

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-29 14:40:00

For civil servants the Government moves a working day next to a holiday onto a Saturday,
so the holiday runs on; 0007 left these out. Known when this was written:

- 2025: Friday 2/5 off, worked on Saturday 26/4 (Thông báo 6150/TB-BLĐTBXH, 2024);
- 2026: Friday 2/1 off, worked on Saturday 10/1 (Công văn 12729/VPCP-KGVX, 25/12/2025).

A day the administrator already entered is left as it is.
"""
from datetime import date, datetime, timezone

from alembic import op
import sqlalchemy as sa
import archive.models


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

SWAPS = (
    (date(2025, 5, 2), "off", "Nghỉ hoán đổi dịp 30/4 - 1/5 (làm bù thứ Bảy 26/4/2025)"),
    (date(2025, 4, 26), "work", "Làm bù cho ngày nghỉ thứ Sáu 2/5/2025"),
    (date(2026, 1, 2), "off", "Nghỉ hoán đổi dịp Tết Dương lịch (làm bù thứ Bảy 10/1/2026)"),
    (date(2026, 1, 10), "work", "Làm bù cho ngày nghỉ thứ Sáu 2/1/2026"),
)

TABLE = sa.table("calendar_days", sa.column("day", sa.Date), sa.column("kind", sa.String),
                 sa.column("name", sa.String), sa.column("created_by", sa.Integer),
                 sa.column("created_at", archive.models.UTCDateTime(timezone=True)))


def upgrade() -> None:
    conn = op.get_bind()
    present = set(conn.execute(sa.select(TABLE.c.day).where(TABLE.c.day.in_([d for d, _, _ in SWAPS]))).scalars())
    now = datetime.now(timezone.utc)
    rows = [{"day": day, "kind": kind, "name": name, "created_by": None, "created_at": now}
            for day, kind, name in SWAPS if day not in present]
    if rows:
        op.bulk_insert(TABLE, rows)


def downgrade() -> None:
    op.execute(TABLE.delete().where(TABLE.c.day.in_([d for d, _, _ in SWAPS]), TABLE.c.created_by.is_(None)))
