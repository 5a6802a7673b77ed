"""Is a line in the customer's own voice? It must not read out the answer key (a key point's or
red flag's text) nor talk about the customer in the third person. Shared by `trainer validate`,
the realism bench and the tests."""

from __future__ import annotations

import re

from ..library import Scenario

_NON_WORD = re.compile(r"[^a-z0-9£$€%]+")
# A line that repeats this many words of rubric text in a row reads the answer out.
ECHO_RUN = 6
# Rubric text without its leading verb ("Explains the app locked after...") read out whole;
# shorter remainders ("a refund reference") are everyday words a customer may use.
ECHO_REMAINDER = 4
_THIRD_PERSON = re.compile(r"\b(?:the customer|customer's|the caller|the complainant)\b",
                           re.IGNORECASE)


def plain(text: str) -> str:
    """Lowercase words and figures separated by single spaces."""
    return " ".join(_NON_WORD.sub(" ", text.lower()).split())


def echoes(line: str, rubric_text: str) -> bool:
    """Whether ``line`` reads out ``rubric_text``: all of it, all of it but its leading verb,
    or a run of ECHO_RUN words of it."""
    said, rubric = plain(line).split(), plain(rubric_text).split()
    if not rubric:
        return False
    spaced = f" {' '.join(said)} "
    remainder = rubric[1:]
    if f" {' '.join(rubric)} " in spaced or (
            len(remainder) >= ECHO_REMAINDER and f" {' '.join(remainder)} " in spaced):
        return True
    runs = {tuple(rubric[i:i + ECHO_RUN]) for i in range(len(rubric) - ECHO_RUN + 1)}
    return any(tuple(said[i:i + ECHO_RUN]) in runs for i in range(len(said) - ECHO_RUN + 1))


def rubric_echoed(line: str, scenario: Scenario) -> str:
    """The id of the first key point or red flag whose text ``line`` reads out, or ""."""
    for item in (*scenario.key_points, *scenario.red_flags):
        if echoes(line, item.text):
            return item.id
    return ""


def third_person(line: str, scenario: Scenario) -> str:
    """How ``line`` talks about the customer as someone else ("the customer", their own name),
    or "" when it does not."""
    found = _THIRD_PERSON.search(line)
    if found:
        return f"'{found.group(0)}'"
    first = scenario.customer.name.split(" ", 1)[0]
    if first and first[:1].isupper() and re.search(rf"\b{re.escape(first)}\b", line):
        return f"their own name '{first}'"
    return ""
