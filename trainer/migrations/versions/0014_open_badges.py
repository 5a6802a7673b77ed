"""Open Badges: issued clearance credentials and their status list index

``badge_credential``: one signed Open Badges 3.0 credential issued for a clearance, with its
place (list, index) in the revocation status list, the key id that signed it and the JWT itself.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 09:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'badge_credential',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('credential_id', sa.String(length=64), nullable=False),
        sa.Column('clearance_id', sa.Integer(), nullable=False),
        sa.Column('status_list', sa.Integer(), nullable=False),
        sa.Column('status_index', sa.Integer(), nullable=False),
        sa.Column('key_id', sa.String(length=300), nullable=False),
        sa.Column('valid_until', sa.DateTime(timezone=True), nullable=False),
        sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('issued_by_id', sa.Integer(), nullable=True),
        sa.Column('token', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['clearance_id'], ['clearance.id'],
                                name=op.f('fk_badge_credential_clearance_id_clearance')),
        sa.ForeignKeyConstraint(['issued_by_id'], ['user.id'],
                                name=op.f('fk_badge_credential_issued_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_badge_credential')),
        sa.UniqueConstraint('credential_id', name=op.f('uq_badge_credential_credential_id')),
        sa.UniqueConstraint('status_list', 'status_index',
                            name=op.f('uq_badge_credential_status_list')),
    )
    op.create_index(op.f('ix_badge_credential_clearance_id'), 'badge_credential',
                    ['clearance_id'], unique=False)
    op.create_index(op.f('ix_badge_credential_issued_by_id'), 'badge_credential',
                    ['issued_by_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_badge_credential_issued_by_id'), table_name='badge_credential')
    op.drop_index(op.f('ix_badge_credential_clearance_id'), table_name='badge_credential')
    op.drop_table('badge_credential')
