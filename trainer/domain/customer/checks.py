"""Reading and checking a scenario's customer lines for `trainer validate`: the `script:` section,
and every key point's `probe` and red flag's `objection`, in the customer's own voice."""

from __future__ import annotations

from typing import Any

from ..fields import FieldReader
from ..library import DEFAULT_MAX_TURNS, Line, Scenario, Script
from .acts import ACTS, UPSETTING
from .voice import rubric_echoed, third_person

SCRIPT_FIELDS = {"max_turns", "calmer", "pressing", "angrier", "closing", "resolved", "gave_up"}
LINE_KINDS = ("calmer", "pressing", "angrier")


def read_script(r: FieldReader) -> Script:
    """The `script:` section; each calmer/pressing/angrier item is text (fits any reply of its
    kind) or a mapping {say: text, when: an id or a list of them}."""
    at = ("script",)
    if not r.has(at) or not r.mapping(at):
        return Script()
    r.unknown_keys(at, SCRIPT_FIELDS)
    return Script(max_turns=r.integer((*at, "max_turns"), 2, 20, DEFAULT_MAX_TURNS),
                  calmer=_lines(r, (*at, "calmer")), pressing=_lines(r, (*at, "pressing")),
                  angrier=_lines(r, (*at, "angrier")),
                  closing=r.text((*at, "closing"), required=False),
                  resolved=r.text((*at, "resolved"), required=False),
                  gave_up=r.text((*at, "gave_up"), required=False))


def _lines(r: FieldReader, at: tuple) -> tuple[Line, ...]:
    lines = []
    for i, item in enumerate(r.items(at, required=False)):
        path = (*at, i)
        if not isinstance(item, dict):
            say, when = r.text(path), ()
        else:
            r.unknown_keys(path, {"say", "when"})
            say, when = r.text((*path, "say")), _when(r, (*path, "when"))
        if say:
            lines.append(Line(say, when))
    return tuple(lines)


def _when(r: FieldReader, path: tuple) -> tuple[str, ...]:
    if not r.has(path):
        return ()
    if isinstance(r.raw(path), list):
        return tuple(r.ident((*path, i)) for i in range(len(r.items(path))))
    return (r.ident(path),)


def check_customer_lines(r: FieldReader, scenario: Scenario) -> None:
    """Every key point has a probe and every red flag an objection; every customer line is in
    the customer's voice; every `when` names a key point or an act. (`script.closing` may be
    left out: a generic one stands in.)"""
    for name, field, what in (("key_points", "probe", "what the customer asks while it is "
                                                       "missing"),
                              ("red_flags", "objection", "what the customer says if the "
                                                         "trainee does it")):
        for i, item in enumerate(_raw_list(r, (name,))):
            if isinstance(item, dict) and not _is_text(item.get(field)):
                r.problem((name, i), f"{name}[{i}] ('{item.get('id', '?')}') has no {field}: "
                                     f"write {what}, in their own words")
    known = {k.id for k in scenario.key_points} | ACTS.keys()
    for path, line, when in _customer_lines(r):
        _check_voice(r, path, line, scenario)
        at = (*path[:-1], "when") if path[-1] == "say" else path
        for condition in when:
            if condition not in known:
                r.problem(at, f"field '{r.name(path)}': unknown when '{condition}' (a key point "
                              f"id of this scenario, or one of: {', '.join(sorted(ACTS))})")
            elif condition in UPSETTING and path[1] in ("calmer", "pressing"):
                r.problem(at, f"field '{r.name(path)}': when '{condition}' never fits a "
                              f"{path[1]} line (a reply that does it gets an angrier one)")


def _check_voice(r: FieldReader, path: tuple, line: str, scenario: Scenario) -> None:
    echoed = rubric_echoed(line, scenario)
    if echoed:
        r.problem(path, f"field '{r.name(path)}' reads out the text of '{echoed}': say it as "
                        "the customer would, without handing over the answer")
    who = third_person(line, scenario)
    if who:
        r.problem(path, f"field '{r.name(path)}' talks about the customer in the third person "
                        f"({who}): write it as they would say it (I, me, my)")


def _customer_lines(r: FieldReader) -> list[tuple[tuple, str, tuple[str, ...]]]:
    """(path, text, when) of every line the customer may say beyond the opening."""
    found: list[tuple[tuple, str, tuple[str, ...]]] = []
    for name, field in (("key_points", "probe"), ("red_flags", "objection")):
        for i, item in enumerate(_raw_list(r, (name,))):
            if isinstance(item, dict) and _is_text(item.get(field)):
                found.append(((name, i, field), str(item[field]), ()))
    script = r.raw(("script",)) if r.is_mapping(("script",)) else {}
    for kind in LINE_KINDS:
        for i, item in enumerate(_raw_list(r, ("script", kind))):
            if _is_text(item):
                found.append((("script", kind, i), str(item), ()))
            elif isinstance(item, dict) and _is_text(item.get("say")):
                when = item.get("when") or ()
                when = (when,) if isinstance(when, str) else tuple(map(str, when))
                found.append((("script", kind, i, "say"), str(item["say"]), when))
    for field in ("closing", "resolved", "gave_up"):
        if _is_text(script.get(field)):
            found.append((("script", field), str(script[field]), ()))
    return found


def _raw_list(r: FieldReader, path: tuple) -> list[Any]:
    value = r.raw(path) if r.has(path) else None
    return value if isinstance(value, list) else []


def _is_text(value: Any) -> bool:
    return isinstance(value, str | int | float) and not isinstance(value, bool) and \
        bool(str(value).strip())
