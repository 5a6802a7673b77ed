"""the review queue read in order: its index ends with when each attempt was scored

The review queue lists the oldest flagged attempts of a team. Its index held only what the
count needs (flagged, not reviewed, status, whose), so the queue read every flagged attempt of
the company and sorted them to show a page. This index adds ``scored_at`` and ``id`` before
``user_id``: the queue walks it oldest first and stops once a page is found, and the count still
reads it alone. It replaces ``ix_attempt_needs_review_reviewed_at``, whose columns it holds.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 12:40:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_attempt_review_queue', 'attempt',
                    ['needs_review', 'reviewed_at', 'status', 'scored_at', 'id', 'user_id'])
    op.drop_index('ix_attempt_needs_review_reviewed_at', table_name='attempt')


def downgrade():
    op.create_index('ix_attempt_needs_review_reviewed_at', 'attempt',
                    ['needs_review', 'reviewed_at', 'status', 'user_id'])
    op.drop_index('ix_attempt_review_queue', table_name='attempt')
