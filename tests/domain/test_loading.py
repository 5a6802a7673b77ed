"""Library loading: the shipped library is sound, and each broken file is named by file:line."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from trainer.domain.errors import LibraryError
from trainer.domain.loading import check_library, load_library, scenario_from_mapping

ROOT = Path(__file__).resolve().parents[2]

# A valid scenario, one field a line so that each test can break a known line (1-based).
GOOD = """\
id: good-one
title: A good scenario
category: billing-dispute
department: billing
difficulty: 2
rubric: core
customer:
  name: Sam Lee
  persona: Calm regular customer.
  mood: frustrated
  goal: A refund.
opening: I was charged twice.
facts:
  - Two charges of £10.00 on 1 March.
policy:
  - Refund duplicates within 5 working days.
key_points:
  - {id: refund, text: Refunds the £10.00, probe: I want my money back.}
  - {id: timeline, text: Says 5 working days, probe: I need it soon.}
red_flags:
  - {id: blames, text: Blames the customer, objection: It wasn't my fault.}
script:
  max_turns: 5
  calmer: [Thanks.]
  resolved: Sorted.
""".splitlines()

RUBRIC = ["id: core", "title: Core", "dimensions:"] + [
    line for name in ("empathy", "ownership", "accuracy") for line in (
        f"  {name}:", "    weight: 1", "    pass_level: 3",
        "    levels: {0: a, 1: b, 2: c, 3: d, 4: e}")]  # accuracy starts on line 12

LEVELS = "{level: %s, title: L, max_limit: %s, qualify: {scenarios: %s, min_difficulty: %s}}"
CATEGORIES = ["categories:", "  - id: billing-dispute", "    title: Billing", "    levels:",
              "      - " + LEVELS % (1, 0, 1, 1), "      - " + LEVELS % (2, 50, 2, 2)]


def edited(lines: list[str], edits: dict[int, str | None]) -> str:
    """``lines`` with line N replaced (None: removed; a newline inside adds lines)."""
    out = [edits.get(n, line) for n, line in enumerate(lines, 1)]
    return "\n".join(x for x in out if x is not None) + "\n"


def make_library(tmp: Path, scenario: str | None = None, name: str = "good-one",
                 rubric: str | None = None, categories: str | None = None) -> Path:
    (tmp / "scenarios").mkdir(exist_ok=True)
    (tmp / "rubrics").mkdir(exist_ok=True)
    (tmp / "rubrics" / "core.yaml").write_text(rubric or edited(RUBRIC, {}), encoding="utf-8")
    (tmp / "scenarios" / "categories.yaml").write_text(categories or edited(CATEGORIES, {}),
                                                       encoding="utf-8")
    path = tmp / "scenarios" / f"{name}.yaml"
    path.write_text(scenario or edited(GOOD, {}), encoding="utf-8")
    return path


def problems_in(tmp: Path, path: Path) -> list[tuple[int, str]]:
    _, problems = check_library(tmp / "scenarios", tmp / "rubrics")
    assert all(p.file == str(path) for p in problems), problems
    return [(p.line, p.message) for p in problems]


def test_shipped_library_loads_and_is_rich_enough():
    lib = load_library(ROOT / "scenarios", ROOT / "rubrics")
    scenarios = list(lib.scenarios.values())
    assert len(scenarios) >= 12 and len(lib.categories) >= 6
    assert len({s.department for s in scenarios}) >= 5
    assert {s.difficulty for s in scenarios} == {1, 2, 3}
    for s in scenarios:
        assert s.model_answer and s.script.resolved and s.script.gave_up, s.id
        assert min(len(s.script.calmer), len(s.script.pressing), len(s.script.angrier)) >= 2
        assert 5 <= s.script.max_turns <= 7 and 3 <= len(s.facts) <= 7, s.id
        assert 3 <= len(s.key_points) <= 6 and 2 <= len(s.red_flags) <= 6, s.id
        assert any(k.probe for k in s.key_points) and all(f.objection for f in s.red_flags)
        answer = s.model_answer.lower()
        assert not [h for f in s.red_flags for h in f.hints if h.lower() in answer], s.id
    points = [k for s in scenarios for k in s.key_points]
    assert 0 < sum(bool(k.hints) for k in points) < len(points) / 2  # hints are the exception


def test_every_category_is_used_and_every_level_can_be_reached():
    lib = load_library(ROOT / "scenarios", ROOT / "rubrics")
    used = Counter(s.category for s in lib.scenarios.values())
    assert set(used) == set(lib.categories) and min(used.values()) >= 2
    for category in lib.categories.values():
        assert [lv.level for lv in category.levels] == [1, 2, 3]
        assert category.levels[0].max_limit == 0 < category.levels[1].max_limit
        for lv in category.levels:
            fit = [s for s in lib.scenarios.values()
                   if s.category == category.id and s.difficulty >= lv.min_difficulty]
            assert len(fit) >= lv.scenarios_required, (category.id, lv.level)


def test_the_good_fixture_is_good(tmp_path):
    path = make_library(tmp_path)
    assert problems_in(tmp_path, path) == []


@pytest.mark.parametrize("edits, line, message, count", [
    ({5: "difficulty: 2: 3"}, 5, "YAML syntax error: mapping values are not allowed here", 1),
    ({2: "title: [unclosed"}, 3, "YAML syntax error: expected ',' or ']', but got ':' (while "
                                 "parsing a flow sequence that starts on line 2)", 1),
    ({2: None}, 1, "missing required field 'title'", 1),
    ({11: None}, 7, "missing required field 'customer.goal'", 1),
    ({7: "customer: Sam Lee", 8: None, 9: None, 10: None, 11: None}, 7,
     "field 'customer' must be a mapping, got text", 1),
    ({13: "facts: one fact", 14: None}, 13, "field 'facts' must be a list, got text", 1),
    ({2: "title: [a, b]"}, 2, "field 'title' must be text, got a list", 1),
    ({14: "  - Note: two charges"}, 14,
     "field 'facts[0]' must be text, got a mapping (put it in quotes: a ': ' inside unquoted "
     "text starts a mapping)", 1),
    ({5: "difficulty: 4"}, 5, "field 'difficulty' must be a whole number from 1 to 3, got 4", 1),
    ({5: "difficulty: hard"}, 5, "field 'difficulty' must be a whole number from 1 to 3, "
                                 "got 'hard'", 1),
    ({1: "id: other-one"}, 1, "field 'id': 'other-one' does not match the file name "
                              "good-one.yaml (expected other-one.yaml)", 1),
    ({3: "category: nope"}, 3, "field 'category': unknown category 'nope' (not in "
                               "categories.yaml; known: billing-dispute)", 1),
    ({3: "category: Billing Dispute"}, 3, "field 'category' must be lowercase-kebab (like "
                                          "'billing-double-charge'), got 'Billing Dispute'", 2),
    ({6: "rubric: strict"}, 6, "field 'rubric': unknown rubric 'strict'", 1),
    ({25: "  resolved: Sorted.\nmodle_answer: Hi"}, 26,
     "unknown field 'modle_answer' (did you mean 'model_answer'?)", 1),
    ({9: "  persone: Calm."}, 9, "unknown field 'customer.persone' (did you mean 'persona'?)", 2),
    ({22: "scirpt:"}, 22, "unknown field 'scirpt' (did you mean 'script'?)", 1),
    ({2: "title: A\ntitle: B"}, 3, "duplicate key 'title'", 1),
    ({8: "  name: Sam\n  name: Sam Lee"}, 9, "duplicate key 'customer.name'", 1),
    ({19: "  - {id: refund, text: Says 5 working days, probe: Soon I hope.}"}, 19,
     "duplicate id 'refund' in field 'key_points[1].id'", 1),
    ({18: "  - refund"}, 18, "field 'key_points[0]' must be a mapping with id and text, "
                             "got text", 1),
    ({18: "  - {id: Refund It, text: Refunds, probe: And then.}"}, 18,
     "field 'key_points[0].id' must be lowercase-kebab", 1),
    ({17: "key_points: []", 18: None, 19: None}, 17,
     "field 'key_points' needs at least 1 item(s)", 1),
    ({10: "  mood: livid"}, 10, "field 'customer.mood' must be one of furious, angry, "
                                "frustrated, wary, calm, satisfied, got 'livid'", 1),
    ({23: "  max_turns: 50"}, 23, "field 'script.max_turns' must be a whole number from 2 "
                                  "to 20, got 50", 1),
])
def test_each_kind_of_bad_scenario_names_file_line_and_field(tmp_path, edits, line, message,
                                                             count):
    path = make_library(tmp_path, edited(GOOD, edits))
    found = problems_in(tmp_path, path)
    assert any(n == line and m.startswith(message) for n, m in found), found
    assert len(found) == count, found


def test_a_bad_id_is_reported_at_its_line(tmp_path):
    path = make_library(tmp_path, edited(GOOD, {1: "id: Bad_Id"}), name="Bad_Id")
    assert problems_in(tmp_path, path) == [
        (1, "field 'id' must be lowercase-kebab (like 'billing-double-charge'), got 'Bad_Id'")]


def test_several_problems_in_one_file_are_all_reported_in_line_order(tmp_path):
    edits = {5: "difficulty: 0", 10: "  mood: livid",
             19: "  - {id: refund, text: Again, probe: Once more please.}",
             24: "  calmer: Thanks."}
    path = make_library(tmp_path, edited(GOOD, edits))
    with pytest.raises(LibraryError) as caught:
        load_library(tmp_path / "scenarios", tmp_path / "rubrics")
    assert [p.line for p in caught.value.problems] == [5, 10, 19, 24]
    assert f"{path}:24: field 'script.calmer' must be a list, got text" in str(caught.value)


@pytest.mark.parametrize("edits, line, message", [
    ({12: None, 13: None, 14: None, 15: None}, 3, "missing dimension 'dimensions.accuracy'"),
    ({11: "    levels: {0: a, 1: b, 2: c, 4: e}"}, 11,
     "field 'dimensions.ownership.levels' is missing level(s) 3 (describe each of 0 to 4)"),
    ({11: "    levels: {0: a, 1: b, 2: c, 3: d, 4: e, x: f}"}, 11,
     "unknown level 'dimensions.ownership.levels.x' (levels are the whole numbers 0 to 4)"),
    ({4: "  empathie:"}, 4, "unknown dimension 'dimensions.empathie'"),
    ({10: "    pass_level: 5"}, 10, "field 'dimensions.ownership.pass_level' must be a whole "
                                     "number from 0 to 4, got 5"),
    ({1: "id: strict"}, 1, "field 'id': 'strict' does not match the file name core.yaml"),
])
def test_a_broken_rubric_names_file_line_and_field(tmp_path, edits, line, message):
    make_library(tmp_path, rubric=edited(RUBRIC, edits))
    _, problems = check_library(tmp_path / "scenarios", tmp_path / "rubrics")
    rubric = str(tmp_path / "rubrics" / "core.yaml")
    assert any(p.file == rubric and p.line == line and p.message.startswith(message)
               for p in problems), problems


@pytest.mark.parametrize("edits, line, message", [
    ({6: "      - " + LEVELS % (3, 50, 2, 2)}, 4,
     "field 'categories[0].levels' must number its levels 1, 2, 3... in order, got 1, 3"),
    ({6: "      - " + LEVELS % (0, 50, 2, 2)}, 6,
     "field 'categories[0].levels[1].level' must be a whole number from 1 to 9, got 0"),
    ({6: "      - " + LEVELS % (2, 0, 2, 2), 5: "      - " + LEVELS % (1, 10, 1, 1)}, 6,
     "field 'categories[0].levels[1]': max_limit is below the previous level's"),
    ({6: "      - {level: 2, title: L, max_limit: 50}"}, 6,
     "missing required field 'categories[0].levels[1].qualify'"),
    ({6: "      - " + LEVELS % (2, 50, 2, 2) + "\n  - id: billing-dispute\n    title: Again"
          "\n    levels: [" + LEVELS % (1, 0, 1, 1) + "]"}, 7,
     "duplicate category id 'billing-dispute' (field 'categories[1].id')"),
    ({4: "    levels: []", 5: None, 6: None}, 4, "field 'categories[0].levels' needs at least 1"),
])
def test_broken_categories_name_file_line_and_field(tmp_path, edits, line, message):
    make_library(tmp_path, categories=edited(CATEGORIES, edits))
    _, problems = check_library(tmp_path / "scenarios", tmp_path / "rubrics")
    cats = str(tmp_path / "scenarios" / "categories.yaml")
    assert any(p.file == cats and p.line == line and p.message.startswith(message)
               for p in problems), problems


def test_odd_yaml_is_reported_not_crashed_on(tmp_path):
    path = make_library(tmp_path, edited(GOOD, {14: "  - 2024-02-30", 25: "  ? [a, b]\n  : c"}))
    assert problems_in(tmp_path, path) == [
        (25, "a key must be a plain word, not a list or mapping (under 'script')")]
    lib, _ = check_library(tmp_path / "scenarios", tmp_path / "rubrics")
    assert lib.scenarios["good-one"].facts == ("2024-02-30",)  # a date-like fact stays text


def test_missing_categories_and_stray_yml_files_are_reported(tmp_path):
    make_library(tmp_path)
    (tmp_path / "scenarios" / "categories.yaml").unlink()
    (tmp_path / "scenarios" / "other.yml").write_text("id: other\n")
    _, problems = check_library(tmp_path / "scenarios", tmp_path / "rubrics")
    assert [(Path(p.file).name, p.line) for p in problems] == [
        ("categories.yaml", 1), ("other.yml", 1), ("good-one.yaml", 3)]
    assert problems[2].message.endswith("(not in categories.yaml; file missing)")


def test_only_reports_the_files_asked_about_however_they_are_named(tmp_path, monkeypatch):
    good = make_library(tmp_path)
    bad = tmp_path / "scenarios" / "bad-one.yaml"
    bad.write_text(edited(GOOD, {1: "id: bad-one", 5: "difficulty: 9"}))
    monkeypatch.chdir(tmp_path)
    _, problems = check_library(Path("scenarios"), Path("rubrics"), [good.resolve()])
    assert problems == []
    _, problems = check_library(Path("scenarios"), Path("rubrics"), [bad.resolve()])
    assert [(p.file, p.line) for p in problems] == [(str(Path("scenarios/bad-one.yaml")), 5)]
    _, problems = check_library(Path("scenarios"), Path("rubrics"), [Path("nowhere.yaml")])
    assert [str(p) for p in problems] == ["nowhere.yaml:1: no such file"]


def test_scenario_from_mapping_takes_an_inline_case_file():
    scenario = scenario_from_mapping({
        "opening": "My parcel is late.", "facts": ["Held at the hub since 2 May."],
        "policy": ["Refund the 4.99 delivery fee."],
        "key_points": [{"id": "fee", "text": "Refunds the 4.99 delivery fee"}],
        "red_flags": [{"id": "blame", "text": "Blames the customer"}], "extra": "ignored"})
    assert scenario.id == "inline" and scenario.has_case_file
    assert [k.id for k in scenario.key_points] == ["fee"] and scenario.difficulty == 1
    assert scenario_from_mapping({}).has_case_file is False


@pytest.mark.parametrize("data, message", [
    (["opening"], "in.jsonl:1: an inline scenario must be a mapping of fields (opening, facts, "
                  "policy, key_points, red_flags), got a list"),
    ("billing", "in.jsonl:1: an inline scenario must be a mapping of fields"),
    ({"key_points": [{"id": "fee"}]}, "in.jsonl:1: missing required field 'key_points[0].text'"),
    ({"facts": "late"}, "in.jsonl:1: field 'facts' must be a list, got text"),
])
def test_scenario_from_mapping_rejects_what_it_cannot_use(data, message):
    with pytest.raises(LibraryError) as caught:
        scenario_from_mapping(data, source="in.jsonl")
    assert str(caught.value).startswith(message)
