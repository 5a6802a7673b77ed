"""Amounts and time frames the trainee states against the case file's: above a policy limit, a
rate other than the policy's, or a figure for something the case file gives a different one for."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..language.concepts import content_concepts
from ..language.numbers import Quantity, digits, quantities
from .subjects import Weights, context, segments

REMEDIES = frozenset({"goodwill", "credit", "refund", "waive", "fee", "discount", "price",
                      "reimburs", "compensat"})
_LIMIT = re.compile(r"\b(?:up to|maximum(?: of)?|max|no more than|not more than|not exceed(?:ing)?|"
                    r"capped at|a cap of|limit(?:ed)? (?:of|to)|at most|above|over|more than|"
                    r"beyond|exceeding)\b[^.;]{0,40}?(?:[£$€]\s?(\d[\d,]*(?:\.\d+)?)|(\d[\d,]*"
                    r"(?:\.\d+)?)\b(?! ?(?:working |business )?(?:days?|hours?|weeks?|months?|"
                    r"years?|minutes?|nights?|%|gb|mb)))")
RATE = re.compile(r"(?:[£$€]\s?)?(\d+(?:\.\d+)?)(?: ?(?:pounds?|dollars?|euros?|eur|gbp|usd))? "
                  r"(?:a|per|each|for each|for every|every) (?:full )?(?:day|night|week|month|hour|"
                  r"year)\b")
_ROUGHLY = re.compile(r"\b(?:about|around|roughly|approximately|approx|nearly|almost|circa)\b")
_MIN = re.compile(r"\b(?:more than|over|at least|longer than|minimum of|or more)\b")
_MAX = re.compile(r"\b(?:up to|maximum|max|no more than|at most|within|under|less than|capped|"
                  r"cap|limit|not exceed\w*|no later than)\b")
_SKIP = re.compile(r"^\W*(?:and |but |so |or )?(?:if|unless|in case|whether|even if)\b")


_AFFINITY = 0.4  # how closely a sentence must match a figure's passage to be about it
_SURE = 0.8  # ... to be surely about it


@dataclass(frozen=True)
class Limit:
    remedies: frozenset[str]
    amount: float


@dataclass(frozen=True)
class Figure:
    """An amount or time frame in the case file, and what it is about."""

    quantity: Quantity
    own: frozenset[str]
    near: frozenset[str]
    side: str = ""  # "max" ('up to £25', 'within 3 days'), "min" ('more than a year') or ""

    def allows(self, said: Quantity) -> bool:
        """Whether what the trainee said agrees with this figure."""
        mine = self.quantity
        if said.kind == "duration":
            if self.side == "max":
                return said.value <= mine.value * 1.45 + 0.01
            if self.side == "min":
                return said.value * 1.45 + 0.01 >= mine.value
            return said.close_to(mine)
        if self.side == "max":
            return said.value <= mine.value + 0.011
        if self.side == "min":
            return said.value >= mine.value - 0.011
        return said.same_as(mine)


@dataclass(frozen=True)
class Amounts:
    limits: tuple[Limit, ...] = ()
    known: frozenset[Quantity] = frozenset()  # every figure anywhere in the case file
    rates: tuple[float, ...] = ()  # amounts given per day, night, week or month
    figures: tuple[Figure, ...] = ()  # amounts and time frames of the facts, policy, key points


def amounts(right: Iterable[str], policy: Iterable[str], over: Iterable[str],
            opening: str) -> Amounts:
    """From lower-case texts: the case file's statements (``right``), its policy, and the red
    flags that name a limit (``over``)."""
    right = tuple(right)
    known = frozenset(q for t in (*right, opening) for q in quantities(t))
    rates = tuple(float(m.group(1)) for t in right for m in RATE.finditer(digits(t)))
    figures = tuple(f for t in right for f in _figures(t))
    return Amounts(_limits(tuple(policy)) + _limits(tuple(over)), known, rates, figures)


def _figures(lower: str) -> list[Figure]:
    segs = segments(lower, claim=True)
    found = [(q, n) for n, seg in enumerate(segs) for q in quantities(seg.text)
             if q.kind in ("money", "duration")]
    busy = frozenset(n for _, n in found)
    return [Figure(q, *context(segs, n, busy), _side(segs[n].text)) for q, n in found]


def _side(text: str) -> str:
    if _MIN.search(text):
        return "min"
    return "max" if _MAX.search(text) else ""


def _limits(texts: tuple[str, ...]) -> tuple[Limit, ...]:
    out = []
    for text in texts:
        lower = digits(text)
        remedies = frozenset(content_concepts(lower) & REMEDIES)
        for m in _LIMIT.finditer(lower):
            if remedies:
                out.append(Limit(remedies, float((m.group(1) or m.group(2)).replace(",", ""))))
    return tuple(out)


def derived(value: float, case: Amounts) -> bool:
    """Said in the case file, or worked out from it: a rate times a count, or two summed."""
    amounts = [k.value for k in case.known if k.kind in ("money", "count") and k.value > 0]
    if any(abs(value - a) < 0.011 for a in amounts):
        return True
    if any(abs(value / r - round(value / r)) < 0.001 and round(value / r) <= 31
           for r in case.rates):
        return True
    money = sorted({k.value for k in case.known if k.kind == "money"})
    return any(abs(value - a - b) < 0.011 for i, a in enumerate(money) for b in money[i + 1:])


def over_limit(lower: str, case: Amounts) -> str:
    """A promised amount above what policy lets staff give, or '' when there is none (the caller
    has checked that the sentence promises or gives something)."""
    if not case.limits:
        return ""
    parts = [s.text for s in segments(lower)]
    highest = max(limit.amount for limit in case.limits)
    for n, part in enumerate(parts):
        remedies = content_concepts(part + " " + (parts[n - 1] if n else "")) & REMEDIES
        for q in quantities(part):
            if q.kind != "money" and (q.kind != "count" or not remedies) or \
                    derived(q.value, case):
                continue
            for limit in case.limits:  # money promised for nothing named: above every limit
                if (remedies & limit.remedies or not remedies) and q.value > limit.amount \
                        and (remedies or q.value > highest):
                    return f"promises {q.value:g} where policy allows up to {limit.amount:g}"
    return ""


def misstated(lower: str, case: Amounts, weights: Weights) -> tuple[str, bool] | None:
    """(what is wrong, sure) for an amount, rate or time frame the case file gives differently
    for the same thing, or None."""
    if lower.rstrip().endswith("?") or not case.figures:
        return None
    segs = segments(lower)
    found = [(q, n) for n, seg in enumerate(segs) if not _SKIP.search(seg.text)
             for q in quantities(seg.text) if q.kind in ("money", "duration")]
    everything = frozenset().union(*(seg.concepts for seg in segs))
    for q, n in found:
        if _matches_known(q, case, bool(_ROUGHLY.search(segs[n].text))):
            continue
        own = segs[n].concepts
        near = everything - own  # the rest of the sentence, at half weight
        scored = [(weights.affinity(own, near, f.own, f.near), f) for f in case.figures
                  if f.quantity.kind == q.kind]
        scored = [(a, f) for a, f in scored if a >= _AFFINITY]
        if not scored:
            continue
        best, figure = max(scored, key=lambda x: x[0])
        if any(f.allows(q) for a, f in scored if a >= best * 0.6):
            continue
        return (f"says {_said(q)} where the case file says {_said(figure.quantity)}",
                best >= _SURE)
    return None


def allowed(said: Iterable[Quantity], case: Amounts) -> bool:
    """Whether every amount and time frame said is one the case file gives or allows ('three
    years' where it asks for more than one)."""
    return all(_matches_known(q, case, False) or any(
        f.side and f.quantity.kind == q.kind and f.allows(q) for f in case.figures)
        for q in said if q.kind in ("money", "duration"))


def _matches_known(q: Quantity, case: Amounts, rough: bool) -> bool:
    if q.kind == "money":
        if derived(q.value, case):
            return True
        return rough and any(k.kind == "money" and abs(k.value - q.value) <= 0.1 * k.value
                             for k in case.known)
    return any(q.close_to(k) for k in case.known)


def _said(q: Quantity) -> str:
    if q.kind == "duration":
        unit = " working" if q.unit == "working" else ""
        days = q.value / (1.4 if q.unit == "working" else 1)
        return f"{q.said:g}{unit} days" if days >= 1 else f"{days * 24:g} hours"
    return f"{q.value:g}"


def rate_error(lower: str, case: Amounts) -> str:
    """A per-day (night, week...) amount the case file does not give: '£10 a day' where the
    policy pays £5."""
    if not case.rates:
        return ""
    known = [k.value for k in case.known if k.kind in ("money", "count")]
    for m in RATE.finditer(lower):
        value = float(m.group(1))
        if not any(abs(value - r) < 0.011 for r in (*case.rates, *known)):
            return f"offers {value:g} a {m.group().rsplit(' ', 1)[-1]} where the case file " \
                   f"says {case.rates[0]:g}"
    return ""
