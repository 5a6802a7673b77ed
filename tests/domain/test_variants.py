"""Scenario variants: variables read and checked at load, drawn by seed, rendered into a frozen
Scenario with every placeholder filled; the same seed always gives the same scenario."""

from __future__ import annotations

import dataclasses
import random
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from trainer.domain.errors import LibraryError
from trainer.domain.formulas import FormulaError, evaluate
from trainer.domain.library import Scenario
from trainer.domain.loading import check_library, load_library
from trainer.domain.variants import (
    PLACEHOLDER,
    choose,
    draw_seed,
    render_variant,
    seeds_to_check,
    variant_count,
)

ROOT = Path(__file__).resolve().parents[2]
LIBRARY = load_library(ROOT / "scenarios", ROOT / "rubrics")
WITH_VARIABLES = [t for t in LIBRARY.templates.values() if t.variables]


def test_at_least_half_of_the_first_contacts_have_variants():
    firsts = [t for t in LIBRARY.templates.values() if not t.scenario.follows]
    assert len([t for t in firsts if t.variables]) * 2 >= len(firsts)


def _texts(obj):
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, tuple):
        for item in obj:
            yield from _texts(item)
    elif dataclasses.is_dataclass(obj):
        for f in dataclasses.fields(obj):
            yield from _texts(getattr(obj, f.name))


@pytest.mark.parametrize("template", WITH_VARIABLES, ids=lambda t: t.scenario.id)
def test_every_variant_fills_every_placeholder(template):
    for seed in range(variant_count(template.variables)):
        scenario = render_variant(template, seed)
        leftover = [t for t in _texts(scenario) if PLACEHOLDER.search(t)]
        assert leftover == [], f"{template.scenario.id} variant {seed}: {leftover[:1]}"


@pytest.mark.parametrize("template", WITH_VARIABLES, ids=lambda t: t.scenario.id)
def test_the_same_seed_renders_the_same_scenario(template):
    seed = random.Random(template.scenario.id).randrange(10_000)
    first, again = render_variant(template, seed), render_variant(template, seed)
    assert first == again and first.variant == again.variant
    assert first.variant["seed"] == seed


def test_seed_zero_is_the_default_and_the_library_holds_it():
    template = LIBRARY.templates["billing-double-charge"]
    assert render_variant(template, 0) == LIBRARY.scenarios["billing-double-charge"]
    default = LIBRARY.scenarios["billing-double-charge"]
    assert default.customer.name == "Priya Shah" and "39.99" in default.opening
    assert default.variant["values"]["amount"] == "39.99"


def test_seeds_enumerate_every_combination_once():
    template = LIBRARY.templates["billing-double-charge"]
    count = variant_count(template.variables)
    rendered = {tuple(sorted(choose(template.variables, s).items())) for s in range(count)}
    assert len(rendered) == count == 3 * 3 * 2 * 3
    assert choose(template.variables, count) == choose(template.variables, 0)  # modulo


def test_derived_figures_stay_consistent_in_every_variant():
    template = LIBRARY.templates["billing-price-rise-notice"]
    for seed in range(variant_count(template.variables)):
        v = choose(template.variables, seed)
        price, new, rise = (Decimal(v[k]) for k in ("price", "new_price", "rise"))
        exact = price * (100 + Decimal(v["percent"])) / 100
        assert new == exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        assert rise == new - price
        scenario = render_variant(template, seed)
        assert f"£{v['new_price']}, £{v['rise']} a month more" in scenario.facts[1]


def test_a_snapshot_keeps_the_variant_and_reads_back():
    scenario = render_variant(LIBRARY.templates["payroll-missing-overtime"], 7)
    snapshot = scenario.to_dict()
    assert snapshot["variant"] == {"seed": 7, "values": scenario.variant["values"]}
    again = Scenario.from_dict(snapshot)
    assert again == scenario and again.variant == scenario.variant
    hash(again)  # the scorer caches by scenario: it must stay hashable


def test_a_retry_avoids_the_last_variants_when_it_can():
    rng = random.Random(1)
    assert {draw_seed(3, rng, avoid=[0, 1]) for _ in range(20)} == {2}
    assert draw_seed(1, rng, avoid=[0]) == 0  # only one: play it again
    assert seeds_to_check(12) == list(range(12))
    sample = seeds_to_check(243)
    assert len(sample) == 20 and sample[0] == 0 and sample == seeds_to_check(243)


def test_formulas_are_arithmetic_only():
    assert evaluate("{amount} * 2", {"amount": "39.99"}) == "79.98"
    assert evaluate("hours * rate", {"hours": "14.5", "rate": "22.20"}) == "321.90"
    assert evaluate("price / 3", {"price": "10"}, decimals=2) == "3.33"
    assert evaluate("a + b", {"a": "1,196.00", "b": "4.00"}) == "1,200.00"
    for bad in ("__import__('os').system('true')", "amount.real", "[1][0]", "2 ** 8"):
        with pytest.raises(FormulaError):
            evaluate(bad, {"amount": "1"})
    with pytest.raises(FormulaError, match="not a number"):
        evaluate("name * 2", {"name": "Priya"})


SCENARIO = """\
id: broken-variants
title: Broken on purpose
category: billing-dispute
department: billing
difficulty: 1
rubric: core
variables:
  amount: ["39.99", "44.50"]
  person:
    - {name: Priya Shah, first_name: Priya}
    - {name: Grace Adeyemi, first_name: Grace}
  spare: [a, b]
  total: {formula: amout * 2}
  off: [x, y]
customer: {name: "{name}", persona: A customer., mood: frustrated, goal: Her money.}
opening: "You took {amount} twice, and Priya is my name."
facts: ["Two collections of {amont}."]
policy: ["Refunds take {earlier_by}."]
key_points:
  - {id: refund, text: "Refunds the {amount}", probe: "Do I get the {amount} back?"}
red_flags:
  - {id: blames, text: Blames the customer, objection: "It wasn't me."}
"""


def _problems(tmp_path, text: str) -> list[str]:
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "categories.yaml").write_text((ROOT / "scenarios" / "categories.yaml").read_text())
    (folder / "broken-variants.yaml").write_text(text)
    _, problems = check_library(folder, ROOT / "rubrics")
    return [f"{p.line}: {p.message}" for p in problems if p.file.endswith("broken-variants.yaml")]


def test_variable_problems_name_the_line_and_the_field(tmp_path):
    problems = _problems(tmp_path, SCENARIO)

    def at(line: int, words: str) -> bool:
        return any(p.startswith(f"{line}: ") and words in p for p in problems)

    assert at(17, "field 'facts[0]': unknown placeholder '{amont}' (did you mean {amount}?)")
    assert at(18, "'{earlier_by}'") and at(18, "only a follow-up")
    assert at(16, "field 'opening' says 'Priya', the first value of {first_name}")
    assert at(12, "variable 'spare' is never used")
    assert at(13, "the formula uses amout, not declared above it")
    assert at(14, "YAML reads yes, no, on and off as true/false")


def test_a_library_with_an_undefined_placeholder_does_not_load(tmp_path):
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "categories.yaml").write_text((ROOT / "scenarios" / "categories.yaml").read_text())
    (folder / "broken-variants.yaml").write_text(
        SCENARIO.split("variables:")[0] + "customer: {name: Sam}\nopening: \"Hi {who}\"\n"
        "facts: [x]\npolicy: [y]\nkey_points: [{id: a, text: b, probe: c}]\n")
    with pytest.raises(LibraryError, match=r"broken-variants.yaml:\d+: field 'opening': unknown "
                                           r"placeholder '\{who\}' \(no variables are declared\)"):
        load_library(folder, ROOT / "rubrics")


def test_a_range_expands_with_its_step_and_decimals(tmp_path):
    text = SCENARIO.replace('amount: ["39.99", "44.50"]', "amount: {from: 20, to: 30.5, step: 2.5}")
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "categories.yaml").write_text((ROOT / "scenarios" / "categories.yaml").read_text())
    (folder / "broken-variants.yaml").write_text(text)
    library, _ = check_library(folder, ROOT / "rubrics")
    amount = library.templates["broken-variants"].variables[0]
    assert [row[0] for row in amount.rows] == ["20.0", "22.5", "25.0", "27.5", "30.0"]


GOOD = """\
id: small-variants
title: Small
category: billing-dispute
department: billing
difficulty: 1
rubric: core
variables:
  amount: ["39.99", "44.50"]
customer: {name: Sam Lee, persona: A customer., mood: frustrated, goal: The money.}
opening: "You took {amount} twice."
facts: ["Two collections of {amount}."]
policy: ["Refund duplicates in full within 5 working days."]
key_points:
  - {id: refund, text: "Refunds the duplicate {amount} within 5 working days", probe: "And?"}
  - {id: total, text: "Says £79.98 was taken in all", probe: "How much did you take?"}
red_flags:
  - {id: blames, text: Blames the customer, objection: "It wasn't me."}
model_answer: >-
  I'm so sorry, Sam - you were charged {amount} twice and that's our mistake. I've refunded the
  duplicate {amount} in full; it will reach you within 5 working days, reference RF-1234. I'll
  check on Friday that it has arrived and call you to confirm.
"""


def test_validate_finds_a_figure_that_does_not_change_with_the_variant(tmp_path):
    from trainer.domain.scoring import get_scorer
    from trainer.domain.variant_checks import check_template

    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "categories.yaml").write_text((ROOT / "scenarios" / "categories.yaml").read_text())
    (folder / "small-variants.yaml").write_text(GOOD)
    library, problems = check_library(folder, ROOT / "rubrics")
    assert problems == []  # a total nobody derived: only rendering the variants shows it
    found = check_template(library.templates["small-variants"], library.rubrics,
                           get_scorer("rules"))
    line = GOOD.splitlines().index("  - {id: total, text: \"Says £79.98 was taken in all\", "
                                   "probe: \"How much did you take?\"}") + 1
    assert [(p.line, p.message) for p in found if "key_points[1]" in p.message] == [
        (line, "key_points[1] says '£79.98' in variant 0 (amount=39.99), a figure this "
               "variant's opening, facts and policy never give (and 1 more variant(s))")]


def _fresh_casefile(scenario: Scenario):
    """The case file read with every reading of the scoring package forgotten first."""
    from trainer.domain.scoring import amounts, casefile, timeline

    for cached in (casefile.casefile, casefile._claim, casefile._flag, timeline._dated,
                   amounts._figures):
        cached.cache_clear()
    return casefile.casefile(scenario)


def test_a_variants_case_file_is_the_same_whatever_was_read_before_it():
    """A scenario's variants share most texts, and the readings of a text are kept by value
    between them: the figures and dates of one variant never stand in for another's."""
    from trainer.domain.scoring.casefile import casefile

    for template in WITH_VARIABLES[:6]:
        variants = [render_variant(template, seed) for seed in range(4)]
        fresh = [_fresh_casefile(v) for v in variants]
        casefile.cache_clear()
        after_the_others = [casefile(v) for v in reversed(variants)][::-1]
        assert any(a != b for a, b in zip(fresh, fresh[1:], strict=False)), template.scenario.id
        assert after_the_others == fresh, template.scenario.id
