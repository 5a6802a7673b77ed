"""Transcripts the rule scorer scores per second on one core (CPU time of this process)."""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

# Usage: python bench/scoring_speed.py [--count N]
# Scores every shipped scenario against a mix of replies (good, generic, deflecting, multi-turn),
# every sentence freshly varied so that no per-text cache can answer for it.
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


def _fresh(text: str, n: int) -> str:
    """Every sentence made unique (a made-up word in it), so no cache keyed on text helps."""
    word = "zq" + "".join(chr(97 + int(d)) for d in str(n))  # letters: digits are rarer in text
    return re.sub(r"([.?!])(\s|$)", lambda m: f" {word}{m.group(1)}{m.group(2)}", text)


def transcripts(scenarios: list[Scenario], count: int) -> list[tuple[list[Turn], Scenario]]:
    out = []
    for n in range(count):
        scenario = scenarios[n % len(scenarios)]
        turns = [Turn("customer", scenario.opening),
                 Turn("trainee", _fresh(REPLIES[n % len(REPLIES)].format(n=n), n))]
        if n % 3 == 0:
            turns += [Turn("customer", "And when exactly will that happen?"),
                      Turn("trainee", _fresh(scenario.model_answer, n))]
        out.append((turns, scenario))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=3000, help="transcripts to score")
    args = parser.parse_args()
    library, _ = check_library(ROOT / "scenarios", ROOT / "rubrics")
    scenarios = list(library.scenarios.values())
    rubric = library.rubrics["core"]
    scorer = RuleScorer()
    items = transcripts(scenarios, args.count)
    scorer.score(*items[0], rubric)  # compile the case files once, as a running server would
    wall, cpu = time.perf_counter(), time.process_time()
    for turns, scenario in items:
        scorer.score(turns, scenario, rubric)
    # CPU time of this process is the one-core figure; wall time also counts other processes.
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    words = sum(len(t.text.split()) for turns, _ in items for t in turns if t.role == "trainee")
    print(f"{len(items)} transcripts over {len(scenarios)} scenarios, "
          f"{words / len(items):.0f} trainee words each")
    print(f"  one core (CPU time {cpu:.2f}s): {len(items) / cpu:,.0f} transcripts/s")
    print(f"  wall clock ({wall:.2f}s): {len(items) / wall:,.0f} transcripts/s")


if __name__ == "__main__":
    main()
