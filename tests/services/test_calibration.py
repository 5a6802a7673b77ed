"""The calibration figures on a real database: reviewed levels against each scorer's own."""

from __future__ import annotations

from datetime import timedelta

import pytest

from trainer.domain.scoring.rules import RuleScorer
from trainer.extensions import db
from trainer.models._types import utcnow
from trainer.services.calibration import WINDOW_DAYS, calibration_for
from trainer.services.overrides import override_score
from trainer.services.reviews import confirm_scorecard

from .. import factories

JUDGE = "llm-judge-under-test"  # any stored scorer name is reported under its own heading


@pytest.fixture
def people(ctx):
    boss = factories.user("manager")
    person = factories.user(manager=boss)
    other_boss = factories.user("manager")
    outsider = factories.user(manager=other_boss)
    admin = factories.user("admin")
    return boss, person, other_boss, outsider, admin


def by_dimension(report, scorer):
    [found] = [s for s in report.scorers if s.scorer == scorer]
    return {d.dimension: d for d in found.dimensions}


def test_agreement_per_scorer_and_dimension_with_the_widest_gaps_linked(people):
    boss, person, *_ = people
    agreed = factories.scored_attempt(person, "billing-double-charge")
    confirm_scorecard(boss, agreed)
    lifted = factories.scored_attempt(person, "billing-double-charge", passed=False,
                                      levels={"empathy": 0, "ownership": 2, "accuracy": 1})
    override_score(boss, lifted, "empathy", 3, "Named her worry about rent")
    override_score(boss, lifted, "accuracy", 2, "Refund timeline right")
    judged = factories.scored_attempt(person, "billing-double-charge", scorer=JUDGE,
                                      levels={"empathy": 4, "ownership": 3, "accuracy": None})
    override_score(boss, judged, "empathy", 2, "Generic apology only")
    factories.scored_attempt(person, "billing-double-charge")  # never reviewed: no label

    report = calibration_for(boss)
    assert report.attempts == 3
    assert [s.scorer for s in report.scorers] == sorted([RuleScorer.name, JUDGE])
    rules = by_dimension(report, RuleScorer.name)
    empathy = rules["empathy"]
    assert empathy.agreement.n == 2 and empathy.agreement.exact == 0.5
    assert empathy.agreement.within_one == 0.5
    assert [(d.item, d.label, d.scored) for d in empathy.disagreements] == [(lifted.id, 3, 0)]
    assert rules["ownership"].agreement.exact == 1.0 and rules["ownership"].disagreements == []
    assert rules["accuracy"].agreement.within_one == 1.0

    judge = by_dimension(report, JUDGE)
    assert judge["empathy"].agreement.n == 1 and judge["empathy"].agreement.exact == 0.0
    assert judge["accuracy"].agreement.n == 0 and judge["accuracy"].unjudged == 1


def test_only_the_window_and_the_viewers_scope_count(people):
    boss, person, other_boss, outsider, admin = people
    old = factories.scored_attempt(person, "billing-double-charge")
    confirm_scorecard(boss, old)
    old.reviewed_at = utcnow() - timedelta(days=WINDOW_DAYS + 1)
    db.session.commit()
    recent = factories.scored_attempt(outsider, "billing-double-charge")
    confirm_scorecard(other_boss, recent)

    assert calibration_for(boss).attempts == 0 and calibration_for(boss).scorers == []
    assert calibration_for(other_boss).attempts == 1
    assert calibration_for(admin).attempts == 1
    assert calibration_for(admin, days=WINDOW_DAYS + 2).attempts == 2


def test_the_widest_gaps_come_first_then_the_newest_review_and_the_counts_stay_whole(
        people, count_sql):
    boss, person, *_ = people
    made = []
    for level in (1, 2, 0, 2, 3):  # the scorer's empathy; the reviewer says 4 each time
        attempt = factories.scored_attempt(person, "billing-double-charge",
                                           levels={"empathy": level, "ownership": 3,
                                                   "accuracy": 3})
        override_score(boss, attempt, "empathy", 4, "Named her worry about rent")
        made.append(attempt.id)

    report = calibration_for(boss)
    empathy = by_dimension(report, RuleScorer.name)["empathy"]
    assert [(d.item, d.label, d.scored) for d in empathy.disagreements] == [
        (made[2], 4, 0), (made[0], 4, 1), (made[3], 4, 2)]  # gap 4, 3, then the newer gap 2
    assert (empathy.agreement.n, empathy.agreement.exact, empathy.agreement.within_one) == (
        5, 0.0, 0.2)
    assert report.attempts == 5
    with count_sql() as sql:
        calibration_for(boss)
    assert sql.count <= 4, sql  # the scope, the pairs, the attempts, the widest gaps
