"""What an LLM customer's reply must not do that a schema cannot catch: break character, resolve
while still upset, resolve before the trainee has offered anything, or speak as the company to
the customer. Each is a heuristic with a name; a reply that trips one is refused, and the
scripted customer takes the turn (the transcript says why)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..domain.analysis import analyse_reply
from ..domain.library import Scenario
from ..domain.transcript import CUSTOMER, TRAINEE, Turn

# A customer who talks like a model or about the assessment has broken character.
OUT_OF_CHARACTER = (
    r"as an ai", r"i am an ai", r"i'm an ai",
    r"i'm (?:just )?(?:a|an) (?:bot|chatbot|assistant|virtual assistant|(?:ai )?language model)",
    r"(?:ai )?language model", r"this is (?:a|an|just a) (?:simulation|role-?play|training "
    r"exercise)", r"rubric", r"grader", r"scorer", r"assessment criteria", r"system prompt",
)
# Moods in which nobody has got what they wanted: "resolved" said in one of them is refused.
UPSET_MOODS = frozenset({"furious", "angry", "frustrated"})
# What a member of staff says to a customer, and a customer does not say to staff. (A customer
# may well say "I'll send you the receipt" or "our account": those are not here.)
STAFF_PHRASES = (
    r"how (?:can|may) i help",
    r"anything else i can (?:help|do)",
    r"thank you for (?:contacting|calling|getting in touch|reaching out|your patience|"
    r"bearing with|choosing)",
    r"we(?: do| would|'d)? apologi[sz]e",
    r"i(?:'ll| will| can| have|'ve)(?: now| just| already| gone ahead and)? (?:refund(?:ed)?|"
    r"credit(?:ed)?|reimburse[sd]?|compensate[sd]?|process(?:ed)?|waive[sd]?) (?:you|your)",
    r"our (?:records|systems?|polic(?:y|ies)|team|staff)",
    r"on our (?:side|end)",
    r"your (?:refund|replacement|case|claim|complaint|ticket) (?:has been|will be|is being|"
    r"is now) ",
)
# A reply labelled as someone else's line ("Agent: ...") is written as them.
STAFF_LABEL = r"^\W*(?:staff|agent|assistant|representative|support|advisor|adviser)\s*:"
# Greetings and fillers that may stand before a name said to someone ("Hi Priya, ...").
_BEFORE_NAME = r"(?:hi|hello|hey|dear|thanks|thank you|sorry|ok|okay|right|well|so|yes|no)"
# What a trainee reply must show before a customer may call it resolved: a concrete step (an
# action with a time or a reference), a key point of the case, or ownership at rubric level 3.
OFFER_OWNERSHIP = 3

_OUT_OF_CHARACTER = re.compile(r"\b(?:" + "|".join(OUT_OF_CHARACTER) + r")\b", re.IGNORECASE)
_STAFF = re.compile(r"\b(?:" + "|".join(STAFF_PHRASES) + r")|" + STAFF_LABEL, re.IGNORECASE)


def problem(text: str, mood: str, resolved: bool, gave_up: bool, scenario: Scenario,
            transcript: Sequence[Turn]) -> str | None:
    """Why a customer reply cannot stand, or None. Short reasons: they end up in a note."""
    if _OUT_OF_CHARACTER.search(text):
        return "out of character"
    if resolved and gave_up:
        return "both resolved and gave up"
    if resolved and mood in UPSET_MOODS:
        return f"resolved while {mood}"
    if gave_up and mood == "satisfied":
        return "gave up while satisfied"
    if speaks_as_staff(text, scenario.customer.name):
        return "spoke as the company"
    if resolved and not has_offer(scenario, transcript):
        return "resolved before any offer"
    return None


def speaks_as_staff(text: str, name: str) -> bool:
    """Staff talk, or the customer's own name said to someone ("Priya, I've refunded it")."""
    return bool(_STAFF.search(text)) or _addresses(text, name)


def _addresses(text: str, name: str) -> bool:
    # A name, as scenarios write it, is capitalised; "the customer" (no name given) is none.
    names = {name, name.split()[0]} if name[:1].isupper() else set()
    for said in (n for n in names if len(n) > 1):
        n = re.escape(said)
        vocative = rf"(?:^|[.!?]\s+){_BEFORE_NAME}?\W*{n}\s*[,!:]|,\s*{n}\s*(?:[.!?,]|$)"
        if re.search(vocative, text, re.IGNORECASE):
            return True
    return False


def has_offer(scenario: Scenario, transcript: Sequence[Turn]) -> bool:
    """Whether any trainee turn offered or did something: read as the rule scorer and the
    scripted customer read it (domain/analysis.py)."""
    said = ""
    for turn in transcript:
        if turn.role == CUSTOMER:
            said = turn.text
        elif turn.role == TRAINEE:
            reading = analyse_reply(turn.text, scenario, said)
            if reading.concrete_step or reading.key_points or \
                    reading.ownership >= OFFER_OWNERSHIP:
                return True
    return False
