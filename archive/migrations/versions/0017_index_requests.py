"""index requests: documents read on a host without the search index, for the index host;
each worker's own job slots

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-29 22:30:00.000000
"""
from alembic import op
import sqlalchemy as sa
import archive.models


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('index_requests',
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('requested_at', archive.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('worker', sa.String(length=128), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_index_requests_document_id_documents'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('document_id', name=op.f('pk_index_requests'))
    )
    with op.batch_alter_table('index_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_index_requests_requested_at'), ['requested_at'], unique=False)
    with op.batch_alter_table('workers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('slots', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('workers', schema=None) as batch_op:
        batch_op.drop_column('slots')
    with op.batch_alter_table('index_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_index_requests_requested_at'))
    op.drop_table('index_requests')
