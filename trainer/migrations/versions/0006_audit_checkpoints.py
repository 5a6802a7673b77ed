"""audit checkpoints; a secret shown once per session

``audit_checkpoint`` remembers how far the audit chain was last verified, so the audit page checks
only the newer events. ``user_session.pending_secret`` holds a new API token (split with a pad
kept in the cookie) until its one display after the redirect.

Events written before ``TRAINER_AUDIT_KEY`` keep their plain SHA-256 hashes: verification accepts
them as an unbroken prefix of the chain and says how many there are (services/audit.py).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-09 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'audit_checkpoint',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('event_hash', sa.String(length=64), nullable=False),
        sa.Column('events', sa.Integer(), nullable=False),
        sa.Column('unkeyed', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('mac', sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_checkpoint')),
    )
    with op.batch_alter_table('audit_checkpoint', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_checkpoint_event_id'), ['event_id'],
                              unique=False)
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pending_secret', sa.String(length=512), nullable=True))


def downgrade():
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.drop_column('pending_secret')
    with op.batch_alter_table('audit_checkpoint', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_checkpoint_event_id'))
    op.drop_table('audit_checkpoint')
