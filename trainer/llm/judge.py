"""The LLM judge: one call for all three dimensions, guarded, with the rule scorer as fallback."""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from ..domain.errors import LLMError
from ..domain.library import DIMENSIONS, Rubric, Scenario
from ..domain.scoring import DimensionScore, Scorecard, summarise
from ..domain.scoring.gaming import Signal, addressed_to_scorer, caps, gaming_signals, signal
from ..domain.scoring.rules import RuleScorer
from ..domain.transcript import Turn, trainee_turns
from .calls import LLMCallFailed, LLMClient, LLMRequest, LLMResult, failed, on_sent
from .guards import TraineeWords, keep_verbatim
from .prompts import judge_request
from .runtime import default_client

MAX_FEEDBACK_CHARS = 1500
MIN_FEEDBACK_WORDS = 4  # shorter feedback ("Good.", "n/a") tells the trainee nothing
NO_CASE_FILE = "No scenario facts to check, so accuracy is not judged."
GAMING_FEEDBACK = "Text written to the scorer instead of the customer earns nothing."
Dimensions = dict[str, DimensionScore]


class LLMJudge:
    name = "llm-1"

    def __init__(self, client: LLMClient | None = None, rules: Any = None):
        self.client = client if client is not None else default_client()
        self.rules = rules or RuleScorer()

    def score(self, transcript: Sequence[Turn], scenario: Scenario | None,
              rubric: Rubric) -> Scorecard:
        call = None if self.client is None else \
            InFlight(self.client.complete, judge_request(scenario, rubric, transcript))
        rules_card = self.rules.score(transcript, scenario, rubric)  # while the call is out
        try:
            if call is None:
                raise LLMCallFailed("no LLM configured")
            result = call.result()
            verdict = read_verdict(result, scenario)
        except LLMError as exc:
            return fallback_card(rules_card, exc)
        dims, notes, reasons = guard(verdict, rules_card, trainee_turns(transcript))
        overall, passed = summarise(rubric, dims)
        return Scorecard(self.name, dims, overall, passed, rules_card.key_points_covered,
                         rules_card.key_points_missed, rules_card.red_flags, tuple(notes),
                         usage=result.usage, review_reason="; ".join(reasons))


class InFlight:
    """One call on its own thread, so that the rule scorer's few milliseconds of CPU overlap
    the judge's network wait instead of adding to it. The caller resumes once the request is
    on its way (before that, the two would only take turns at the GIL). A plain thread, not a
    pool: nothing to go stale when gunicorn or RQ forks."""

    def __init__(self, call: Callable[[LLMRequest], LLMResult], request: LLMRequest):
        self._result: LLMResult | None = None
        self._error: Exception | None = None
        self._sent = threading.Event()
        # In the caller's context: a web request's LLM time budget (runtime.py) covers it too.
        self._thread = threading.Thread(target=contextvars.copy_context().run,
                                        args=(self._run, call, request), daemon=True,
                                        name="llm-judge-call")
        self._thread.start()
        self._sent.wait(timeout=1.0)

    def _run(self, call: Callable[[LLMRequest], LLMResult], request: LLMRequest) -> None:
        try:
            with on_sent(self._sent.set):
                self._result = call(request)
        except Exception as exc:  # handed to the caller in result()
            self._error = exc
        finally:
            self._sent.set()

    def result(self) -> LLMResult:
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._result is not None
        return self._result


def fallback_card(rules_card: Scorecard, exc: LLMError) -> Scorecard:
    reason = exc.reason if isinstance(exc, LLMCallFailed) else str(exc)
    note = f"LLM judge unavailable ({reason}); rule scorer used."
    return replace(rules_card, notes=(*rules_card.notes, note), usage=getattr(exc, "usage", None))


def read_verdict(result: LLMResult, scenario: Scenario | None) -> Dimensions:
    """The judge's levels, quotes and feedback (the schema already bounds the levels)."""
    verdict = {}
    for name in DIMENSIONS:
        raw = result.data[name]
        verdict[name] = DimensionScore(raw["level"], tuple(raw["evidence"]),
                                       " ".join(raw["feedback"].split())[:MAX_FEEDBACK_CHARS])
    if scenario is None or not scenario.has_case_file:
        verdict["accuracy"] = DimensionScore(None, (), NO_CASE_FILE)
    elif verdict["accuracy"].level is None:
        raise failed(result.usage, "no accuracy level although the scenario has a case file")
    return verdict


def guard(verdict: Dimensions, rules_card: Scorecard,
          turns: Sequence[str]) -> tuple[Dimensions, list[str], list[str]]:
    """Apply every guard; returns the dimensions that stand, notes for the scorecard and
    reasons for a manager's review (none: no review needed)."""
    rules = rules_card.dimensions
    dims, notes, unquoted = _verbatim_evidence(verdict, turns)
    reasons = []
    if unquoted:
        # Every quote behind these levels was invented: trust them no further than one level
        # above the rule scorer's, and let a manager look.
        dims = {name: _at_most(dim, rules[name], 1) if name in unquoted else dim
                for name, dim in dims.items()}
        notes.append(f"The LLM judge's quotes for {', '.join(unquoted)} were not the trainee's "
                     "words: its levels there are held to one above the rule scorer's.")
        reasons.append(f"the LLM judge's quotes for {', '.join(unquoted)} were not the "
                       "trainee's words")
    dims = {name: _with_feedback(dim, rules[name]) for name, dim in dims.items()}
    if rules_card.red_flags and dims["accuracy"].level:
        dims["accuracy"] = replace(rules["accuracy"], level=0)
        notes.append(f"Accuracy capped at 0: the rule scorer found "
                     f"{', '.join(rules_card.red_flags)}.")
    signals = gaming_signals(turns) or _implausible(verdict, rules)
    if signals:
        limits = caps(signals)
        dims = {name: _capped(dim, rules[name], limits[name]) for name, dim in dims.items()}
        said = "; ".join(map(str, signals))
        notes.append(f"Possible gaming of the scorer ({said}): the LLM judge's levels are "
                     "capped at the rule scorer's.")
        reasons.append(f"possible gaming of the scorer: {said}")
    split = [f"{name} (judge {dim.level}, rules {rules[name].level})"
             for name, dim in verdict.items() if _apart(dim.level, rules[name].level)]
    if split:
        reasons.append(f"LLM judge and rule scorer differ by 2+ levels on {', '.join(split)}")
    return dims, notes, reasons


def _verbatim_evidence(verdict: Dimensions, turns: Sequence[str],
                       ) -> tuple[Dimensions, list[str], list[str]]:
    """Only the trainee's own words stand as evidence; also which dimensions lost every quote."""
    dims, dropped, unquoted, words = {}, 0, [], TraineeWords(turns)
    for name, dim in verdict.items():
        kept, lost = keep_verbatim(dim.evidence, words)
        dims[name], dropped = replace(dim, evidence=kept), dropped + lost
        if lost and not kept:
            unquoted.append(name)
    notes = [f"{dropped} quote(s) from the LLM judge were not the trainee's own words and were "
             "dropped."] if dropped else []
    return dims, notes, unquoted


def _at_most(dim: DimensionScore, rules: DimensionScore, above: int) -> DimensionScore:
    if dim.level is None or rules.level is None or dim.level <= rules.level + above:
        return dim
    return replace(dim, level=rules.level + above)


def _with_feedback(dim: DimensionScore, rules: DimensionScore) -> DimensionScore:
    """The judge's feedback, unless it is empty, a few words, or talks about scoring instead
    of the reply: then the rule scorer's feedback for the dimension."""
    words = dim.feedback.split()
    if len(words) >= MIN_FEEDBACK_WORDS and not addressed_to_scorer(dim.feedback):
        return dim
    return replace(dim, feedback=rules.feedback)


def _capped(dim: DimensionScore, rules: DimensionScore, cap: int) -> DimensionScore:
    """No more than the rule scorer gave, and no more than the cap; the rule scorer's evidence
    and feedback explain a capped level."""
    if dim.level is None:
        return dim
    cap = cap if rules.level is None else min(cap, rules.level)
    if dim.level <= cap:
        return dim
    feedback = rules.feedback if "scorer" in rules.feedback else \
        f"{rules.feedback} {GAMING_FEEDBACK}".strip()
    return DimensionScore(cap, rules.evidence, feedback)


def _implausible(verdict: Dimensions, rules: Mapping[str, DimensionScore]) -> tuple[Signal, ...]:
    """Top marks everywhere while the rule scorer saw at most 2 anywhere: the pattern an
    injection leaves even when its wording slipped past the detector."""
    pairs = [(d.level, rules[n].level) for n, d in verdict.items()
             if d.level is not None and rules[n].level is not None]
    if len(pairs) >= 2 and all(j == 4 and r <= 2 for j, r in pairs):
        return (signal("implausible", "top marks on every dimension the rule scorer rated 2 "
                                      "or less"),)
    return ()


def _apart(judge: int | None, rules: int | None) -> bool:
    return judge is not None and rules is not None and abs(judge - rules) >= 2
