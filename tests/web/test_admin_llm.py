"""The admin LLM page: admins only; engines in force, queue health and usage totals."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from trainer.extensions import db
from trainer.models import LLMCall, User
from trainer.models._types import utcnow
from trainer.services import llm_usage, play

from .. import factories
from ..services.test_jobs import queue_of_its_own

PAGE = "/admin/llm"


@pytest.fixture
def people(app):
    with app.app_context():
        factories.user("admin", email="admin@example.com")
        factories.user("manager", email="mo@example.com")
        factories.user("trainee", email="tara@example.com")


def call(model: str, days_ago: float = 0, ok: bool = True, tokens: tuple[int, int] = (0, 0),
         latency_ms: int = 0) -> LLMCall:
    return LLMCall(purpose="judge", model=model, prompt_version="judge-1", tokens_in=tokens[0],
                   tokens_out=tokens[1], latency_ms=latency_ms, ok=ok,
                   error="" if ok else "timeout", created_at=utcnow() - timedelta(days=days_ago))


@pytest.fixture
def calls(app):
    with app.app_context():
        db.session.add_all([
            call("judge-model-a", tokens=(100, 50), latency_ms=1000),
            call("judge-model-a", ok=False, tokens=(200, 70), latency_ms=3000),
            call("judge-model-a", days_ago=1, tokens=(10, 5), latency_ms=500),
            call("customer-model-b", days_ago=2, tokens=(40, 20), latency_ms=250),
            call("ancient-model", days_ago=40, tokens=(999, 999), latency_ms=9),  # too old
        ])
        db.session.commit()


@pytest.mark.parametrize("email", ["tara@example.com", "mo@example.com"])
def test_only_admins_see_the_page(client, auth, people, email):
    assert client.get(PAGE).headers["Location"].startswith("/login")
    auth.login(email)
    assert client.get(PAGE).status_code == 404


def test_users_page_links_to_it(client, auth, people):
    auth.login("admin@example.com")
    assert f'href="{PAGE}"' in client.get("/admin/users").get_data(as_text=True)


def test_without_llm_or_redis_it_says_what_runs_instead(app, client, auth, people):
    from trainer.llm import configure

    for key in ("OPENAI_API_KEY", "OPENAI_BASE_URL"):
        app.config.pop(key, None)
    configure(app)  # whatever the environment running the tests has set
    auth.login("admin@example.com")
    page = client.get(PAGE).get_data(as_text=True)
    assert "not configured" in page and "no OPENAI_API_KEY configured" in page
    assert "scripted customer" in page and "rule scorer" in page
    assert "No REDIS_URL configured" in page and "No LLM calls in the last 30 days" in page


def test_a_configured_llm_is_shown_without_its_key(app, client, auth, people):
    from trainer.llm import configure

    app.config.update(OPENAI_API_KEY="sk-test-very-secret-key", TRAINER_LLM_MODEL="judge-x")
    configure(app)  # what create_app does with these settings
    auth.login("admin@example.com")
    page = client.get(PAGE).get_data(as_text=True)
    assert "sk-test-very-secret-key" not in page
    assert "not configured" not in page and "judge-x" in page


def test_usage_totals_per_model_and_per_day_for_the_last_30_days(app, client, auth, people,
                                                                 calls):
    with app.app_context():
        by_model = {u.model: u for u in llm_usage.usage(30, by_day=False)}
        by_day = llm_usage.usage(30)
    assert set(by_model) == {"judge-model-a", "customer-model-b"}  # 40 days ago: left out
    a = by_model["judge-model-a"]
    assert (a.calls, a.failures, a.tokens_in, a.tokens_out) == (3, 1, 310, 125)
    assert a.mean_latency_ms == pytest.approx(1500)
    today = utcnow().date().isoformat()
    assert [(u.day, u.model, u.calls) for u in by_day][0] == (today, "judge-model-a", 2)
    assert len(by_day) == 3 and by_day[0].mean_latency_ms == pytest.approx(2000)
    auth.login("admin@example.com")
    page = client.get(PAGE).get_data(as_text=True)
    assert "judge-model-a" in page and "customer-model-b" in page and "ancient-model" not in page
    assert "2000 ms" in page and today in page


def test_queue_status_redacts_the_password_and_counts_stuck_attempts(app, client, auth,
                                                                     people):
    app.config["REDIS_URL"] = "redis://:hunter2@127.0.0.1:1/0"  # nothing listens on port 1
    with app.app_context():
        tara = db.session.scalar(select(User).where(User.email == "tara@example.com"))
        attempt = play.start_attempt(tara, "billing-double-charge")
        attempt.status, attempt.finished_at = "scoring", utcnow() - timedelta(minutes=10)
        db.session.commit()
    auth.login("admin@example.com")
    page = client.get(PAGE).get_data(as_text=True)
    assert "hunter2" not in page and "redis://***@127.0.0.1:1/0" in page
    assert "does not answer" in page
    assert "Stuck in scoring (over 300 s)</th><td class=\"fail\">1</td>" in page



@pytest.fixture
def queued(app):
    yield from queue_of_its_own(app)


def test_queue_counts_from_a_real_redis(app, client, auth, people, queued):
    with app.app_context():
        tara = db.session.scalar(select(User).where(User.email == "tara@example.com"))
        play.finish_attempt(play.start_attempt(tara, "billing-double-charge"))
    auth.login("admin@example.com")
    page = client.get(PAGE).get_data(as_text=True)
    assert f"queue <code>{queued}</code>" in page and "No worker is running" in page
    assert "Jobs waiting</th><td>1</td>" in page and "Attempts being scored</th><td>1" in page
