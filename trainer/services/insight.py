"""Library insight: per scenario, how the people a viewer looks after do on it (attempts, pass
rate, average level per dimension, median turns, the key points most often missed and the red
flags most often said, with the trainee's own words); worst problem first.

Counts, pass rates and averages are SQL aggregates over every scored attempt in scope. What only
the per-attempt JSON columns hold (missed key points, red flags, evidence quotes) and the turn
counts come from a bounded sample (insight_sample.py): the latest SAMPLE_PER_SCENARIO scored
attempts of each scenario, so a page costs the same statements for 10 people as for 10,000.
The table is paged (SCENARIOS_PAGE): its order needs only the counts, and the averages and
samples are read for the page's scenarios alone. Per-category holders and readiness live in
insight_categories.py."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from statistics import median
from typing import Any

from sqlalchemy import case, func, select

from ..domain.library import DIMENSIONS, Scenario
from ..domain.modes import ASSESSED, PRACTICE
from ..extensions import db
from ..models import Attempt, Score, User
from ..models.attempt import SCORED
from .access import scope_query
from .insight_sample import Sampled, sample
from .library import get_library
from .paging import Page, page_of
from .team import people_query

# Which attempts a page counts: ?mode=... on the page, assessed (the evidence) by default.
MODE_CHOICES = {"assessed": (ASSESSED,), "practice": (PRACTICE,), "all": (ASSESSED, PRACTICE)}
MODE_LABELS = {"assessed": "assessed attempts", "practice": "practice attempts",
               "all": "assessed and practice attempts"}
DEFAULT_MODE = "assessed"
# Fewer attempts than this and a pass rate says little: such scenarios sort after the others.
ENOUGH_ATTEMPTS = 5
SCENARIOS_PAGE = 10  # scenarios a page of the table shows (its CSV download holds them all)
TOP_FINDINGS = 3  # key points (and red flags) listed per scenario


@dataclass(frozen=True)
class Finding:
    """A key point missed (or a red flag said) in ``count`` of the sampled attempts, with the
    newest example of the trainee's own words from an attempt where it happened (or None)."""

    id: str
    text: str
    count: int
    quote: str | None


@dataclass(frozen=True)
class ScenarioInsight:
    scenario_id: str
    title: str
    category: str
    attempts: int  # scored attempts in scope and mode (abandoned ones were never scored)
    passed: int
    averages: dict[str, float | None]  # mean final level per dimension (after any override)
    sampled: int  # attempts read for the figures below
    median_turns: float | None  # the trainee's replies per attempt, in the sample
    missed: tuple[Finding, ...]  # most often missed first
    red_flags: tuple[Finding, ...]  # most often said first

    @property
    def pass_rate(self) -> float | None:
        return _pass_rate(self.attempts, self.passed)

    @property
    def has_enough(self) -> bool:
        return _has_enough(self.attempts)


def _pass_rate(attempts: int, passed: int) -> float | None:
    """Passed attempts as a share of 1 (None with no attempts)."""
    return passed / attempts if attempts else None


def _has_enough(attempts: int) -> bool:
    return attempts >= ENOUGH_ATTEMPTS


def insight_mode(raw: str | None) -> str:
    """The page's mode from ``?mode=``: anything unknown reads as the default."""
    return raw if raw in MODE_CHOICES else DEFAULT_MODE


def scenario_insights(viewer: User, mode: str = DEFAULT_MODE) -> list[ScenarioInsight]:
    """Every scenario played in scope (by the people ``viewer`` looks after, in ``mode``),
    worst problem first (see worst_first). Four statements, whatever the company's size."""
    filters = _filters(viewer, mode)
    return _read(viewer, filters, _worst_first(_totals(filters)))


@dataclass(frozen=True)
class ScenarioTable:
    """The page's scenario table: one page of it, and the library's scenarios never played."""

    page: Page[ScenarioInsight]
    unplayed: list[Scenario]


def scenario_table(viewer: User, mode: str = DEFAULT_MODE, number: int = 1) -> ScenarioTable:
    """Page ``number`` (SCENARIOS_PAGE a page) of scenario_insights. The order needs only the
    counts; averages and samples are read for the page's scenarios alone, so a page costs
    what it shows however large the library. Four statements."""
    filters = _filters(viewer, mode)
    totals = _totals(filters)
    page = page_of(_worst_first(totals), number, SCENARIOS_PAGE)
    return ScenarioTable(page.map(lambda shown: _read(viewer, filters, shown)), unplayed(totals))


def unplayed(played: Iterable[str]) -> list[Scenario]:
    """The library's scenarios not among ``played`` (ids), by title."""
    played = set(played)
    return sorted((s for s in get_library().scenarios.values() if s.id not in played),
                  key=lambda s: (s.title, s.id))


def worst_first(attempts: int, passed: int, title: str) -> tuple:
    """The order of the page: scenarios with enough attempts (ENOUGH_ATTEMPTS) before those
    without; within each, the lowest pass rate first, then the most attempts (more people
    affected), then the title."""
    rate = _pass_rate(attempts, passed)
    return (not _has_enough(attempts), 1.0 if rate is None else rate, -attempts, title)


def _worst_first(totals: dict[str, tuple[int, int]]) -> list[tuple[str, int, int]]:
    """(scenario id, attempts, passed) of each scenario counted, in the page's order."""
    scenarios = get_library().scenarios
    return sorted(((sid, attempts, passed) for sid, (attempts, passed) in totals.items()),
                  key=lambda row: worst_first(row[1], row[2], _title(row[0], scenarios)))


def _read(viewer: User, filters: tuple, ranked: list[tuple[str, int, int]]
          ) -> list[ScenarioInsight]:
    """The insights of the ``ranked`` scenarios, in that order: their averages and samples."""
    ids = [sid for sid, _, _ in ranked]
    if not ids:
        return []
    shown = (*filters, Attempt.scenario_id.in_(ids))
    levels = _levels(shown)
    samples: dict[str, list[Sampled]] = defaultdict(list)
    for row in sample(shown, sorted(ids), everyone=scope_query(viewer) is None):
        samples[row.scenario_id].append(row)
    scenarios = get_library().scenarios
    return [_insight(sid, scenarios.get(sid), attempts, passed, levels.get(sid, {}),
                     samples.get(sid, []))
            for sid, attempts, passed in ranked]


def _title(scenario_id: str, scenarios: dict[str, Scenario]) -> str:
    """A scenario's title, or its id once it has left the library."""
    return scenarios[scenario_id].title if scenario_id in scenarios else scenario_id


def _filters(viewer: User, mode: str) -> tuple:
    """Scored attempts in ``mode`` by the people ``viewer`` looks after (team.people_query: a
    manager's team, everyone else for an admin; never the viewer)."""
    people = people_query(viewer).with_only_columns(User.id).order_by(None)
    return (Attempt.status == SCORED, Attempt.mode.in_(MODE_CHOICES[insight_mode(mode)]),
            Attempt.user_id.in_(people))


def _totals(filters: tuple) -> dict[str, tuple[int, int]]:
    rows = db.session.execute(
        select(Attempt.scenario_id, func.count(Attempt.id),
               func.count(case((Attempt.passed.is_(True), 1))))
        .where(*filters).group_by(Attempt.scenario_id))
    return {sid: (attempts, passed) for sid, attempts, passed in rows}


def _levels(filters: tuple) -> dict[str, dict[str, float]]:
    rows = db.session.execute(
        select(Attempt.scenario_id, Score.dimension, func.sum(Score.level),
               func.count(Score.level))
        .join(Score, Score.attempt_id == Attempt.id)
        .where(*filters, Score.dimension.in_(DIMENSIONS), Score.level.is_not(None))
        .group_by(Attempt.scenario_id, Score.dimension))
    found: dict[str, dict[str, float]] = defaultdict(dict)
    for sid, dimension, total, n in rows:
        found[sid][dimension] = round(int(total) / n, 1)
    return found


def _insight(scenario_id: str, scenario: Scenario | None, attempts: int, passed: int,
             levels: dict[str, float], sample: list[Sampled]) -> ScenarioInsight:
    key_points = {k.id: k.text for k in scenario.key_points} if scenario else {}
    flags = {f.id: f.text for f in scenario.red_flags} if scenario else {}
    return ScenarioInsight(
        scenario_id=scenario_id, title=scenario.title if scenario else scenario_id,
        category=scenario.category if scenario else "", attempts=attempts, passed=passed,
        averages={d: levels.get(d) for d in DIMENSIONS}, sampled=len(sample),
        median_turns=float(median(s.turns for s in sample)) if sample else None,
        missed=_top(sample, key_points, lambda s: s.missed, _said_instead),
        red_flags=_top(sample, flags, lambda s: s.red_flags, _flag_quote))


def _top(sample: list[Sampled], texts: dict[str, str], ids_of, quote_of) -> tuple[Finding, ...]:
    """The TOP_FINDINGS ids found most often in the sample (ties: the scenario's own order),
    each with the newest quote ``quote_of`` finds for it."""
    counts = Counter(i for s in sample for i in dict.fromkeys(ids_of(s)))
    order = {i: n for n, i in enumerate(texts)}
    top = sorted(counts, key=lambda i: (-counts[i], order.get(i, len(order)), i))[:TOP_FINDINGS]
    return tuple(Finding(i, texts.get(i, i), counts[i],
                         next((q for s in sample if i in ids_of(s)
                               for q in [quote_of(s, i)] if q), None))
                 for i in top)


def _flag_quote(sampled: Sampled, flag_id: str) -> str | None:
    """The words that said ``flag_id``: a scorer that finds a red flag gives accuracy level 0
    and quotes the red flags first, in the order it lists them, so the first quote belongs to
    the first red flag listed. Any other flag of the attempt gets no quote: better none than
    someone else's words."""
    if sampled.accuracy_level == 0 and sampled.red_flags[:1] == [flag_id]:
        return sampled.quote
    return None


def _said_instead(sampled: Sampled, key_point_id: str) -> str | None:
    """What a trainee who missed a key point said about the facts instead (the accuracy
    evidence of that attempt: the points they did cover, or what they got wrong)."""
    return sampled.quote


SCENARIO_COLUMNS = ("scenario", "title", "category", "attempts", "passed", "pass_rate_percent",
                    *(f"average_{d}" for d in DIMENSIONS), "sampled", "median_turns",
                    "key_points_most_missed", "missed_example_quote", "red_flags_most_said",
                    "red_flag_example_quote")


def scenario_rows(insights: Iterable[ScenarioInsight]) -> list[dict[str, Any]]:
    """The scenario table as CSV rows (SCENARIO_COLUMNS), in the page's order: each finding as
    "text (count)", and the quote of the top one."""
    return [{"scenario": i.scenario_id, "title": i.title, "category": i.category,
             "attempts": i.attempts, "passed": i.passed,
             "pass_rate_percent": _percent(i.pass_rate),
             **{f"average_{d}": i.averages[d] for d in DIMENSIONS},
             "sampled": i.sampled, "median_turns": i.median_turns,
             "key_points_most_missed": _listed(i.missed),
             "missed_example_quote": _top_quote(i.missed),
             "red_flags_most_said": _listed(i.red_flags),
             "red_flag_example_quote": _top_quote(i.red_flags)}
            for i in insights]


def _percent(share: float | None) -> int | None:
    return None if share is None else round(share * 100)


def _listed(findings: tuple[Finding, ...]) -> str:
    return "; ".join(f"{f.text} ({f.count})" for f in findings)


def _top_quote(findings: tuple[Finding, ...]) -> str:
    return findings[0].quote or "" if findings else ""
