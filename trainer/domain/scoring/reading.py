"""Each trainee sentence read for the behaviours the rubric looks for, as a set of tags."""

from __future__ import annotations

import re
from typing import NamedTuple

from ..language import empathy_cues as E
from ..language import ownership_cues as O
from ..language.concepts import content_concepts
from ..language.numbers import digits, quantities
from ..language.stemming import concept
from ..language.text import REPORTED, Sentence, negated_before, normalise, split_sentences
from .gaming import addressed_to_scorer

# Situation concepts too common to show that this customer was heard.
_BLAND = frozenset({"contact", "account", "charg", "money", "day", "week", "call", "time",
                    "servic", "custom", "order", "problem", "issue", "help", "need", "nobody"})
_FUTURE = re.compile(r"\b(?:will|should|going to|takes?|expect\w*|scheduled|booked|arriv\w*|"
                     r"within|now|today|tomorrow|by (?:monday|tuesday|wednesday|thursday|friday|"
                     r"saturday|sunday|the end|end of|tomorrow|\d))\b|'ll\b")
_ACTION_TAGS = frozenset({"take", "team_take", "done", "expect", "follow_up"})
_UPGRADE = {"apology": "apology_specific", "feeling": "feeling_cause", "ack": "ack_specific"}
# The scripted apology that stays generic whatever is said around it.
_SCRIPTED = re.compile(r"\b(?:any|the) (?:inconvenience|trouble|confusion|disruption|issues?|"
                       r"problems?|frustration|difficult\w*|hassle)\b|\bif (?:you|this|that|it)\b")
# The trainee doing it themselves: "I'll call the courier" sends nobody elsewhere.
_MINE = re.compile(r"\b(?:i|we)(?:'ll| will|'ve| have|'m| am| can|'d| would| shall)?(?: \w+)? ?$|"
                   r"\blet me(?: \w+)? ?$|\b(?:i'm|i am|we're|we are) going to(?: \w+)? ?$")
_YOU = re.compile(r"\b(?:you|your|you're|you've|you'd|yours|she|he|her|his)\b")
# Ownership cues that a negation just before cancels: "there's nothing I can do" takes nothing on.
_NEGATABLE = ("take", "team_take", "done", "follow_up", "expect")
_NEGATION_WINDOW = 3  # words before a cue that may negate it
_BLAME_NEGATION_WINDOW = 5  # "none of this was your fault" negates from five words back
# "You don't need to go knocking next door or chase the courier": one negation, a list of acts.
_REDIRECT_NEGATION_WINDOW = 10
_CLAUSE_START = re.compile(r"[,;:.!?()]|\b(?:but|and then|so that|because|which)\b")
_ADDRESSED = re.compile(r"^\W*(?:(?:please|just|so|then|and|or|simply|best to|try to|you'd better)"
                        r"\W+)*$|\b(?:just|please|simply)\W*$|\byou\b[^.]{0,30}$|"
                        r"\byour\b[^.]{0,12}$")
# Telling the customer they may take it to an ombudsman or regulator is a right they must be told
# of, never a deflection.
_ESCALATION_RIGHT = re.compile(r"\b(?:ombudsman|regulator|trading standards|citizens advice)\b")
# Telling the customer of a right or an option is not sending them away: "you're entitled to ask
# your card provider for a chargeback", "if you'd rather, you can...".
_OPTION = re.compile(r"\b(?:entitled to|(?:have|has) the right to|(?:are|'re) (?:welcome|free) to|"
                     r"if you(?:'d| would)? (?:still |really )?(?:like|prefer|rather|wish|want)|"
                     r"you (?:can|could) (?:also|still|always)|(?:another|one) option)\b")


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
        if not any(_tells_their_situation(i) for i in near):
            out.append(item)
            continue
        tags = item.tags
        if "apology_generic" in tags and not _SCRIPTED.search(item.sentence.lower):
            tags = tags - {"apology_generic"} | {"apology"}  # "Sorry about that." said of this
        if tags & _UPGRADE.keys():
            tags = tags | {_UPGRADE[t] for t in tags & _UPGRADE.keys()}
            item = Tagged(item.sentence, tags, item.mirror)
        out.append(item)
    return tuple(out)


def _to_customer(low: str, match: re.Match[str]) -> bool:
    """Whether a 'go to / contact ...' is said to the customer: an imperative, or with 'you'
    just before ("the codes now go to your new number" sends nobody anywhere)."""
    head = _CLAUSE_START.split(low[:match.start()])[-1]
    return match.group().startswith("you") or bool(_ADDRESSED.search(head))


def _tells_their_situation(item: Tagged) -> bool:
    """A sentence that says the customer's own situation back: two of their words or figures,
    or one of them said to them ("with your accountant waiting")."""
    return item.mirror >= 2 or (item.mirror >= 1 and bool(_YOU.search(item.sentence.lower)))


def tag_sentence(sentence: Sentence, situation: frozenset[str]) -> Tagged:
    low = sentence.lower
    if addressed_to_scorer(sentence.text):
        return Tagged(sentence, frozenset({"gaming"}))
    if not sentence.is_structured:
        short_courtesy = len(sentence.tokens) < 3 and (E.COURTESY.search(low)
                                                       or E.APOLOGY.search(low))
        if not short_courtesy:
            return Tagged(sentence, frozenset({"fragment"}))
        # "I'm sorry." stands on its own: an apology, generic until a neighbour makes it specific
        sorry = E.APOLOGY.search(low) and not E.NEGATED_EMPATHY.search(low)
        return Tagged(sentence, frozenset({"courtesy"} | ({"apology"} if sorry else set())))
    mirror = _mirror(low, situation)
    tags = _empathy_tags(low, mirror) | _ownership_tags(low)
    if any(concept(m.group()) in situation for m in E.STAKES.finditer(low)):
        tags.add("matters")  # what is at stake for them, said of their own situation
    return Tagged(sentence, frozenset(tags), mirror)


def _empathy_tags(low: str, mirror: int) -> set[str]:
    tags: set[str] = set()
    if E.NEGATED_EMPATHY.search(low):
        return {"negated_empathy"}
    if any(not negated_before(low, m.start(), _BLAME_NEGATION_WINDOW)
           and not REPORTED.search(low[:m.start()])
           for m in E.BLAME_CUSTOMER.finditer(low)):
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
        # said of this customer ("what a horrible shock for you") and not in a scripted frame
        # ("sorry for any frustration"), a feeling is theirs: specific, like one with its cause
        theirs = _YOU.search(low) and not E.GENERIC_APOLOGY.search(low)
        tags.add("feeling_cause" if mirror or theirs else "feeling")
    validate = E.VALIDATE.search(low)
    if validate and not negated_before(low, validate.start(), 2):
        tags.add("feeling_cause")  # their reaction named as justified: the feeling, specific
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
    if any(not negated_before(low, m.start(), _REDIRECT_NEGATION_WINDOW)
           and not _MINE.search(low[:m.start()][-24:])
           and not _OPTION.search(low[:m.start()]) and _to_customer(low, m)
           and not _ESCALATION_RIGHT.search(m.group())
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
        text = low_taking if name == "take" else low
        if any(name not in _NEGATABLE or not negated_before(text, m.start(), _NEGATION_WINDOW)
               for m in pattern.finditer(text)):
            tags.add(name)
    when = O.WHEN.search(low) or ((number := digits(low)) is not low and O.WHEN.search(number))
    if when and (tags & _ACTION_TAGS or _FUTURE.search(low)):
        tags.add("when")
    if O.FOLLOW_UP_ACT.search(low) and tags & {"take", "team_take"}:
        tags.add("follow_up")
    return tags
