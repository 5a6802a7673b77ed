"""a scenario's newest attempts read from an index alone

Library insight samples the latest 200 scored attempts of each scenario. It numbered every
attempt in scope per scenario with a window function, which read the whole company's attempts,
scores and turns (over a second for an admin at 50,000 attempts on PostgreSQL). For an admin
it now reads each scenario's newest attempts and stops at the sample; the scenario's index
gains the columns those reads filter on (status, mode, passed, the person), so the walk needs
no table row. The near-copy check's read of other people's latest passes uses the same index.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 07:40:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index('ix_attempt_scenario_id_finished_at', table_name='attempt')
    op.create_index('ix_attempt_scenario_finished_covering', 'attempt',
                    ['scenario_id', 'finished_at', 'id', 'status', 'mode', 'passed', 'user_id'])


def downgrade():
    op.drop_index('ix_attempt_scenario_finished_covering', table_name='attempt')
    op.create_index('ix_attempt_scenario_id_finished_at', 'attempt', ['scenario_id', 'finished_at'])
