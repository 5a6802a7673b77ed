"""The shipped library holds together: every scenario's model answer passes the rule scorer and
resolves the scripted customer, so a trainee who writes like it is never told they failed."""

from __future__ import annotations

from pathlib import Path

import pytest

from trainer.domain.customer import get_customer_engine
from trainer.domain.loading import load_library
from trainer.domain.scoring import get_scorer
from trainer.domain.transcript import Turn

ROOT = Path(__file__).resolve().parents[2]
LIBRARY = load_library(ROOT / "scenarios", ROOT / "rubrics")


@pytest.mark.parametrize("scenario", LIBRARY.scenarios.values(), ids=lambda s: s.id)
def test_the_model_answer_passes_without_red_flags(scenario):
    transcript = [Turn("customer", scenario.opening), Turn("trainee", scenario.model_answer)]
    card = get_scorer("rules").score(transcript, scenario, LIBRARY.rubrics[scenario.rubric])
    levels = {name: dim.level for name, dim in card.dimensions.items()}
    assert card.passed, f"{scenario.id}: {levels}, missed {card.key_points_missed}, " \
                        f"red flags {card.red_flags}"
    assert card.red_flags == ()


@pytest.mark.parametrize("scenario", LIBRARY.scenarios.values(), ids=lambda s: s.id)
def test_the_model_answer_calms_the_scripted_customer(scenario):
    engine = get_customer_engine("scripted")
    transcript = [Turn("customer", engine.opening(scenario).text)]
    for _ in range(3):
        transcript.append(Turn("trainee", scenario.model_answer))
        reply = engine.respond(scenario, transcript)
        if reply.status != "open":
            break
        transcript.append(Turn("customer", reply.text))
    assert reply.status == "resolved"
