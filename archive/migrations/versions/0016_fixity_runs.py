"""fixity on a schedule: the runs (one scheduled run per local day) and each blob's last check

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-29 18:12:43.238000
"""
from alembic import op
import sqlalchemy as sa
import archive.models


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('fixity_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('scheduled_day', sa.Date(), nullable=True),
    sa.Column('started_at', archive.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', archive.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('worker', sa.String(length=128), nullable=False),
    sa.Column('checked', sa.Integer(), nullable=False),
    sa.Column('bytes_checked', sa.BigInteger(), nullable=False),
    sa.Column('ok', sa.Integer(), nullable=False),
    sa.Column('missing', sa.Integer(), nullable=False),
    sa.Column('corrupt', sa.Integer(), nullable=False),
    sa.Column('repaired', sa.Integer(), nullable=False),
    sa.Column('problems', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fixity_runs')),
    sa.UniqueConstraint('scheduled_day', name=op.f('uq_fixity_runs_scheduled_day'))
    )
    with op.batch_alter_table('fixity_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fixity_runs_started_at'), ['started_at'], unique=False)

    op.create_table('blob_checks',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('checked_at', archive.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('problem_since', archive.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('run_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['run_id'], ['fixity_runs.id'], name=op.f('fk_blob_checks_run_id_fixity_runs'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['sha256'], ['blobs.sha256'], name=op.f('fk_blob_checks_sha256_blobs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('sha256', name=op.f('pk_blob_checks'))
    )
    with op.batch_alter_table('blob_checks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_blob_checks_checked_at'), ['checked_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_blob_checks_state'), ['state'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('blob_checks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_blob_checks_state'))
        batch_op.drop_index(batch_op.f('ix_blob_checks_checked_at'))

    op.drop_table('blob_checks')
    with op.batch_alter_table('fixity_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fixity_runs_started_at'))

    op.drop_table('fixity_runs')
