"""Loading and checking library files: every problem is reported as file:line: message."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from .customer.checks import check_customer_lines, read_script
from .errors import LibraryError, Problem
from .fields import FieldReader, kind, open_file, problems_of, yaml_files
from .library import (
    MOODS,
    AuthorityLevel,
    Category,
    Customer,
    KeyPoint,
    Library,
    RedFlag,
    Rubric,
    Scenario,
    Script,
)
from .rubrics import read_rubric
from .tracks import TRACKS_FILE, read_tracks
from .variables import read_template
from .variants import ScenarioTemplate, default_scenario, follow_problems
from .yamlfile import Document

SCENARIO_FIELDS = {"id", "title", "category", "department", "difficulty", "rubric", "customer",
                   "opening", "facts", "policy", "key_points", "red_flags", "script",
                   "model_answer", "variables", "follows", "history_default"}
CATEGORIES_FILE = "categories.yaml"
# A speech endpoint's voice name: OpenAI's ("alloy", "nova") and self-hosted ones ("af_bella").
VOICE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,39}")


def read_scenario(r: FieldReader, strict: bool = True) -> Scenario:
    """Read a scenario; ``strict=False`` is the batch-scoring inline form where only the case
    file (opening, facts, policy, key points, red flags) matters."""
    r.mapping(())
    if not r.is_mapping(()):
        return Scenario(id="" if strict else "inline")
    if strict:
        r.unknown_keys((), SCENARIO_FIELDS)
    return Scenario(
        id=r.ident(("id",)) if strict else (r.text(("id",), required=False) or "inline"),
        title=r.text(("title",), strict),
        category=r.ident(("category",), strict),
        department=r.text(("department",), strict),
        difficulty=r.integer(("difficulty",), 1, 3, None if strict else 1),
        rubric=r.ident(("rubric",), strict) or "core",
        customer=_customer(r, strict),
        opening=r.text(("opening",), strict),
        facts=r.texts(("facts",), strict),
        policy=r.texts(("policy",), strict),
        key_points=_key_points(r, strict),
        red_flags=_red_flags(r, strict),
        script=read_script(r) if strict else Script(),
        model_answer=r.text(("model_answer",), required=False),
    )


def _customer(r: FieldReader, strict: bool) -> Customer:
    at = ("customer",)
    if strict:
        r.mapping(at)
    if not r.is_mapping(at):
        return Customer()
    r.unknown_keys(at, {"name", "persona", "mood", "goal", "voice"})
    mood = r.text((*at, "mood"), required=strict, default="frustrated")
    if mood not in MOODS:
        r.problem((*at, "mood"), f"field 'customer.mood' must be one of {', '.join(MOODS)}, "
                                 f"got '{mood}'")
        mood = "frustrated"
    voice = r.text((*at, "voice"), required=False)
    if voice and not VOICE_NAME.fullmatch(voice):
        r.problem((*at, "voice"), "field 'customer.voice' must be a voice name (letters, digits, "
                                  f"'-', '_' or '.', at most 40), got '{voice[:60]}'")
        voice = ""
    return Customer(name=r.text((*at, "name"), strict, "the customer"),
                    persona=r.text((*at, "persona"), strict), mood=mood,
                    goal=r.text((*at, "goal"), strict), voice=voice)


def _entries(r: FieldReader, name: str, strict: bool, known: set[str]) -> list[tuple]:
    """The paths of the well-formed items of list ``name``: a malformed item or a repeated id is
    reported once, at its line."""
    paths: list[tuple] = []
    seen: set[str | None] = {None, ""}
    for i, item in enumerate(r.items((name,), strict, 1 if strict and name == "key_points" else 0)):
        if not isinstance(item, dict):
            r.problem((name, i), f"field '{name}[{i}]' must be a mapping with id and text, "
                                 f"got {kind(item)}")
            continue
        if strict:
            r.unknown_keys((name, i), known)
        ident = item.get("id")
        if isinstance(ident, str) and ident in seen:
            r.problem((name, i, "id"), f"duplicate id '{ident}' in field '{name}[{i}].id'")
        seen.add(ident if isinstance(ident, str) else None)
        paths.append((name, i))
    return paths


def _key_points(r: FieldReader, strict: bool) -> tuple[KeyPoint, ...]:
    return tuple(KeyPoint(id=r.ident((*at, "id")), text=r.text((*at, "text")),
                          hints=r.texts((*at, "hints"), required=False),
                          probe=r.text((*at, "probe"), required=False))
                 for at in _entries(r, "key_points", strict, {"id", "text", "hints", "probe"}))


def _red_flags(r: FieldReader, strict: bool) -> tuple[RedFlag, ...]:
    return tuple(RedFlag(id=r.ident((*at, "id")), text=r.text((*at, "text")),
                         hints=r.texts((*at, "hints"), required=False),
                         objection=r.text((*at, "objection"), required=False))
                 for at in _entries(r, "red_flags", strict, {"id", "text", "hints", "objection"}))


def read_categories(r: FieldReader) -> list[Category]:
    if not r.mapping(()):
        return []
    r.unknown_keys((), {"categories"})
    categories: list[Category] = []
    for i, _ in enumerate(r.items(("categories",), minimum=1)):
        at = ("categories", i)
        if not r.mapping(at):
            continue
        r.unknown_keys(at, {"id", "title", "description", "levels"})
        ident = r.ident((*at, "id"))
        if ident and any(c.id == ident for c in categories):
            r.problem((*at, "id"), f"duplicate category id '{ident}' (field 'categories[{i}].id')")
        categories.append(Category(id=ident, title=r.text((*at, "title")),
                                   description=r.text((*at, "description"), required=False),
                                   levels=_levels(r, at)))
    return categories


def _levels(r: FieldReader, at: tuple) -> tuple[AuthorityLevel, ...]:
    levels: list[tuple[tuple, AuthorityLevel]] = []
    numbers: list[int | None] = []
    for j, _ in enumerate(r.items((*at, "levels"), minimum=1)):
        lv = (*at, "levels", j)
        if not r.mapping(lv):
            continue
        r.unknown_keys(lv, {"level", "title", "max_limit", "qualify"})
        before = len(r.problems)
        number = r.integer((*lv, "level"), 1, 9)
        numbers.append(number if len(r.problems) == before else None)
        qualify = (*lv, "qualify")
        if r.mapping(qualify):
            r.unknown_keys(qualify, {"scenarios", "min_difficulty"})
        has_rule = r.is_mapping(qualify)
        levels.append((lv, AuthorityLevel(
            level=number, title=r.text((*lv, "title")),
            max_limit=r.number((*lv, "max_limit"), 0.0),
            scenarios_required=r.integer((*qualify, "scenarios"), 1, 50) if has_rule else 1,
            min_difficulty=r.integer((*qualify, "min_difficulty"), 1, 3) if has_rule else 1)))
    name = r.name((*at, "levels"))
    if None not in numbers and numbers != list(range(1, len(numbers) + 1)):
        r.problem((*at, "levels"), f"field '{name}' must number its levels 1, 2, 3... in "
                                   f"order, got {', '.join(map(str, numbers))}")
    for (_, low), (lv, high) in zip(levels, levels[1:], strict=False):
        for label, less in (("max_limit", high.max_limit < low.max_limit),
                            ("qualify.scenarios", high.scenarios_required < low.scenarios_required),
                            ("qualify.min_difficulty", high.min_difficulty < low.min_difficulty)):
            if less:
                r.problem(lv, f"field '{r.name(lv)}': {label} is below the previous level's "
                              "(a higher level must not ask less or allow less)")
    return tuple(level for _, level in levels)


def load_library(scenarios_dir: Path, rubrics_dir: Path) -> Library:
    """Load the whole library, raising LibraryError with every problem when any file is broken."""
    library, problems = check_library(scenarios_dir, rubrics_dir)
    if problems:
        raise LibraryError(problems)
    return library


def check_library(scenarios_dir: Path, rubrics_dir: Path,
                  only: Iterable[Path] | None = None) -> tuple[Library, list[Problem]]:
    """Read every file; problems (with cross-file checks) are listed, not raised.
    ``only`` (files or folders) limits which files' problems are reported, the rest being read as
    context; a file in ``only`` that is not part of the library is reported as such."""
    scenarios_dir, rubrics_dir = Path(scenarios_dir), Path(rubrics_dir)
    problems: list[Problem] = []
    read: list[Path] = []

    def reader_for(path: Path) -> FieldReader | None:
        read.append(path)
        got = open_file(path)
        if isinstance(got, Problem):
            problems.append(got)
            return None
        return got

    rubrics: dict[str, Rubric] = {}
    for path in yaml_files(rubrics_dir, problems, read):
        if (reader := reader_for(path)) is not None:
            rubric = read_rubric(reader)
            _check_stem(path, rubric.id, reader)
            problems.extend(reader.problems)
            if rubric.id:
                rubrics.setdefault(rubric.id, rubric)
    categories: dict[str, Category] = {}
    cat_path = scenarios_dir / CATEGORIES_FILE
    if not cat_path.is_file():
        problems.append(Problem(str(cat_path), 1, f"missing {CATEGORIES_FILE}: every scenario "
                                                  "needs its category defined there"))
    elif (reader := reader_for(cat_path)) is not None:
        for category in read_categories(reader):  # file order; the first of a duplicate id
            if category.id:
                categories.setdefault(category.id, category)
        problems.extend(reader.problems)
    scenarios: dict[str, Scenario] = {}
    templates: dict[str, ScenarioTemplate] = {}
    for path in yaml_files(scenarios_dir, problems, read):
        if path.name in (CATEGORIES_FILE, TRACKS_FILE) or (reader := reader_for(path)) is None:
            continue
        scenario = read_scenario(reader)
        check_customer_lines(reader, scenario)
        template = read_template(reader, scenario)
        _check_stem(path, scenario.id, reader)
        if scenario.category and scenario.category not in categories and (
                categories or not cat_path.is_file()):
            known = f"known: {', '.join(sorted(categories))}" if categories else "file missing"
            reader.problem(("category",), f"field 'category': unknown category "
                                          f"'{scenario.category}' (not in {CATEGORIES_FILE}; "
                                          f"{known})")
        if scenario.rubric and scenario.rubric not in rubrics:
            reader.problem(("rubric",), f"field 'rubric': unknown rubric '{scenario.rubric}' "
                                        f"(no {rubrics_dir / scenario.rubric}.yaml)")
        problems.extend(reader.problems)
        if scenario.id and scenario.id not in scenarios:
            scenarios[scenario.id] = default_scenario(template, reader.problems)
            templates[scenario.id] = template
    problems.extend(follow_problems(templates, scenarios))
    tracks = None
    tracks_path = scenarios_dir / TRACKS_FILE
    if tracks_path.is_file() and (reader := reader_for(tracks_path)) is not None:
        tracks = read_tracks(reader, scenarios, categories)
        problems.extend(reader.problems)
    if only is not None:
        problems = problems_of(problems, read, only)
    order = {file: n for n, file in reversed(list(enumerate(p.file for p in problems)))}
    problems.sort(key=lambda p: (order[p.file], p.line))
    return Library(scenarios, rubrics, categories, tracks, templates), problems


def _check_stem(path: Path, ident: str, reader: FieldReader) -> None:
    if ident and path.stem != ident:
        reader.problem(("id",), f"field 'id': '{ident}' does not match the file name "
                                f"{path.name} (expected {ident}.yaml)")


def scenario_from_mapping(data: object, source: str = "<inline>") -> Scenario:
    """An inline scenario (batch scoring): only the case-file fields are needed."""
    if not isinstance(data, dict):
        raise LibraryError([Problem(source, 1, "an inline scenario must be a mapping of fields "
                                               "(opening, facts, policy, key_points, red_flags), "
                                               f"got {kind(data)}")])
    reader = FieldReader(Document(source, data, {(): 1}))
    scenario = read_scenario(reader, strict=False)
    if reader.problems:
        raise LibraryError(reader.problems)
    return scenario
