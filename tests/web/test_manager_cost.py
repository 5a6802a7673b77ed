"""What the manager's pages cost: the same number of SQL statements for a team of 3 as for a
team of 60 with the same history each (and for an admin's whole company), and no list that
reads an attempt's whole snapshot."""

from __future__ import annotations

import re

import pytest

from .. import factories
from ..conftest import PG_URL
from .teams import build_team, clearance

PAGES = ("/team/", "/team/?page=2", "/team/?q=0", "/team/review", "/team/calibration",
         "/team/people/{person}", "/team/people/{person}?page=2")


@pytest.fixture
def teams(app):
    """Two managers, one with 3 reports and one with 60, each report with the same 4 attempts;
    an admin who sees them all. One report of each has clearances granted by two people."""
    with app.app_context():
        small = factories.user("manager", email="small@example.com", name="Sam Small")
        large = factories.user("manager", email="large@example.com", name="Lee Large")
        admin = factories.user("admin", email="admin@example.com", name="Ada Admin")
        few = build_team(small, 3, "Few")
        many = build_team(large, 60, "Many")
        for person, boss in ((few[0], small), (many[-1], large)):
            for granter, category in ((boss, "billing-dispute"), (admin, "faulty-goods")):
                clearance(person, granter, category)
        return {"few": few[0].id, "many": many[-1].id}


def costs(client, auth, count_sql, email: str, person: int) -> dict:
    """Each page's statements for ``email``, each page warmed up once (caches, the session)."""
    auth.login(email)
    found = {}
    for page in PAGES:
        url = page.format(person=person)
        assert client.get(url).status_code == 200, url
        with count_sql() as sql:
            assert client.get(url).status_code == 200, url
        found[page] = sql
    auth.logout()
    return found


def test_each_page_costs_the_same_for_a_team_of_3_and_of_60(client, auth, count_sql, teams):
    few = costs(client, auth, count_sql, "small@example.com", teams["few"])
    many = costs(client, auth, count_sql, "large@example.com", teams["many"])
    grown = {page: f"team of 3: {few[page]}\n\nteam of 60: {many[page]}"
             for page in PAGES if few[page].count != many[page].count}
    assert not grown, "\n\n".join(f"{page}\n{text}" for page, text in grown.items())


def test_the_whole_company_costs_an_admin_no_more_than_a_team(client, auth, count_sql, teams):
    admin = costs(client, auth, count_sql, "admin@example.com", teams["many"])
    manager = costs(client, auth, count_sql, "large@example.com", teams["many"])
    for page in PAGES:
        assert admin[page].count <= manager[page].count, f"{page}\n{admin[page]}"


WHOLE_SNAPSHOT = re.compile(r"(?<!JSON_EXTRACT\()attempt\.(scenario|rubric)_snapshot(?! ->>)")


@pytest.mark.parametrize("page", [
    "/team/", "/team/review", "/team/calibration", "/team/people/{person}"])
def test_no_manager_page_reads_a_whole_snapshot(client, auth, count_sql, app, page):
    with app.app_context():
        boss = factories.user("manager", email="boss@example.com")
        url = page.format(person=build_team(boss, 1, "Solo")[0].id)
    auth.login("boss@example.com")
    client.get(url)
    with count_sql() as sql:
        assert client.get(url).status_code == 200
    assert not [s for s in sql.statements if WHOLE_SNAPSHOT.search(s)], str(sql)


def test_a_list_of_attempts_reads_only_the_title_of_each_snapshot(client, auth, count_sql, app):
    with app.app_context():
        boss = factories.user("manager", email="boss@example.com")
        person = build_team(boss, 1, "Solo")[0].id
    auth.login("boss@example.com")
    with count_sql() as sql:
        page = client.get(f"/team/people/{person}").get_data(as_text=True)
    assert page.count("Charged twice for the same month") == 4  # the title, as played
    [listing] = [s for s in sql.matching("coalesce") if "ORDER BY attempt.started_at" in s]
    assert not WHOLE_SNAPSHOT.search(listing), listing


PARAMETER = re.compile(r"%\(\w+\)s")  # a bind parameter as psycopg is sent it


@pytest.mark.skipif(not PG_URL, reason="PostgreSQL's parameters: set TRAINER_TEST_DATABASE_URL")
def test_an_admins_pages_send_the_companys_ids_to_postgresql_as_one_array(
        client, auth, count_sql, teams):
    """Sent one parameter each, 2,000 people's ids cost PostgreSQL more to take in than the
    statement took to run (extensions.among): no statement may grow with the company."""
    costly = {}
    for page in (*PAGES, "/insight/"):
        for who in ("admin@example.com", "large@example.com"):
            auth.login(who)
            url = page.format(person=teams["many"])
            with count_sql() as sql:
                assert client.get(url).status_code == 200, url
            auth.logout()
            costly.update({f"{who} {url}": s for s in sql.statements
                           if len(PARAMETER.findall(s)) >= 60})  # the team of 60
    assert not costly, "\n\n".join(f"{k}: {' '.join(s.split())[:400]}" for k, s in costly.items())
