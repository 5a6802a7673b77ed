"""the team page's levels read from indexes alone

The team page averages each person's levels per skill: it joins a page of people's scored
attempts to their scores. On PostgreSQL neither side was covered (the person's covering index
lacked the attempt's ``id``, the score index its ``level``), and the planner read the whole review
queue index instead: about 20 ms of the team view of 200 reports. The person's covering index
gains ``id`` at the end (SQLite holds it in every index already) and the scores get a covering
index; the sum then reads only the two indexes.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 04:30:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

COVERING = ['user_id', 'status', 'finished_at', 'mode', 'scenario_id', 'difficulty', 'passed',
            'overall', 'copied_from', 'reviewed_at', 'started_at']


def upgrade():
    op.drop_index('ix_attempt_user_status_finished_covering', table_name='attempt')
    op.create_index('ix_attempt_user_status_finished_covering', 'attempt', [*COVERING, 'id'])
    op.create_index('ix_score_attempt_dimension_level', 'score',
                    ['attempt_id', 'dimension', 'level'])


def downgrade():
    op.drop_index('ix_score_attempt_dimension_level', table_name='score')
    op.drop_index('ix_attempt_user_status_finished_covering', table_name='attempt')
    op.create_index('ix_attempt_user_status_finished_covering', 'attempt', COVERING)
