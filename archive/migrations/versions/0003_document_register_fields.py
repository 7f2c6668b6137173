"""register fields of documents

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 18:41:17.039966
"""
from alembic import op
import sqlalchemy as sa
import archive.models


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('doc_type', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('number', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('symbol', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('issuer', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('issued_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('arrived_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('direction', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('abstract', sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f('ix_documents_doc_type'), ['doc_type'], unique=False)
        batch_op.create_index(batch_op.f('ix_documents_issued_on'), ['issued_on'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_documents_issued_on'))
        batch_op.drop_index(batch_op.f('ix_documents_doc_type'))
        batch_op.drop_column('abstract')
        batch_op.drop_column('direction')
        batch_op.drop_column('arrived_on')
        batch_op.drop_column('issued_on')
        batch_op.drop_column('issuer')
        batch_op.drop_column('symbol')
        batch_op.drop_column('number')
        batch_op.drop_column('doc_type')

