"""Qualification records come from plain columns (each attempt's pass levels, its scores as rows)
and are exactly the records that whole attempts, rubric snapshots and all, used to give; only the
attempts that decide an eligibility are read, and the eligibility is the same as from all."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from trainer.domain.qualification import AttemptRecord, Override, levels_for
from trainer.extensions import db
from trainer.models import Attempt, Score, User
from trainer.models._types import utcnow
from trainer.models.attempt import SCORED
from trainer.services import play
from trainer.services.eligibility import records_of
from trainer.services.library import get_library
from trainer.services.overrides import override_score
from trainer.services.reviews import confirm_scorecard

from .. import factories

NEARLY = {"empathy": 3, "ownership": 2, "accuracy": 3}


def whole_attempt_records(user_ids: list[int]) -> dict[int, list[AttemptRecord]]:
    """The records as they were built before: from whole attempts, pass levels read out of each
    one's rubric snapshot."""
    found: dict[int, list[AttemptRecord]] = {i: [] for i in user_ids}
    for a in db.session.scalars(
            select(Attempt).where(Attempt.user_id.in_(user_ids), Attempt.status == SCORED,
                                  Attempt.finished_at.is_not(None))
            .options(selectinload(Attempt.scores)).order_by(Attempt.id)):
        found[a.user_id].append(AttemptRecord(
            id=a.id, scenario_id=a.scenario_id, category=a.category, difficulty=a.difficulty,
            finished_at=a.finished_at, passed=bool(a.passed),
            levels={s.dimension: s.level for s in a.scores},
            pass_levels={d["name"]: d["pass_level"]
                         for d in a.rubric_snapshot.get("dimensions", [])},
            mode=a.mode, overrides={s.dimension: Override(s.overridden_by_id, s.original_level)
                                    for s in a.scores if s.is_overridden},
            copied_from=a.copied_from, reviewed=a.is_reviewed))
    return found


def _played(person, scenario_id: str, mode: str, answer: str | None = None) -> Attempt:
    attempt = play.start_attempt(person, scenario_id, mode)
    play.submit_answer(attempt, answer or attempt.scenario.model_answer)
    return play.finish_attempt(attempt)


def _with_rubric_of_its_day(person, scenario_id: str) -> Attempt:
    """Passed against a rubric whose ownership pass level was 2 then (3 today): ownership 2 is
    no shortfall for it."""
    scenario = get_library().scenarios[scenario_id]
    rubric = get_library().rubrics[scenario.rubric].to_dict()
    for dim in rubric["dimensions"]:
        dim["pass_level"] = 2 if dim["name"] == "ownership" else dim["pass_level"]
    when = utcnow()
    attempt = Attempt(user_id=person.id, scenario_id=scenario.id, category=scenario.category,
                      difficulty=scenario.difficulty, scenario_snapshot=scenario.to_dict(),
                      rubric_snapshot=rubric, customer_engine="scripted-1", status=SCORED,
                      outcome="resolved", mood="calm", started_at=when, finished_at=when,
                      scored_at=when, scorer="rules-test", overall=70.0, passed=True,
                      mode="assessed", scores=[Score(dimension=d, level=lv, scorer="rules-test")
                                               for d, lv in NEARLY.items()])
    db.session.add(attempt)
    db.session.commit()
    return attempt


@pytest.fixture
def history(ctx):
    """Two people with every kind of attempt the rules tell apart."""
    boss = factories.user("manager")
    admin = factories.user("admin")
    tara = factories.user(manager=boss, name="Tara")
    omar = factories.user(manager=boss, name="Omar")
    _played(tara, "billing-double-charge", "assessed")  # a real scorecard
    _played(tara, "billing-double-charge", "practice")
    _played(omar, "billing-double-charge", "assessed", "Not my department, call the bank.")
    lifted = factories.scored_attempt(tara, "billing-estimated-final-bill", passed=False,
                                      levels=NEARLY)
    override_score(boss, lifted, "ownership", 3, "Gave a reference by phone")
    both = factories.scored_attempt(omar, "billing-estimated-final-bill", passed=False,
                                    levels={"empathy": 2, "ownership": 2, "accuracy": 3})
    override_score(boss, both, "ownership", 3, "Took it on")
    override_score(admin, both, "empathy", 3, "Warm on the call")
    lowered = factories.scored_attempt(omar, "billing-price-rise-notice")
    override_score(admin, lowered, "accuracy", 1, "Wrong date")
    factories.scored_attempt(tara, "billing-price-rise-notice", copied_from="model answer")
    released = factories.scored_attempt(omar, "billing-arrears-not-coping",
                                        copied_from="attempt 1")
    confirm_scorecard(boss, released)
    confirmed = factories.scored_attempt(tara, "billing-arrears-not-coping", passed=False)
    confirm_scorecard(admin, confirmed)
    factories.scored_attempt(tara, "billing-bereavement-final-demand", mode="practice")
    factories.scored_attempt(omar, "billing-bereavement-final-demand",
                             finished_at=utcnow() - timedelta(days=400))
    factories.scored_attempt(tara, "billing-double-charge-follow-up",
                             levels={"empathy": 3, "ownership": 3, "accuracy": None})
    _with_rubric_of_its_day(omar, "billing-double-charge-follow-up")
    abandoned = play.start_attempt(tara, "billing-price-rise-notice", "assessed")
    play.submit_answer(abandoned, "Hello")
    play.end_attempt(abandoned)
    play.start_attempt(omar, "billing-price-rise-notice", "assessed")  # still open
    return {"boss": boss.id, "admin": admin.id, "people": [tara.id, omar.id]}


def test_records_from_columns_are_the_records_whole_attempts_gave(history):
    people = history["people"]
    new, old = records_of(people, utcnow()), whole_attempt_records(people)
    assert {i: new[i] for i in people} == old  # no repeats here: every attempt decides
    every = [r for i in people for r in old[i]]
    assert len(every) == 13  # the abandoned and the open attempt are no records
    assert {r.mode for r in every} == {"practice", "assessed"}
    assert {len(r.overrides) for r in every} == {0, 1, 2}
    assert {r.copied_from for r in every} == {None, "model answer", "attempt 1"}
    assert {r.reviewed for r in every} == {True, False}
    assert {r.pass_levels["ownership"] for r in every} == {2, 3}


@pytest.mark.parametrize("granter", [None, "boss", "admin"])
def test_eligibility_is_the_same_from_either_records(history, granter):
    granter_id = history[granter] if granter else None
    now = utcnow()
    new, old = records_of(history["people"], now), whole_attempt_records(history["people"])
    for person in history["people"]:
        for category in get_library().categories.values():
            assert levels_for(new[person], category, now, granter_id) == \
                levels_for(old[person], category, now, granter_id)


@pytest.fixture
def repeats(history):
    """The same people playing their scenarios again and again: passes and fails, practice and
    assessed, over two years, a near-copy, and passes lifted by the boss's or the admin's
    override in between."""
    boss, admin = db.session.get(User, history["boss"]), db.session.get(User, history["admin"])
    scenarios = ["billing-double-charge", "billing-estimated-final-bill",
                 "billing-price-rise-notice", "billing-arrears-not-coping"]
    for n in range(48):
        person = db.session.get(User, history["people"][n % 2])
        attempt = factories.scored_attempt(
            person, scenarios[n % 4], passed=n % 3 != 0,
            levels=NEARLY if n % 3 == 0 else None, mode="practice" if n % 5 == 0 else "assessed",
            copied_from="model answer" if n % 11 == 0 else None,
            finished_at=utcnow() - timedelta(days=15 * n))
        if n % 7 == 3 and n % 3 == 0:
            override_score(boss if n % 2 else admin, attempt, "ownership", 3, "On the call")
    return history


@pytest.mark.parametrize("granter", [None, "boss", "admin"])
@pytest.mark.parametrize("days_ago", [0, 200, 500])
def test_older_repeats_are_left_out_and_decide_nothing(repeats, granter, days_ago):
    granter_id = repeats[granter] if granter else None
    now = utcnow() - timedelta(days=days_ago)
    people = repeats["people"]
    new, old = records_of(people, now), whole_attempt_records(people)
    assert sum(len(new[i]) for i in people) < sum(len(old[i]) for i in people) / 2
    passes = records_of(people, now, passes_only=True)  # whether eligible, not why not
    for person in people:
        for category in get_library().categories.values():
            assert levels_for(new[person], category, now, granter_id) == \
                levels_for(old[person], category, now, granter_id)
            assert [(e.eligible, e.attempt_ids) for e in levels_for(
                passes[person], category, now, granter_id, explain=False)] == \
                [(e.eligible, e.attempt_ids) for e in levels_for(
                    old[person], category, now, granter_id)]


def test_records_cost_one_statement_and_read_no_snapshot(ctx, count_sql):
    few, many = factories.user(), factories.user()
    for person, count in ((few, 3), (many, 40)):
        for n in range(count):
            factories.scored_attempt(person, "billing-double-charge", passed=n % 2 == 0)
    costs = {}
    for person_id, count in ((few.id, 3), (many.id, 40)):
        with count_sql() as sql:
            found = records_of([person_id], utcnow())[person_id]
        # The latest attempt (a pass of the 3, a fail of the 40) and the latest pass.
        assert len(found) == {3: 1, 40: 2}[count]
        assert not sql.matching("snapshot"), sql
        costs[count] = sql.count
    assert costs == {3: 1, 40: 1}
