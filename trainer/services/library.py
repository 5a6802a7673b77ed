"""The scenario library as the running app sees it: loaded at start-up, broken files refused."""

from __future__ import annotations

from flask import Flask, current_app

from ..domain.errors import UnknownScenario
from ..domain.library import Library, Rubric, Scenario
from ..domain.loading import load_library

KEY = "trainer.library"


def init_library(app: Flask) -> None:
    """Load the library; a broken file stops start-up with every problem as file:line: message."""
    app.extensions[KEY] = load_library(app.config["SCENARIOS_DIR"], app.config["RUBRICS_DIR"])


def get_library() -> Library:
    return current_app.extensions[KEY]


def get_scenario(scenario_id: str) -> Scenario:
    try:
        return get_library().scenarios[scenario_id]
    except KeyError:
        raise UnknownScenario(f"no scenario '{scenario_id}'") from None


def get_rubric(rubric_id: str) -> Rubric:
    return get_library().rubrics[rubric_id]


def scenarios_for(department: str | None) -> list[Scenario]:
    """Every scenario, the trainee's own department's first, then by difficulty and title."""
    return sorted(get_library().scenarios.values(),
                  key=lambda s: (s.department != (department or ""), s.difficulty, s.title))
