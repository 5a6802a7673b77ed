"""What the trainee's pages cost: the dashboard, the play page and a scorecard run the same number
of SQL statements for someone with 3 attempts as for someone with 60; the dashboard reads no
snapshot and pages the history; only the pages that show one attempt load it whole."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from trainer.models._types import utcnow
from trainer.services import play

from .. import factories
from .test_manager_cost import WHOLE_SNAPSHOT

SCENARIOS = ("billing-double-charge", "billing-price-rise-notice", "billing-arrears-not-coping")
TITLE = re.compile(r"<title>(.*?)</title>", re.S)


def _history(person, count: int) -> dict:
    """``count`` scored attempts (passes and fails, assessed and practice, one held as a
    near-copy), oldest first, then one still being played."""
    start = utcnow() - timedelta(days=count + 1)
    last = None
    for n in range(count):
        last = factories.scored_attempt(
            person, SCENARIOS[n % 3], passed=n % 4 != 1, mode="practice" if n % 5 == 0
            else "assessed", copied_from="model answer" if n == 2 else None,
            finished_at=start + timedelta(days=n))
    playing = play.start_attempt(person, "billing-double-charge", "assessed")
    play.submit_answer(playing, "I'm sorry, let me look into that for you.")
    return {"scored": last.id, "playing": playing.id}


@pytest.fixture
def trainees(app):
    """Two trainees with the same kinds of history, one of 3 attempts and one of 60."""
    with app.app_context():
        boss = factories.user("manager", email="boss@example.com")
        found = {}
        for email, count in (("few@example.com", 3), ("many@example.com", 60)):
            person = factories.user(email=email, manager=boss)
            found[email] = _history(person, count)
        return found


def _pages(ids: dict) -> dict[str, str]:
    return {"dashboard": "/", "play page": f"/attempts/{ids['playing']}",
            "scorecard": f"/attempts/{ids['scored']}/scorecard"}


def costs(client, auth, count_sql, email: str, ids: dict) -> dict:
    """Each page's statements for ``email``, each page warmed up once (caches, the session)."""
    auth.login(email)
    found = {}
    for name, url in _pages(ids).items():
        assert client.get(url).status_code == 200, url
        with count_sql() as sql:
            assert client.get(url).status_code == 200, url
        found[name] = sql
    auth.logout()
    return found


def test_each_trainee_page_costs_the_same_for_3_attempts_and_for_60(client, auth, count_sql,
                                                                     trainees):
    few = costs(client, auth, count_sql, "few@example.com", trainees["few@example.com"])
    many = costs(client, auth, count_sql, "many@example.com", trainees["many@example.com"])
    grown = {page: f"3 attempts: {few[page]}\n\n60 attempts: {many[page]}"
             for page in few if few[page].count != many[page].count}
    assert not grown, "\n\n".join(f"{page}\n{text}" for page, text in grown.items())


def test_the_dashboard_reads_no_snapshot(client, auth, count_sql, trainees):
    auth.login("many@example.com")
    client.get("/")
    with count_sql() as sql:
        assert client.get("/").status_code == 200
    assert not [s for s in sql.statements if WHOLE_SNAPSHOT.search(s)], str(sql)


def test_the_scorecard_and_play_page_load_only_their_own_attempt(client, auth, count_sql,
                                                                   trainees):
    ids = trainees["many@example.com"]
    auth.login("many@example.com")
    for name, url in _pages(ids).items():
        if name == "dashboard":
            continue
        client.get(url)
        with count_sql() as sql:
            assert client.get(url).status_code == 200
        whole = [s for s in sql.statements if WHOLE_SNAPSHOT.search(s)]
        assert len(whole) == 1, f"{name}: {sql}"  # the attempt shown, by its id
        assert re.search(r"WHERE attempt\.id = ", whole[0]), whole[0]


def test_the_dashboard_pages_the_history_and_still_shows_each_attempt(client, auth, trainees):
    auth.login("many@example.com")
    first = client.get("/").get_data(as_text=True)
    history = first[first.index('id="history-h"'):first.index('id="tracks-h"')]
    assert "61 in all, newest first; 1–50 shown." in history
    assert history.count("<tr>") == 51  # the header and 50 attempts
    playing = trainees["many@example.com"]["playing"]
    assert f'href="/attempts/{playing}"' in history  # newest first: the one being played
    assert "in progress" in history and "Passed" in history and "Not yet" in history
    assert "practice" in history and "assessed" in history
    assert 'href="/?page=2#history-h"' in history

    second = client.get("/?page=2").get_data(as_text=True)
    history = second[second.index('id="history-h"'):second.index('id="tracks-h"')]
    assert history.count("<tr>") == 12 and "51–61 shown" in history
    assert "Charged twice for the same month" in history  # the title, as played
    assert "held for review" in history  # the near-copy, among the oldest
    scored = re.findall(r'href="/attempts/(\d+)/scorecard"', history)
    assert len(scored) == 11  # finished attempts link to their scorecards


def test_few_attempts_need_no_pager(client, auth, trainees):
    auth.login("few@example.com")
    page = client.get("/").get_data(as_text=True)
    assert "in all, newest first" not in page and 'rel="next"' not in page
    assert page.count('/scorecard"') == 3


@pytest.mark.parametrize("who", ["few@example.com", "many@example.com"])
def test_the_tab_title_is_short_text_on_every_dashboard(client, auth, app, trainees, who):
    """The standing (tracks, clearances, progress) is in the page, never in the tab's title."""
    with app.app_context():
        from trainer.extensions import db
        from trainer.models import User

        from .teams import clearance

        person = db.session.scalar(db.select(User).where(User.email == who))
        boss = db.session.scalar(db.select(User).where(User.email == "boss@example.com"))
        clearance(person, boss, "billing-dispute", days_left=10)  # an expiry warning too
        person_id = person.id
    auth.login(who)
    assert TITLE.findall(client.get("/").get_data(as_text=True)) == ["My training · Trainer"]
    auth.logout()
    auth.login("boss@example.com")
    [title] = TITLE.findall(client.get(f"/team/people/{person_id}").get_data(as_text=True))
    assert "<" not in title and len(title) < 80, title


def test_an_answer_costs_the_same_however_long_the_conversation(client, auth, count_sql,
                                                                 trainees):
    """The answer stored, the customer's reply stored: the same statements at the second answer
    as at the fourth, and the attempt's snapshots read once (never again to store the answer or
    the reply)."""
    url = _pages(trainees["few@example.com"])["play page"]
    auth.login("few@example.com")
    counts = []
    for n in range(2, 5):
        page = client.get(url).get_data(as_text=True)
        expected = re.search(r'name="expected_turn"[^>]*value="(\d+)"', page).group(1)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        with count_sql() as sql:
            sent = client.post(url, data={"csrf_token": token, "expected_turn": expected,
                                          "answer": f"Let me have a look at your account ({n})."})
        assert sent.status_code == 302 and "/scorecard" not in sent.headers["Location"]
        counts.append(sql)
    assert counts[0].count == counts[2].count, f"second answer: {counts[0]}\n\nfourth: {counts[2]}"
    # the attempt read once, to check whose it is; under the lock only its status and turns
    assert sum(bool(WHOLE_SNAPSHOT.search(s)) for s in counts[2].statements) == 1, counts[2]
