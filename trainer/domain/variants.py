"""Scenario variants: choosing one consistent set of values by seed, and rendering a frozen Scenario
with every {placeholder} filled (see README, "Variables and placeholders").

A seed names a variant: its remainder modulo the number of variants, read digit by digit in the
order the variables are declared, picks one row of each variable, so seed 0 is the default (the
first value of each) and seeds 0..count-1 enumerate every variant."""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, is_dataclass, replace
from typing import Any

from .errors import Problem, TrainerError
from .followup import History, extract_history, history_lines, history_values
from .formulas import FormulaError, evaluate
from .library import Scenario

# {name} is a placeholder; {{ and }} are literal braces. Anything else in braces is reported.
PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}\n]*)\}")
# Filled from a follow-up's history (followup.py), not declared under `variables`.
HISTORY_NAMES = ("earlier_by", "earlier_reference")
# Fields that name things rather than say them: never rendered.
_NOT_RENDERED = frozenset({"id", "category", "rubric", "follows", "variant", "history"})
ENUMERATE_UP_TO = 40  # `trainer validate` and the tests play every variant up to this many...
SAMPLE_SIZE = 20  # ...and a fixed sample of this many seeds (seed 0 first) above it
DEFAULT_SOURCE = "Notes from the first contact, taken by a colleague:"


class VariantError(TrainerError):
    """A scenario cannot be rendered (an undefined placeholder or a broken formula)."""


@dataclass(frozen=True)
class Variable:
    """One entry under `variables`: a list of values, a range, a group or a formula."""

    label: str  # its key in the file
    names: tuple[str, ...]  # the placeholders it fills (a group fills several together)
    rows: tuple[tuple[str, ...], ...] = ()  # one row per choice, a value per name; first = default
    formula: str = ""  # a derived variable: arithmetic over variables declared before it
    decimals: int | None = None  # a formula's decimal places (default: its inputs')

    @property
    def size(self) -> int:
        return 1 if self.formula else len(self.rows)


@dataclass(frozen=True)
class ScenarioTemplate:
    """A scenario as written (placeholders unfilled), with what is needed to render it."""

    scenario: Scenario
    variables: tuple[Variable, ...] = ()
    history_default: str = ""  # a follow-up: the first contact's words when the person has none
    file: str = ""
    lines: Mapping[str, int] = field(default_factory=dict, compare=False, hash=False)

    def line(self, name: str) -> int:
        return self.lines.get(name, 1)


def variant_count(variables: Iterable[Variable]) -> int:
    count = 1
    for variable in variables:
        count *= max(variable.size, 1)
    return count


def choose(variables: tuple[Variable, ...], seed: int,
           fixed: Mapping[str, str] | None = None) -> dict[str, str]:
    """The values of variant ``seed``; ``fixed`` values (e.g. those a follow-up inherits from the
    first contact) replace a drawn row when they give every name of it. Formulas come last."""
    fixed = fixed or {}
    values: dict[str, str] = {}
    rest = seed % variant_count(variables)
    for variable in variables:
        if variable.formula:
            continue
        row = variable.rows[rest % variable.size]
        rest //= variable.size
        if all(name in fixed for name in variable.names) and any(
                tuple(fixed[n] for n in variable.names) == r for r in variable.rows):
            row = tuple(fixed[name] for name in variable.names)
        values.update(zip(variable.names, row, strict=True))
    for variable in variables:
        if variable.formula:
            values[variable.names[0]] = evaluate(variable.formula, values, variable.decimals)
    return values


def seeds_to_check(count: int, sample: int = SAMPLE_SIZE,
                   enumerate_up_to: int = ENUMERATE_UP_TO) -> list[int]:
    """Every seed when there are few variants, else seed 0 and a fixed sample of the others."""
    if count <= enumerate_up_to:
        return list(range(count))
    return [0, *sorted(random.Random(count).sample(range(1, count), sample - 1))]


def draw_seed(count: int, rng: random.Random, avoid: Iterable[int] = ()) -> int:
    """A random variant, other than those in ``avoid`` (say, the person's last one) if it can."""
    avoided = {s % count for s in avoid}
    choices = [s for s in range(count) if s not in avoided] or list(range(count))
    return rng.choice(choices)


def fill(text: str, values: Mapping[str, str]) -> str:
    """``text`` with every placeholder replaced; an undefined one raises VariantError."""

    def value(m: re.Match[str]) -> str:
        token = m.group(0)
        if token in ("{{", "}}"):
            return token[0]
        if m.group(1) not in values:
            raise VariantError(f"undefined placeholder '{token}' in '{text}'")
        return values[m.group(1)]

    return PLACEHOLDER.sub(value, text)


def render(template: ScenarioTemplate, values: Mapping[str, str],
           history: tuple[str, ...] = (), variant: Mapping[str, Any] | None = None) -> Scenario:
    """The scenario with every placeholder filled from ``values``, carrying the follow-up
    ``history`` lines and the ``variant`` ({seed, values}) that the attempt's snapshot stores."""
    scenario = _filled(template.scenario, values)
    return replace(scenario, history=history, variant=dict(variant) if variant else None)


def render_variant(template: ScenarioTemplate, seed: int, fixed: Mapping[str, str] | None = None,
                   earlier: History | None = None, source: str = "") -> Scenario:
    """Variant ``seed`` (``fixed``: values inherited, see choose). A follow-up also gets its
    history: from ``earlier`` (the person's first contact, read by followup.extract_history) or,
    when that is None, from the scenario's `history_default`; ``source`` says which, first line."""
    values = choose(template.variables, seed, fixed)
    extra: dict[str, str] = {}
    history: tuple[str, ...] = ()
    if template.scenario.follows:
        default = extract_history([fill(template.history_default, values)])
        mine = default if earlier is None else earlier
        extra = history_values(mine, default)
        history = history_lines(mine, extra, source or DEFAULT_SOURCE)
    variant = {"seed": seed, "values": {**values, **extra}} if values or extra else None
    return render(template, {**values, **extra}, history, variant)


def _filled(obj: Any, values: Mapping[str, str]) -> Any:
    if isinstance(obj, str):
        return fill(obj, values)
    if isinstance(obj, tuple):
        return tuple(_filled(item, values) for item in obj)
    if isinstance(obj, dict):
        return {key: _filled(item, values) for key, item in obj.items()}
    if is_dataclass(obj) and not isinstance(obj, type):
        return replace(obj, **{f.name: _filled(getattr(obj, f.name), values)
                               for f in fields(obj) if f.init and f.name not in _NOT_RENDERED})
    return obj


def placeholders(text: str) -> list[str]:
    """The names of the placeholders in ``text`` (a malformed one as written, e.g. 'Amount')."""
    return [m.group(1).strip() for m in PLACEHOLDER.finditer(text) if m.group(1) is not None]


def default_scenario(template: ScenarioTemplate, problems: list) -> Scenario:
    """What the library holds for a scenario: its default variant (seed 0; a follow-up with its
    `history_default`), or the scenario as written when its file has problems."""
    if problems:
        return template.scenario
    try:
        return render_variant(template, 0)
    except (VariantError, FormulaError):
        return template.scenario


def follow_problems(templates: dict[str, ScenarioTemplate],
                    scenarios: dict[str, Scenario]) -> list[Problem]:
    """A follow-up must follow a scenario of the library."""
    return [Problem(t.file, t.line("follows"), f"field 'follows': unknown scenario "
                                               f"'{t.scenario.follows}' (no {t.scenario.follows}"
                                               ".yaml in this folder)")
            for t in templates.values() if t.scenario.follows
            and t.scenario.follows not in scenarios]
