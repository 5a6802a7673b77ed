"""Domain exceptions: the web and CLI layers turn these into messages, never into tracebacks."""

from __future__ import annotations

from dataclasses import dataclass


class TrainerError(Exception):
    """Base class of every error the domain raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One problem in one library file, reported as ``file:line: message``."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class LibraryError(TrainerError):
    """A scenario, rubric or categories file is broken; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class UnknownScenario(TrainerError):
    """No scenario with that id in the library."""


class LLMError(TrainerError):
    """An LLM call failed (timeout, HTTP error, unusable output)."""
