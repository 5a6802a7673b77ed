"""trainee feedback on scenarios, and disputes of a dimension's score

``feedback``: one per attempt, three yes/partly/no answers (0..2 each) with their sum, a comment,
and an author's handling. ``dispute``: one dimension's level disputed with a reason, resolved by
the next manager's review of the attempt.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-13 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'feedback',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('attempt_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('scenario_id', sa.String(length=80), nullable=False),
        sa.Column('realistic', sa.SmallInteger(), nullable=False),
        sa.Column('fair_score', sa.SmallInteger(), nullable=False),
        sa.Column('useful', sa.SmallInteger(), nullable=False),
        sa.Column('rating_total', sa.Integer(), nullable=False),
        sa.Column('comment', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('handled_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('handled_by_id', sa.Integer(), nullable=True),
        sa.Column('handled_note', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['attempt_id'], ['attempt.id'], ondelete='CASCADE',
                                name=op.f('fk_feedback_attempt_id_attempt')),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'],
                                name=op.f('fk_feedback_user_id_user')),
        sa.ForeignKeyConstraint(['handled_by_id'], ['user.id'],
                                name=op.f('fk_feedback_handled_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback')),
        sa.UniqueConstraint('attempt_id', name=op.f('uq_feedback_attempt_id')),
    )
    op.create_index('ix_feedback_handled_at_rating_total_created_at', 'feedback',
                    ['handled_at', 'rating_total', 'created_at'], unique=False)
    op.create_index('ix_feedback_scenario_id_rating_total', 'feedback',
                    ['scenario_id', 'rating_total'], unique=False)
    op.create_index('ix_feedback_user_id_created_at', 'feedback', ['user_id', 'created_at'],
                    unique=False)
    op.create_index(op.f('ix_feedback_handled_by_id'), 'feedback', ['handled_by_id'],
                    unique=False)

    op.create_table(
        'dispute',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('attempt_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('dimension', sa.String(length=16), nullable=False),
        sa.Column('level', sa.Integer(), nullable=True),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('resolved_by_id', sa.Integer(), nullable=True),
        sa.Column('resolution', sa.String(length=16), nullable=True),
        sa.Column('resolved_level', sa.Integer(), nullable=True),
        sa.Column('resolution_note', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['attempt_id'], ['attempt.id'], ondelete='CASCADE',
                                name=op.f('fk_dispute_attempt_id_attempt')),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'],
                                name=op.f('fk_dispute_user_id_user')),
        sa.ForeignKeyConstraint(['resolved_by_id'], ['user.id'],
                                name=op.f('fk_dispute_resolved_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_dispute')),
    )
    op.create_index('ix_dispute_attempt_id_resolved_at', 'dispute',
                    ['attempt_id', 'resolved_at'], unique=False)
    op.create_index('ix_dispute_resolved_at_attempt_id', 'dispute',
                    ['resolved_at', 'attempt_id'], unique=False)
    op.create_index('ix_dispute_user_id_created_at', 'dispute', ['user_id', 'created_at'],
                    unique=False)
    op.create_index(op.f('ix_dispute_created_at'), 'dispute', ['created_at'], unique=False)
    op.create_index(op.f('ix_dispute_resolved_by_id'), 'dispute', ['resolved_by_id'],
                    unique=False)


def downgrade():
    op.drop_table('dispute')
    op.drop_table('feedback')
