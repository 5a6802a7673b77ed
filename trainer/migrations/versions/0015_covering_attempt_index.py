"""a covering index for a person's scored attempts

Qualification and the team page's totals and recent scores read a few columns of each person's
scored attempts; this index holds them all, so none reads the attempt rows (with their
snapshots).
It replaces ``ix_attempt_user_id_status_finished_at``, whose columns are its first three. And the
review queue's count of "flagged, not reviewed yet" gets a covering index instead of one on the
first column. The index on ``mode`` alone goes: two values select nothing, and SQLite chose it
over the person's covering index.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 09:30:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

COLUMNS = ['user_id', 'status', 'finished_at', 'mode', 'scenario_id', 'difficulty', 'passed',
           'overall', 'copied_from', 'reviewed_at', 'started_at']


def upgrade():
    op.create_index('ix_attempt_user_status_finished_covering', 'attempt', COLUMNS)
    op.drop_index('ix_attempt_user_id_status_finished_at', table_name='attempt')
    op.create_index('ix_attempt_needs_review_reviewed_at', 'attempt',
                    ['needs_review', 'reviewed_at', 'status', 'user_id'])
    op.drop_index('ix_attempt_needs_review', table_name='attempt')
    op.drop_index('ix_attempt_mode', table_name='attempt')


def downgrade():
    op.create_index('ix_attempt_user_id_status_finished_at', 'attempt',
                    ['user_id', 'status', 'finished_at'])
    op.drop_index('ix_attempt_user_status_finished_covering', table_name='attempt')
    op.create_index('ix_attempt_needs_review', 'attempt', ['needs_review'])
    op.create_index('ix_attempt_mode', 'attempt', ['mode'])
    op.drop_index('ix_attempt_needs_review_reviewed_at', table_name='attempt')
