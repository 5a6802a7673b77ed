"""Reviewed attempts as labelled lines: the batch-scoring input format plus the reviewers' levels.

Each line is what `trainer score` reads (DESIGN.md, "Batch scoring") with a "labels" field, so
`bench/scorer_agreement.py FILE.jsonl` can measure any scorer on an organisation's own people's
judgements."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..domain.library import DIMENSIONS
from ..extensions import db
from ..models import Attempt
from ..models.attempt import SCORED
from . import audit

CASE_FILE = ("opening", "facts", "policy")
CHUNK = 200  # attempts loaded at a time: an export never holds the whole history in memory


def labelled_line(attempt: Attempt) -> dict[str, Any]:
    """One reviewed attempt as a labelled batch-scoring input line."""
    snapshot = attempt.scenario_snapshot
    scenario: dict[str, Any] = {"id": snapshot.get("id", attempt.scenario_id)}
    scenario.update({key: snapshot.get(key) for key in CASE_FILE if key in snapshot})
    scenario["key_points"] = [_criterion(k) for k in snapshot.get("key_points", ())]
    scenario["red_flags"] = [_criterion(r) for r in snapshot.get("red_flags", ())]
    scores = {s.dimension: s for s in attempt.scores}
    return {
        "id": f"attempt-{attempt.id}",
        "scenario": scenario,
        "transcript": [{"role": t.role, "text": t.text} for t in attempt.turns],
        "labels": {d: scores[d].level if d in scores else None for d in DIMENSIONS},
        "scored": {d: {"scorer": scores[d].scorer, "level": scores[d].scorer_level}
                   for d in DIMENSIONS if d in scores},
        "labelled_at": attempt.reviewed_at.isoformat() if attempt.reviewed_at else None,
    }


def _criterion(data: dict[str, Any]) -> dict[str, Any]:
    """A key point or red flag with what scoring reads (the scripted customer's lines dropped)."""
    out = {"id": data["id"], "text": data["text"]}
    if data.get("hints"):
        out["hints"] = list(data["hints"])
    return out


def labelled_lines() -> Iterator[dict[str, Any]]:
    """Every reviewed (confirmed or overridden) attempt, oldest review first."""
    query = (select(Attempt).where(Attempt.status == SCORED, Attempt.reviewed_at.is_not(None))
             .options(selectinload(Attempt.turns), selectinload(Attempt.scores))
             .order_by(Attempt.reviewed_at, Attempt.id)
             .execution_options(yield_per=CHUNK))
    for attempt in db.session.scalars(query):
        yield labelled_line(attempt)


def export_labels(out: IO[str], target: str = "") -> int:
    """Write every labelled line to ``out``, one JSON object a line; the export is audited, as it
    hands transcripts out of the app. Returns how many lines were written."""
    count = 0
    for line in labelled_lines():
        out.write(json.dumps(line, ensure_ascii=False) + "\n")
        count += 1
    audit.record("labels.exported", None, target, "", {"lines": count})
    db.session.commit()
    return count
