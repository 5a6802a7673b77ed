"""Reviews on a real database: confirming a card, the review queue, and who may do either."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from trainer.extensions import db
from trainer.models import AuditEvent
from trainer.models._types import utcnow
from trainer.services import play
from trainer.services.overrides import override_score
from trainer.services.reviews import (
    ReviewError,
    ReviewRefused,
    confirm_scorecard,
    review_count,
    review_queue,
)

from .. import factories

FLAG = "empathy: judge 4, rules 1"


@pytest.fixture
def people(ctx):
    boss = factories.user("manager", name="Morgan Boss")
    lead = factories.user("manager", manager=boss)
    person = factories.user(manager=lead, name="Tara Singh")
    stranger = factories.user("manager")
    outsider = factories.user(manager=stranger)
    admin = factories.user("admin")
    return {"boss": boss, "lead": lead, "person": person, "stranger": stranger,
            "outsider": outsider, "admin": admin}


def flagged(person, days_ago: int, reason: str = FLAG):
    attempt = factories.scored_attempt(person, "billing-double-charge", review_reason=reason)
    attempt.scored_at = utcnow() - timedelta(days=days_ago)
    db.session.commit()
    return attempt


def test_confirming_makes_the_card_a_label_and_is_audited(people):
    attempt = flagged(people["person"], 1)
    confirm_scorecard(people["lead"], attempt, ip="10.0.0.1")
    assert attempt.reviewed_by_id == people["lead"].id and attempt.reviewed_at is not None
    assert attempt.is_confirmed and attempt.needs_review  # the flag stays, as history
    assert [s.level for s in attempt.scores] == [s.scorer_level for s in attempt.scores]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "score.confirmed"))
    assert event.actor_id == people["lead"].id and event.subject == people["person"].email
    assert event.detail["attempt"] == attempt.id and event.detail["was_flagged"] is True
    assert event.detail["levels"] == {"empathy": 3, "ownership": 3, "accuracy": 3}
    with pytest.raises(ReviewError, match="already reviewed"):
        confirm_scorecard(people["lead"], attempt)
    confirm_scorecard(people["boss"], attempt)  # a second reviewer takes the label over
    assert attempt.reviewed_by_id == people["boss"].id


def test_only_their_managers_and_admins_confirm_never_on_their_own_attempt(people):
    theirs = flagged(people["person"], 1)
    own = flagged(people["lead"], 1)
    admins_own = flagged(people["admin"], 1)
    for actor, attempt in ((people["stranger"], theirs), (people["person"], theirs),
                           (people["lead"], own), (people["admin"], admins_own)):
        with pytest.raises(ReviewRefused):
            confirm_scorecard(actor, attempt)
    confirm_scorecard(people["admin"], theirs)
    assert theirs.reviewed_by_id == people["admin"].id


def test_an_unscored_attempt_cannot_be_confirmed(people):
    attempt = play.start_attempt(people["person"], "billing-double-charge")
    with pytest.raises(ReviewError, match="scored attempt"):
        confirm_scorecard(people["lead"], attempt)


def test_the_queue_is_flagged_unreviewed_attempts_in_scope_oldest_first(people):
    newer, older = flagged(people["person"], 1), flagged(people["person"], 5, "quotes dropped")
    lead_own = flagged(people["lead"], 3)
    flagged(people["outsider"], 4)
    factories.scored_attempt(people["person"], "billing-price-rise-notice")  # not flagged
    queue = review_queue(people["lead"])
    assert [i.attempt_id for i in queue] == [older.id, newer.id]
    assert queue[0].person == "Tara Singh" and queue[0].reason == "quotes dropped"
    assert queue[0].scenario == "Charged twice for the same month"
    assert review_count(people["lead"]) == 2
    # the lead's manager sees the lead's own flagged attempt too; an admin sees everyone's
    assert [i.attempt_id for i in review_queue(people["boss"])] == [older.id, lead_own.id,
                                                                     newer.id]
    assert review_count(people["admin"]) == 4 and review_count(people["stranger"]) == 1
    assert review_count(people["person"]) == 0


def test_a_review_takes_an_attempt_off_the_queue_whichever_kind(people):
    first, second = flagged(people["person"], 2), flagged(people["person"], 1)
    confirm_scorecard(people["lead"], first)
    assert [i.attempt_id for i in review_queue(people["lead"])] == [second.id]
    override_score(people["boss"], second, "empathy", 2, "Generic apology, nothing more")
    assert second.reviewed_by_id == people["boss"].id and not second.is_confirmed
    assert review_queue(people["lead"]) == [] and review_count(people["admin"]) == 0


def test_the_queue_and_its_count_are_one_statement_each_whatever_the_team(people, count_sql):
    """The scope is a subquery of the queue's own statement, not a list of ids read first."""
    for n in range(12):
        flagged(factories.user(manager=people["lead"]), n + 1)
    flagged(people["admin"], 1)  # an admin's own: never in their queue
    for name, expected in (("lead", 12), ("boss", 12), ("admin", 12), ("person", 0)):
        viewer = people[name]
        db.session.refresh(viewer)  # loaded before counting, not inside
        with count_sql() as sql:
            queue, count = review_queue(viewer), review_count(viewer)
        assert (len(queue), count) == (expected, expected), name
        assert sql.count == 2, sql
