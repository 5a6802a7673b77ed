"""What a trainee sentence states against the case file, beyond its key points and red flags:
blaming the customer, days that contradict it, amounts above a limit, at another rate, misstated,
totals that do not add up, and charges for what is free."""

from __future__ import annotations

import re

from ..language.numbers import Quantity, digits, quantities, quantities_at
from .amounts import (
    REMEDIES,
    charged_for_free,
    misstated,
    over_limit,
    rate_error,
    total_error,
)
from .casefile import CaseFile
from .reading import Tagged
from .timeline import date_error, may_hold_days

_FROM_ANOTHER_EVENT = re.compile(r"\b\d+ (?:working |business |calendar )?(?:days?|weeks?|hours?) "
                                 r"(?:of|after|from|once) (?!today|now\b)")
# A spoken sentence longer than this (in words) may be two or more run together.
SURE_SPOKEN_WORDS = 25
_FIGURE_KINDS = frozenset({"money", "duration", "date", "weekday", "time"})
_RELATIVE_DAY = re.compile(r"\b(?:today|tonight|tomorrow|yesterday)\b")
_WORD = re.compile(r"[£$€]?[a-z0-9][\w.']*")
REMEDY_REACH = 3  # words either side of a spoken amount where what it is for must be said
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
    days_guessed, amounts_guessed = _guessed(item, low)
    if "blame" in item.tags and not quoted:
        flag = next((c.id for c in case.red_flags if c.kind == "blame"), "")
        found.append((flag, "suggests the customer caused the problem", not case.customer_fault))
    if may_hold_days(low) and (bad := date_error(low, case.timeline, case.weights)):
        # "within 5 working days of collection" counts from another event, not from today
        found.append((*bad[:2], bad[2] and not _FROM_ANOTHER_EVENT.search(digits(low))
                      and not days_guessed))
    kinds = {q.kind for q in figures}
    if kinds & {"money", "duration", "count"}:
        found += [(flag, why, sure and not amounts_guessed)
                  for flag, why, sure in _amount_errors(item, low, case, "money" in kinds)]
    return found


def _guessed(item: Tagged, low: str) -> tuple[bool, bool]:
    """Whether a day, or an amount, read in this sentence of a speech transcript may belong to
    another subject than the one it is read with, the boundaries having been guessed: in a long
    sentence; a day among other days or figures; an amount with nothing it is for said right
    beside it. Such an error is feedback, not a zero."""
    if not item.sentence.spoken:
        return False, False
    long = len(item.sentence.tokens) > SURE_SPOKEN_WORDS
    said = [q for q in quantities(low) if q.kind in _FIGURE_KINDS]
    days = len(said) + len(_RELATIVE_DAY.findall(low)) > 1
    return long or days, long or not _amounts_named(low)


def _amounts_named(low: str) -> bool:
    """Whether every amount of money is said beside what it is for ('a £50 goodwill credit')."""
    text = digits(low)
    words = [(m.start(), m.group()) for m in _WORD.finditer(text)]
    for at, q in quantities_at(low):
        if q.kind != "money":
            continue
        n = next((k for k, (start, _) in enumerate(words) if start >= at), len(words))
        near = words[max(0, n - REMEDY_REACH): n + REMEDY_REACH + 1]
        if not any(w.startswith(r) for _, w in near for r in REMEDIES):
            return False
    return True


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
