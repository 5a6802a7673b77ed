"""Library insight's numbers, against attempts made here: pass rate, average levels, median
turns, the key point most often missed and the red flag most often said (with the trainee's own
words), the worst-first order, and per category who holds each level and who is ready."""

from __future__ import annotations

from datetime import timedelta

import pytest

from trainer.extensions import db
from trainer.models import Clearance, Turn
from trainer.models._types import utcnow
from trainer.services import insight, insight_sample
from trainer.services.insight import (
    ENOUGH_ATTEMPTS,
    SCENARIO_COLUMNS,
    scenario_insights,
    scenario_rows,
    scenario_table,
    unplayed,
)
from trainer.services.insight_categories import category_insights

from .. import factories

SCENARIO = "billing-double-charge"


def played(person, scenario=SCENARIO, passed=True, levels=None, replies=2, missed=(),
           flags=(), evidence=(), days_ago=0, mode="assessed"):
    """A scored attempt with ``replies`` trainee turns and what the scorer stored about it."""
    attempt = factories.scored_attempt(
        person, scenario, passed=passed, levels=levels, mode=mode,
        finished_at=utcnow() - timedelta(days=days_ago, minutes=len(evidence)))
    attempt.key_points_missed, attempt.red_flags = list(missed), list(flags)
    attempt.score_for("accuracy").evidence = list(evidence)
    for n in range(replies):
        attempt.turns.append(Turn(index=2 * n, role="customer", text="Well?"))
        attempt.turns.append(Turn(index=2 * n + 1, role="trainee", text=f"Reply {n}"))
    db.session.commit()
    return attempt


def grant(person, category, level, days_left=100, revoked=False):
    now = utcnow()
    db.session.add(Clearance(user_id=person.id, category=category, level=level, limit=0,
                             granted_at=now - timedelta(days=5),
                             expires_at=now + timedelta(days=days_left),
                             revoked_at=now if revoked else None))
    db.session.commit()


@pytest.fixture
def company(ctx):
    """A manager with two reports, another manager's report, and an admin."""
    boss = factories.user("manager", email="boss@example.com")
    other = factories.user("manager", email="other@example.com")
    return {"boss": boss, "admin": factories.user("admin"),
            "ann": factories.user(manager=boss, name="Ann"),
            "bob": factories.user(manager=boss, name="Bob"),
            "cat": factories.user(manager=other, name="Cat")}


def the(insights, scenario=SCENARIO):
    return next(i for i in insights if i.scenario_id == scenario)


def test_pass_rate_averages_and_median_turns_count_the_teams_assessed_attempts(company):
    ann, bob, cat = company["ann"], company["bob"], company["cat"]
    played(ann, levels={"empathy": 3, "ownership": 3, "accuracy": 4}, replies=2)
    played(bob, levels={"empathy": 3, "ownership": 2, "accuracy": 3}, replies=4)
    played(bob, passed=False, levels={"empathy": 1, "ownership": 0, "accuracy": 0}, replies=3)
    played(ann, passed=False, replies=6, mode="practice")  # not evidence: another view
    played(cat, passed=False, replies=6)  # another manager's team

    row = the(scenario_insights(company["boss"]))
    assert (row.attempts, row.passed, round(row.pass_rate, 3)) == (3, 2, 0.667)
    assert row.averages == {"empathy": 2.3, "ownership": 1.7, "accuracy": 2.3}
    assert row.median_turns == 3 and row.sampled == 3

    practice = the(scenario_insights(company["boss"], "practice"))
    assert (practice.attempts, practice.passed, practice.median_turns) == (1, 0, 6)
    assert the(scenario_insights(company["boss"], "all")).attempts == 4
    everyone = the(scenario_insights(company["admin"]))
    assert (everyone.attempts, everyone.passed) == (4, 2)  # Cat's fail counts for the admin


def test_the_key_point_most_often_missed_comes_with_the_newest_example_of_what_was_said(
        company):
    ann, bob = company["ann"], company["bob"]
    played(ann, missed=["refund-timeline"], evidence=["I'll refund the 39.99 now."], days_ago=3)
    played(bob, missed=["refund-timeline", "full-refund"],
           evidence=["Yes, we took it twice, sorry."], days_ago=1)
    played(bob, missed=[], evidence=["Refund in 5 working days."], days_ago=0)

    row = the(scenario_insights(company["boss"]))
    first, second = row.missed
    assert (first.id, first.count, first.quote) == (
        "refund-timeline", 2, "Yes, we took it twice, sorry.")
    assert first.text == "Says the refund arrives within 5 working days"
    assert (second.id, second.count) == ("full-refund", 1)


def test_the_red_flag_most_often_said_is_quoted_only_with_the_words_that_said_it(company):
    ann, bob = company["ann"], company["bob"]
    wrong = {"empathy": 2, "ownership": 1, "accuracy": 0}
    played(ann, passed=False, levels=wrong, flags=["sends-to-bank"],
           evidence=["You'll have to ask your bank to reverse it."], days_ago=2)
    played(bob, passed=False, levels=wrong, flags=["blames-customer", "sends-to-bank"],
           evidence=["You must have paid twice yourself.", "Call your bank."], days_ago=1)

    row = the(scenario_insights(company["boss"]))
    flag, other = row.red_flags
    assert (flag.id, flag.count) == ("sends-to-bank", 2)
    # Bob's attempt is newer, but sends-to-bank is not its first flag: Ann's words are quoted.
    assert flag.quote == "You'll have to ask your bank to reverse it."
    assert flag.text == "Tells the customer to contact their bank to reverse the payment"
    assert (other.id, other.quote) == ("blames-customer", "You must have paid twice yourself.")


def test_the_sample_is_each_scenarios_newest_attempts_for_a_team_and_for_everyone(
        company, monkeypatch):
    """Counts cover every attempt; the missed key points come from the newest few alone, read
    one way for a manager's team and another for an admin's everyone: the same sample."""
    monkeypatch.setattr(insight_sample, "SAMPLE_PER_SCENARIO", 2)
    ann, bob, cat = company["ann"], company["bob"], company["cat"]
    played(ann, missed=["full-refund"], days_ago=9)  # the oldest: outside every sample
    played(bob, missed=["refund-timeline"], evidence=["Bob, newer"], days_ago=2)
    played(ann, missed=["refund-timeline"], evidence=["Ann, newest"], days_ago=1)
    played(cat, missed=["full-refund"], days_ago=0)  # another team: the admin's newest
    played(ann, scenario="delivery-damaged-sofa", missed=["x"], days_ago=5)

    team = the(scenario_insights(company["boss"]))
    assert (team.attempts, team.sampled) == (3, 2)
    assert [(f.id, f.count, f.quote) for f in team.missed] == [
        ("refund-timeline", 2, "Ann, newest")]
    everyone = the(scenario_insights(company["admin"]))
    assert (everyone.attempts, everyone.sampled) == (4, 2)
    assert {(f.id, f.count) for f in everyone.missed} == {("refund-timeline", 1),
                                                          ("full-refund", 1)}
    assert the(scenario_insights(company["admin"]), "delivery-damaged-sofa").sampled == 1


def test_worst_first_puts_the_lowest_pass_rate_with_enough_attempts_first(company):
    ann = company["ann"]
    for n in range(ENOUGH_ATTEMPTS):  # 1 pass in 5
        played(ann, "billing-price-rise-notice", passed=n == 0)
    for n in range(ENOUGH_ATTEMPTS):  # 4 passes in 5
        played(ann, "billing-estimated-final-bill", passed=n > 0)
    played(ann, "delivery-damaged-sofa", passed=False)  # 0%, but a single attempt

    order = [i.scenario_id for i in scenario_insights(company["boss"])]
    assert order == ["billing-price-rise-notice", "billing-estimated-final-bill",
                     "delivery-damaged-sofa"]
    rows = scenario_rows(scenario_insights(company["boss"]))
    assert [r["pass_rate_percent"] for r in rows] == [20, 80, 0]
    assert set(rows[0]) == set(SCENARIO_COLUMNS)


def test_the_table_is_paged_worst_first_and_each_page_has_its_scenarios_figures(
        company, monkeypatch):
    monkeypatch.setattr(insight, "SCENARIOS_PAGE", 2)
    ann, bob = company["ann"], company["bob"]
    for n in range(ENOUGH_ATTEMPTS):  # 1 pass in 5
        played(ann, "billing-price-rise-notice", passed=n == 0)
    played(ann, "billing-estimated-final-bill", replies=3, missed=["x"])
    played(bob, "delivery-damaged-sofa", passed=False, replies=5, missed=["y"],
           levels={"empathy": 1, "ownership": 1, "accuracy": 1})

    first = scenario_table(company["boss"], number=1)
    assert [i.scenario_id for i in first.page] == ["billing-price-rise-notice",
                                                   "delivery-damaged-sofa"]
    assert (first.page.total, first.page.pages, first.page.has_next) == (3, 2, True)
    sofa = the(first.page, "delivery-damaged-sofa")
    assert (sofa.sampled, sofa.median_turns, [f.id for f in sofa.missed]) == (1, 5, ["y"])
    assert sofa.averages == {"empathy": 1, "ownership": 1, "accuracy": 1}
    last = scenario_table(company["boss"], number=99)  # past the end: the last page
    assert last.page.page == 2
    assert [(i.scenario_id, i.median_turns) for i in last.page] == [
        ("billing-estimated-final-bill", 3)]
    played_ids = {"billing-price-rise-notice", "billing-estimated-final-bill",
                  "delivery-damaged-sofa"}
    for table in (first, last):  # whichever page is shown, no played scenario is "unplayed"
        assert not played_ids & {s.id for s in table.unplayed}
        assert len(table.unplayed) == len(unplayed([])) - 3
    assert [i.scenario_id for i in scenario_insights(company["boss"])] == [
        *(i.scenario_id for i in first.page), "billing-estimated-final-bill"]  # the CSV: all


def test_nothing_played_means_no_rows_and_every_scenario_unplayed(company):
    assert scenario_insights(company["boss"]) == []
    assert not scenario_table(company["boss"]).page
    assert len(unplayed([])) > 40  # the whole library, waiting to be played


def test_each_category_counts_current_holders_per_level_and_people_ready(company):
    ann, bob, cat = company["ann"], company["bob"], company["cat"]
    grant(ann, "billing-dispute", 1)
    grant(bob, "billing-dispute", 2, days_left=-1)  # expired: holds nothing
    grant(bob, "delivery-problem", 1, revoked=True)  # revoked: holds nothing
    grant(cat, "billing-dispute", 1)  # another manager's team
    # Ann earns level 2 (two billing scenarios passed) above the level 1 she holds; Bob earns
    # level 1 in delivery problems, which he no longer holds.
    played(ann, "billing-price-rise-notice")
    played(ann, "billing-estimated-final-bill")
    played(bob, "delivery-next-day-order-late")

    found = {c.category_id: c for c in category_insights(company["boss"])}
    billing, delivery = found["billing-dispute"], found["delivery-problem"]
    assert [(lv.level, lv.holders, lv.ready) for lv in billing.levels] == [
        (1, 1, 0), (2, 0, 1), (3, 0, 0)]
    assert [(lv.level, lv.holders, lv.ready) for lv in delivery.levels] == [
        (1, 0, 1), (2, 0, 0), (3, 0, 0)]
    # Worst covered first: billing is the only category anyone holds, so it comes last.
    assert list(found)[-1] == "billing-dispute"
    admin = {c.category_id: c for c in category_insights(company["admin"])}
    assert admin["billing-dispute"].levels[0].holders == 2  # Ann and Cat
