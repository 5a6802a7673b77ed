"""A hostile library file (aliases that multiply, nesting thousands deep) is refused by
`trainer validate` and at start-up like any broken file, with file and line: no hang, no crash."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from trainer import create_app
from trainer.cli.library import validate_command
from trainer.domain.errors import LibraryError
from trainer.domain.yamlfile import MAX_DEPTH, MAX_VALUES

from .test_loading import make_library
from .test_yaml_limits import laughs


@pytest.fixture
def scenarios(tmp_path) -> Path:
    make_library(tmp_path)  # a small sound library: one scenario, categories and a rubric
    (tmp_path / "scenarios" / "laughs.yaml").write_text(laughs())
    (tmp_path / "scenarios" / "deep.yaml").write_text(
        "id: deep\nfacts: " + "[" * 20_000 + "]" * 20_000 + "\n")
    return tmp_path / "scenarios"


def test_validate_names_each_hostile_file_and_line(scenarios):
    result = CliRunner().invoke(validate_command, [str(scenarios)])
    assert result.exit_code == 1
    assert (f"{scenarios / 'laughs.yaml'}:5: the file holds more than {MAX_VALUES:,} values once "
            "this alias is expanded") in result.output
    assert (f"{scenarios / 'deep.yaml'}:2: nested more than {MAX_DEPTH} levels deep"
            in result.output)
    assert "2 problem(s) found." in result.output  # every other file loaded as before


def test_start_up_stops_with_file_and_line_like_any_broken_library(scenarios, tmp_path):
    with pytest.raises(LibraryError) as caught:
        create_app({"SECRET_KEY": "k", "TRAINER_AUDIT_KEY": "a", "SCENARIOS_DIR": scenarios,
                    "RUBRICS_DIR": tmp_path / "rubrics",
                    "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})
    assert [line.split(": ", 1)[0] for line in str(caught.value).splitlines()] == [
        f"{scenarios / 'deep.yaml'}:2", f"{scenarios / 'laughs.yaml'}:5"]
