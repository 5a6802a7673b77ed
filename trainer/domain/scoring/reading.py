"""Each trainee sentence read for the behaviours the rubric looks for, as a set of tags."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from ..language import empathy_cues as E
from ..language import ownership_cues as O
from ..language.concepts import content_concepts
from ..language.numbers import digits, quantities
from ..language.stemming import concept
from ..language.text import Sentence, negated_before, normalise, split_sentences

# Situation concepts too common to show that this customer was heard.
_BLAND = frozenset({"contact", "account", "charg", "money", "day", "week", "call", "time",
                    "servic", "custom", "order", "problem", "issue", "help", "need", "nobody"})
_FUTURE = re.compile(r"\b(?:will|should|going to|takes?|expect\w*|scheduled|booked|arriv\w*|"
                     r"within|now|today|tomorrow|by (?:monday|tuesday|wednesday|thursday|friday|"
                     r"saturday|sunday|the end|end of|tomorrow|\d))\b|'ll\b")
_ACTION_TAGS = frozenset({"take", "team_take", "done", "expect", "follow_up"})
_OWNING_TAGS = _ACTION_TAGS | {"reference", "when", "deflect", "redirect", "refuse", "vague"}
_UPGRADE = {"apology": "apology_specific", "feeling": "feeling_cause", "ack": "ack_specific"}
# The trainee doing it themselves: "I'll call the courier" sends nobody elsewhere.
_MINE = re.compile(r"\b(?:i|we)(?:'ll| will|'ve| have|'m| am| can|'d| would| shall)?(?: \w+)? ?$|"
                   r"\blet me(?: \w+)? ?$|\b(?:i'm|i am|we're|we are) going to(?: \w+)? ?$")
_YOU = re.compile(r"\b(?:you|your|you're|you've|you'd|yours|she|he|her|his)\b")


class Tagged(NamedTuple):
    sentence: Sentence
    tags: frozenset[str]
    mirror: int = 0  # how many of the customer's own situation concepts it repeats

    @property
    def quote(self) -> str:
        return self.sentence.text


def situation_of(text: str) -> frozenset[str]:
    """What the customer said, as concepts and figures, to recognise it when it is mirrored."""
    low = normalise(text)
    figures = {f"#{q.kind}:{q.value:g}" for q in quantities(low)}
    return (content_concepts(low) - _BLAND) | figures


@lru_cache(maxsize=1024)
def _prefixes(situation: frozenset[str]) -> frozenset[str]:
    return frozenset(s[:n] for s in situation if len(s) >= 4 for n in range(4, len(s) + 1))


def _mirror(low: str, situation: frozenset[str]) -> int:
    """How many of the customer's concepts and figures the sentence repeats; 'tarp' echoes
    'tarpaulin' (a shared start of four letters or more counts)."""
    mine = content_concepts(low) | {f"#{q.kind}:{q.value:g}" for q in quantities(low)}
    exact = (mine & situation) - _BLAND
    prefixes = _prefixes(situation)
    loose = sum(1 for c in mine - exact - _BLAND if len(c) >= 4 and (
        c in prefixes or any(c[:n] in situation for n in range(4, len(c)))))
    return len(exact) + loose


def read_turn(text: str, situation: frozenset[str]) -> tuple[Tagged, ...]:
    """Tag each sentence; an empathy cue next to a sentence that mirrors the customer's own
    situation counts as specific, as in "Nine days with no heating. I'm so sorry."."""
    tagged = [tag_sentence(s, situation) for s in split_sentences(text)]
    out = []
    for n, item in enumerate(tagged):
        near = tagged[max(0, n - 1): n + 2]
        if any(i.mirror >= 2 for i in near) and item.tags & _UPGRADE.keys():
            extra = {_UPGRADE[t] for t in item.tags & _UPGRADE.keys()}
            item = Tagged(item.sentence, item.tags | extra, item.mirror)
        out.append(item)
    return tuple(out)


@lru_cache(maxsize=2048)
def tag_sentence(sentence: Sentence, situation: frozenset[str]) -> Tagged:
    low = sentence.lower
    if O.GAMING.search(low):
        return Tagged(sentence, frozenset({"gaming"}))
    if not sentence.is_structured:
        if len(sentence.tokens) >= 3 or not E.COURTESY.search(low):
            return Tagged(sentence, frozenset({"fragment"}))
        sorry = E.APOLOGY.search(low) and not E.NEGATED_EMPATHY.search(low)
        return Tagged(sentence, frozenset({"fragment", "courtesy"} | ({"apology"} if sorry
                                                                       else set())))
    mirror = _mirror(low, situation)
    tags = _empathy_tags(low, mirror) | _ownership_tags(low)
    if mirror >= 2 and _YOU.search(low) and not tags & _OWNING_TAGS:
        tags.add("ack_specific")  # the customer's situation said back to them
    stakes = E.STAKES.search(low)
    if stakes and concept(stakes.group()) in situation:
        tags.add("matters")
    return Tagged(sentence, frozenset(tags), mirror)


def _empathy_tags(low: str, mirror: int) -> set[str]:
    tags: set[str] = set()
    if E.NEGATED_EMPATHY.search(low):
        return {"negated_empathy"}
    if any(not negated_before(low, m.start(), 3) for m in E.BLAME_CUSTOMER.finditer(low)):
        tags.add("blame")
    if any(not negated_before(low, m.start(), 2) for m in E.DISMISSIVE.finditer(low)):
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
    if E.COURTESY.search(low):
        tags.add("courtesy")
    return tags


def _ownership_tags(low: str) -> set[str]:
    tags: set[str] = set()
    if O.DEFLECT.search(low):
        tags.add("deflect")
    if any(not negated_before(low, m.start(), 5) and not _MINE.search(low[:m.start()][-24:])
           for m in O.REDIRECT.finditer(low)):
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
    when = O.WHEN.search(low) or ((number := digits(low)) is not low and O.WHEN.search(number))
    if when and (tags & _ACTION_TAGS or _FUTURE.search(low)):
        tags.add("when")
    if O.FOLLOW_UP_ACT.search(low) and tags & {"take", "team_take"}:
        tags.add("follow_up")
    return tags
