"""user import jobs: a staff CSV is checked in the request, then imported by a job

``user_import`` is the job (status, progress, result); ``user_import_row`` holds the checked rows
until each one's user is created. A row's password is stored only masked by a one-time pad that
the running job holds, and the row is deleted when its user is created or the job ends.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-11 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'user_import',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('source', sa.String(length=255), nullable=False),
        sa.Column('runs_in', sa.String(length=16), nullable=False),
        sa.Column('runner', sa.String(length=32), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('total', sa.Integer(), nullable=False),
        sa.Column('done', sa.Integer(), nullable=False),
        sa.Column('created', sa.Integer(), nullable=False),
        sa.Column('skipped', sa.Integer(), nullable=False),
        sa.Column('without_password', sa.Integer(), nullable=False),
        sa.Column('departments_created', sa.JSON(), nullable=False),
        sa.Column('problems', sa.JSON(), nullable=False),
        sa.Column('message', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['user.id'],
                                name=op.f('fk_user_import_created_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_user_import')),
    )
    op.create_index(op.f('ix_user_import_created_at'), 'user_import', ['created_at'],
                    unique=False)
    op.create_index(op.f('ix_user_import_created_by_id'), 'user_import', ['created_by_id'],
                    unique=False)
    op.create_table(
        'user_import_row',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('import_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('line', sa.Integer(), nullable=False),
        sa.Column('data', sa.JSON(), nullable=False),
        sa.Column('password', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['import_id'], ['user_import.id'],
                                name=op.f('fk_user_import_row_import_id_user_import'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_user_import_row')),
    )
    op.create_index('ix_user_import_row_import_id_position', 'user_import_row',
                    ['import_id', 'position'], unique=False)


def downgrade():
    op.drop_index('ix_user_import_row_import_id_position', table_name='user_import_row')
    op.drop_table('user_import_row')
    op.drop_index(op.f('ix_user_import_created_by_id'), table_name='user_import')
    op.drop_index(op.f('ix_user_import_created_at'), table_name='user_import')
    op.drop_table('user_import')
