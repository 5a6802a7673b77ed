"""practice and assessed attempts; near-copies held for review

Every attempt gets a mode. Attempts made before this revision were the evidence their clearances
and track completions rest on, so they become "assessed" (grandfathered: demoting them would strip
everyone's progress and rotation completions overnight); new rows default to "practice", the mode
that never counts. ``copied_from`` names what a flagged near-copy resembles.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-08 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mode', sa.String(length=16), nullable=False,
                                      server_default='practice'))
        batch_op.add_column(sa.Column('copied_from', sa.String(length=40), nullable=True))
        batch_op.create_index(batch_op.f('ix_attempt_mode'), ['mode'], unique=False)

    op.execute("UPDATE attempt SET mode = 'assessed'")


def downgrade():
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attempt_mode'))
        batch_op.drop_column('copied_from')
        batch_op.drop_column('mode')
