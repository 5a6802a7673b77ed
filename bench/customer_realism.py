"""Does the scripted customer stay in character? Plays every scenario of the library, in every
variant `trainer validate` checks, with a fixed battery of answers (good: the model answer then a
yes; vague; hostile; off-topic; one saying each red flag) and prints, per scenario, summed over its
variants: lines said twice in a conversation, lines reading out rubric text, lines about the
customer in the third person, trainee turns the good battery needs to resolve (min-max over the
variants), and resolutions with no closing turn. All but turns to resolve must be 0.

    .venv/bin/python bench/customer_realism.py [--scenarios DIR] [--rubrics DIR]
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from trainer.domain.customer.realism import Realism, measure, variants_of  # noqa: E402
from trainer.domain.loading import check_library  # noqa: E402

COLUMNS = ("scenario", "variants", "repeated", "rubric", "3rd person", "turns to resolve",
           "unclosed")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", type=Path, default=ROOT / "scenarios")
    parser.add_argument("--rubrics", type=Path, default=ROOT / "rubrics")
    args = parser.parse_args(argv)
    library, problems = check_library(args.scenarios, args.rubrics)
    for problem in problems:  # a broken file is reported and played as far as it was read
        print(f"warning: {problem}", file=sys.stderr)
    found: dict[str, list[Realism]] = defaultdict(list)
    for scenario in variants_of(library):
        found[scenario.id].append(measure(scenario))
    rows = [_row(ident, results) for ident, results in found.items()]
    widths = [max(len(str(r[i])) for r in (COLUMNS, *rows)) for i in range(len(COLUMNS))]
    for row in (COLUMNS, *rows):
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)))
    failing = sum(any(row[i] for i in (2, 3, 4, 6)) or row[5] == "never" for row in rows)
    print(f"\n{len(rows)} scenarios, {sum(r[1] for r in rows)} variants played; "
          f"{failing} with a non-zero count or a good answer that never resolves")
    return 1 if failing else 0


def _row(ident: str, results: list[Realism]) -> tuple:
    turns = [r.turns_to_resolve for r in results]
    resolved = [t for t in turns if t is not None]
    if len(resolved) < len(turns):
        span = "never"
    else:
        span = str(min(resolved)) if min(resolved) == max(resolved) else \
            f"{min(resolved)}-{max(resolved)}"
    return (ident, len(results), sum(r.repeated for r in results),
            sum(r.rubric for r in results), sum(r.third_person for r in results), span,
            sum(r.unclosed for r in results))


if __name__ == "__main__":
    sys.exit(main())
