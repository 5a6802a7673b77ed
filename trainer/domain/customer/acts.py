"""What a trainee's reply did, as the customer hears it: the acts a script line's ``when:`` may
name, read from the rule scorer's tags, and the short reasons the play page shows."""

from __future__ import annotations

import re

from ..analysis import ReplyAnalysis
from .cues import ABOUT_THE_COMPLAINT, AFFIRMATIONS, ASKS_TO_EXPLAIN

LISTENED = 2  # the empathy level at which the customer feels heard (specific acknowledgement)

# Act -> the reason the customer gives for a mood change ("calmer: you gave a time").
CALMING = {
    "apology": "you said sorry",
    "heard": "you understood what this has done to me",
    "ownership": "you took it on",
    "mistake": "you owned the mistake",
    "step": "you said what happens next",
    "time": "you gave a time",
    "reference": "you gave me a reference",
    "done": "you've already done something",
    "follow-up": "you'll follow it up",
    "check": "you checked I'm happy",
    "confirm": "you confirmed it",
}
UPSETTING = {
    "red-flag": "I don't accept that",
    "blame": "that blamed me",
    "deflect": "you passed me somewhere else",
    "dismissive": "that brushed me off",
    "refuse": "you refused to help",
    "off-topic": "that had nothing to do with my problem",
}
NEUTRAL = {
    "vague": "that was vague",
    "question": "you asked me to explain it again",
    "terse": "that told me nothing new",
}
ACTS = {**CALMING, **UPSETTING, **NEUTRAL}
# When the mood steps up, the reason names the most concrete thing the reply did, in this order.
CONCRETE_ORDER = ("time", "reference", "done", "mistake", "step", "follow-up")
# What closes the loop once the customer has said what would settle it.
CLOSING_ACTS = frozenset({"confirm", "follow-up", "check", "time", "reference", "done", "step"})

_OWNING = frozenset({"take", "team_take", "done", "own_mistake"})
_ACTING = frozenset({"take", "team_take", "done", "expect", "follow_up"})
_COMMITTED = frozenset({"take", "team_take", "done"})
_NOT_TOPICAL = frozenset({"fragment", "courtesy", "when"})  # "lovely weather today" is not a time


def _any_of(words: tuple[str, ...], at_start: bool = False) -> re.Pattern[str]:
    start = r"^\W*" if at_start else ""
    alternatives = "|".join(re.escape(word) for word in words)
    return re.compile(rf"{start}\b(?:{alternatives})\b", re.IGNORECASE)


_AFFIRM = _any_of(AFFIRMATIONS, at_start=True)
_ASKS_CUSTOMER = _any_of(ASKS_TO_EXPLAIN)
_ABOUT_IT = _any_of(ABOUT_THE_COMPLAINT)
_WORDS = re.compile(r"[\w']+")
TERSE_WORDS = 3  # a reply this short that says nothing else tells the customer nothing new


def acts_of(text: str, analysis: ReplyAnalysis) -> frozenset[str]:
    """The acts in one reply; key point ids are added by the caller (they are scenario data)."""
    tags = analysis.tags
    acts: set[str] = set()
    if tags & {"apology", "apology_specific"} and "negated_empathy" not in tags:
        acts.add("apology")
    if analysis.empathy >= LISTENED:
        acts.add("heard")
    for act, on in (("ownership", tags & _OWNING), ("mistake", "own_mistake" in tags),
                    ("step", analysis.concrete_step), ("time", "when" in tags and tags & _ACTING),
                    ("reference", "reference" in tags), ("done", "done" in tags),
                    ("follow-up", "follow_up" in tags), ("check", "check" in tags),
                    ("confirm", _AFFIRM.search(text)), ("red-flag", analysis.red_flags),
                    ("blame", "blame" in tags), ("deflect", tags & {"deflect", "redirect"}),
                    ("dismissive", tags & {"dismissive", "negated_empathy"}),
                    ("refuse", "refuse" in tags and not tags & _COMMITTED),
                    ("vague", "vague" in tags and not analysis.concrete_step),
                    ("question", "?" in text and _ASKS_CUSTOMER.search(text))):
        if on:
            acts.add(act)
    if analysis.addresses_grader:  # written to the scorer, not to the customer
        acts.add("off-topic")
    if not acts and not analysis.key_points:
        if len(_WORDS.findall(text)) <= TERSE_WORDS and not tags - {"fragment"}:
            acts.add("terse")
        elif not tags - _NOT_TOPICAL and analysis.mirror == 0 and not _ABOUT_IT.search(text):
            acts.add("off-topic")
    return frozenset(acts)


def is_hurtful(acts: frozenset[str]) -> bool:
    """Brushed off, blamed, sent elsewhere, ignored, or told something the customer knows is
    wrong: the mood falls one step."""
    return bool(acts & UPSETTING.keys())


def calming_reason(acts: frozenset[str], new_points: bool) -> str:
    """Why the mood stepped up: the most concrete thing done, else the answer to a question."""
    concrete = next((act for act in CONCRETE_ORDER if act in acts), "")
    if concrete:
        return CALMING[concrete]
    if new_points:
        return "you answered what I asked"
    found = next((act for act in CALMING if act in acts), "")
    return CALMING[found] if found else "that helps"


def upsetting_reason(acts: frozenset[str]) -> str:
    return next(UPSETTING[act] for act in UPSETTING if act in acts)


def steady_reason(acts: frozenset[str]) -> str:
    """Why nothing moved: what the reply lacked, in the customer's words. (A step that moved
    nothing came from someone who has not yet shown they heard the customer.)"""
    for act in ("question", "vague", "terse"):
        if act in acts:
            return NEUTRAL[act]
    if acts & {"step", "time", "reference", "done", "follow-up"}:
        return "no sign you understand what this has done to me"
    if acts & {"heard", "apology"}:
        return "kind words, but nothing concrete yet"
    return "nothing new yet"


def closes_the_loop(acts: frozenset[str]) -> bool:
    """After the customer has said what would settle it: a yes, a follow-up, a check, a time."""
    return bool(acts & CLOSING_ACTS) and not is_hurtful(acts) and "vague" not in acts
