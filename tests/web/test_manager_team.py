"""The team page and a person's page as a manager reads them: each person's figures, pages of
50, a search, and page numbers that are out of range or not numbers at all."""

from __future__ import annotations

import re

import pytest

from .. import factories
from .teams import HISTORY, build_team


@pytest.fixture
def team(app):
    """Lee manages 60 people with the same history each; Sam manages someone else."""
    with app.app_context():
        lee = factories.user("manager", email="lee@example.com", name="Lee Large")
        sam = factories.user("manager", email="sam@example.com", name="Sam Small")
        many = build_team(lee, 60, "Many")
        [outsider] = build_team(sam, 1, "Outsider")
        return {"first": many[0].id, "last": many[-1].id, "outsider": outsider.id}


def row(page: str, person_id: int) -> list[str]:
    """The cells of a person's row on the team page, as text."""
    match = re.search(rf'<tr id="person-{person_id}">(.*?)</tr>', page, re.S)
    assert match, f"no row for person {person_id}"
    return [" ".join(re.sub(r"<[^>]+>", " ", cell).split())
            for cell in re.findall(r"<td>(.*?)</td>", match.group(1), re.S)]


def people_listed(page: str) -> list[str]:
    return re.findall(r'<tr id="person-\d+">\s*<td><a [^>]*>([^<]+)</a>', page)


def test_a_persons_row_shows_attempts_passes_averages_and_weakest_skill(client, auth, team):
    auth.login("lee@example.com")
    page = client.get("/team/").get_data(as_text=True)
    (name, department, attempts, passed, empathy, ownership, accuracy, weakest, recent, _tracks,
     held, last) = row(page, team["first"])
    assert (name, department) == ("Many 001", "billing")
    assert attempts == "3"  # the abandoned attempt counts neither way
    assert passed == "1 (+1 practice)"
    assert (empathy, ownership, accuracy, weakest) == ("2.7", "1.3", "2.3", "ownership")
    assert recent == "75, 20"  # the assessed scores, oldest first (not the practice one)
    assert held == "–" and last != "never"


def test_someone_without_attempts_shows_dashes_and_never(client, auth, app):
    with app.app_context():
        boss = factories.user("manager", email="boss@example.com")
        newcomer = build_team(boss, 1, "New", history=())[0].id
    auth.login("boss@example.com")
    page = client.get("/team/").get_data(as_text=True)
    cells = row(page, newcomer)
    assert cells[2:9] == ["0", "0", "–", "–", "–", "–", "–"]  # ... and no recent scores
    assert cells[10:] == ["–", "never"]  # no clearance, never active


def test_the_team_comes_fifty_people_a_page_with_the_count(client, auth, team):
    auth.login("lee@example.com")
    first = client.get("/team/").get_data(as_text=True)
    assert "60 people; 1–50 shown." in first
    assert people_listed(first) == [f"Many {n:03}" for n in range(1, 51)]
    assert "Page 1 of 2" in first and 'href="/team/?page=2"' in first
    second = client.get("/team/?page=2").get_data(as_text=True)
    assert people_listed(second) == [f"Many {n:03}" for n in range(51, 61)]
    assert "51–60 shown" in second and 'href="/team/?page=1"' in second
    assert "Outsider 001" not in first + second


def test_a_page_number_out_of_range_shows_the_nearest_page(client, auth, team):
    auth.login("lee@example.com")
    for number, shown in (("0", 1), ("-4", 1), ("abc", 1), ("", 1), ("2.5", 1), ("3", 2),
                          ("99999", 2), ("9" * 40, 2), ("9" * 5000, 2)):
        response = client.get(f"/team/?page={number}")
        assert response.status_code == 200, number
        assert f"Page {shown} of 2" in response.get_data(as_text=True), number


def test_a_search_finds_people_by_name_or_email_within_the_team(client, auth, team):
    auth.login("lee@example.com")
    page = client.get("/team/?q=many007").get_data(as_text=True)
    assert people_listed(page) == ["Many 007"] and "1 person matching “many007”" in page
    assert people_listed(client.get("/team/?q=Many 05").get_data(as_text=True)) == [
        f"Many {n:03}" for n in range(50, 60)]
    nobody = client.get("/team/?q=Outsider").get_data(as_text=True)
    assert "Nobody in your team matches “Outsider”" in nobody
    assert people_listed(client.get("/team/?q=%25").get_data(as_text=True)) == []  # not a wildcard


def test_a_search_keeps_itself_in_the_page_links(client, auth, team):
    auth.login("lee@example.com")
    page = client.get("/team/?q=many").get_data(as_text=True)
    assert 'href="/team/?page=2&amp;q=many"' in page


def test_an_admin_sees_the_whole_company_a_page_at_a_time(client, auth, team, app):
    with app.app_context():
        factories.user("admin", email="admin@example.com")
    auth.login("admin@example.com")
    page = client.get("/team/").get_data(as_text=True)
    assert "63 people; 1–50 shown." in page  # 60 + Sam's report + the two managers


def test_a_persons_attempts_come_fifty_a_page_newest_first(client, auth, app):
    with app.app_context():
        boss = factories.user("manager", email="boss@example.com")
        person = build_team(boss, 1, "Busy", history=HISTORY * 14)[0].id  # 56 attempts
    auth.login("boss@example.com")
    first = client.get(f"/team/people/{person}").get_data(as_text=True)
    assert "56 in all, newest first; 1–50 shown." in first
    assert first.count('href="/team/attempts/') == 50
    assert f'href="/team/people/{person}?page=2#attempts-h"' in first
    second = client.get(f"/team/people/{person}?page=2").get_data(as_text=True)
    assert second.count('href="/team/attempts/') == 6 and "51–56 shown" in second
    assert client.get(f"/team/people/{person}?page=999").get_data(as_text=True).count(
        'href="/team/attempts/') == 6


def test_someone_outside_the_team_is_not_found(client, auth, team):
    auth.login("lee@example.com")
    assert client.get(f"/team/people/{team['outsider']}").status_code == 404
    assert client.get(f"/team/people/{team['outsider']}?page=2").status_code == 404
