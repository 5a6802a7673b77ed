"""the webhook deliveries of one status read newest first from an index

The deliveries list is paged by where a page starts (services/paging.log_page): newest first by
id, with no count and no offset. Filtered by status it had no index in that order (the sweep's
index orders a status by its next try), so a page of one status sorted every delivery of that
status. This index walks one status by id and stops at the page.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 14:30:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_outbound_delivery_status_id', 'outbound_delivery', ['status', 'id'])


def downgrade():
    op.drop_index('ix_outbound_delivery_status_id', table_name='outbound_delivery')
