"""Reading and checking a rubric file: the three dimensions judged on the words, each with its
weight, pass level and behavioural levels 0 to 4, and the response time a rubric may opt in to."""

from __future__ import annotations

from .fields import FieldReader
from .library import (
    DIMENSIONS,
    RESPONSE_TIME,
    RESPONSE_TIME_MEASURES,
    Rubric,
    RubricDimension,
)

DIMENSION_FIELDS = {"weight", "pass_level", "description", "levels"}
RESPONSE_TIME_FIELDS = {"measure", "seconds"}  # response_time's own, beside DIMENSION_FIELDS
SCORED_LEVELS = range(1, 5)  # the levels response_time's seconds set a longest wait for


def read_rubric(r: FieldReader) -> Rubric:
    if not r.mapping(()):
        return Rubric(id="", title="", dimensions=())
    r.unknown_keys((), {"id", "title", "description", "dimensions"})
    ident, title = r.ident(("id",)), r.text(("title",))
    dims = r.mapping(("dimensions",))
    for name in dims:
        if name not in (*DIMENSIONS, RESPONSE_TIME):
            r.problem(("dimensions", name), f"unknown dimension 'dimensions.{name}' (expected "
                                            f"{', '.join(DIMENSIONS)}, and {RESPONSE_TIME} "
                                            "if the rubric scores it)")
    dimensions = []
    for name in DIMENSIONS if dims else ():
        if name not in dims:
            r.problem(("dimensions",), f"missing dimension 'dimensions.{name}'")
        elif r.mapping(("dimensions", name)):
            dimensions.append(_dimension(r, name))
    if RESPONSE_TIME in dims and r.mapping(("dimensions", RESPONSE_TIME)):
        dimensions.append(_dimension(r, RESPONSE_TIME))
    return Rubric(id=ident, title=title, dimensions=tuple(dimensions))


def _dimension(r: FieldReader, name: str) -> RubricDimension:
    at = ("dimensions", name)
    timed = name == RESPONSE_TIME
    r.unknown_keys(at, DIMENSION_FIELDS | RESPONSE_TIME_FIELDS if timed else DIMENSION_FIELDS)
    levels = r.mapping((*at, "levels"))
    for key in levels:
        if key not in range(5) or isinstance(key, bool):
            r.problem((*at, "levels", key), f"unknown level 'dimensions.{name}.levels.{key}' "
                                            "(levels are the whole numbers 0 to 4)")
    missing = [str(n) for n in range(5) if n not in levels]
    if levels and missing:
        r.problem((*at, "levels"), f"field 'dimensions.{name}.levels' is missing level(s) "
                                   f"{', '.join(missing)} (describe each of 0 to 4)")
    return RubricDimension(
        name=name, weight=r.number((*at, "weight"), 0.0),
        pass_level=r.integer((*at, "pass_level"), 0, 4),
        description=r.text((*at, "description"), required=False),
        levels=tuple(r.text((*at, "levels", n), n in levels) for n in range(5)),
        **(_response_time(r, at) if timed else {}))


def _response_time(r: FieldReader, at: tuple) -> dict:
    """``measure`` (median, the default, or longest) and ``seconds``: the longest wait for each
    of levels 1 to 4, none longer than the level below's."""
    measure = r.text((*at, "measure"), required=False, default="median")
    if measure not in RESPONSE_TIME_MEASURES:
        r.problem((*at, "measure"), f"field '{r.name((*at, 'measure'))}' must be one of "
                                    f"{', '.join(RESPONSE_TIME_MEASURES)}, got '{measure}'")
    given = r.mapping((*at, "seconds"))
    name = f"{r.name(at)}.seconds"
    for key in given:
        if key not in SCORED_LEVELS or isinstance(key, bool):
            r.problem((*at, "seconds", key), f"unknown level '{name}.{key}' (give a longest "
                                             "wait for each of levels 1 to 4)")
    missing = [str(n) for n in SCORED_LEVELS if n not in given]
    if r.is_mapping((*at, "seconds")) and missing:
        r.problem((*at, "seconds"), f"field '{name}' is missing level(s) {', '.join(missing)} "
                                    "(give a longest wait for each of levels 1 to 4)")
    seconds = tuple(_seconds(r, (*at, "seconds", n), f"{name}.{n}") for n in SCORED_LEVELS)
    for n, (lower, higher) in enumerate(zip(seconds, seconds[1:], strict=False), start=2):
        if lower and higher > lower:
            r.problem((*at, "seconds", n), f"field '{name}.{n}' is longer than level {n - 1}'s "
                                           f"({higher:g} s > {lower:g} s): a higher level "
                                           "must not allow a longer wait")
    return {"measure": measure, "seconds": seconds}


def _seconds(r: FieldReader, path: tuple, name: str) -> float:
    """One level's longest wait: a number of seconds above 0 (0 where missing or wrong, which
    the caller has reported or reports)."""
    value = r.raw(path)
    if not r.has(path):
        return 0.0
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        r.problem(path, f"field '{name}' must be a number of seconds above 0, got {value!r}")
        return 0.0
    return float(value)
