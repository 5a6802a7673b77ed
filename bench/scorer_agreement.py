"""Agreement of a scorer with human labels: exact, within-one and quadratic kappa per dimension,
and the pass/fail confusion (good replies failed, poor replies passed), per labelled set."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

# Usage: python bench/scorer_agreement.py [--verbose] [FILE ...]   (default: every labelled set)
# Each line is a batch-scoring input line plus "labels": {"empathy", "ownership", "accuracy"}
# (`trainer labels export` writes such a file from managers' confirmations and overrides).
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from trainer.domain.agreement import agreement  # noqa: E402
from trainer.domain.batch import parse_item  # noqa: E402
from trainer.domain.library import DIMENSIONS, Library, Rubric  # noqa: E402
from trainer.domain.loading import check_library  # noqa: E402
from trainer.domain.scoring.rules import RuleScorer  # noqa: E402

DEFAULT_FILES = tuple(sorted((ROOT / "tests/data").glob("labelled_*.jsonl")))  # every set
LEVELS = range(5)


def people_pass(labels: dict, rubric: Rubric) -> bool | None:
    """Whether the labeller's levels pass the rubric (None when they judged nothing)."""
    judged = [(d, labels.get(d.name)) for d in rubric.dimensions if labels.get(d.name) is not None]
    return all(level >= d.pass_level for d, level in judged) if judged else None


def evaluate(path: Path, library: Library, verbose: bool) -> None:
    scorer, rubric = RuleScorer(), library.rubrics["core"]
    pairs: dict[str, list[tuple[int, int]]] = {d: [] for d in DIMENSIONS}
    nulls = {"both": 0, "label_only": 0, "scorer_only": 0}
    confusion = {"pass_pass": 0, "pass_fail": 0, "fail_pass": 0, "fail_fail": 0}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        data = json.loads(line)
        _, transcript, scenario = parse_item(data, library)
        card = scorer.score(transcript, scenario, rubric)
        for dim in DIMENSIONS:
            label, got = data["labels"].get(dim), card.dimensions[dim].level
            if label is None or got is None:
                nulls["both" if label is None and got is None else
                      "label_only" if label is None else "scorer_only"] += 1
                continue
            pairs[dim].append((label, got))
        human = people_pass(data["labels"], rubric)
        if human is not None:
            confusion[f"{'pass' if human else 'fail'}_{'pass' if card.passed else 'fail'}"] += 1
    print(f"\n{path.name} (scorer {scorer.name})")
    print(f"  {'dimension':<10} {'n':>4} {'exact':>7} {'within1':>8} {'QWK':>6}")
    for dim in DIMENSIONS:
        found = agreement(pairs[dim])
        print(f"  {dim:<10} {found.n:>4} {_f(found.exact):>7} {_f(found.within_one):>8} "
              f"{_f(found.kappa):>6}")
    good = confusion["pass_pass"] + confusion["pass_fail"]
    poor = confusion["fail_pass"] + confusion["fail_fail"]
    print(f"  pass/fail: people pass {good}, of which the scorer fails {confusion['pass_fail']}; "
          f"people fail {poor}, of which the scorer passes {confusion['fail_pass']}")
    print(f"  null levels: {nulls}")
    if verbose:
        for dim in DIMENSIONS:
            print(f"\n  {dim}: rows = label, columns = scorer")
            for i in LEVELS:
                row = [sum(1 for a, b in pairs[dim] if a == i and b == j) for j in LEVELS]
                print(f"    {i} " + " ".join(f"{c:>3}" for c in row))


def _f(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("files", nargs="*", type=Path, default=list(DEFAULT_FILES))
    parser.add_argument("--verbose", action="store_true", help="print confusion matrices")
    args = parser.parse_args()
    library, problems = check_library(ROOT / "scenarios", ROOT / "rubrics")
    if problems:
        print(f"(library has {len(problems)} problem(s); scoring with what loaded)")
    for path in args.files:
        if path.exists():
            evaluate(path, library, args.verbose)
        else:
            print(f"\n{path}: missing")


if __name__ == "__main__":
    main()
