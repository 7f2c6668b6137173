"""covering indexes for the on-time report (docsvc/reports/services.py)

Revision ID: 0012
Revises: 0010
Create Date: 2026-11-29 14:50:00

The report's grouped queries each read one date range (dossiers received or returned, main
assignments received or completed) grouped by one key (unit, field, person, or the day for
months and totals). Each index starts with a grouping key (then the standing for what was
resolved), then the date, and holds every other column the query reads: the database walks
each group's date range in index order (SQLite: "USING COVERING INDEX ... ANY(key)"), with no
sort and no visit to the table, so ten years of a million rows stay within a second
(bench/reports.py). Measured before: one wide index per date read every row of the range and
sorted it for the GROUP BY, three to six times slower.
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0010'
branch_labels = None
depends_on = None

INDEXES = (
    ('dossiers', 'ix_dossiers_rep_recv_day', ['received_on', 'office_unit_id', 'supplements', 'status', 'due_on']),
    ('dossiers', 'ix_dossiers_rep_recv_field', ['field', 'received_on', 'office_unit_id', 'supplements']),
    ('dossiers', 'ix_dossiers_rep_recv_unit', ['handling_unit_id', 'received_on', 'office_unit_id', 'supplements']),
    ('dossiers', 'ix_dossiers_rep_recv_user', ['handling_user_id', 'received_on', 'office_unit_id', 'supplements']),
    ('dossiers', 'ix_dossiers_rep_ret_day', ['standing', 'returned_on', 'office_unit_id', 'field']),
    ('dossiers', 'ix_dossiers_rep_ret_field', ['field', 'standing', 'returned_on', 'office_unit_id']),
    ('dossiers', 'ix_dossiers_rep_ret_unit', ['handling_unit_id', 'standing', 'returned_on', 'office_unit_id']),
    ('dossiers', 'ix_dossiers_rep_ret_user', ['handling_user_id', 'standing', 'returned_on', 'office_unit_id']),
    ('assignments', 'ix_assignments_rep_recv_day', ['received_on', 'role', 'incoming_id', 'parent_id', 'unit_id']),
    ('assignments', 'ix_assignments_rep_recv_unit', ['unit_id', 'received_on', 'role', 'incoming_id', 'parent_id']),
    ('assignments', 'ix_assignments_rep_recv_user', ['user_id', 'received_on', 'role', 'incoming_id', 'parent_id', 'unit_id']),
    ('assignments', 'ix_assignments_rep_done_day', ['standing', 'completed_on', 'role', 'incoming_id', 'unit_id']),
    ('assignments', 'ix_assignments_rep_done_unit', ['unit_id', 'standing', 'completed_on', 'role', 'incoming_id']),
    ('assignments', 'ix_assignments_rep_done_user', ['user_id', 'standing', 'completed_on', 'role', 'incoming_id', 'unit_id']),
)


IN_HAND_SQL = "status IN ('received', 'in_progress', 'supplement')"
IN_HAND = ['received_on', 'status', 'due_on', 'office_unit_id', 'field', 'handling_unit_id', 'handling_user_id']


def upgrade() -> None:
    for table, name, columns in INDEXES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(name, columns, unique=False)
    # Partial: only the dossiers in hand (a few among a million), for the open/overdue counts.
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.create_index('ix_dossiers_in_hand', IN_HAND, unique=False, sqlite_where=sa.text(IN_HAND_SQL),
                              postgresql_where=sa.text(IN_HAND_SQL))


def downgrade() -> None:
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.drop_index('ix_dossiers_in_hand')
    for table, name, _columns in reversed(INDEXES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(name)
