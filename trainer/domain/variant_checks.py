"""`trainer validate` on variants: every variant a scenario can have (or a fixed sample of 20) is
rendered and checked: its figures consistent, its model answer passing the given scorer."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from .errors import Problem
from .formulas import FormulaError
from .library import Rubric, Scenario
from .scoring import Scorer
from .transcript import Turn
from .variants import ScenarioTemplate, VariantError, render_variant, seeds_to_check, variant_count

# A money figure: with a currency sign, or with pence. Other numbers (days, hours, counts) are
# too often the trainee's own ("I'll call in 2 hours") to demand that the case file gives them.
_MONEY = re.compile(r"[£$€]\s?(\d[\d,]*(?:\.\d+)?)|\b(\d[\d,]*\.\d\d)\b")


def check_variants(templates: Iterable[ScenarioTemplate], rubrics: Mapping[str, Rubric],
                   scorer: Scorer) -> list[Problem]:
    problems: list[Problem] = []
    for template in templates:
        problems += check_template(template, rubrics, scorer)
    return problems


def check_template(template: ScenarioTemplate, rubrics: Mapping[str, Rubric],
                   scorer: Scorer) -> list[Problem]:
    """Problems of one scenario's variants; a kind of failure is reported once, for the first
    variant that has it, with how many others have it too."""
    failures: dict[str, list[str]] = {}  # by the field whose line the problem names
    rubric = rubrics.get(template.scenario.rubric)
    for seed in seeds_to_check(variant_count(template.variables)):
        try:
            scenario = render_variant(template, seed)
        except (VariantError, FormulaError) as exc:
            failures.setdefault("variables", []).append(f"variant {seed}: {exc}")
            continue
        where = f"variant {seed}{_described(scenario)}"
        for i, figure in _stray_figures(scenario):
            failures.setdefault(f"key_points[{i}]", []).append(
                f"key_points[{i}] says {figure} in {where}, a figure this variant's opening, "
                "facts and policy never give")
        if scenario.model_answer and rubric is not None:
            why = model_answer_failure(scenario, rubric, scorer)
            if why:
                failures.setdefault("model_answer", []).append(
                    f"model_answer does not pass the {scorer.name} scorer in {where}: {why}")
    problems = []
    for field, messages in failures.items():
        more = f" (and {len(messages) - 1} more variant(s))" if len(messages) > 1 else ""
        problems.append(Problem(template.file, template.line(field), messages[0] + more))
    return problems


def model_answer_failure(scenario: Scenario, rubric: Rubric, scorer: Scorer) -> str:
    """Why the model answer, said as the first reply, does not pass (empty when it does)."""
    transcript = [Turn("customer", scenario.opening), Turn("trainee", scenario.model_answer)]
    card = scorer.score(transcript, scenario, rubric)
    if card.passed and not card.red_flags:
        return ""
    levels = ", ".join(f"{name} {dim.level}" for name, dim in card.dimensions.items())
    missed = f"; key points missed: {', '.join(card.key_points_missed)}" \
        if card.key_points_missed else ""
    flags = f"; red flags: {', '.join(card.red_flags)}" if card.red_flags else ""
    return f"levels {levels}{missed}{flags}"


def _stray_figures(scenario: Scenario) -> list[tuple[int, str]]:
    """Money figures in a key point that the opening, facts and policy do not give: a figure left
    written out while the case file's own changes with the variant, or a total that nobody
    derived. ("about 240" counts when the facts say 240.)"""
    given = {_plain(m) for text in (scenario.opening, *scenario.facts, *scenario.policy)
             for m in _MONEY.finditer(text)}
    return [(i, f"'{m.group()}'") for i, point in enumerate(scenario.key_points)
            for m in _MONEY.finditer(point.text) if _plain(m) not in given]


def _plain(m: re.Match[str]) -> str:
    figure = (m.group(1) or m.group(2)).replace(",", "")
    return figure[:-3] if figure.endswith(".00") else figure


def _described(scenario: Scenario) -> str:
    values = (scenario.variant or {}).get("values", {})
    shown = ", ".join(f"{k}={v}" for k, v in list(values.items())[:4])
    return f" ({shown}{', ...' if len(values) > 4 else ''})" if shown else ""
