"""The team page as a manager sees it: where they land, each person's recent scores, tracks and
clearances, the team's charts with their numbers, and the page and tracks report as CSV."""

from __future__ import annotations

import csv
import io
import re

import pytest

from trainer.extensions import db

from .. import factories
from .teams import clearance


@pytest.fixture
def team(app):
    with app.app_context():
        boss = factories.user("manager", email="boss@example.com", name="Bea Boss")
        other = factories.user("manager", email="other@example.com")
        tara = factories.user(email="tara@example.com", name="Tara Singh", manager=boss)
        evil = factories.user(email="evil@example.com", name="=HYPERLINK(\"http://x\")",
                              manager=boss)
        factories.user(email="olga@example.com", name="Olga Other", manager=other)
        for overall, levels in ((40.0, {"empathy": 1, "ownership": 2, "accuracy": 2}),
                                (90.0, {"empathy": 4, "ownership": 3, "accuracy": 4})):
            factories.scored_attempt(tara, "billing-double-charge", levels=levels).overall = \
                overall
        db.session.commit()
        clearance(tara, boss, "billing-dispute", level=2, days_left=12)
        return {"tara": tara.id, "evil": evil.id}


def _row(page: str, person_id: int) -> str:
    return re.search(rf'<tr id="person-{person_id}">(.*?)</tr>', page, re.S).group(1)


def _table(page: str, table_id: str) -> list[list[str]]:
    body = re.search(rf'<table id="{table_id}".*?<tbody>(.*?)</tbody>', page, re.S).group(1)
    return [[re.sub(r"<[^>]+>", "", cell).strip()
             for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def test_a_manager_lands_on_their_team_and_a_trainee_on_their_training(client, auth, team):
    assert auth.login("boss@example.com").headers["Location"].endswith("/team/")
    auth.logout()
    assert auth.login("tara@example.com").headers["Location"].endswith("/")
    auth.logout()
    answer = auth.login("boss@example.com", next_url="/routing/")
    assert answer.headers["Location"].endswith("/routing/")  # a link followed stays followed


def test_each_person_shows_recent_scores_tracks_and_clearances(client, auth, team):
    auth.login("boss@example.com")
    page = client.get("/team/").get_data(as_text=True)
    tara = _row(page, team["tara"])
    assert "40, 90" in tara  # the recent assessed scores, oldest first, beside their line
    assert "<polyline" in tara
    assert "Rotation:" in tara
    assert "Billing disputes 2" in tara and "soon" in tara  # expires in 12 days
    assert "Olga Other" not in page


def test_the_team_page_fetches_its_charts_once_shown_and_links_them_without_script(
        client, auth, team):
    auth.login("boss@example.com")
    page = client.get("/team/").get_data(as_text=True)
    assert 'hx-get="/team/charts" hx-trigger="load"' in page
    assert '<a href="/team/charts">' in page and "js/charts.js" in page
    fragment = client.get("/team/charts", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment
    assert 'id="weekly-table"' in fragment
    whole = client.get("/team/charts").get_data(as_text=True)
    assert "<html" in whole and 'id="weekly-table"' in whole and "js/charts.js" in whole


def test_the_team_charts_show_their_numbers_in_tables(client, auth, team):
    auth.login("boss@example.com")
    page = client.get("/team/charts", headers={"HX-Request": "true"}).get_data(as_text=True)
    weekly = _table(page, "weekly-table")
    assert len(weekly) == 12
    assert weekly[-1][1:] == ["2.5", "2.5", "3.0", "2"]  # this week: empathy, ownership, accuracy
    levels = {row[0]: row[1:] for row in _table(page, "levels-table")}
    assert levels["1"] == ["1", "0", "0"] and levels["4"] == ["1", "0", "1"]
    assert 'data-chart-table="weekly-table"' in page and "figures as of" in page


def test_the_team_downloads_as_csv_with_formulas_neutralised(client, auth, team):
    auth.login("boss@example.com")
    answer = client.get("/team/team.csv")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    assert "attachment" in answer.headers["Content-Disposition"]
    rows = {r["email"]: r for r in csv.DictReader(io.StringIO(answer.get_data(as_text=True)))}
    assert set(rows) == {"tara@example.com", "evil@example.com"}
    assert rows["tara@example.com"]["recent_scores"] == "40 90"
    assert rows["tara@example.com"]["clearances"].startswith("billing-dispute level 2")
    assert rows["evil@example.com"]["name"].startswith("'=HYPERLINK")
    searched = client.get("/team/team.csv?q=tara").get_data(as_text=True)
    assert "tara@example.com" in searched and "evil@example.com" not in searched


def test_the_chart_numbers_download_as_csv(client, auth, team):
    auth.login("boss@example.com")
    rows = list(csv.DictReader(io.StringIO(client.get("/team/charts.csv").get_data(as_text=True))))
    assert len(rows) == 13  # 12 weeks, then the levels over the window
    assert rows[11]["average_empathy"] == "2.5" and rows[11]["attempts"] == "2"
    assert rows[12]["level_4_empathy"] == "1" and rows[12]["level_1_empathy"] == "1"


def test_the_tracks_report_downloads_for_the_managers_people_only(client, auth, team):
    auth.login("boss@example.com")
    text = client.get("/team/tracks.csv").get_data(as_text=True)
    emails = {r["email"] for r in csv.DictReader(io.StringIO(text))}
    assert emails == {"tara@example.com", "evil@example.com"}


@pytest.mark.parametrize("url", ["/team/team.csv", "/team/tracks.csv", "/team/charts",
                                 "/team/charts.csv"])
def test_trainees_cannot_download_the_team(client, auth, team, url):
    auth.login("tara@example.com")
    assert client.get(url).status_code == 404
    auth.logout()
    assert client.get(url).status_code in (302, 401)
