"""bench/scale.py's data set at its smallest: the rows it promises, valid as the app writes them.
(Timings stay out of the suite: the benches print them.)"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from bench._dataset import seed
from bench._turns import _EXPECTED, _LIMIT, _START
from trainer.extensions import db
from trainer.models import Attempt, AuditEvent, Clearance, Score, Turn, User
from trainer.models.attempt import SCORED
from trainer.services.library import get_library

from .. import factories
from ..conftest import csrf_token


def test_smallest_data_set_has_the_promised_rows(app):
    with app.app_context():
        seeded = seed(0.0002, scenario_limit=1)  # the least of each kind; one scenario played
        count = lambda model: db.session.scalar(select(func.count()).select_from(model))  # noqa: E731
        assert count(User) == seeded.size["users"] == 6
        assert count(Attempt) == seeded.size["attempts"] == 10
        assert count(Clearance) == seeded.size["clearances"] == 1
        assert count(AuditEvent) == seeded.size["audit"] + 1  # and the API token's creation
        assert seeded.chain.endswith("intact")

        heavy = db.session.get(User, seeded.heavy_id)
        assert heavy.email == seeded.heavy and heavy.manager.email == seeded.manager
        assert db.session.scalar(select(func.count(Attempt.id)).where(
            Attempt.user_id == heavy.id)) == seeded.size["heavy"]
        assert db.session.get(Attempt, seeded.scorecard_id).user_id == heavy.id

        scenarios = get_library().scenarios
        for attempt in db.session.scalars(select(Attempt)):
            assert attempt.scenario_id in scenarios
            assert attempt.scenario_snapshot["id"] == attempt.scenario_id
            assert [t.index for t in attempt.turns] == list(range(len(attempt.turns)))
            assert attempt.turns[0].role == "customer"
            if attempt.status == SCORED:
                assert sorted(s.dimension for s in attempt.scores) == \
                    ["accuracy", "empathy", "ownership"]
        statuses = Counter(db.session.scalars(select(Attempt.status)))
        assert statuses[SCORED] >= 1
        assert count(Turn) > count(Attempt) and count(Score) >= 3 * statuses[SCORED]


def test_the_turn_bench_reads_the_real_play_page(app, client, auth):
    """bench/web_load.py answers through the play form: it must find the turn number and the
    turn limit on the page as the app renders it."""
    with app.app_context():
        factories.user("trainee", email="bench@example.com")
    auth.login("bench@example.com")
    dashboard = client.get("/").get_data(as_text=True)
    start = _START.findall(dashboard)[0]
    scenario_id = start.split("/")[2]
    answer = client.post(start, data={"csrf_token": csrf_token(client, "/"), "mode": "practice"})
    page = client.get(answer.location).get_data(as_text=True)
    with app.app_context():
        limit = get_library().scenarios[scenario_id].script.max_turns
    assert int(_EXPECTED.search(page).group(1)) == 1
    assert int(_LIMIT.search(page).group(1)) == limit
