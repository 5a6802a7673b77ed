"""each attempt's pass levels beside its rubric snapshot

``attempt.pass_levels`` ({dimension: pass level}) is what qualification needs of the rubric an
attempt was played with; eligibility reads it instead of the ~7 KB snapshot. New rows get it from
their snapshot on insert (models/attempt.py); this fills it for the rows already there, in
batches, then makes it required.

The extraction is written out here rather than imported: a migration must keep doing what it did
when it was written (the app's own is trainer.domain.qualification.pass_levels_of).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-12 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

BATCH = 500  # attempts read and written at a time: a snapshot is several KB

_attempt = sa.table('attempt', sa.column('id', sa.Integer()),
                    sa.column('rubric_snapshot', sa.JSON()),
                    sa.column('pass_levels', sa.JSON()))


def _pass_levels(snapshot) -> dict:
    return {d['name']: d['pass_level'] for d in (snapshot or {}).get('dimensions', [])}


def _backfill(conn) -> None:
    update = (sa.update(_attempt).where(_attempt.c.id == sa.bindparam('attempt_id'))
              .values(pass_levels=sa.bindparam('levels', type_=sa.JSON())))
    last = 0
    while True:
        rows = conn.execute(sa.select(_attempt.c.id, _attempt.c.rubric_snapshot)
                            .where(_attempt.c.id > last).order_by(_attempt.c.id)
                            .limit(BATCH)).all()
        if not rows:
            return
        conn.execute(update, [{'attempt_id': attempt_id, 'levels': _pass_levels(snapshot)}
                              for attempt_id, snapshot in rows])
        last = rows[-1][0]


def upgrade():
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pass_levels', sa.JSON(), nullable=True))

    _backfill(op.get_bind())

    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.alter_column('pass_levels', existing_type=sa.JSON(), nullable=False)


def downgrade():
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.drop_column('pass_levels')
