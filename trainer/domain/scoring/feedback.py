"""Feedback addressed to the trainee: what was missing or wrong, concretely, per dimension."""

from __future__ import annotations

from dataclasses import dataclass

from ..library import Scenario
from .levels import Judgement
from .matching import CaseFindings

_EMPATHY = {
    "ignored": "You didn't acknowledge how the customer feels. Name their situation in their own "
               "words{said} and say you're sorry for what it has done to them.",
    "generic": "Avoid 'sorry for any inconvenience': name what went wrong for this customer"
               "{said} and how it has left them feeling.",
    "no_feeling": "Name the feeling as well as the problem, e.g. 'I can see how frustrating this "
                  "has been'.",
    "no_apology": "Apologise for the impact on them, e.g. 'I'm sorry this has left you "
                  "waiting'.",
    "no_matters": "To reach the top level, show why it matters to them (what this meant for them) "
                  "and adapt what you offer to their situation.",
    "over_apology": "One sincere apology is enough; more starts to sound scripted.",
    "stuffed": "Too many apology and sympathy phrases with nothing specific behind them: one "
               "sincere apology that names their problem, then what you will do, works better.",
}
_OWNERSHIP = {
    "nothing": "Say what you will do about the complaint.",
    "not_personal": "Take it on personally: say what you will do ('I'll …') rather than what "
                    "someone else or 'the team' might do.",
    "no_time": "You gave no time frame or reference: say when it will happen, e.g. '{when}', "
               "or give a reference number.",
    "no_close": "Close the loop: say when you'll follow up, what they will see next, and check "
                "they're satisfied before you finish.",
    "no_mistake": "Own the company's mistake plainly, e.g. 'this was our error, not yours'.",
}
_HOLLOW = ("The same promises repeated ('leave it with me', 'I'll sort it') say nothing about "
           "what you will do: say it once, with the action, the time and a reference.")
_LIST = "A list of terms is not said to anyone: write to the customer in sentences."
_GAMING = ("Write to the customer, not to whoever grades the reply: text addressed to the scorer "
           "earns nothing and caps the score.")
_ANY = {"gaming": _GAMING, "hollow": _HOLLOW, "keyword_list": _LIST}  # any dimension
_BAD = {
    "negated_empathy": "Don't withhold empathy: '{q}' tells the customer their feelings don't "
                       "matter. Acknowledge what happened to them instead.",
    "blame": "Don't blame the customer ('{q}'): take the problem off them and say what you will "
             "do.",
    "dismissive": "Don't argue with or dismiss the customer ('{q}'): acknowledge what happened to "
                  "them first.",
    "deflect": "Don't send the customer elsewhere or blame others ('{q}'): take it on yourself, "
               "e.g. 'I'll sort this out for you'.",
}
_TOP = {"empathy": "Specific, warm and sincere: you named their situation, the feeling and why it "
                   "matters to them.",
        "ownership": "You took it on personally, gave a concrete next step and closed the loop.",
        "accuracy": "Every key point right and precise."}


@dataclass(frozen=True)
class Context:
    customer_said: str = ""  # a few of the customer's own words, for examples
    time_example: str = ""


def _said(ctx: Context) -> str:
    return f" (they told you: '{ctx.customer_said}')" if ctx.customer_said else ""


def describe(dimension: str, judged: Judgement, ctx: Context) -> str:
    """Empathy and ownership feedback from the gaps the judgement found."""
    table = _EMPATHY if dimension == "empathy" else _OWNERSHIP
    parts = []
    for gap in judged.gaps:
        if gap in _BAD:
            parts.append(_BAD[gap].format(q=_quote(judged.offending)))
        elif gap in _ANY:
            parts.append(_ANY[gap])
        elif gap in table:
            parts.append(table[gap].format(said=_said(ctx),
                                           when=ctx.time_example or "by 5pm tomorrow"))
    if judged.level == 4 and not parts:
        parts.append(_TOP[dimension])
    return " ".join(dict.fromkeys(parts))


def _quote(text: str) -> str:
    """A quote inside a sentence of feedback, without its own closing full stop."""
    return text.rstrip().rstrip(".")


def describe_accuracy(judged: Judgement, found: CaseFindings, scenario: Scenario | None) -> str:
    if judged.level is None or scenario is None:
        return "No scenario facts to check, so accuracy is not judged."
    parts = []
    flags = {f.id: f.text for f in scenario.red_flags}
    points = {k.id: k.text for k in scenario.key_points}
    for m in found.flagged:
        flag = flags[m.claim_id].rstrip(".")
        parts.append(f"Avoid this: {flag} - you said '{_quote(m.quote)}'." if m.sure else
                     f"Check this reads as you meant it: '{_quote(m.quote)}' could be taken "
                     f"as: {flag[0].lower()}{flag[1:]}.")
    for m in found.contradicted:
        parts.append(f"Check '{_quote(m.quote)}' against the case file, which says: "
                     f"{points[m.claim_id].rstrip('.')}.")
    for m in found.wrong:
        if m.sure:
            parts.append(f"'{_quote(m.quote)}' {m.why}: stay within what policy allows.")
        else:
            parts.append(f"Check '{_quote(m.quote)}' against the case file: it {m.why}.")
    covered = {m.claim_id for m in found.covered + found.contradicted}
    missed = [t for i, t in points.items() if i not in covered]
    if missed:
        parts.append("You didn't mention: " + "; ".join(t.rstrip(".") for t in missed) + ".")
    vague = [points[m.claim_id] for m in found.covered if not m.precise]
    if vague:
        parts.append("Be precise with the figures: " + "; ".join(v.rstrip(".") for v in vague)
                     + ".")
    parts += [_ANY[gap] for gap in judged.gaps if gap in _ANY]
    if judged.level == 4 and not parts:
        parts.append(_TOP["accuracy"])
    return " ".join(parts) or "Nothing wrong, and the case file's key points are covered."
