"""civil-status registers: books, pages, entries, keyings, revisions

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 08:15:53.453827
"""
from alembic import op
import sqlalchemy as sa
import archive.models


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('register_books',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('office_unit_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('year_from', sa.Integer(), nullable=False),
    sa.Column('year_to', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=300), nullable=False),
    sa.Column('condition_notes', sa.Text(), nullable=True),
    sa.Column('verification_mode', sa.String(length=16), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', archive.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_register_books_created_by_users')),
    sa.ForeignKeyConstraint(['office_unit_id'], ['units.id'], name=op.f('fk_register_books_office_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_register_books'))
    )
    with op.batch_alter_table('register_books', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_register_books_office_unit_id'), ['office_unit_id'], unique=False)

    op.create_table('register_pages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('book_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('parsed_at', archive.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('parse_note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['book_id'], ['register_books.id'], name=op.f('fk_register_pages_book_id_register_books')),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_register_pages_document_id_documents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_register_pages')),
    sa.UniqueConstraint('book_id', 'seq', name='uq_register_pages_book_seq')
    )
    with op.batch_alter_table('register_pages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_register_pages_document_id'), ['document_id'], unique=False)

    op.create_table('register_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('book_id', sa.Integer(), nullable=False),
    sa.Column('office_unit_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('page_id', sa.Integer(), nullable=True),
    sa.Column('box', sa.JSON(), nullable=True),
    sa.Column('extra_pages', sa.JSON(), nullable=True),
    sa.Column('keyed_by', sa.Integer(), nullable=True),
    sa.Column('keyed_at', archive.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('verified_by', sa.Integer(), nullable=True),
    sa.Column('verified_at', archive.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', archive.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['book_id'], ['register_books.id'], name=op.f('fk_register_entries_book_id_register_books')),
    sa.ForeignKeyConstraint(['keyed_by'], ['users.id'], name=op.f('fk_register_entries_keyed_by_users')),
    sa.ForeignKeyConstraint(['office_unit_id'], ['units.id'], name=op.f('fk_register_entries_office_unit_id_units')),
    sa.ForeignKeyConstraint(['page_id'], ['pages.id'], name=op.f('fk_register_entries_page_id_pages')),
    sa.ForeignKeyConstraint(['verified_by'], ['users.id'], name=op.f('fk_register_entries_verified_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_register_entries')),
    sa.UniqueConstraint('office_unit_id', 'kind', 'year', 'number', name='uq_register_entries_number')
    )
    with op.batch_alter_table('register_entries', schema=None) as batch_op:
        batch_op.create_index('ix_register_entries_book_status', ['book_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_register_entries_page_id'), ['page_id'], unique=False)

    op.create_table('register_keyings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('at', archive.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['register_entries.id'], name=op.f('fk_register_keyings_entry_id_register_entries')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_register_keyings_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_register_keyings')),
    sa.UniqueConstraint('entry_id', 'round', name='uq_register_keyings_entry_round')
    )
    with op.batch_alter_table('register_keyings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_register_keyings_user_id'), ['user_id'], unique=False)

    op.create_table('register_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('at', archive.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('stage', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('legal_basis', sa.String(length=200), nullable=True),
    sa.Column('legal_basis_date', sa.Date(), nullable=True),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['register_entries.id'], name=op.f('fk_register_revisions_entry_id_register_entries')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_register_revisions_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_register_revisions')),
    sa.UniqueConstraint('entry_id', 'seq', name='uq_register_revisions_entry_seq')
    )
    with op.batch_alter_table('register_revisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_register_revisions_user_id'), ['user_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('register_revisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_register_revisions_user_id'))

    op.drop_table('register_revisions')
    with op.batch_alter_table('register_keyings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_register_keyings_user_id'))

    op.drop_table('register_keyings')
    with op.batch_alter_table('register_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_register_entries_page_id'))
        batch_op.drop_index('ix_register_entries_book_status')

    op.drop_table('register_entries')
    with op.batch_alter_table('register_pages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_register_pages_document_id'))

    op.drop_table('register_pages')
    with op.batch_alter_table('register_books', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_register_books_office_unit_id'))

    op.drop_table('register_books')
