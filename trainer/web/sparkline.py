"""The team table's sparkline of a person's recent assessed scores (templates/manager/
_standing_cells.html): the points of its small SVG line, worked out here once a person. Template
filters for each point cost about a quarter of the team page's rendering."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from flask import Flask

WIDTH = 100  # the viewBox is 100 wide, 32 high
BASELINE, PER_POINT = 31, 0.3  # a score of 0 sits at y = 31, of 100 at y = 1


@dataclass(frozen=True)
class Sparkline:
    line: str  # the polyline's points, "x,y x,y ... "; empty for a single score
    dot_x: int  # the newest score's dot: at the right end, or the middle when it is alone
    dot_y: float
    labels: str  # the scores as whole numbers: "72, 80, 91"


def init_sparkline(app: Flask) -> None:
    app.add_template_filter(sparkline, "sparkline")


def sparkline(points: Sequence[tuple[datetime, float]]) -> Sparkline:
    """The line of ``points`` (when, score from 0 to 100), oldest first; at least one."""
    scores = [score for _, score in points]
    heights = [round(BASELINE - PER_POINT * score, 1) for score in scores]
    last = len(scores) - 1
    line = "".join(f"{round(n * WIDTH / last, 1)},{y} " for n, y in enumerate(heights)) \
        if last else ""
    return Sparkline(line, WIDTH if last else WIDTH // 2, heights[-1],
                     ", ".join(str(int(round(score))) for score in scores))
