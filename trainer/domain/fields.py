"""Typed reads from parsed YAML library files that collect every problem instead of stopping."""

from __future__ import annotations

import difflib
import pathlib
import re
from collections.abc import Iterable
from typing import Any

from .errors import Problem
from .yamlfile import Document, Path, parse_yaml, path_name

KEBAB = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_MISSING = object()


def kind(value: Any) -> str:
    """How a value reads to an author: 'a list', 'a mapping', 'text', 'a number'..."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    return "text"


class FieldReader:
    """Reads fields of ``doc`` by path: a wrong or missing field becomes a Problem, not a raise.

    Each read reports at most one problem for its field, at the line of that field (or, for a
    missing one, of its nearest parent), and the message names the field."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.problems: list[Problem] = []

    def problem(self, path: Path, message: str) -> None:
        self.problems.append(Problem(self.doc.file, self.doc.line(path), message))

    def raw(self, path: Path) -> Any:
        value: Any = self.doc.data
        for key in path:
            if isinstance(value, dict) and key in value:
                value = value[key]
            elif isinstance(value, list) and isinstance(key, int) and 0 <= key < len(value):
                value = value[key]
            else:
                return _MISSING
        return value

    def has(self, path: Path) -> bool:
        value = self.raw(path)
        return value is not _MISSING and value is not None

    @staticmethod
    def name(path: Path) -> str:
        return path_name(path)

    def _missing(self, path: Path) -> None:
        self.problem(path, f"missing required field '{self.name(path)}'")

    def text(self, path: Path, required: bool = True, default: str = "") -> str:
        value = self.raw(path)
        if value is _MISSING or value is None:
            if required:
                self._missing(path)
            return default
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            hint = (" (put it in quotes: a ': ' inside unquoted text starts a mapping)"
                    if isinstance(value, dict) else "")
            self.problem(path, f"field '{self.name(path)}' must be text, got {kind(value)}{hint}")
            return default
        value = str(value).strip()
        if required and not value:
            self.problem(path, f"field '{self.name(path)}' must not be empty")
        return value or default

    def ident(self, path: Path, required: bool = True) -> str:
        value = self.text(path, required)
        if value and not KEBAB.match(value):
            self.problem(path, f"field '{self.name(path)}' must be lowercase-kebab (like "
                               f"'billing-double-charge'), got '{value}'")
        return value

    def integer(self, path: Path, low: int, high: int, default: int | None = None) -> int:
        value = self.raw(path)
        if value is _MISSING or value is None:
            if default is None:
                self._missing(path)
                return low
            return default
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.problem(path, f"field '{self.name(path)}' must be a whole number from {low} to "
                               f"{high}, got {value!r}")
            return default if default is not None else low
        return value

    def number(self, path: Path, low: float, default: float | None = None) -> float:
        value = self.raw(path)
        if value is _MISSING or value is None:
            if default is None:
                self._missing(path)
                return low
            return default
        if isinstance(value, bool) or not isinstance(value, int | float) or value < low:
            self.problem(path, f"field '{self.name(path)}' must be a number of at least "
                               f"{low:g}, got {value!r}")
            return default if default is not None else low
        return float(value)

    def texts(self, path: Path, required: bool = True, minimum: int = 1) -> tuple[str, ...]:
        """A list of text items; an empty list counts as missing when ``required``."""
        items = self.items(path, required, minimum if required else 0)
        return tuple(self.text((*path, i)) for i in range(len(items)))

    def items(self, path: Path, required: bool = True, minimum: int = 0) -> list[Any]:
        value = self.raw(path)
        if value is _MISSING or value is None:
            if required:
                self._missing(path)
            return []
        if not isinstance(value, list):
            self.problem(path, f"field '{self.name(path)}' must be a list, got {kind(value)}")
            return []
        if len(value) < minimum:
            self.problem(path, f"field '{self.name(path)}' needs at least {minimum} item(s)")
        return value

    def mapping(self, path: Path, required: bool = True) -> dict[Any, Any]:
        value = self.raw(path)
        if value is _MISSING or value is None:
            if required:
                self.problem(path, f"missing required field '{self.name(path)}'"
                             if path else "the file is empty: expected a mapping of fields")
            return {}
        if not isinstance(value, dict):
            self.problem(path, f"field '{self.name(path)}' must be a mapping, got {kind(value)}"
                         if path else f"the file must hold a mapping of fields, got {kind(value)}")
            return {}
        return value

    def is_mapping(self, path: Path) -> bool:
        return isinstance(self.raw(path), dict)

    def unknown_keys(self, path: Path, known: set[str]) -> None:
        """Flag misspelt fields: a typo silently ignored is a scenario that quietly misbehaves.
        Says nothing when ``path`` is not a mapping (the read of that field reports it)."""
        value = self.raw(path)
        if not isinstance(value, dict):
            return
        for key in value:
            if key not in known:
                close = difflib.get_close_matches(str(key), sorted(known), n=1)
                hint = (f"did you mean '{close[0]}'?" if close
                        else f"expected one of: {', '.join(sorted(known))}")
                self.problem((*path, key), f"unknown field '{self.name((*path, key))}' ({hint})")


def open_file(path: pathlib.Path) -> FieldReader | Problem:
    """A reader over the YAML file at ``path`` (already carrying its duplicate-key problems), or
    the one problem that stops the file being read at all (unreadable, or a syntax error)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return Problem(str(path), 1, f"cannot read file: {exc}")
    doc, problems = parse_yaml(text, str(path))
    if doc is None:
        return problems[0]
    reader = FieldReader(doc)
    reader.problems.extend(problems)
    return reader


def yaml_files(folder: pathlib.Path, problems: list[Problem],
               read: list[pathlib.Path]) -> list[pathlib.Path]:
    """The *.yaml files of ``folder``; a stray *.yml is listed as read and reported."""
    for stray in sorted(folder.glob("*.yml")):
        read.append(stray)
        problems.append(Problem(str(stray), 1, "not read: library files must end in .yaml"))
    return sorted(folder.glob("*.yaml"))


def problems_of(problems: list[Problem], read: list[pathlib.Path],
                only: Iterable[pathlib.Path]) -> list[Problem]:
    """The problems of the files in ``only`` and of the files under the folders in it."""
    files = {path.resolve() for path in read}
    wanted: set[pathlib.Path] = set()
    strays: list[Problem] = []
    for target in map(pathlib.Path, only):
        hits = {path for path in files if path.is_relative_to(target.resolve())}
        if not hits:
            strays.append(Problem(str(target), 1, "no such file" if not target.exists() else
                                  "not a library file (scenarios/*.yaml or rubrics/*.yaml)"))
        wanted |= hits
    return [p for p in problems if pathlib.Path(p.file).resolve() in wanted] + strays
