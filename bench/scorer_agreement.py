"""Agreement of the rule scorer with human labels: exact, within-one and quadratic kappa."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

# Usage: python bench/scorer_agreement.py [--verbose] [FILE ...]
# Each line is a batch-scoring input line plus "labels": {"empathy", "ownership", "accuracy"}.
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from trainer.domain.library import DIMENSIONS, Library, Scenario  # noqa: E402
from trainer.domain.loading import check_library, scenario_from_mapping  # noqa: E402
from trainer.domain.scoring.rules import RuleScorer  # noqa: E402
from trainer.domain.transcript import Turn  # noqa: E402

DEFAULT_FILES = (ROOT / "tests/data/labelled_dev.jsonl", ROOT / "tests/data/labelled_holdout.jsonl")
LEVELS = range(5)


def quadratic_kappa(pairs: list[tuple[int, int]]) -> float:
    """Cohen's kappa with quadratic weights over levels 0..4 (1 is perfect, 0 is chance)."""
    n = len(pairs)
    if n == 0:
        return float("nan")
    observed = [[0.0] * 5 for _ in LEVELS]
    for a, b in pairs:
        observed[a][b] += 1
    rows = [sum(r) for r in observed]
    cols = [sum(observed[i][j] for i in LEVELS) for j in LEVELS]
    num = den = 0.0
    for i in LEVELS:
        for j in LEVELS:
            weight = (i - j) ** 2 / 16
            num += weight * observed[i][j]
            den += weight * rows[i] * cols[j] / n
    return 1.0 - num / den if den else 1.0


def load_item(data: dict, library: Library) -> tuple[list[Turn], Scenario | None]:
    if "reply" in data:
        return [Turn("customer", data.get("customer", "")), Turn("trainee", data["reply"])], None
    scenario = data.get("scenario")
    if isinstance(scenario, str):
        scenario = library.scenarios[scenario]
    elif scenario is not None:
        scenario = scenario_from_mapping(scenario)
    return [Turn(t["role"], t["text"]) for t in data["transcript"]], scenario


def evaluate(path: Path, library: Library, verbose: bool) -> None:
    scorer, rubric = RuleScorer(), library.rubrics["core"]
    pairs: dict[str, list[tuple[int, int]]] = {d: [] for d in DIMENSIONS}
    none_agree = {"both": 0, "label_only": 0, "scorer_only": 0}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        data = json.loads(line)
        transcript, scenario = load_item(data, library)
        card = scorer.score(transcript, scenario, rubric)
        for dim in DIMENSIONS:
            label, got = data["labels"].get(dim), card.dimensions[dim].level
            if label is None or got is None:
                key = "both" if label is None and got is None else (
                    "label_only" if label is None else "scorer_only")
                none_agree[key] += 1
                continue
            pairs[dim].append((label, got))
    print(f"\n{path.name}")
    print(f"  {'dimension':<10} {'n':>4} {'exact':>7} {'within1':>8} {'QWK':>6}")
    for dim in DIMENSIONS:
        p = pairs[dim]
        exact = sum(a == b for a, b in p) / len(p) if p else float("nan")
        near = sum(abs(a - b) <= 1 for a, b in p) / len(p) if p else float("nan")
        print(f"  {dim:<10} {len(p):>4} {exact:>7.2f} {near:>8.2f} {quadratic_kappa(p):>6.2f}")
    print(f"  null levels: {none_agree}")
    if verbose:
        for dim in DIMENSIONS:
            print(f"\n  {dim}: rows = label, columns = scorer")
            for i in LEVELS:
                row = [sum(1 for a, b in pairs[dim] if a == i and b == j) for j in LEVELS]
                print(f"    {i} " + " ".join(f"{c:>3}" for c in row))


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
