"""outbound events: webhook endpoints and deliveries, xAPI statements

``outbox_event``: each domain event (a grant, a revocation, a renewal, an expiry, a scored
attempt), written with the change. ``outbound_delivery``: one event to one target (the xAPI LRS or
a webhook endpoint) with its tries. ``webhook_endpoint``: where routing systems want clearance
events, with the secret that signs them. ``expiry_notice``: clearances whose expiry was published.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 09:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'outbox_event',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('uuid', sa.String(length=36), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('payload', sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_event')),
        sa.UniqueConstraint('uuid', name=op.f('uq_outbox_event_uuid')),
    )
    op.create_table(
        'webhook_endpoint',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('url', sa.String(length=2000), nullable=False),
        sa.Column('description', sa.String(length=120), nullable=False),
        sa.Column('secret', sa.String(length=100), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('removed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('removed_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['created_by_id'], ['user.id'],
                                name=op.f('fk_webhook_endpoint_created_by_id_user')),
        sa.ForeignKeyConstraint(['removed_by_id'], ['user.id'],
                                name=op.f('fk_webhook_endpoint_removed_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_endpoint')),
    )
    op.create_index(op.f('ix_webhook_endpoint_created_by_id'), 'webhook_endpoint',
                    ['created_by_id'], unique=False)
    op.create_index(op.f('ix_webhook_endpoint_removed_by_id'), 'webhook_endpoint',
                    ['removed_by_id'], unique=False)
    op.create_table(
        'outbound_delivery',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('target', sa.String(length=16), nullable=False),
        sa.Column('endpoint_id', sa.Integer(), nullable=True),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('retries_left', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_attempt_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('response_code', sa.Integer(), nullable=True),
        sa.Column('last_error', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['event_id'], ['outbox_event.id'], ondelete='CASCADE',
                                name=op.f('fk_outbound_delivery_event_id_outbox_event')),
        sa.ForeignKeyConstraint(['endpoint_id'], ['webhook_endpoint.id'],
                                name=op.f('fk_outbound_delivery_endpoint_id_webhook_endpoint')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outbound_delivery')),
    )
    op.create_index(op.f('ix_outbound_delivery_event_id'), 'outbound_delivery', ['event_id'],
                    unique=False)
    op.create_index(op.f('ix_outbound_delivery_endpoint_id'), 'outbound_delivery',
                    ['endpoint_id'], unique=False)
    op.create_index('ix_outbound_delivery_status_next_attempt_at', 'outbound_delivery',
                    ['status', 'next_attempt_at'], unique=False)
    op.create_table(
        'expiry_notice',
        sa.Column('clearance_id', sa.Integer(), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['clearance_id'], ['clearance.id'], ondelete='CASCADE',
                                name=op.f('fk_expiry_notice_clearance_id_clearance')),
        sa.PrimaryKeyConstraint('clearance_id', name=op.f('pk_expiry_notice')),
    )
    op.create_index(op.f('ix_expiry_notice_expires_at'), 'expiry_notice', ['expires_at'],
                    unique=False)


def downgrade():
    op.drop_index(op.f('ix_expiry_notice_expires_at'), table_name='expiry_notice')
    op.drop_table('expiry_notice')
    op.drop_index('ix_outbound_delivery_status_next_attempt_at', table_name='outbound_delivery')
    op.drop_index(op.f('ix_outbound_delivery_endpoint_id'), table_name='outbound_delivery')
    op.drop_index(op.f('ix_outbound_delivery_event_id'), table_name='outbound_delivery')
    op.drop_table('outbound_delivery')
    op.drop_index(op.f('ix_webhook_endpoint_removed_by_id'), table_name='webhook_endpoint')
    op.drop_index(op.f('ix_webhook_endpoint_created_by_id'), table_name='webhook_endpoint')
    op.drop_table('webhook_endpoint')
    op.drop_table('outbox_event')
