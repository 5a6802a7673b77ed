"""When a trainee sentence is certain evidence: said as their own assertion (not quoted, reported,
questioned or an 'if' fallback) and not a retelling of what the case file or customer says."""

from __future__ import annotations

import re
from functools import lru_cache

from ..language.concepts import content_concepts
from ..language.numbers import Quantity, quantities
from ..language.spoken import reading
from ..language.text import REPORTED, is_conditional, normalise
from .casefile import CaseFile

# A sentence that repeats this share of what a fact or the customer said (in content words) tells
# what happened; it is not the trainee asserting something of their own. Lower: more restatements
# found, and more real assertions about the same subject excused.
RESTATED_SHARE = 0.6
_RESTATED_MIN_WORDS = 3  # shorter sentences share too few words to tell
# Words in quotation marks: someone else's, not the trainee's own assertion.
_QUOTED = re.compile(r"[\"\u201c\u201d]|(?:^|\s)'[^']{3,}'(?:\s|$|[.,!?])")
_ACTING = re.compile(r"\b(?:i|we)(?:'ll| will| shall|'m going to| am going to|'re going to| are "
                     r"going to|'ve| have| can|'d| would| could)\b|\blet me\b")
# Asking or advising the customer to do something, in the forms people use for it.
REQUEST = re.compile(
    r"\b(?:please|can you|could you|would you|will you|have you|did you|you'll (?:need|have) to|"
    r"you need to|you must|you should|you have to|try|make sure you|i need you to|i'll need you "
    r"to|we need you to|go ahead and|you(?:'d| would)? (?:need|have) to|you (?:could|can|might|"
    r"may) (?:always |just |want to |wish to |like to )?|i'd (?:suggest|recommend|advise)|i "
    r"(?:suggest|recommend|advise|would suggest)|why not|it's (?:best|better|worth|a good idea) "
    r"to|it (?:may|might|would) be (?:best|better|worth|a good idea)|(?:the|your) (?:best|safest|"
    r"simplest|easiest|quickest|only) (?:thing|option|way|bet|course)|(?:if|once|when) you "
    r"(?:send|give|tell|provide|upload|email|post|bring|pay|fill))\b|^\W*(?:send|give|tell|check|"
    r"restart|reboot|unplug|turn|switch|go|call|contact|pay|come|bring|visit|wait|fill|upload|"
    r"email|post|just)\b")


@lru_cache(maxsize=2048)
def is_known_figure(q: Quantity, known: frozenset[Quantity]) -> bool:
    """Whether the case file gives this figure somewhere."""
    return any(q.same_as(k) for k in known)


# Flags about telling or asking the customer something: a condition does not undo them ("if it
# happens again, ring the courier yourself" still sends them to the courier).
_ACTS_ON_CUSTOMER = frozenset({"request", "redirect", "blame"})


def is_own_assertion(quote: str, kind: str = "promise") -> bool:
    low = reading(quote, normalise(quote))  # a spoken quote: its questions marked
    question = low.rstrip().endswith("?") and kind != "request"
    fallback = is_conditional(low) and kind not in _ACTS_ON_CUSTOMER
    return not (question or fallback or _QUOTED.search(quote) or REPORTED.search(low))


def restates(quote: str, case: CaseFile, beside: tuple[str, ...] = ()) -> bool:
    """Whether the sentence retells what the case file or the customer says happened (a
    sentence in which the trainee does, offers or asks something is never a retelling); with
    ``beside`` (a spoken sentence's neighbours), also run on with one of them."""
    return _restates(quote, case) or any(_restates(f"{b} {quote}", case)
                                         or _restates(f"{quote} {b}", case) for b in beside)


def _restates(quote: str, case: CaseFile) -> bool:
    low = reading(quote, normalise(quote))
    if _ACTING.search(low) or REQUEST.search(low) or not all(
            is_known_figure(q, case.known) for q in quantities(low)):
        return False  # doing or asking something, or a figure of its own: not a retelling
    mine = content_concepts(low)
    return len(mine) >= _RESTATED_MIN_WORDS and any(
        len(mine & told) >= RESTATED_SHARE * len(mine) for told in case.accounts)
