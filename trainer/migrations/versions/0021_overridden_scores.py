"""an index of the overridden scores alone

Whether a pass rests on a manager's override (services/eligibility.py) was asked of the score
table. For one person's passes that is a probe by attempt; for everyone's (an admin's ready
counts on library insight) PostgreSQL read every score of the company into a hash to answer it:
37 of 55 ms at 145,000 scores, growing with the company. A partial index holding only the
overridden scores (a few) answers it either way. Its WHERE is the query's, as a partial index
must be, and it holds that column, without which SQLite does not count it as covering.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 11:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

OVERRIDDEN = sa.text('overridden_at IS NOT NULL')


def upgrade():
    op.create_index('ix_score_overridden', 'score', ['attempt_id', 'overridden_at'],
                    sqlite_where=OVERRIDDEN, postgresql_where=OVERRIDDEN)


def downgrade():
    op.drop_index('ix_score_overridden', table_name='score')
