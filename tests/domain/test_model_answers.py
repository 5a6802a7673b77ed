"""The shipped library holds together: every scenario's model answer passes the rule scorer, in
every variant, and resolves the scripted customer, so a trainee who writes like it is never told
they failed; and a model answer pasted from another variant gets the figures wrong."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from trainer.domain.customer import get_customer_engine
from trainer.domain.loading import load_library
from trainer.domain.scoring import get_scorer
from trainer.domain.transcript import Turn
from trainer.domain.variant_checks import model_answer_failure
from trainer.domain.variants import render_variant, variant_count

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


WITH_VARIANTS = [t for t in LIBRARY.templates.values() if t.variables]
_MONEY = re.compile(r"£\s?\d[\d,]*(?:\.\d+)?|\b\d+\.\d\d\b")


@pytest.mark.parametrize("template", WITH_VARIANTS, ids=lambda t: t.scenario.id)
def test_the_model_answer_passes_in_every_variant(template):
    rubric = LIBRARY.rubrics[template.scenario.rubric]
    failures = [f"variant {seed}: {why}" for seed in range(variant_count(template.variables))
                if (why := model_answer_failure(render_variant(template, seed), rubric,
                                                get_scorer("rules")))]
    assert failures == []


def _every_value_changed(template) -> int:
    """The seed whose every variable takes its second value: every figure differs from seed 0."""
    seed, radix = 0, 1
    for variable in template.variables:
        if not variable.formula:
            seed += radix if variable.size > 1 else 0
            radix *= variable.size
    return seed


@pytest.mark.parametrize("template", WITH_VARIANTS, ids=lambda t: t.scenario.id)
def test_a_model_answer_pasted_from_another_variant_gets_the_figures_wrong(template):
    played = render_variant(template, _every_value_changed(template))
    pasted = render_variant(template, 0).model_answer
    card = get_scorer("rules").score([Turn("customer", played.opening), Turn("trainee", pasted)],
                                     played, LIBRARY.rubrics[played.rubric])
    default = LIBRARY.scenarios[template.scenario.id]
    figured = [mine.id for mine, theirs in zip(played.key_points, default.key_points, strict=True)
               if set(_MONEY.findall(mine.text)) != set(_MONEY.findall(theirs.text))]
    if not figured:  # names and references only: the near-copy check catches that paste
        pytest.skip("no key point states an amount that changes with the variant")
    assert not card.passed
    # each point whose amount changed is missed, or the wrong amount is caught as an error
    assert all(k not in card.key_points_covered for k in figured) \
        or card.dimensions["accuracy"].level == 0, (card.key_points_covered, figured)
