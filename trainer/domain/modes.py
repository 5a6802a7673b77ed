"""Practice and assessed attempts: which attempts are evidence, who sees a model answer, and when
an attempt ended by the trainee is abandoned rather than scored. Pure rules, no I/O."""

from __future__ import annotations

PRACTICE, ASSESSED = "practice", "assessed"
MODES = (PRACTICE, ASSESSED)
# Ended by the trainee with fewer answers than this, the customer never had a real answer: the
# attempt is abandoned (not scored, neither passed nor failed) instead of a fail a manager sees.
MIN_ANSWERS_TO_SCORE = 2


def mode_of(value: str | None) -> str:
    """The mode a start form asked for: practice when none was given (it never counts, so it is
    the safe reading of a form from an older page); anything unknown is a ValueError."""
    value = (value or PRACTICE).strip().lower()
    if value not in MODES:
        raise ValueError(f"unknown mode '{value}' (one of {', '.join(MODES)})")
    return value


def is_abandoned(trainee_answers: int) -> bool:
    """Whether ending now, at the trainee's own request, abandons the attempt."""
    return trainee_answers < MIN_ANSWERS_TO_SCORE


def is_held_for_review(copied_from: str | None, reviewed: bool) -> bool:
    """A near-copy (of a model answer or another person's passed answer) waits for a manager:
    any review of the card, a confirmation or an override, releases it."""
    return bool(copied_from) and not reviewed


def is_admissible(mode: str, copied_from: str | None = None, reviewed: bool = False) -> bool:
    """Whether an attempt may count as evidence at all (for a clearance, or towards a track that
    asks for assessed passes): assessed, and not a near-copy still waiting for a review.
    Whether it *is* evidence also needs a clean pass: see qualification.is_evidence_for."""
    return mode == ASSESSED and not is_held_for_review(copied_from, reviewed)


def can_see_model_answer(mode: str, has_passed_assessed: bool, is_reviewer: bool = False
                         ) -> bool:
    """After a finished attempt: practice always shows the model answer; an assessed attempt
    only once the person has an admissible assessed pass of that scenario (this attempt or an
    earlier one). A reviewer (someone else's manager or an admin) sees it to judge the card."""
    return is_reviewer or mode == PRACTICE or has_passed_assessed
