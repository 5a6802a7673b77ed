"""Agreement of a scorer with human labels: exact, within-one and quadratic kappa per dimension,
and the pass/fail confusion (good replies failed, poor replies passed), per labelled set; with
--spoken, also on each set's spoken variant (the trainee's turns as speech-to-text writes them:
no punctuation or capitals, figures in words, fillers; bench/_spoken.py), side by side."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

# Usage: python bench/scorer_agreement.py [--verbose] [--spoken] [FILE ...]
# (default: every labelled set)
# Each line is a batch-scoring input line plus "labels": {"empathy", "ownership", "accuracy"}
# (`trainer labels export` writes such a file from managers' confirmations and overrides).
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._spoken import spoken  # noqa: E402
from trainer.domain.agreement import Agreement, agreement  # noqa: E402
from trainer.domain.batch import parse_item  # noqa: E402
from trainer.domain.library import DIMENSIONS, Library, Rubric  # noqa: E402
from trainer.domain.loading import check_library  # noqa: E402
from trainer.domain.scoring.rules import RuleScorer  # noqa: E402
from trainer.domain.transcript import TRAINEE, Turn  # noqa: E402

DEFAULT_FILES = tuple(sorted((ROOT / "tests/data").glob("labelled_*.jsonl")))  # every set
LEVELS = range(5)


def people_pass(labels: dict, rubric: Rubric) -> bool | None:
    """Whether the labeller's levels pass the rubric (None when they judged nothing)."""
    judged = [(d, labels.get(d.name)) for d in rubric.dimensions if labels.get(d.name) is not None]
    return all(level >= d.pass_level for d, level in judged) if judged else None


@dataclass
class Measured:
    """One set scored one way: level pairs per dimension, nulls and the pass/fail confusion."""

    pairs: dict[str, list[tuple[int, int]]] = field(
        default_factory=lambda: {d: [] for d in DIMENSIONS})
    nulls: dict[str, int] = field(
        default_factory=lambda: {"both": 0, "label_only": 0, "scorer_only": 0})
    confusion: dict[str, int] = field(default_factory=lambda: dict.fromkeys(
        ("pass_pass", "pass_fail", "fail_pass", "fail_fail"), 0))

    def found(self, dim: str) -> Agreement:
        return agreement(self.pairs[dim])

    def passfail(self) -> str:
        c = self.confusion
        return (f"{c['pass_fail']} of {c['pass_pass'] + c['pass_fail']} good failed, "
                f"{c['fail_pass']} of {c['fail_pass'] + c['fail_fail']} poor passed")


def as_spoken(transcript: list[Turn]) -> list[Turn]:
    """The transcript with each trainee turn as speech-to-text would write it."""
    return [Turn(t.role, spoken(t.text)) if t.role == TRAINEE else t for t in transcript]


def measure(path: Path, library: Library, speak: bool = False) -> Measured:
    scorer, rubric, out = RuleScorer(), library.rubrics["core"], Measured()
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        data = json.loads(line)
        _, transcript, scenario = parse_item(data, library)
        card = scorer.score(as_spoken(transcript) if speak else transcript, scenario, rubric)
        for dim in DIMENSIONS:
            label, got = data["labels"].get(dim), card.dimensions[dim].level
            if label is None or got is None:
                out.nulls["both" if label is None and got is None else
                          "label_only" if label is None else "scorer_only"] += 1
                continue
            out.pairs[dim].append((label, got))
        human = people_pass(data["labels"], rubric)
        if human is not None:
            out.confusion[f"{'pass' if human else 'fail'}_{'pass' if card.passed else 'fail'}"] += 1
    return out


def evaluate(path: Path, library: Library, verbose: bool, speak: bool = False) -> None:
    typed = measure(path, library)
    said = measure(path, library, speak=True) if speak else None
    print(f"\n{path.name} (scorer {RuleScorer.name})")
    head = f"  {'dimension':<10} {'n':>4} {'exact':>7} {'within1':>8} {'QWK':>6}"
    print(head + (f" | {'spoken':>7} {'within1':>8} {'QWK':>6} {'gap':>6}" if said else ""))
    for dim in DIMENSIONS:
        found = typed.found(dim)
        row = f"  {dim:<10} {found.n:>4} {_f(found.exact):>7} {_f(found.within_one):>8} " \
              f"{_f(found.kappa):>6}"
        if said:
            other = said.found(dim)
            gap = None if found.kappa is None or other.kappa is None else \
                other.kappa - found.kappa
            row += f" | {_f(other.exact):>7} {_f(other.within_one):>8} {_f(other.kappa):>6} " \
                   f"{_f(gap, signed=True):>6}"
        print(row)
    c = typed.confusion
    print(f"  pass/fail: people pass {c['pass_pass'] + c['pass_fail']}, of which the scorer fails "
          f"{c['pass_fail']}; people fail {c['fail_pass'] + c['fail_fail']}, of which the scorer "
          f"passes {c['fail_pass']}")
    if said:
        print(f"  pass/fail typed: {typed.passfail()}; spoken: {said.passfail()}")
    print(f"  null levels: {typed.nulls}" + (f"; spoken: {said.nulls}" if said else ""))
    if verbose:
        for name, run in (("typed", typed), ("spoken", said)):
            if run is None:
                continue
            for dim in DIMENSIONS:
                print(f"\n  {dim} ({name}): rows = label, columns = scorer")
                for i in LEVELS:
                    row = [sum(1 for a, b in run.pairs[dim] if a == i and b == j) for j in LEVELS]
                    print(f"    {i} " + " ".join(f"{c:>3}" for c in row))


def _f(value: float | None, signed: bool = False) -> str:
    return "-" if value is None else f"{value:+.2f}" if signed else f"{value:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("files", nargs="*", type=Path, default=list(DEFAULT_FILES))
    parser.add_argument("--verbose", action="store_true", help="print confusion matrices")
    parser.add_argument("--spoken", action="store_true",
                        help="also score each set's spoken variant and print both side by side")
    args = parser.parse_args()
    library, problems = check_library(ROOT / "scenarios", ROOT / "rubrics")
    if problems:
        print(f"(library has {len(problems)} problem(s); scoring with what loaded)")
    for path in args.files:
        if path.exists():
            evaluate(path, library, args.verbose, args.spoken)
        else:
            print(f"\n{path}: missing")


if __name__ == "__main__":
    main()
