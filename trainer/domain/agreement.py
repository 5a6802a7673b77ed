"""How well a scorer agrees with people's labels: exact, within-one and quadratic-weighted kappa.

Pure arithmetic over (label, scorer) level pairs on the rubric's 0..4 scale, shared by the
calibration page and the benchmarks. Pairs where either side is None (not judged) are the
caller's to leave out: there is no distance between "not judged" and a level."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass

LEVELS = 5  # rubric levels 0..4
Pair = tuple[int, int]  # (a person's label, the scorer's level)


@dataclass(frozen=True)
class Agreement:
    """A scorer against labels on one dimension; rates are None when there is nothing to rate."""

    n: int
    exact: float | None  # share of pairs at the same level
    within_one: float | None  # share of pairs at most one level apart
    kappa: float | None  # quadratic-weighted Cohen's kappa: 1 perfect, 0 chance, <0 worse


@dataclass(frozen=True)
class Disagreement:
    """One labelled item where the scorer and the person differ."""

    item: Hashable  # e.g. an attempt id
    label: int
    scored: int

    @property
    def gap(self) -> int:
        return abs(self.label - self.scored)


def _checked(pairs: Iterable[Pair]) -> list[Pair]:
    checked = list(pairs)
    for label, scored in checked:
        for level in (label, scored):
            if isinstance(level, bool) or not isinstance(level, int) \
                    or not 0 <= level < LEVELS:
                raise ValueError(f"a level must be a whole number 0 to {LEVELS - 1}, got {level!r}")
    return checked


def quadratic_kappa(pairs: Iterable[Pair]) -> float | None:
    """Cohen's kappa with quadratic weights over levels 0..4, or None when it is undefined (no
    pairs, or both sides always gave the one same level, so chance explains everything)."""
    pairs = _checked(pairs)
    n = len(pairs)
    if n == 0:
        return None
    rows, cols = [0] * LEVELS, [0] * LEVELS
    observed = 0.0
    for label, scored in pairs:
        rows[label] += 1
        cols[scored] += 1
        observed += (label - scored) ** 2
    expected = sum((i - j) ** 2 * rows[i] * cols[j]
                   for i in range(LEVELS) for j in range(LEVELS)) / n
    if expected == 0:
        return None
    return 1.0 - observed / expected


def agreement(pairs: Iterable[Pair]) -> Agreement:
    """Exact agreement, within-one agreement, quadratic kappa and n for one set of pairs."""
    pairs = _checked(pairs)
    n = len(pairs)
    if n == 0:
        return Agreement(0, None, None, None)
    exact = sum(1 for a, b in pairs if a == b) / n
    near = sum(1 for a, b in pairs if abs(a - b) <= 1) / n
    return Agreement(n, exact, near, quadratic_kappa(pairs))


def biggest_disagreements(items: Iterable[tuple[Hashable, int, int]],
                          limit: int = 3) -> list[Disagreement]:
    """The ``limit`` items (item, label, scored) furthest apart, widest gap first; ties keep the
    order given (pass the newest first to see the newest)."""
    found = [Disagreement(item, label, scored) for item, label, scored in items
             if label != scored]
    return sorted(found, key=lambda d: d.gap, reverse=True)[:limit]
