"""reviews and labels: who reviewed an attempt and when; overrides a grant may not rest on

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

# An attempt overridden before this revision was reviewed by its latest overrider, then.
_BACKFILL = """
UPDATE attempt SET
  reviewed_at = (SELECT MAX(s.overridden_at) FROM score s WHERE s.attempt_id = attempt.id),
  reviewed_by_id = (SELECT s.overridden_by_id FROM score s
                    WHERE s.attempt_id = attempt.id AND s.overridden_at IS NOT NULL
                    ORDER BY s.overridden_at DESC, s.id DESC LIMIT 1)
WHERE EXISTS (SELECT 1 FROM score s WHERE s.attempt_id = attempt.id
              AND s.overridden_at IS NOT NULL)
"""


def upgrade():
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reviewed_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_attempt_reviewed_at'), ['reviewed_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_attempt_reviewed_by_id'), ['reviewed_by_id'],
                              unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_attempt_reviewed_by_id_user'), 'user',
                                    ['reviewed_by_id'], ['id'])

    with op.batch_alter_table('clearance', schema=None) as batch_op:
        batch_op.add_column(sa.Column('overridden_by_granter', sa.JSON(), nullable=False,
                                      server_default='[]'))

    op.execute(_BACKFILL)


def downgrade():
    with op.batch_alter_table('clearance', schema=None) as batch_op:
        batch_op.drop_column('overridden_by_granter')

    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_attempt_reviewed_by_id_user'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_attempt_reviewed_by_id'))
        batch_op.drop_index(batch_op.f('ix_attempt_reviewed_at'))
        batch_op.drop_column('reviewed_at')
        batch_op.drop_column('reviewed_by_id')
