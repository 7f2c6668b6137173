"""the on-time report's daily and monthly roll-up (archive/rollup.py)

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-29 16:10:00

One row per (grain, day, measure, kind, scope unit, unit, person, field) with a count, kept
by a before-flush listener in the same transaction as the records; the rows of the records
already there are computed here (``rebuild_rollup``).
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.orm import Session


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'report_rollup',
        sa.Column('grain', sa.String(length=1), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('measure', sa.String(length=24), nullable=False),
        sa.Column('kind', sa.String(length=8), nullable=False),
        sa.Column('scope_unit_id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('field', sa.String(length=100), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('grain', 'day', 'measure', 'kind', 'scope_unit_id', 'unit_id', 'user_id', 'field'),
        sqlite_with_rowid=False,
    )
    from archive.rollup import rebuild_rollup

    session = Session(bind=op.get_bind())
    rebuild_rollup(session)
    session.flush()


def downgrade() -> None:
    op.drop_table('report_rollup')
