"""Hostile YAML (aliases that multiply, nesting thousands deep, huge files) is refused with a
problem naming file and line, before it can hang or crash a load; ordinary YAML still loads."""

from __future__ import annotations

import pytest

from trainer.domain.errors import LibraryError
from trainer.domain.loading import check_library, load_library
from trainer.domain.yamlfile import MAX_DEPTH, MAX_FILE_CHARS, MAX_VALUES, parse_yaml

from .test_loading import GOOD, edited, make_library


def laughs(levels: int = 12) -> str:
    """The "billion laughs": each level's list repeats the previous one ten times."""
    lines = ["id: laughs", 'l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"l{n}: &l{n} [" + ",".join([f"*l{n - 1}"] * 10) + "]" for n in range(1, levels)]
    return "\n".join(lines) + "\n"


def only_problem(text: str) -> tuple[int, str]:
    doc, problems = parse_yaml(text, "f.yaml")
    assert doc is None and len(problems) == 1, problems
    assert problems[0].file == "f.yaml"
    return problems[0].line, problems[0].message


def test_aliases_that_multiply_are_refused_at_the_alias_that_goes_too_far():
    line, message = only_problem(laughs())
    assert line == 5  # l3 (10,000 values) crosses the limit; l11 would be nearly a trillion
    assert f"more than {MAX_VALUES:,} values" in message and "alias" in message


def test_an_alias_inside_its_own_anchor_is_refused():
    assert only_problem("id: x\nloop: &a [1, *a]\n") == (
        2, "alias '*a' is used inside its own anchor '&a', which would repeat it forever")


@pytest.mark.parametrize("text, line", [
    ("id: deep\nx: " + "[" * 20_000 + "]" * 20_000 + "\n", 2),
    ("id: deep\nx:\n" + "".join(" " * n + "-\n" for n in range(1, 600)), 2 + MAX_DEPTH),
    ("id: deep\nx: " + "{a: " * 20_000 + "1" + "}" * 20_000 + "\n", 2),
])
def test_nesting_thousands_deep_is_refused_at_its_line(text, line):
    got_line, message = only_problem(text)
    assert got_line == line
    assert message.startswith(f"nested more than {MAX_DEPTH} levels deep")


def test_aliases_cannot_smuggle_in_depth():
    shallow = "[" * (MAX_DEPTH - 1) + "1" + "]" * (MAX_DEPTH - 1)
    assert parse_yaml(f"a: {shallow}\n", "f.yaml")[1] == []
    line, message = only_problem(f"a: &a {shallow}\nb: [[*a]]\n")
    assert line == 2 and message.startswith(f"nested more than {MAX_DEPTH} levels deep")


def test_a_file_too_large_is_refused_before_it_is_parsed():
    text = "facts:\n" + "  - a fact\n" * (MAX_FILE_CHARS // 10)
    assert only_problem(text) == (1, f"file too large: {len(text):,} characters (the limit is "
                                     f"{MAX_FILE_CHARS:,}; a library file needs far fewer)")


def test_ordinary_anchors_aliases_and_merges_still_load():
    doc, problems = parse_yaml("base: &b {mood: calm, name: Sam}\n"
                               "one: {<<: *b, name: Ann}\nlist: [*b, *b]\n", "f.yaml")
    assert problems == []
    assert doc.data["one"] == {"mood": "calm", "name": "Ann"}
    assert doc.data["list"] == [{"mood": "calm", "name": "Sam"}] * 2


def test_a_hostile_file_is_one_problem_and_the_rest_of_the_library_loads(tmp_path):
    make_library(tmp_path)
    bad = tmp_path / "scenarios" / "laughs.yaml"
    bad.write_text(laughs())
    deep = tmp_path / "scenarios" / "deep.yaml"
    deep.write_text("id: deep\nx: " + "[" * 20_000 + "]" * 20_000 + "\n")
    library, problems = check_library(tmp_path / "scenarios", tmp_path / "rubrics")
    assert list(library.scenarios) == ["good-one"]
    assert [(p.file, p.line) for p in problems] == [(str(deep), 2), (str(bad), 5)]
    with pytest.raises(LibraryError) as caught:
        load_library(tmp_path / "scenarios", tmp_path / "rubrics")
    assert f"{bad}:5: " in str(caught.value) and f"{deep}:2: nested" in str(caught.value)


def test_a_hostile_rubric_or_categories_file_is_reported_too(tmp_path):
    make_library(tmp_path, edited(GOOD, {}), categories=laughs().replace("id: laughs\n", ""),
                 rubric="id: core\n" + "x: " + "[" * 5_000 + "]" * 5_000 + "\n")
    _, problems = check_library(tmp_path / "scenarios", tmp_path / "rubrics")
    got = {(p.file.rsplit("/", 1)[-1], p.line) for p in problems}
    assert ("core.yaml", 2) in got and ("categories.yaml", 4) in got


def test_an_empty_list_repeated_by_an_alias_still_counts_as_a_level():
    def nested(levels: int) -> str:
        return "a: &e []\nb: " + "[" * levels + "*e" + "]" * levels + "\n"

    assert parse_yaml(nested(MAX_DEPTH - 2), "f.yaml")[1] == []  # the top mapping is a level
    line, message = only_problem(nested(MAX_DEPTH - 1))
    assert line == 2 and message.startswith(f"nested more than {MAX_DEPTH} levels deep")
