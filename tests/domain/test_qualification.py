"""Qualification rules, pure: eligibility and its reason, expiry instants, grant refusals."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from trainer.domain.library import AuthorityLevel, Category
from trainer.domain.modes import ASSESSED
from trainer.domain.permissions import grant_refusal
from trainer.domain.qualification import (
    CLEARANCE_MONTHS,
    AttemptRecord,
    Override,
    add_months,
    default_expiry,
    eligibility,
    expiring_soon,
    expiry_allowed,
    highest_eligible,
    is_current,
    levels_for,
)

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
US = timedelta(microseconds=1)
BILLING = Category("billing-dispute", "Billing disputes", "", (
    AuthorityLevel(1, "Standard remedies", 0, 1, 1),
    AuthorityLevel(2, "Goodwill up to 50", 50, 3, 1),
    AuthorityLevel(3, "Refunds up to 500", 500, 2, 2)))
LEVEL1, LEVEL2, LEVEL3 = BILLING.levels
PASS_LEVELS = {"empathy": 3, "ownership": 3, "accuracy": 3}
_ids = iter(range(1, 10_000))


def rec(scenario: str, *, finished_at: datetime | None = None, days_ago: int = 10,
        difficulty: int = 2, passed: bool = True, category: str = "billing-dispute",
        overrides: dict[str, Override] | None = None, mode: str = ASSESSED,
        copied_from: str | None = None, reviewed: bool = False,
        **levels: int | None) -> AttemptRecord:
    return AttemptRecord(id=next(_ids), scenario_id=scenario, category=category,
                         difficulty=difficulty,
                         finished_at=finished_at or NOW - timedelta(days=days_ago),
                         passed=passed, levels={**PASS_LEVELS, **levels},
                         pass_levels=PASS_LEVELS, mode=mode, overrides=overrides or {},
                         copied_from=copied_from, reviewed=reviewed)


def test_three_different_scenarios_make_someone_eligible_and_are_named():
    records = [rec("billing-price-rise-notice", days_ago=3), rec("billing-late-fee", days_ago=2),
               rec("billing-double-charge", days_ago=1)]
    result = eligibility(records, BILLING, LEVEL2, NOW)
    assert result.eligible and result.passed_count == 3 and result.required == 3
    assert result.reason == ("Eligible: passed billing-double-charge, billing-late-fee and "
                             "billing-price-rise-notice")
    assert result.attempt_ids == (records[2].id, records[1].id, records[0].id)  # newest first


def test_one_scenario_passed_three_times_is_not_enough():
    records = [rec("billing-double-charge", days_ago=d) for d in (1, 2, 3)]
    result = eligibility(records, BILLING, LEVEL2, NOW)
    assert not result.eligible and result.passed_count == 1
    assert result.reason == "1 of 3 scenarios passed"
    assert result.attempt_ids == (records[0].id,)  # the latest pass of the scenario


def test_a_dimension_below_pass_level_does_not_count_and_is_named():
    records = [rec("billing-double-charge"), rec("billing-price-rise-notice"),
               rec("billing-late-fee", ownership=2)]
    result = eligibility(records, BILLING, LEVEL2, NOW)
    assert not result.eligible
    assert result.reason == ("2 of 3 scenarios passed; "
                             "ownership below pass level in billing-late-fee")


def test_passed_flag_alone_or_levels_alone_are_not_enough():
    flagged_but_low = rec("billing-late-fee", empathy=2, ownership=1)  # inconsistent row
    levels_but_failed = rec("billing-double-charge", passed=False)
    result = eligibility([flagged_but_low, levels_but_failed], BILLING, LEVEL1, NOW)
    assert not result.eligible
    assert result.reason == ("0 of 1 scenario passed; billing-double-charge not passed yet; "
                             "empathy and ownership below pass level in billing-late-fee")


def test_a_dimension_that_could_not_be_judged_is_not_a_shortfall():
    assert eligibility([rec("billing-late-fee", accuracy=None)], BILLING, LEVEL1, NOW).eligible


def test_the_latest_failure_is_explained_but_an_earlier_pass_still_counts():
    records = [rec("billing-late-fee", days_ago=20), rec("billing-late-fee", days_ago=1,
                                                         passed=False, empathy=1)]
    result = eligibility(records, BILLING, LEVEL1, NOW)
    assert result.eligible and result.attempt_ids == (records[0].id,)


def test_difficulty_below_the_level_minimum_does_not_count():
    records = [rec("billing-price-rise-notice", difficulty=1), rec("billing-double-charge")]
    result = eligibility(records, BILLING, LEVEL3, NOW)
    assert not result.eligible and result.passed_count == 1
    assert result.reason == ("1 of 2 scenarios passed at difficulty 2 or more; "
                             "billing-price-rise-notice is below difficulty 2")
    assert eligibility(records, BILLING, LEVEL1, NOW).eligible


def test_the_twelve_month_window_ends_at_the_exact_instant():
    just_in = rec("billing-late-fee", finished_at=add_months(NOW, -12) + US)
    just_out = rec("billing-late-fee", finished_at=add_months(NOW, -12))
    assert eligibility([just_in], BILLING, LEVEL1, NOW).eligible
    out = eligibility([just_out], BILLING, LEVEL1, NOW)
    assert not out.eligible
    assert out.reason == ("0 of 1 scenario passed; "
                          "billing-late-fee was last tried over 12 months ago")


def test_attempts_after_now_and_in_other_categories_are_ignored():
    records = [rec("billing-late-fee", finished_at=NOW + US),
               rec("delivery-damaged-sofa", category="delivery-problem")]
    result = eligibility(records, BILLING, LEVEL1, NOW)
    assert not result.eligible and result.reason == "0 of 1 scenario passed"


def test_levels_for_answers_every_level_lowest_first():
    records = [rec("billing-late-fee"), rec("billing-double-charge")]
    results = levels_for(records, BILLING, NOW)
    assert [(e.level, e.eligible) for e in results] == [(1, True), (2, False), (3, True)]


@pytest.mark.parametrize("held", [0, 1, 2, 3])
def test_the_highest_level_someone_is_eligible_for_above_the_one_held_is_levels_fors(held):
    granter = 7
    cases = {
        "nothing": [],
        "one scenario": [rec("billing-late-fee")],
        "two: levels 1 and 3, not 2": [rec("billing-late-fee"), rec("billing-double-charge")],
        "two, too easy for 3": [rec("billing-late-fee", difficulty=1),
                                rec("billing-double-charge", difficulty=1)],
        "three": [rec("billing-late-fee"), rec("billing-double-charge"), rec("billing-refund")],
        "one below its pass level": [rec("billing-late-fee"),
                                     rec("billing-double-charge", empathy=1)],
        "one too old": [rec("billing-late-fee", days_ago=400), rec("billing-double-charge")],
        "one passed by the granter's override": [
            rec("billing-late-fee"), rec("billing-double-charge",
                                         overrides={"empathy": Override(granter, 1)})],
    }
    for case, records in cases.items():
        eligible = [e for e in levels_for(records, BILLING, NOW, granter)
                    if e.eligible and e.level > held]
        assert highest_eligible(records, BILLING, NOW, held, granter) == (
            eligible[-1] if eligible else None), case


@pytest.mark.parametrize(("start", "months", "expected"), [
    (datetime(2027, 1, 31, 9, 30, tzinfo=UTC), 1, datetime(2027, 2, 28, 9, 30, tzinfo=UTC)),
    (datetime(2028, 1, 31, 9, 30, tzinfo=UTC), 1, datetime(2028, 2, 29, 9, 30, tzinfo=UTC)),
    (datetime(2028, 2, 29, 23, 59, 59, 999999, tzinfo=UTC), 12,
     datetime(2029, 2, 28, 23, 59, 59, 999999, tzinfo=UTC)),
    (datetime(2026, 12, 15, tzinfo=UTC), 1, datetime(2027, 1, 15, tzinfo=UTC)),
    (datetime(2026, 3, 31, tzinfo=UTC), -1, datetime(2026, 2, 28, tzinfo=UTC)),
    (datetime(2026, 1, 10, tzinfo=UTC), -12, datetime(2025, 1, 10, tzinfo=UTC)),
    (date(2026, 8, 31), 6, date(2027, 2, 28)),
])
def test_add_months_keeps_the_time_and_clamps_the_day(start, months, expected):
    assert add_months(start, months) == expected


def test_default_expiry_is_twelve_calendar_months_to_the_instant():
    granted = datetime(2026, 2, 28, 17, 45, 1, 5, tzinfo=UTC)
    assert CLEARANCE_MONTHS == 12
    assert default_expiry(granted) == datetime(2027, 2, 28, 17, 45, 1, 5, tzinfo=UTC)


def test_an_expiry_must_be_after_the_grant_and_at_most_twelve_months_later():
    granted = NOW
    longest = default_expiry(granted)
    assert expiry_allowed(granted, longest)
    assert expiry_allowed(granted, granted + US)
    assert not expiry_allowed(granted, longest + US)
    assert not expiry_allowed(granted, granted)
    assert not expiry_allowed(granted, granted - timedelta(days=1))


def test_a_clearance_counts_until_the_exact_expiry_instant():
    granted, expires = NOW - timedelta(days=300), NOW + timedelta(days=65)
    assert is_current(granted, expires, None, expires - US)
    assert not is_current(granted, expires, None, expires)
    assert not is_current(granted, expires, None, expires + US)
    assert not is_current(granted, expires, NOW - timedelta(days=1), NOW)
    assert not is_current(granted, expires, None, granted - US)
    assert is_current(granted, expires, None, granted)


def test_expiring_soon_is_the_last_thirty_days_before_the_instant():
    assert expiring_soon(NOW + timedelta(days=30), NOW)
    assert not expiring_soon(NOW + timedelta(days=30) + US, NOW)
    assert expiring_soon(NOW + US, NOW)
    assert not expiring_soon(NOW, NOW)  # already expired: no longer "soon"
    assert expiring_soon(NOW + timedelta(days=6), NOW, days=7)


def test_nobody_grants_themselves_not_even_an_admin():
    for is_admin in (False, True):
        refusal = grant_refusal(7, is_admin, 7, in_scope=False)
        assert refusal and refusal.startswith("Nobody can grant a clearance of their own")
    assert "revoke" in grant_refusal(7, True, 7, False, action="revoke")


def test_managers_grant_only_within_scope_and_admins_anyone_else():
    assert grant_refusal(1, False, 2, in_scope=True) is None
    refusal = grant_refusal(1, False, 2, in_scope=False)
    assert refusal == ("You can only grant clearances for people in your team "
                       "(your direct or indirect reports).")
    assert grant_refusal(1, True, 2, in_scope=False) is None


def test_shortfalls_are_named_in_the_rubrics_order_whatever_order_the_scores_came_in():
    from dataclasses import replace

    record = replace(rec("billing-late-fee"), levels={"accuracy": 1, "ownership": 2, "empathy": 0})
    assert record.shortfalls == ("empathy", "ownership", "accuracy")
