"""Each trainee sentence read for the behaviours the rubric looks for, as a set of tags."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..language import empathy_cues as E
from ..language import ownership_cues as O
from ..language.concepts import content_concepts
from ..language.numbers import digits
from ..language.text import Sentence, negated_before, split_sentences

# Situation concepts too common to show that this customer was heard.
_BLAND = frozenset({"contact", "account", "charg", "money", "day", "week", "call", "time",
                    "servic", "custom", "order", "problem", "issue", "help", "need", "nobody"})
_FUTURE = re.compile(r"\b(?:will|should|going to|takes?|expect\w*|scheduled|booked|arriv\w*|"
                     r"within|now|today|tomorrow|by (?:monday|tuesday|wednesday|thursday|friday|"
                     r"saturday|sunday|the end|end of|tomorrow|\d))\b|'ll\b")
_ACTION_TAGS = frozenset({"take", "team_take", "done", "expect", "follow_up"})


@dataclass(frozen=True)
class Tagged:
    sentence: Sentence
    tags: frozenset[str]
    mirror: int = 0  # how many of the customer's own situation concepts it repeats

    @property
    def quote(self) -> str:
        return self.sentence.text


def read_turn(text: str, situation: frozenset[str]) -> tuple[Tagged, ...]:
    return tuple(tag_sentence(s, situation) for s in split_sentences(text))


@lru_cache(maxsize=8192)
def tag_sentence(sentence: Sentence, situation: frozenset[str]) -> Tagged:
    low = sentence.lower
    if O.GAMING.search(low):
        return Tagged(sentence, frozenset({"gaming"}))
    if not sentence.is_structured:
        short = len(sentence.tokens) < 3 and E.COURTESY.search(low)
        return Tagged(sentence, frozenset({"fragment", "courtesy"} if short else {"fragment"}))
    mirror = len((content_concepts(low) & situation) - _BLAND)
    tags = _empathy_tags(low, mirror) | _ownership_tags(low)
    return Tagged(sentence, frozenset(tags), mirror)


def _empathy_tags(low: str, mirror: int) -> set[str]:
    tags: set[str] = set()
    if E.NEGATED_EMPATHY.search(low):
        return {"negated_empathy"}
    if E.BLAME_CUSTOMER.search(low):
        tags.add("blame")
    if E.DISMISSIVE.search(low):
        tags.add("dismissive")
    apology = E.APOLOGY.search(low)
    if apology and not negated_before(low, apology.start(), 3):
        generic = E.GENERIC_APOLOGY.search(low)
        tags.add("apology_generic" if generic and mirror == 0 else "apology")
        if mirror or E.STAKES.search(low):
            tags.add("apology_specific")
    feeling = E.FEELING.search(low)
    if feeling and not negated_before(low, feeling.start(), 2):
        tags.add("feeling_cause" if mirror else "feeling")
    ack = E.ACKNOWLEDGE.search(low)
    if ack:
        tags.add("ack_specific" if mirror or feeling else "ack")
    if E.MATTERS.search(low):
        tags.add("matters")
    if E.ADAPT.search(low):
        tags.add("adapt")
    if E.STAKES.search(low):
        tags.add("stakes")
    if E.COURTESY.search(low):
        tags.add("courtesy")
    return tags


def _ownership_tags(low: str) -> set[str]:
    tags: set[str] = set()
    if O.DEFLECT.search(low):
        tags.add("deflect")
    redirect = O.REDIRECT.search(low)
    if redirect and not negated_before(low, redirect.start(), 5):
        tags.add("redirect")
    if O.REFUSE.search(low):
        tags.add("refuse")
    handoff = O.HANDOFF.search(low)
    if handoff:
        tags.add("handoff")
        low_taking = O.HANDOFF.sub(" ", low)
    else:
        low_taking = low
    if O.VAGUE.search(low):
        tags.add("vague")
    for name, pattern in (("take", O.TAKE_ON), ("team_take", O.TEAM_TAKE_ON),
                          ("done", O.DONE_ACTION), ("own_mistake", O.OWN_MISTAKE),
                          ("follow_up", O.FOLLOW_UP), ("check", O.CHECK_SATISFIED),
                          ("expect", O.EXPECTATION), ("reference", O.REFERENCE)):
        if pattern.search(low_taking if name == "take" else low):
            tags.add(name)
    if O.WHEN.search(digits(low)) and (tags & _ACTION_TAGS or _FUTURE.search(low)):
        tags.add("when")
    return tags
