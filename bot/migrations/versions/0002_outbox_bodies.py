"""outbox bodies in their own table

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 06:40:00

The serialised message (``outbox.raw``, ~20 KB a dunning email) moves to
``outbox_bodies(outbox_id, raw)``: written once, never updated, so the claim, hand-over
and outcome updates of an outbox row no longer rewrite its body (on SQLite an update
that changes a row's size rewrites the whole record, overflow pages included).

The column is dropped with a plain ``ALTER TABLE ... DROP COLUMN`` on both databases
(SQLite has it since 3.35, which arbot already needs for ``RETURNING``). Not a batch
"copy and move": on SQLite that drops and recreates ``outbox``, and with foreign keys on,
dropping it would cascade-delete the bodies just copied.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('outbox_bodies',
    sa.Column('outbox_id', sa.Integer(), nullable=False),
    sa.Column('raw', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['outbox_id'], ['outbox.id'], name=op.f('fk_outbox_bodies_outbox_id_outbox'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('outbox_id', name=op.f('pk_outbox_bodies'))
    )
    op.execute("INSERT INTO outbox_bodies (outbox_id, raw) SELECT id, raw FROM outbox")
    op.drop_column('outbox', 'raw')


def downgrade() -> None:
    op.add_column('outbox', sa.Column('raw', sa.LargeBinary(), nullable=True))
    op.execute("UPDATE outbox SET raw = (SELECT b.raw FROM outbox_bodies b WHERE b.outbox_id = outbox.id)")
    op.execute("UPDATE outbox SET raw = '' WHERE raw IS NULL")
    # Dropped before ``outbox`` is rebuilt below (SQLite batch mode), so nothing cascades.
    op.drop_table('outbox_bodies')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.alter_column('raw', existing_type=sa.LargeBinary(), nullable=False)
