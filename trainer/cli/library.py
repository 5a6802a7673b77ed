"""`trainer validate` and `trainer score`: library checks and batch scoring, no database needed."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..domain.batch import score_lines
from ..domain.errors import LibraryError, TrainerError
from ..domain.library import Scenario
from ..domain.loading import check_library, load_library
from ..domain.scoring import get_scorer
from ..domain.variant_checks import check_variants
from ..keys import ConfigError
from ..settings import load_settings


@click.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
def validate_command(paths: tuple[Path, ...]) -> None:
    """Check scenario, category and rubric files; print every problem as file:line: message.

    PATHS are files or folders (default: the configured scenarios and rubrics folders); files
    are checked against the rest of their folder (categories, rubrics) and only their own
    problems are reported. Every variant of a scenario (or a fixed sample of 20) is rendered
    and checked, its model answer against the rule scorer."""
    scenarios_dir, rubrics_dir = _library_dirs(paths)
    files = [p for p in paths if p.is_file()]
    library, problems = check_library(scenarios_dir, rubrics_dir, files or None)
    broken = {Path(p.file).resolve() for p in problems}
    problems += check_variants([t for t in library.templates.values() if Path(t.file).resolve()
                                not in broken and _selected(Path(t.file), files)],
                               library.rubrics, get_scorer("rules"))
    for problem in problems:
        click.echo(str(problem))
    if problems:
        click.echo(f"{len(problems)} problem(s) found.", err=True)
        sys.exit(1)
    click.echo(f"OK: {len(library.scenarios)} scenarios, {len(library.categories)} categories, "
               f"{len(library.rubrics)} rubrics.", err=True)


def _selected(file: Path, files: list[Path]) -> bool:
    return not files or any(file.resolve() == f.resolve() for f in files)


def _library_dirs(paths: tuple[Path, ...]) -> tuple[Path, Path]:
    """A folder holding categories.yaml is a scenarios folder; one named rubrics is rubrics."""
    scenarios_dir, rubrics_dir = _default_dirs()
    for path in paths:
        folder = path if path.is_dir() else path.parent
        if folder.name == "rubrics" and not (folder / "categories.yaml").exists():
            rubrics_dir = folder
        else:
            scenarios_dir = folder
            if (folder.parent / "rubrics").is_dir():
                rubrics_dir = folder.parent / "rubrics"
    return scenarios_dir, rubrics_dir


def _default_dirs() -> tuple[Path, Path]:
    """The library's folders from the settings (TRAINER_SCENARIOS_DIR, TRAINER_RUBRICS_DIR)."""
    try:
        settings = load_settings()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    return settings.SCENARIOS_DIR, settings.RUBRICS_DIR


@click.command("score")
@click.option("--scorer", "kind", type=click.Choice(["rules", "llm"]), default="rules",
              show_default=True, help="Which scorer to use.")
@click.option("--rubric", "rubric_id", default=None, help="Rubric id (default: the scenario's, "
              "or core).")
@click.argument("input_file", type=click.File("r", encoding="utf-8"))
def score_command(kind: str, rubric_id: str | None, input_file) -> None:
    """Score INPUT.jsonl (one transcript a line; - for stdin): one JSON line out per line in."""
    try:
        library = load_library(*_default_dirs())
    except LibraryError as exc:
        raise click.ClickException(
            f"the library has problems; run `trainer validate`:\n{exc}") from None
    if rubric_id and rubric_id not in library.rubrics:
        raise click.BadParameter(f"unknown rubric '{rubric_id}'", param_hint="--rubric")
    try:
        scorer = _NotesToStderr(_scorer(kind))
    except (ValueError, KeyError, TrainerError) as exc:
        raise click.ClickException(str(exc)) from None

    def rubric_for(scenario: Scenario | None):
        wanted = rubric_id or (scenario.rubric if scenario else "core")
        return library.rubrics.get(wanted, library.rubrics["core"])

    failed = 0
    for result in score_lines(input_file, scorer, rubric_for, library):
        failed += "error" in result
        click.echo(json.dumps(result, ensure_ascii=False))
        for note in scorer.take_notes():
            click.echo(f"{result.get('id')}: {note}", err=True)
    if failed:
        click.echo(f"{failed} line(s) could not be scored.", err=True)
        sys.exit(1)


def _scorer(kind: str):
    if kind == "llm":  # the same judge path as the app; no database here, so no call records
        from ..llm import llm_settings, register

        register()
        if not llm_settings().configured:
            raise click.ClickException("--scorer llm needs OPENAI_API_KEY or OPENAI_BASE_URL "
                                       "(and TRAINER_LLM_MODEL); see the README.")
    return get_scorer(kind)


class _NotesToStderr:
    """Passes each scorecard through and keeps its notes (e.g. "LLM judge unavailable
    (timeout); rule scorer used.") for stderr, so stdout stays one JSON line per input line."""

    def __init__(self, scorer):
        self.scorer, self.name, self._notes = scorer, scorer.name, []

    def score(self, transcript, scenario, rubric):
        card = self.scorer.score(transcript, scenario, rubric)
        self._notes.extend(card.notes)
        return card

    def take_notes(self) -> list[str]:
        notes, self._notes = self._notes, []
        return notes
