"""the review queue's indexes hold only the attempts waiting for a review, one of them by person

The review queue and its count (flagged, not reviewed yet) were read from one index over every
attempt, the waiting ones first, then joined to the manager's team: their cost grew with the
company's flagged attempts, not the team's (the queue of a manager with 200 reports took twice as
long at four times the company). Both indexes are now partial, holding only the waiting attempts:
the queue's own, in the order it is read (for an admin, who sees everyone), and a new one by
person, from which a manager's queue and count read their team's alone. The WHERE repeats the
queries' words (models/attempt.waiting_for_review), as a partial index must, and the columns
repeat the WHERE's, without which SQLite does not count an index as covering.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 08:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

QUEUE = ['needs_review', 'reviewed_at', 'status', 'scored_at', 'id', 'user_id']
WAITING = {'sqlite_where': sa.text('needs_review IS 1 AND reviewed_at IS NULL'),
           'postgresql_where': sa.text('needs_review IS true AND reviewed_at IS NULL')}


def upgrade():
    op.drop_index('ix_attempt_review_queue', table_name='attempt')
    op.create_index('ix_attempt_review_queue', 'attempt', QUEUE, **WAITING)
    op.create_index('ix_attempt_waiting_by_person', 'attempt', ['user_id', *QUEUE[:-1]],
                    **WAITING)


def downgrade():
    op.drop_index('ix_attempt_waiting_by_person', table_name='attempt')
    op.drop_index('ix_attempt_review_queue', table_name='attempt')
    op.create_index('ix_attempt_review_queue', 'attempt', QUEUE)
