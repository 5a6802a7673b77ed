"""voice role-play: spoken turns and kept audio clips

``turn`` gains what a spoken answer carries: ``spoken``, the speech-to-text engine and its
confidence, what it ``heard`` (kept only when the trainee corrected it), the talk time and the
response time. ``audio_clip`` keeps a trainee's spoken answer as a WAV, only when
TRAINER_KEEP_AUDIO is on, until ``expires_at``.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 12:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('turn') as batch_op:
        batch_op.add_column(sa.Column('spoken', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('stt_engine', sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column('stt_confidence', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('heard', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('talk_ms', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('response_ms', sa.Integer(), nullable=True))
    op.create_table(
        'audio_clip',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('attempt_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('turn_id', sa.Integer(), nullable=True),
        sa.Column('mime', sa.String(length=40), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('duration_ms', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['attempt_id'], ['attempt.id'], ondelete='CASCADE',
                                name=op.f('fk_audio_clip_attempt_id_attempt')),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'],
                                name=op.f('fk_audio_clip_user_id_user')),
        sa.ForeignKeyConstraint(['turn_id'], ['turn.id'], ondelete='CASCADE',
                                name=op.f('fk_audio_clip_turn_id_turn')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audio_clip')),
        sa.UniqueConstraint('turn_id', name=op.f('uq_audio_clip_turn_id')),
    )
    op.create_index(op.f('ix_audio_clip_attempt_id'), 'audio_clip', ['attempt_id'], unique=False)
    op.create_index(op.f('ix_audio_clip_user_id'), 'audio_clip', ['user_id'], unique=False)
    op.create_index(op.f('ix_audio_clip_expires_at'), 'audio_clip', ['expires_at'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_audio_clip_expires_at'), table_name='audio_clip')
    op.drop_index(op.f('ix_audio_clip_user_id'), table_name='audio_clip')
    op.drop_index(op.f('ix_audio_clip_attempt_id'), table_name='audio_clip')
    op.drop_table('audio_clip')
    with op.batch_alter_table('turn') as batch_op:
        batch_op.drop_column('response_ms')
        batch_op.drop_column('talk_ms')
        batch_op.drop_column('heard')
        batch_op.drop_column('stt_confidence')
        batch_op.drop_column('stt_engine')
        batch_op.drop_column('spoken')
