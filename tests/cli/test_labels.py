"""`trainer labels export`: reviewed attempts as batch-scoring input lines with their labels."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from trainer.domain.batch import parse_item
from trainer.domain.scoring.rules import RuleScorer
from trainer.extensions import db
from trainer.models import Attempt, AuditEvent
from trainer.services import play
from trainer.services.library import get_library
from trainer.services.overrides import override_score
from trainer.services.reviews import confirm_scorecard

from .. import factories

ANSWER = "I'm sorry you were charged twice. I'll refund the second payment today."


@pytest.fixture
def reviewed(app):
    """A confirmed attempt, an overridden one and one nobody reviewed; their ids."""
    with app.app_context():
        boss = factories.user("manager")
        person = factories.user(manager=boss)
        ids = []
        for _ in range(3):
            attempt = play.start_attempt(person, "billing-double-charge")
            play.submit_answer(attempt, ANSWER)
            play.finish_attempt(attempt)
            ids.append(attempt.id)
        confirmed, overridden, _ = (db.session.get(Attempt, i) for i in ids)
        confirm_scorecard(boss, confirmed)
        before = overridden.score_for("empathy").level
        override_score(boss, overridden, "empathy", 4 if before < 4 else 1, "Warm throughout")
        return {"confirmed": ids[0], "overridden": ids[1], "empathy_before": before,
                "empathy_after": overridden.score_for("empathy").level}


def test_export_writes_the_reviewed_attempts_in_the_batch_input_format(reviewed, runner, app,
                                                                        tmp_path):
    target = tmp_path / "labels.jsonl"
    result = runner.invoke(args=["labels", "export", str(target)])
    assert result.exit_code == 0, result.output
    assert "Wrote 2 labelled attempts" in result.output
    lines = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert [line["id"] for line in lines] == [f"attempt-{reviewed['confirmed']}",
                                              f"attempt-{reviewed['overridden']}"]
    first, second = lines
    assert set(first["scenario"]) == {"id", "opening", "facts", "policy", "key_points",
                                      "red_flags"}
    assert first["scenario"]["id"] == "billing-double-charge"
    assert first["transcript"][1] == {"role": "trainee", "text": ANSWER}
    assert {turn["role"] for turn in first["transcript"]} == {"customer", "trainee"}
    assert set(first["labels"]) == {"empathy", "ownership", "accuracy"}
    assert second["labels"]["empathy"] == reviewed["empathy_after"]
    assert second["scored"]["empathy"] == {"scorer": RuleScorer.name,
                                           "level": reviewed["empathy_before"]}
    with app.app_context():
        rubric = get_library().rubrics["core"]
    for line in lines:  # what `trainer score` and bench/scorer_agreement.py read
        item_id, transcript, scenario = parse_item(line, None)
        assert item_id == line["id"] and scenario.key_points and transcript
        card = RuleScorer().score(transcript, scenario, rubric)  # the case file came through whole
        assert {d: card.dimensions[d].level for d in line["scored"]} == \
            {d: scored["level"] for d, scored in line["scored"].items()}
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(
            AuditEvent.action == "labels.exported"))
        assert event.detail == {"lines": 2} and event.subject == str(target)


def test_export_with_nothing_reviewed_writes_an_empty_file(app, runner, tmp_path):
    target = tmp_path / "none.jsonl"
    result = runner.invoke(args=["labels", "export", str(target)])
    assert result.exit_code == 0 and "Wrote 0 labelled attempts" in result.output
    assert target.read_text(encoding="utf-8") == ""


def test_export_to_standard_output(reviewed, runner):
    result = runner.invoke(args=["labels", "export", "-"])
    assert result.exit_code == 0
    assert len([line for line in result.stdout.splitlines() if line.startswith("{")]) == 2
