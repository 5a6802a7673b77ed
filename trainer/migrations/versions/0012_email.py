"""email: password reset tokens, invitations, reminders sent, digest opt-out

``password_token``: links that set a password (reset, invitation), stored as sha256 only.
``reminder_sent``: each reminder claimed once by its unique key. ``mail_log``: every send and
whether the server took it. ``user.wants_digest``: the weekly digest, on unless turned off.
``ix_user_start_date``: reminders find new hires by start date (declared in models/mail.py).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 09:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'password_token',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('purpose', sa.String(length=16), nullable=False),
        sa.Column('digest', sa.String(length=64), nullable=False),
        sa.Column('stamp', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('import_id', sa.Integer(), nullable=True),
        sa.Column('mailed', sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'],
                                name=op.f('fk_password_token_user_id_user'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['created_by_id'], ['user.id'],
                                name=op.f('fk_password_token_created_by_id_user'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['import_id'], ['user_import.id'],
                                name=op.f('fk_password_token_import_id_user_import'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_password_token')),
        sa.UniqueConstraint('digest', name=op.f('uq_password_token_digest')),
    )
    for column in ('user_id', 'created_by_id', 'import_id'):
        op.create_index(op.f(f'ix_password_token_{column}'), 'password_token', [column],
                        unique=False)
    op.create_table(
        'reminder_sent',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('subject_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('threshold', sa.String(length=10), nullable=False),
        sa.Column('due_on', sa.Date(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('tries', sa.Integer(), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'],
                                name=op.f('fk_reminder_sent_user_id_user'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reminder_sent')),
        sa.UniqueConstraint('kind', 'subject_id', 'user_id', 'threshold', 'due_on',
                            name=op.f('uq_reminder_sent_kind')),
    )
    op.create_index(op.f('ix_reminder_sent_user_id'), 'reminder_sent', ['user_id'], unique=False)
    op.create_table(
        'mail_log',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('recipient', sa.String(length=254), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('ok', sa.Boolean(), nullable=False),
        sa.Column('error', sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'],
                                name=op.f('fk_mail_log_user_id_user'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_log')),
    )
    op.create_index(op.f('ix_mail_log_at'), 'mail_log', ['at'], unique=False)
    op.create_index(op.f('ix_mail_log_user_id'), 'mail_log', ['user_id'], unique=False)
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('wants_digest', sa.Boolean(), nullable=False,
                                      server_default=sa.true()))
    op.create_index('ix_user_start_date', 'user', ['start_date'], unique=False)


def downgrade():
    op.drop_index('ix_user_start_date', table_name='user')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('wants_digest')
    op.drop_index(op.f('ix_mail_log_user_id'), table_name='mail_log')
    op.drop_index(op.f('ix_mail_log_at'), table_name='mail_log')
    op.drop_table('mail_log')
    op.drop_index(op.f('ix_reminder_sent_user_id'), table_name='reminder_sent')
    op.drop_table('reminder_sent')
    for column in ('import_id', 'created_by_id', 'user_id'):
        op.drop_index(op.f(f'ix_password_token_{column}'), table_name='password_token')
    op.drop_table('password_token')
