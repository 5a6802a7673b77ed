"""Reading a scenario's `variables`, `follows` and `history_default`, and checking its
placeholders at load: an undefined one, an unused variable, or a figure written out where its
placeholder belongs is a problem at that field's line (see README, "Variables and placeholders")."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal
from typing import Any

from .fields import FieldReader, kind
from .formulas import FormulaError, names_in, number
from .library import Scenario
from .variants import (
    HISTORY_NAMES,
    ScenarioTemplate,
    Variable,
    choose,
    placeholders,
)
from .yamlfile import Path

NAME = re.compile(r"^[a-z][a-z0-9_]*$")
MAX_RANGE_VALUES = 500  # a longer range is almost certainly a wrong step
# Fields that name things rather than say them: placeholders are not allowed, nor looked for.
_UNCHECKED = frozenset({"variables", "id", "category", "rubric", "follows", "difficulty"})
_BOOL_HINT = " (YAML reads yes, no, on and off as true/false: choose another name)"
_MIN_LITERAL = 3  # shorter values ('5', '12') are too common in other senses to flag


def read_template(r: FieldReader, scenario: Scenario) -> ScenarioTemplate:
    """The scenario as written with its variables; every problem goes to ``r``."""
    follows = r.ident(("follows",), required=False)
    if follows and follows == scenario.id:
        r.problem(("follows",), "field 'follows': a scenario cannot follow itself")
    history_default = r.text(("history_default",), required=False)
    if follows and not history_default:
        r.problem(("follows",), "a follow-up needs 'history_default': what the first contact "
                                "said, shown to people who have not played it")
    if history_default and not follows:
        r.problem(("history_default",), "field 'history_default' is only for a follow-up "
                                        "(add 'follows: <scenario-id>')")
    variables = _variables(r)
    names = [n for v in variables for n in v.names]
    used = _check_placeholders(r, set(names), bool(follows))
    formulas = {n for v in variables if v.formula for n in names_in(v.formula)}
    for variable in variables:  # a group is used when one of its names is (the rest keep step)
        if not (set(variable.names) & (used | formulas)):
            r.problem(("variables", variable.label),
                      f"variable '{variable.label}' is never used: no field says "
                      f"{' or '.join('{' + n + '}' for n in variable.names)}")
    defaults = _defaults(r, variables)
    _check_literals(r, variables, defaults)
    lines = {name: r.doc.line((name,)) for name in ("model_answer", "variables", "follows")}
    lines.update({f"variables.{v.label}": r.doc.line(("variables", v.label)) for v in variables})
    lines.update({f"key_points[{i}]": r.doc.line(("key_points", i))
                  for i in range(len(scenario.key_points))})
    return ScenarioTemplate(replace(scenario, follows=follows), variables, history_default,
                            r.doc.file, lines)


def _variables(r: FieldReader) -> tuple[Variable, ...]:
    if not r.has(("variables",)):
        return ()
    out: list[Variable] = []
    seen: set[str] = set(HISTORY_NAMES)
    for label, raw in r.mapping(("variables",)).items():
        at = ("variables", label)
        if not isinstance(label, str) or not NAME.match(label):
            r.problem(at, f"variable name '{label}' must be lowercase letters, digits and _ "
                          f"(like 'refund_amount'){_BOOL_HINT if isinstance(label, bool) else ''}")
            continue
        variable = _variable(r, at, label, raw, seen)
        if variable is None:
            continue
        for name in variable.names:
            if name in seen:
                r.problem(at, f"variable '{name}' is defined twice" if name not in HISTORY_NAMES
                          else f"'{name}' is filled from a follow-up's history; choose another "
                               "name")
            seen.add(name)
        out.append(variable)
    return tuple(out)


def _variable(r: FieldReader, at: Path, label: str, raw: Any, seen: set[str]) -> Variable | None:
    if isinstance(raw, list) and raw and all(isinstance(v, dict) for v in raw):
        return _group(r, at, label, raw)
    if isinstance(raw, list) and raw:
        bad = next((i for i, v in enumerate(raw) if not _is_scalar(v)), None)
        if bad is not None:
            r.problem((*at, bad), f"variable '{label}': each value must be text or a number, "
                                  f"got {kind(raw[bad])} (or make every value a mapping: a group)")
            return None
        return _checked_rows(r, at, label, (label,), [(v,) for v in _texts(raw)])
    if isinstance(raw, dict) and "formula" in raw:
        r.unknown_keys(at, {"formula", "decimals"})
        formula = r.text((*at, "formula"))
        try:
            missing = [n for n in names_in(formula) if n not in seen]
        except FormulaError as exc:
            r.problem((*at, "formula"), f"variable '{label}': {exc}")
            return None
        if missing:
            r.problem((*at, "formula"), f"variable '{label}': the formula uses "
                      f"{', '.join(missing)}, not declared above it")
            return None
        decimals = r.integer((*at, "decimals"), 0, 6, -1)
        return Variable(label, (label,), formula=formula,
                        decimals=None if decimals < 0 else decimals)
    if isinstance(raw, dict):
        return _range(r, at, label)
    got = kind(raw) if raw else "nothing"
    r.problem(at, f"variable '{label}' must be a list of values, a list of mappings (a group), "
                  f"a range {{from, to, step}} or {{formula}}, got {got}")
    return None


def _group(r: FieldReader, at: Path, label: str, raw: list[dict]) -> Variable | None:
    keys = list(raw[0])
    for i, row in enumerate(raw):
        if list(row) != keys:
            r.problem((*at, i), f"variable '{label}': every item of a group must set the same "
                                f"names ({', '.join(map(str, keys))}), in the same order")
            return None
        for key, value in row.items():
            if not isinstance(key, str) or not NAME.match(key) or not _is_scalar(value):
                r.problem((*at, i, key), f"variable '{label}': '{key}' must be a lowercase name "
                                         "with a text or number value"
                                         f"{_BOOL_HINT if isinstance(key, bool) else ''}")
                return None
    columns = [_texts([row[k] for row in raw]) for k in keys]
    return _checked_rows(r, at, label, tuple(keys), list(zip(*columns, strict=True)))


def _range(r: FieldReader, at: Path, label: str) -> Variable | None:
    r.unknown_keys(at, {"from", "to", "step", "decimals"})
    low, high = r.number((*at, "from"), float("-inf")), r.number((*at, "to"), float("-inf"))
    raw = r.raw(at)
    start, stop = (Decimal(repr(raw.get(k))) for k in ("from", "to")) if all(
        _is_number(raw.get(k)) for k in ("from", "to")) else (Decimal(0), Decimal(0))
    step = Decimal(repr(raw["step"])) if _is_number(raw.get("step")) else Decimal(1)
    if high < low or step <= 0:
        r.problem(at, f"variable '{label}': a range needs from <= to and a step above 0")
        return None
    count = int((stop - start) / step) + 1
    if count > MAX_RANGE_VALUES:
        r.problem(at, f"variable '{label}': the range has {count} values (at most "
                      f"{MAX_RANGE_VALUES}); use a bigger step")
        return None
    decimals = r.integer((*at, "decimals"), 0, 6, -1)
    places = decimals if decimals >= 0 else max(_places(start), _places(step))
    values = [f"{start + step * k:.{places}f}" for k in range(count)]
    return Variable(label, (label,), tuple((v,) for v in values))


def _checked_rows(r: FieldReader, at: Path, label: str, names: tuple[str, ...],
                  rows: list[tuple[str, ...]]) -> Variable:
    for i, row in enumerate(rows):
        if row in rows[:i]:
            r.problem((*at, i), f"variable '{label}': item {i} repeats an earlier one")
    return Variable(label, names, tuple(rows))


def _defaults(r: FieldReader, variables: tuple[Variable, ...]) -> dict[str, str]:
    """The default variant's values; a formula that cannot be computed for some row is reported
    (every row is tried: formulas are cheap, and a division by zero hides in one row)."""
    for variable in (v for v in variables if v.formula):
        for seed in _seeds_varying_inputs(variables):
            try:
                choose(variables, seed)
            except FormulaError as exc:
                r.problem(("variables", variable.label), f"variable '{variable.label}': {exc}")
                return {}
    try:
        return choose(variables, 0)
    except FormulaError:
        return {}


def _seeds_varying_inputs(variables: tuple[Variable, ...]) -> Iterator[int]:
    """Seeds that between them use every row of every variable (not every combination)."""
    radix = 1
    for variable in variables:
        if not variable.formula:
            yield from (radix * k for k in range(variable.size))
            radix *= variable.size


def _check_placeholders(r: FieldReader, names: set[str], follow_up: bool) -> set[str]:
    """Report undefined placeholders; return the names used."""
    used: set[str] = set()
    allowed = names | (set(HISTORY_NAMES) if follow_up else set())
    for path, text in _texts_of(r.doc.data, ()):
        for name in placeholders(text):
            used.add(name)
            if name in allowed and not (path[0] == "history_default" and name in HISTORY_NAMES):
                continue
            r.problem(path, f"field '{r.name(path)}': unknown placeholder '{{{name}}}' "
                            f"({_hint(name, names, follow_up)})")
    return used


def _hint(name: str, names: set[str], follow_up: bool) -> str:
    if name in HISTORY_NAMES:
        return ("it is filled from the history, so history_default cannot use it" if follow_up
                else "only a follow-up (follows:) has it")
    close = difflib.get_close_matches(name, sorted(names), n=1)
    if close:
        return f"did you mean {{{close[0]}}}?"
    return f"declared: {', '.join(sorted(names))}" if names else "no variables are declared"


def _check_literals(r: FieldReader, variables: tuple[Variable, ...],
                    defaults: dict[str, str]) -> None:
    """A figure or name written out that is the default value of a variable: every other variant
    would keep it, so it contradicts the rest of the case file there. A text that also names
    another value lists the choices (a policy: "3 days to a card, 10 by cheque"): not flagged."""
    varying = {name: value for name, value in defaults.items()
               if len(value) >= _MIN_LITERAL and _varies(variables, name)}
    if not varying:
        return
    patterns = {name: _literal(value) for name, value in varying.items()}
    others = {name: [_literal(v) for v in _column(variables, name) if v != varying[name]]
              for name in varying}
    for path, text in _texts_of(r.doc.data, ()):
        bare = re.sub(r"\{[^{}]*\}", " ", text)
        for name, pattern in patterns.items():
            if pattern.search(bare) and not any(o.search(bare) for o in others[name]):
                r.problem(path, f"field '{r.name(path)}' says '{varying[name]}', the first value "
                                f"of {{{name}}}: write {{{name}}} so that every variant changes it")


def _literal(value: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w.])" + re.escape(value) + r"(?![\w]|[.,]\d)")


def _column(variables: tuple[Variable, ...], name: str) -> list[str]:
    """Every listed value of ``name`` (none for a formula: its values are computed)."""
    for variable in variables:
        if name in variable.names and not variable.formula:
            return [row[variable.names.index(name)] for row in variable.rows]
    return []


def _varies(variables: tuple[Variable, ...], name: str) -> bool:
    for variable in variables:
        if name in variable.names:
            if variable.formula:
                return True
            column = variable.names.index(name)
            return len({row[column] for row in variable.rows}) > 1
    return False


def _texts_of(data: Any, path: Path) -> Iterator[tuple[Path, str]]:
    if isinstance(data, str):
        yield path, data
    elif isinstance(data, dict):
        for key, value in data.items():
            if key not in _UNCHECKED and not (path and key == "id"):
                yield from _texts_of(value, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _texts_of(value, (*path, i))


def _texts(values: list[Any]) -> list[str]:
    """Values as text; the numbers of one list share their decimal places, so [39.99, 42.5]
    reads 39.99 and 42.50 (YAML drops a trailing zero unless the value is quoted)."""
    places = max((_places(Decimal(repr(v))) for v in values if isinstance(v, float)), default=0)
    return [f"{Decimal(repr(v)):.{places}f}" if _is_number(v) and places else str(v).strip()
            for v in values]


def _places(value: Decimal) -> int:
    return max(0, -value.as_tuple().exponent)


def _is_scalar(value: Any) -> bool:
    return isinstance(value, str | int | float) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return _is_scalar(value) and not isinstance(value, str) and number(repr(value)) is not None

