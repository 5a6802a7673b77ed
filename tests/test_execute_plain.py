"""extensions.execute_plain: the rows of a statement that loads no models, on the session's own
connection and transaction, seeing what the session has not yet flushed (as the session's own
execute would), so a caller that switches to it reads the same answers."""

from __future__ import annotations

from sqlalchemy import func, select

from trainer.extensions import db, execute_plain
from trainer.models import Attempt
from trainer.services.tracks import passes_of

from . import factories


def test_it_sees_the_sessions_unflushed_changes_and_its_transaction(app):
    with app.app_context():
        person = factories.user(email="plain@example.com")
        attempt = factories.scored_attempt(person, "billing-double-charge")
        db.session.commit()
        person_id, attempt_id = person.id, attempt.id  # loaded now: reading them later flushes
        attempt.passed = False  # changed, not flushed: a pass no more
        assert passes_of([person_id])[person_id] == []
        passed = select(func.count()).select_from(Attempt).where(
            Attempt.user_id == person_id, Attempt.passed.is_(True))
        assert execute_plain(passed).scalar() == 0  # the change, flushed first
        db.session.rollback()  # the same transaction: nothing of it was committed
        assert execute_plain(passed).scalar() == 1
        assert [p.attempt_id for p in passes_of([person_id])[person_id]] == [attempt_id]
