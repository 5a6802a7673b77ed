"""What a trainee sentence states against the case file, beyond its key points and red flags:
blaming the customer, days that contradict it, amounts above a limit, at another rate, misstated,
totals that do not add up, and charges for what is free."""

from __future__ import annotations

import re

from ..language.numbers import Quantity
from .amounts import charged_for_free, misstated, over_limit, rate_error, total_error
from .casefile import CaseFile
from .reading import Tagged
from .timeline import date_error, may_hold_days

_FROM_ANOTHER_EVENT = re.compile(r"\b\d+ (?:working |business |calendar )?(?:days?|weeks?|hours?) "
                                 r"(?:of|after|from|once) (?!today|now\b)")
PROMISE_TAGS = frozenset({"take", "team_take", "done", "expect"})
HEDGED = re.compile(r"\b(?:can't|cannot|won't|couldn't|not able to) (?:promise|guarantee|say|"
                    r"confirm)|\bno guarantee|\b(?:request|ask(?:ing)?|put (?:it|this) to|"
                    r"see if|see whether|try to|might|may be able|hopefully|it's (?:their|the "
                    r"\w+'s) decision|not (?:mine|my decision|up to me))\b")


def statement_errors(item: Tagged, figures: tuple[Quantity, ...], case: CaseFile,
                     quoted: bool) -> list[tuple[str, str, bool]]:
    """(red flag id or '', what is wrong, sure) for each wrong statement in the sentence;
    ``quoted``: a red flag already quotes this sentence."""
    low = item.sentence.lower
    found: list[tuple[str, str, bool]] = []
    if "blame" in item.tags and not quoted:
        flag = next((c.id for c in case.red_flags if c.kind == "blame"), "")
        found.append((flag, "suggests the customer caused the problem", not case.customer_fault))
    if may_hold_days(low) and (bad := date_error(low, case.timeline, case.weights)):
        # "within 5 working days of collection" counts from another event, not from today
        found.append((*bad[:2], bad[2] and not _FROM_ANOTHER_EVENT.search(low)))
    kinds = {q.kind for q in figures}
    if kinds & {"money", "duration", "count"}:
        found += _amount_errors(item, low, case, "money" in kinds)
    return found


def _amount_errors(item: Tagged, low: str, case: CaseFile,
                   money: bool) -> list[tuple[str, str, bool]]:
    over = ""
    if item.tags & PROMISE_TAGS and not HEDGED.search(low):
        over = over_limit(low, case.amounts) or (rate_error(low, case.amounts) if money else "")
    if over:
        flag = next((c.id for c in case.red_flags if c.kind == "overpromise"), "")
        # A promise plainly over a limit or rate the policy states: certain enough for a zero.
        return [(flag, over, True)]
    # Figures, totals and charges read from free text are feedback with the quote, not a level.
    if (off := misstated(low, case.amounts, case.weights)) is not None:
        return [("", off[0], False)]
    if money and (bad := total_error(low) or charged_for_free(low, case.amounts, case.weights)):
        return [("", bad, False)]
    return []
