"""indexes for every foreign key and for what pages filter and sort on

Every foreign key column gets an index (or leads one), so joins, cascades and "who did this"
look-ups never scan a table. Composite indexes lead with what a page filters on and end with what
it sorts by; the single-column indexes they cover (attempt.user_id, attempt.scenario_id,
attempt.status, audit_event.action, clearance.category) are replaced by them.

Index operations need no table rebuild on SQLite, so this runs outside batch mode on both
databases.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-10 10:00:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

# (table, index name, columns), created by upgrade and dropped by downgrade.
ADDED = [
    ('api_token', 'ix_api_token_created_by_id', ['created_by_id']),
    ('api_token', 'ix_api_token_revoked_by_id', ['revoked_by_id']),
    ('attempt', 'ix_attempt_user_id_started_at', ['user_id', 'started_at']),
    ('attempt', 'ix_attempt_user_id_status_finished_at', ['user_id', 'status', 'finished_at']),
    ('attempt', 'ix_attempt_scenario_id_finished_at', ['scenario_id', 'finished_at']),
    ('attempt', 'ix_attempt_status_scored_at', ['status', 'scored_at']),
    ('audit_event', 'ix_audit_event_action_id', ['action', 'id']),
    ('audit_event', 'ix_audit_event_actor_id', ['actor_id']),
    ('clearance', 'ix_clearance_category_revoked_at_expires_at',
     ['category', 'revoked_at', 'expires_at']),
    ('clearance', 'ix_clearance_granted_by_id', ['granted_by_id']),
    ('clearance', 'ix_clearance_revoked_by_id', ['revoked_by_id']),
    ('score', 'ix_score_llm_call_id', ['llm_call_id']),
    ('score', 'ix_score_overridden_by_id', ['overridden_by_id']),
    ('turn', 'ix_turn_llm_call_id', ['llm_call_id']),
    ('user', 'ix_user_name', ['name']),
    ('user', 'ix_user_manager_id_name', ['manager_id', 'name']),
    ('user', 'ix_user_department_id_name', ['department_id', 'name']),
    ('user', 'ix_user_role_name', ['role', 'name']),
    ('user', 'ix_user_active_name', ['active', 'name']),
    ('user_session', 'ix_user_session_created_at', ['created_at']),
    ('user_session', 'ix_user_session_last_seen', ['last_seen']),
]

# Single-column indexes that a composite above now leads with.
REPLACED = [
    ('attempt', 'ix_attempt_user_id', ['user_id']),
    ('attempt', 'ix_attempt_scenario_id', ['scenario_id']),
    ('attempt', 'ix_attempt_status', ['status']),
    ('audit_event', 'ix_audit_event_action', ['action']),
    ('clearance', 'ix_clearance_category', ['category']),
]


def upgrade():
    for table, name, columns in ADDED:
        op.create_index(name, table, columns, unique=False)
    for table, name, _columns in REPLACED:
        op.drop_index(name, table_name=table)


def downgrade():
    for table, name, columns in REPLACED:
        op.create_index(name, table, columns, unique=False)
    for table, name, _columns in reversed(ADDED):
        op.drop_index(name, table_name=table)
