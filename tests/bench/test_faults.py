"""The fault bench's own arithmetic (bench/faults.py): what it reads back from the database counts
lost answers, missing replies, double scoring and fallbacks the way its table says. The bench
itself needs gunicorn and takes minutes: `python bench/faults.py --quick` is its smoke run."""

from __future__ import annotations

from bench._fault_checks import Row, attempts_check, audit_check
from bench._fault_work import SCENARIO, Run
from bench.fault_server import FABRICATED, verdict
from trainer.domain.transcript import Turn as Said
from trainer.extensions import db
from trainer.llm.prompts import judge_request
from trainer.models import LLMCall, Turn
from trainer.services import audit
from trainer.services.library import get_library

from .. import factories

EMAIL = "faults0-0@example.com"


def _attempt_with_faults() -> int:
    """A scored attempt whose transcript lost a reply, holds one answer twice, and was judged
    twice; its one customer reply and its scorecard both note the fallback."""
    person = factories.user(email=EMAIL)
    attempt = factories.scored_attempt(person, SCENARIO)
    attempt.turns = [
        Turn(index=0, role="customer", text="You charged me twice."),
        Turn(index=1, role="trainee", text="A"),
        Turn(index=2, role="customer", text="When?",
             note="LLM customer unavailable (timeout); scripted reply used"),
        Turn(index=3, role="trainee", text="B"),
        Turn(index=4, role="trainee", text="A")]
    attempt.score_notes = ["LLM judge unavailable (timeout); rule scorer used."]
    for _ in range(2):
        db.session.add(LLMCall(attempt_id=attempt.id, purpose="judge", model="m",
                               prompt_version="v", try_number=1))
    db.session.commit()
    return attempt.id


def test_the_database_is_read_back_as_the_table_says(app):
    with app.app_context():
        attempt_id = _attempt_with_faults()
    run = Run([EMAIL])
    for text, status in (("A", 302), ("B", 500), ("C", 302), ("D", 422)):
        run.sent(text, status)
    run.finished(attempt_id)
    row = Row("answers", limit=5.0)
    attempts_check(app, run, row, "both")
    assert (row.sent, row.stored, row.lost, row.dup, row.unanswered) == (4, 2, 1, 1, 2)
    assert row.scored == (0, 1)  # judged twice is not scored once
    assert row.fallback == (2, 2)
    assert row.judge() == ["lost", "twice", "no reply", "not scored once"]
    assert "1 attempt(s) judged twice" in row.notes


def test_a_clean_row_meets_the_aim_unless_slow():
    row = Row("clean", requests=10, sent=2, stored=2, scored=(1, 1), fallback=(0, 0), limit=5.0)
    assert row.judge() == []
    row.slowest = 6.0
    assert row.judge() == ["slow"]


def test_one_audit_event_per_login(app):
    with app.app_context():
        for action in ("login.failed", "login.succeeded", "login.failed"):
            audit.record(action, subject=EMAIL)
        db.session.commit()
    run = Run([EMAIL])
    run.logins = 4
    row = Row("logins")
    audit_check(app, run, row)
    assert (row.sent, row.stored, row.lost, row.dup) == (4, 3, 1, 0)


def test_the_fake_judge_quotes_the_trainee_or_makes_a_quote_up(app):
    with app.app_context():
        library = get_library()
        scenario = library.scenarios[SCENARIO]
        turns = [Said("customer", scenario.opening),
                 Said("trainee", "I'm sorry you had to chase this. I'll call you by 5pm.")]
        request = judge_request(scenario, library.rubrics[scenario.rubric], turns)
    body = {"messages": list(request.messages)}
    assert verdict(body)["empathy"]["evidence"] == ["I'm sorry you had to chase this"]
    assert verdict(body, quote=FABRICATED)["accuracy"]["evidence"] == [FABRICATED]
