"""every try of an LLM call is a row: llm_call.try_number

A call that was retried used to leave one row, for its last try, with the latency of them all.
Each try is now a row of its own, numbered from 1; rows from before this revision were tries
too (first or last, nobody can tell now), so they become 1.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-09 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('llm_call', schema=None) as batch_op:
        batch_op.add_column(sa.Column('try_number', sa.Integer(), nullable=False,
                                      server_default='1'))


def downgrade():
    with op.batch_alter_table('llm_call', schema=None) as batch_op:
        batch_op.drop_column('try_number')
