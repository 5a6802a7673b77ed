"""Amounts and time frames the trainee states against the case file's: above a policy limit, a
rate other than the policy's, or a figure for something the case file gives a different one for."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations

from ..language.concepts import content_concepts
from ..language.numbers import Quantity, digits, money_at, quantities, quantities_at
from ..language.text import is_negated
from .subjects import Segment, Weights, context, segments

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
_TOTAL = re.compile(r"\b(?:in total|a total of|total(?:ling)?|altogether|all together|in all|"
                    r"overall|combined|comes? to|that's|that makes|making|which makes)\b")
_FREE = re.compile(r"\b(?:free(?! from| to)|no (?:cost|charge)|at no (?:extra )?(?:cost|charge)|"
                   r"complimentary|without charge|waived?|covered by (?:the |its |your )?"
                   r"(?:warranty|guarantee|insurance))\b")
_CHARGE = re.compile(r"\b(?:costs?|charged?|charging|fees?|pay|paying|payable|price|billed)\b")
_NOT_CHARGE = re.compile(r"\b(?:refund\w*|back|credit\w*|reimburs\w*|compensat\w*|voucher|"
                         r"goodwill|allowance)\b")
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

    def allows(self, said: Quantity, side: str = "") -> bool:
        """Whether what the trainee said (as a limit itself when ``side``) agrees with it."""
        mine = self.quantity
        if side:  # a limit for a limit: the same one
            return said.close_to(mine) if said.kind == "duration" else said.same_as(mine)
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
    free: tuple[frozenset[str], ...] = ()  # what the case file says costs the customer nothing
    worked: frozenset[int] = frozenset()  # in pence: amounts given, two summed, rate x count
    given: frozenset[int] = frozenset()  # in pence: amounts given, two summed
    counts: frozenset[float] = frozenset()  # numbers of days, nights... the case file gives


def amounts(right: Iterable[str], policy: Iterable[str], over: Iterable[str],
            opening: str) -> Amounts:
    """From lower-case texts: the case file's statements (``right``), its policy, and the red
    flags that name a limit (``over``)."""
    right = tuple(right)
    known = frozenset(q for t in (*right, opening) for q in quantities(t))
    rates = tuple(float(m.group(1)) for t in right for m in RATE.finditer(digits(t)))
    figures = tuple(f for t in right for f in _figures(t))
    free = tuple(seg.concepts for t in right for seg in segments(t, claim=True)
                 if _FREE.search(seg.text) and seg.concepts)
    counts = frozenset(q.said if q.kind == "duration" else q.value for q in known
                       if q.kind in ("count", "duration") and 0 < (q.said or q.value) <= 31)
    given = {k.value for k in known if k.kind in ("money", "count") and k.value > 0}
    money = sorted({k.value for k in known if k.kind == "money"})
    sums = {a + b for i, a in enumerate(money) for b in money[i + 1:]}
    stated = frozenset(_pence(v) for v in (*given, *sums))
    worked = stated | {_pence(r * n) for r in rates for n in counts}
    return Amounts(_limits(tuple(policy)) + _limits(tuple(over)), known, rates, figures, free,
                   worked, stated, counts)


def _pence(value: float) -> int:
    return round(value * 100)


@lru_cache(maxsize=2048)
def _figures(lower: str) -> tuple[Figure, ...]:
    """The amounts and durations one text says, with what each is about (kept by value, as the
    case file's other readings of one text are)."""
    segs = segments(lower, claim=True)
    found = [(q, n) for n, seg in enumerate(segs) for q in quantities(seg.text)
             if q.kind in ("money", "duration")]
    busy = frozenset(n for _, n in found)
    return tuple(Figure(q, *context(segs, n, busy), _side(segs[n].text)) for q, n in found)


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


def derived(value: float, case: Amounts, said: Iterable[Quantity] = ()) -> bool:
    """Said in the case file, or worked out from it: a rate times a count (one the case file or
    the sentence gives), or two amounts summed."""
    pence = _pence(value)
    if pence in case.worked or pence - 1 in case.worked or pence + 1 in case.worked:
        return True
    counts = {q.said if q.kind == "duration" else q.value for q in said
              if q.kind in ("count", "duration") and 0 < (q.said or q.value) <= 31}
    return any(abs(value - r * n) < 0.011 for r in case.rates for n in counts - case.counts)


def _given(value: float, case: Amounts) -> bool:
    """An amount the case file gives (or two it gives, added up)."""
    pence = _pence(value)
    return pence in case.given or pence - 1 in case.given or pence + 1 in case.given


def total_error(lower: str) -> str:
    """A total that is not the sum of the amounts it totals ('£23.40 and £50, £83.40 in all'),
    nor an amount times the count given with it ('£30 for each of 2 nights, £90')."""
    words = _TOTAL.search(digits(lower))
    money = money_at(lower)
    if words is None or len(money) < 2:
        return ""
    at = min(money, key=lambda m: min(abs(m[0] - words.start()), abs(m[0] - words.end())))
    others = [v for p, v in money if p != at[0]]
    counts = [q.value for q in quantities(lower) if q.kind == "count" and 1 < q.value <= 31]
    sums = {round(sum(c), 2) for n in range(2, len(others) + 1) for c in combinations(others, n)}
    products = {round(v * c, 2) for v in others for c in counts}
    if round(at[1], 2) in sums | products or (len(others) == 1 and not counts):
        return ""
    return f"gives a total of {at[1]:g} that does not add up"


def over_limit(lower: str, case: Amounts) -> str:
    """A promised amount above what policy lets staff give, or '' when there is none (the caller
    has checked that the sentence promises or gives something)."""
    if not case.limits:
        return ""
    segs, placed = _placed(lower)
    highest = max(limit.amount for limit in case.limits)
    for n, q in placed:
        remedies = (segs[n].words | (segs[n - 1].words if n else frozenset())) & REMEDIES
        if q.kind != "money" and (q.kind != "count" or not remedies) or _given(q.value, case):
            continue  # (worked out from a rate is no excuse: 3 months' fees above a 1-month cap)
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
    segs, placed = _placed(lower)
    said = [q for _, q in placed]
    everything = content_concepts(lower)  # the whole sentence (already read)
    for n, q in placed:
        if q.kind not in ("money", "duration") or _SKIP.search(segs[n].text) or \
                _matches_known(q, case, bool(_ROUGHLY.search(segs[n].text)), said):
            continue
        own = segs[n].concepts
        near = everything - own  # the rest of the sentence, at half weight
        side = _side(segs[n].text)
        scored = [(weights.affinity(own, near, f.own, f.near), f) for f in case.figures
                  if f.quantity.kind == q.kind and (not side or f.side in (side, ""))
                  and _scale(f.quantity) == _scale(q)]
        scored = [(a, f) for a, f in scored if a >= _AFFINITY]
        if not scored:
            continue
        best, figure = max(scored, key=lambda x: x[0])
        if any(f.allows(q, side if f.side else "") for a, f in scored if a >= best * 0.6):
            continue
        whole = bool(own) and own <= figure.own | figure.near  # all it is about is that
        return (f"says {_said(q)} where the case file says {_said(figure.quantity)}",
                best >= _SURE or whole)
    return None


def _placed(lower: str) -> tuple[tuple[Segment, ...], list[tuple[int, Quantity]]]:
    """The sentence's segments, and each figure with the segment it is in (read once for the
    sentence: the segments are of its text with numbers as digits, where figures are found)."""
    segs = segments(digits(lower))
    if not segs:
        return segs, []
    ends = [seg.end for seg in segs]
    return segs, [(min(bisect_right(ends, at), len(segs) - 1), q)
                  for at, q in quantities_at(lower)]


def allowed(said: Iterable[Quantity], case: Amounts) -> bool:
    """Whether every amount and time frame said is one the case file gives or allows ('three
    years' where it asks for more than one)."""
    return all(_matches_known(q, case, False) or any(
        f.side and f.quantity.kind == q.kind and f.allows(q) for f in case.figures)
        for q in said if q.kind in ("money", "duration"))


def _matches_known(q: Quantity, case: Amounts, rough: bool,
                   said: Iterable[Quantity] = ()) -> bool:
    if q.kind == "money":
        if derived(q.value, case, said):
            return True
        return rough and any(k.kind == "money" and abs(k.value - q.value) <= 0.1 * k.value
                             for k in case.known)
    return any(q.close_to(k) for k in case.known)


def _scale(q: Quantity) -> str:
    """Durations are compared only with durations of the same scale: a link valid for 24 hours
    is not a refund time of some days, and minutes are not days."""
    if q.kind != "duration":
        return q.kind
    return "minutes" if q.value < 1 / 24 else "hours" if q.value < 1 else "days"


def _said(q: Quantity) -> str:
    if q.kind == "duration":
        unit = " working" if q.unit == "working" else ""
        days = q.value / (1.4 if q.unit == "working" else 1)
        if days >= 1:
            return f"{round(days, 1):g}{unit} days"
        hours = q.value * 24
        return f"{round(hours, 1):g} hours" if hours >= 1 else f"{round(hours * 60):g} minutes"
    return f"{q.value:g}"


def charged_for_free(lower: str, case: Amounts, weights: Weights) -> str:
    """A price or fee quoted for what the case file says is free ('£65 for the call-out' where
    warranty repairs are free, call-out included)."""
    if not case.free or not _CHARGE.search(lower):
        return ""
    segs, placed = _placed(lower)
    for seg in (segs[n] for n in dict.fromkeys(n for n, q in placed if q.kind == "money")):
        if _FREE.search(seg.text) or _NOT_CHARGE.search(seg.text) or is_negated(seg.text):
            continue
        if any(weights.affinity(seg.concepts, frozenset(), free, frozenset()) >= _SURE
               for free in case.free):
            return "quotes a charge for what the case file says is free"
    return ""


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
