"""How many transcripts the rule scorer scores per second on one core.

Usage: python bench/scoring_speed.py [--seconds N]
Scores every shipped scenario against a mix of replies (good, generic, deflecting, multi-turn),
each reply freshly varied so that no per-text cache can answer for it."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from trainer.domain.library import Scenario  # noqa: E402
from trainer.domain.loading import check_library  # noqa: E402
from trainer.domain.scoring.rules import RuleScorer  # noqa: E402
from trainer.domain.transcript import Turn  # noqa: E402

REPLIES = (
    "Sorry for any inconvenience. Someone will look into it and get back to you.",
    "That's not my department, you'll need to call your bank about it.",
    "I'm so sorry - I can see exactly what went wrong here, and it must have been really "
    "frustrating to chase this. I'll sort it out myself today and call you back by 5pm "
    "tomorrow with an update. Your reference is TR-{n}. Is there anything else I can do?",
    "I understand. I'll look into this for you and see what I can do.",
    "You must have entered the wrong details. There's nothing I can do about it.",
    "Thanks for your patience. We apologise for the trouble caused and value your custom.",
)


def transcripts(scenarios: list[Scenario], count: int) -> list[tuple[list[Turn], Scenario]]:
    """Fresh texts each time (a counter in every reply) so caches keyed on text do not help."""
    out = []
    for n in range(count):
        scenario = scenarios[n % len(scenarios)]
        reply = REPLIES[n % len(REPLIES)].format(n=n) + f" (case {n})"
        turns = [Turn("customer", scenario.opening), Turn("trainee", reply)]
        if n % 3 == 0:
            turns += [Turn("customer", "And when exactly will that happen?"),
                      Turn("trainee", scenario.model_answer + f" Ref {n}.")]
        out.append((turns, scenario))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=3000, help="transcripts to score")
    args = parser.parse_args()
    library, _ = check_library(ROOT / "scenarios", ROOT / "rubrics")
    scenarios = list(library.scenarios.values())
    rubric = library.rubrics["core"]
    scorer = RuleScorer()
    items = transcripts(scenarios, args.count)
    scorer.score(*items[0], rubric)  # compile the case files once, as a running server would
    start = time.perf_counter()
    for turns, scenario in items:
        scorer.score(turns, scenario, rubric)
    elapsed = time.perf_counter() - start
    words = sum(len(t.text.split()) for turns, _ in items for t in turns if t.role == "trainee")
    print(f"{len(items)} transcripts over {len(scenarios)} scenarios in {elapsed:.2f}s: "
          f"{len(items) / elapsed:,.0f} transcripts/s, {words / elapsed:,.0f} trainee words/s")


if __name__ == "__main__":
    main()
