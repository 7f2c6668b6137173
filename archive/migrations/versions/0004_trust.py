"""trust: personal-data mark, per-holder documents, server-side sessions, token expiry

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 05:30:00
"""
from alembic import op
import sqlalchemy as sa
import archive.models


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('personal_data', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.drop_constraint('uq_documents_sha256', type_='unique')
        batch_op.create_index(batch_op.f('ix_documents_sha256'), ['sha256'], unique=False)
        batch_op.create_unique_constraint('uq_documents_holder', ['sha256', 'unit_id', 'secrecy', 'personal_data'])

    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expires_at', archive.models.UTCDateTime(timezone=True), nullable=True))

    op.create_table('web_sessions',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', archive.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', archive.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', archive.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ended_at', archive.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('ended_reason', sa.String(length=32), nullable=True),
    sa.Column('ip', sa.String(length=64), nullable=True),
    sa.Column('user_agent', sa.String(length=300), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_web_sessions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_web_sessions'))
    )
    with op.batch_alter_table('web_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_web_sessions_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('web_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_web_sessions_user_id'))
    op.drop_table('web_sessions')
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_column('expires_at')
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_constraint('uq_documents_holder', type_='unique')
        batch_op.drop_index(batch_op.f('ix_documents_sha256'))
        batch_op.create_unique_constraint('uq_documents_sha256', ['sha256'])
        batch_op.drop_column('personal_data')
