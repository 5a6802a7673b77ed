"""Which passes are evidence, pure: an override counts only when someone other than the granter
made it; only assessed attempts count, and a near-copy only once a manager reviewed it."""

from __future__ import annotations

from trainer.domain.modes import PRACTICE
from trainer.domain.qualification import (
    Override,
    eligibility,
    is_evidence_for,
    levels_for,
    rests_on_override_by,
)

from .test_qualification import BILLING, LEVEL1, NOW, PASS_LEVELS, rec

# --- overrides are evidence only when someone else made them ----------------------------------

BOSS, OTHER = 7, 8
LIFTED = {d: Override(BOSS, 1) for d in PASS_LEVELS}  # a failed card set to 4/4/4 by BOSS


def test_a_pass_lifted_by_the_granter_is_not_evidence_for_them_but_is_for_anyone_else():
    lifted = rec("billing-late-fee", empathy=4, ownership=4, accuracy=4, overrides=LIFTED)
    assert rests_on_override_by(lifted, BOSS) and not is_evidence_for(lifted, BOSS)
    assert not rests_on_override_by(lifted, OTHER) and is_evidence_for(lifted, OTHER)
    assert is_evidence_for(lifted, None)  # no granter in view (a person's own progress page)


def test_someone_elses_override_is_a_second_pair_of_eyes_and_counts():
    theirs = rec("billing-late-fee", ownership=3, overrides={"ownership": Override(OTHER, 2)})
    result = eligibility([theirs], BILLING, LEVEL1, NOW, granter_id=BOSS)
    assert result.eligible and result.attempt_ids == (theirs.id,)
    assert result.overridden_by_granter == ()


def test_an_override_the_pass_does_not_need_leaves_it_earned():
    raised = rec("billing-late-fee", empathy=4, overrides={"empathy": Override(BOSS, 3)})
    lowered = rec("billing-double-charge", empathy=3, overrides={"empathy": Override(BOSS, 4)})
    for record in (raised, lowered):
        assert not rests_on_override_by(record, BOSS) and is_evidence_for(record, BOSS)


def test_only_the_granters_own_overrides_are_undone():
    # OTHER lifted empathy (3 -> 4), BOSS lifted accuracy (1 -> 3): without BOSS's, it fails;
    # without OTHER's it still passes.
    mixed = rec("billing-late-fee", empathy=4, overrides={"empathy": Override(OTHER, 3),
                                                          "accuracy": Override(BOSS, 1)})
    assert rests_on_override_by(mixed, BOSS) and not rests_on_override_by(mixed, OTHER)
    assert is_evidence_for(mixed, OTHER) and is_evidence_for(mixed, 99)


def test_a_pass_whose_every_level_came_from_the_granter_over_unjudged_ones_is_not_evidence():
    blank = {d: Override(BOSS, None) for d in PASS_LEVELS}
    assert rests_on_override_by(rec("billing-late-fee", overrides=blank), BOSS)


def test_a_failed_attempt_is_never_evidence_whoever_overrode_it():
    failed = rec("billing-late-fee", passed=False, ownership=1,
                 overrides={"ownership": Override(OTHER, 3)})
    assert not is_evidence_for(failed, BOSS) and not rests_on_override_by(failed, BOSS)


def test_eligibility_for_the_granter_leaves_out_their_lift_and_says_so():
    lifted = rec("billing-late-fee", days_ago=1, empathy=4, ownership=4, accuracy=4,
                 overrides=LIFTED)
    result = eligibility([lifted], BILLING, LEVEL1, NOW, granter_id=BOSS)
    assert not result.eligible and result.attempt_ids == ()
    assert result.overridden_by_granter == (lifted.id,)
    assert result.reason == ("0 of 1 scenario passed; "
                             "billing-late-fee passed only by the granter's own override")
    assert eligibility([lifted], BILLING, LEVEL1, NOW, granter_id=OTHER).eligible
    assert [e.eligible for e in levels_for([lifted], BILLING, NOW, BOSS)] == [False] * 3


def test_an_earned_pass_of_the_same_scenario_still_counts_for_the_granter():
    earned = rec("billing-late-fee", days_ago=30)
    lifted = rec("billing-late-fee", days_ago=1, empathy=4, ownership=4, accuracy=4,
                 overrides=LIFTED)
    result = eligibility([earned, lifted], BILLING, LEVEL1, NOW, granter_id=BOSS)
    assert result.eligible and result.attempt_ids == (earned.id,)
    assert result.overridden_by_granter == ()


# --- only assessed attempts are evidence; a near-copy waits for a review -----------------------

def test_a_practice_pass_is_never_evidence_and_the_reason_says_so():
    practice = rec("billing-late-fee", days_ago=1, mode=PRACTICE)
    assert practice.is_clean_pass and not practice.is_admissible
    assert not is_evidence_for(practice, None) and not is_evidence_for(practice, BOSS)
    result = eligibility([practice], BILLING, LEVEL1, NOW)
    assert not result.eligible and result.attempt_ids == ()
    assert result.reason == ("0 of 1 scenario passed; billing-late-fee passed in practice only "
                             "(practice never counts)")


def test_the_reason_reads_the_latest_assessed_attempt_before_any_practice():
    records = [rec("billing-late-fee", days_ago=5, passed=False, ownership=1),
               rec("billing-late-fee", days_ago=1, mode=PRACTICE)]
    result = eligibility(records, BILLING, LEVEL1, NOW)
    assert result.reason == "0 of 1 scenario passed; ownership below pass level in billing-late-fee"
    tried = eligibility([rec("billing-late-fee", mode=PRACTICE, passed=False, ownership=1)],
                        BILLING, LEVEL1, NOW)
    assert tried.reason.endswith("billing-late-fee tried in practice only (practice never counts)")


def test_a_near_copy_counts_only_once_a_manager_reviewed_it():
    held = rec("billing-late-fee", days_ago=1, copied_from="model answer")
    assert held.is_clean_pass and not held.is_admissible and not is_evidence_for(held, None)
    result = eligibility([held], BILLING, LEVEL1, NOW)
    assert not result.eligible
    assert result.reason.endswith("billing-late-fee passed, but held for a manager's review as a "
                                  "near-copy")
    reviewed = rec("billing-late-fee", days_ago=1, copied_from="model answer", reviewed=True)
    assert is_evidence_for(reviewed, BOSS)
    assert eligibility([reviewed], BILLING, LEVEL1, NOW).attempt_ids == (reviewed.id,)


def test_an_assessed_pass_beside_a_practice_one_is_what_counts():
    practice = rec("billing-late-fee", days_ago=1, mode=PRACTICE)
    assessed = rec("billing-late-fee", days_ago=3)
    assert eligibility([practice, assessed], BILLING, LEVEL1, NOW).attempt_ids == (assessed.id,)
