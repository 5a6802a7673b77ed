"""Batch scoring (DESIGN.md contract): one JSON input line in, one JSON output line out."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from .errors import TrainerError
from .library import Library, Rubric, Scenario
from .loading import scenario_from_mapping
from .scoring import Scorer
from .transcript import ROLES, TRAINEE, Turn
from .variants import render_variant


class BadLine(TrainerError):
    """An input line that cannot be scored; the run goes on."""


def parse_item(raw: Any, library: Library | None) -> tuple[str, list[Turn], Scenario | None]:
    if not isinstance(raw, dict):
        raise BadLine("each line must be a JSON object")
    item_id = raw.get("id")
    if not _is_id(item_id):
        raise BadLine("missing 'id' (a string)")
    if "transcript" in raw:
        transcript = _transcript(raw["transcript"])
    elif "reply" in raw:
        if not isinstance(raw.get("reply"), str) or not isinstance(raw.get("customer", ""), str):
            raise BadLine("'customer' and 'reply' must be strings")
        transcript = [Turn("customer", raw.get("customer", "")), Turn(TRAINEE, raw["reply"])]
    else:
        raise BadLine("needs a 'transcript' list, or 'customer' and 'reply'")
    if not any(t.role == TRAINEE for t in transcript):
        raise BadLine("the transcript has no trainee turn to score")  # an empty one scores 0
    return str(item_id), transcript, _scenario(raw.get("scenario"), library, raw.get("variant"))


def _is_id(value: Any) -> bool:
    return isinstance(value, str | int) and not isinstance(value, bool)


def _transcript(raw: Any) -> list[Turn]:
    if not isinstance(raw, list):
        raise BadLine("'transcript' must be a list of {role, text}")
    turns = []
    for n, turn in enumerate(raw):
        if not isinstance(turn, dict) or turn.get("role") not in ROLES \
                or not isinstance(turn.get("text"), str):
            raise BadLine(f"transcript[{n}] must be {{\"role\": \"customer\"|\"trainee\", "
                          f"\"text\": \"...\"}}")
        turns.append(Turn(turn["role"], turn["text"]))
    return turns


def _scenario(raw: Any, library: Library | None, variant: Any = None) -> Scenario | None:
    """A library scenario is its default variant, or the one the optional "variant" seed names."""
    if variant is not None and (not isinstance(raw, str) or isinstance(variant, bool)
                                or not isinstance(variant, int) or variant < 0):
        raise BadLine("'variant' must be a whole number 0 or more, with a scenario id")
    if raw is None:
        return None
    if isinstance(raw, str):
        if library is None or raw not in library.scenarios:
            raise BadLine(f"unknown scenario '{raw}'")
        if variant is not None and raw in library.templates:
            return render_variant(library.templates[raw], variant)
        return library.scenarios[raw]
    if isinstance(raw, dict):
        return scenario_from_mapping(raw, "scenario")
    raise BadLine("'scenario' must be a scenario id or an inline mapping")


def _json(line: str) -> Any:
    """The line's JSON value; nesting past Python's recursion limit (about a thousand levels, far
    beyond any transcript) is a bad line rather than the end of the run."""
    try:
        return json.loads(line)
    except RecursionError:
        raise BadLine("nested too deeply to read (lists or objects inside each other)") from None


def score_lines(lines: Iterable[str], scorer: Scorer, rubric_for: Any,
                library: Library | None) -> Iterator[dict[str, Any]]:
    """Yield one output object per non-blank input line, in order. ``rubric_for(scenario)``
    picks the rubric. A bad line yields {"id", "error"} and the run goes on."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        item_id = None
        try:
            raw = _json(line)
            if isinstance(raw, dict) and _is_id(raw.get("id")):  # echoed even if the line fails
                item_id = raw["id"]
            item_id, transcript, scenario = parse_item(raw, library)
            rubric: Rubric = rubric_for(scenario)
            yield scorer.score(transcript, scenario, rubric).to_contract(item_id)
        except json.JSONDecodeError as exc:
            yield {"id": None, "error": f"line {number}: not valid JSON ({exc.msg})"}
        except TrainerError as exc:
            yield {"id": item_id, "error": f"line {number}: {exc}"}
