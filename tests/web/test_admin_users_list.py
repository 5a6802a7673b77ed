"""The admin's user list: 50 a page with the count shown, a search by name or email, filters by
role and status, page numbers out of range, every row's actions still working, and a cost in
SQL statements that does not grow with the number of users."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from trainer.extensions import db
from trainer.models import User

from .. import factories
from ..conftest import post_form

ROW = re.compile(r'<tr id="user-(\d+)">')
PAGES = ("/admin/users", "/admin/users?page=2", "/admin/users?q=example",
         "/admin/users?role=trainee&status=active", "/admin/users?page=999")


def add_people(count: int, start: int = 0) -> None:
    """``count`` trainees spread over 10 departments and 10 managers, every tenth deactivated:
    named "Person 00000" on, so that the order by name is the order made."""
    bosses = [factories.user("manager", email=f"boss{start + n}@example.com",
                             name=f"Boss {start + n:05d}", dept=f"dept{n % 10}")
              for n in range(min(10, count))]
    for n in range(start, start + count - len(bosses)):
        db.session.add(User(email=f"p{n}@staff.example.org", name=f"Person {n:05d}",
                            role="trainee", department=factories.department(f"dept{n % 10}"),
                            manager=bosses[n % len(bosses)], active=n % 10 != 9,
                            password_hash=factories.PASSWORD_HASH))
    db.session.commit()


@pytest.fixture
def admin(app, auth):
    with app.app_context():
        factories.user("admin", email="admin@example.com", name="Ada Admin")
    auth.login("admin@example.com")


@pytest.fixture
def crowd(app, admin):
    """The admin and 120 more: 10 managers, 110 trainees (11 of them deactivated)."""
    with app.app_context():
        add_people(120)


def rows(html: str) -> list[int]:
    return [int(found) for found in ROW.findall(html)]


def count_line(html: str) -> str:
    match = re.search(r'<p id="user-count">(.*?)</p>', html, re.S)
    assert match, html
    return re.sub(r"<a [^>]*>.*?</a>", "", " ".join(match.group(1).split())).strip()


def statements(client, count_sql, url: str):
    assert client.get(url).status_code == 200, url  # warmed up: caches, the login session
    with count_sql() as sql:
        assert client.get(url).status_code == 200, url
    return sql


def test_each_page_of_the_list_costs_the_same_for_5_and_for_120_users(app, client, admin,
                                                                      count_sql):
    with app.app_context():
        add_people(5)
    few = {url: statements(client, count_sql, url) for url in PAGES}
    with app.app_context():
        add_people(115, start=1000)
    many = {url: statements(client, count_sql, url) for url in PAGES}
    assert len(rows(client.get("/admin/users").get_data(as_text=True))) == 50
    grown = [f"{url}\n5 users: {few[url]}\n\n120 users: {many[url]}"
             for url in PAGES if few[url].count != many[url].count]
    assert not grown, "\n\n".join(grown)
    for sql in many.values():  # departments and managers come with the users
        assert not sql.matching("FROM department WHERE"), sql


def test_50_users_a_page_and_the_count_shown(client, crowd):
    first = client.get("/admin/users").get_data(as_text=True)
    assert len(rows(first)) == 50
    assert count_line(first) == "121 accounts; 1–50 shown."
    assert "Page 1 of 3" in first and 'href="/admin/users?page=2"' in first
    last = client.get("/admin/users?page=3").get_data(as_text=True)
    assert len(rows(last)) == 21
    assert count_line(last) == "121 accounts; 101–121 shown."
    assert 'href="/admin/users?page=2"' in last and "Next" not in last
    everyone = set()
    for number in (1, 2, 3):
        everyone |= set(rows(client.get(f"/admin/users?page={number}").get_data(as_text=True)))
    assert len(everyone) == 121


def test_each_row_shows_its_department_and_manager(app, client, crowd):
    with app.app_context():
        person = db.session.scalar(select(User).where(User.email == "p10@staff.example.org"))
        expected = (person.id, person.department.name, person.manager.name)
    html = client.get("/admin/users?q=p10@staff").get_data(as_text=True)
    row = re.search(rf'<tr id="user-{expected[0]}">(.*?)</tr>', html, re.S).group(1)
    assert f"<td>{expected[1]}</td>" in row and f"<td>{expected[2]}</td>" in row


@pytest.mark.parametrize("number, shown", [
    ("abc", 1), ("0", 1), ("-2", 1), ("2.5", 1), ("", 1), ("4", 3),
    ("999999999999999999999999", 3)])
def test_a_page_number_out_of_range_or_not_a_number_shows_the_nearest_page(client, crowd,
                                                                           number, shown):
    response = client.get(f"/admin/users?page={number}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f"Page {shown} of 3" in html
    assert len(rows(html)) == (21 if shown == 3 else 50)


def test_a_search_finds_users_by_email_or_name(client, crowd):
    by_email = client.get("/admin/users?q=P42@STAFF").get_data(as_text=True)
    assert len(rows(by_email)) == 1 and "Person 00042" in by_email
    assert count_line(by_email) == "1 account matching “P42@STAFF”."
    by_name = client.get("/admin/users?q=boss 0000").get_data(as_text=True)
    assert len(rows(by_name)) == 10
    assert count_line(by_name) == "10 accounts matching “boss 0000”."


def test_percent_and_underscore_in_a_search_match_only_themselves(app, client, crowd):
    with app.app_context():
        factories.user("trainee", email="under_score@example.com", name="Una Score")
    for search in ("_", "%", "p_@staff"):  # as wildcards, these would match p0@staff... too
        html = client.get(f"/admin/users?q={search.replace('%', '%25')}").get_data(as_text=True)
        assert len(rows(html)) == (1 if search == "_" else 0), search
        assert ("Una Score" in html) == (search == "_"), search
    assert "Nobody matches" in client.get("/admin/users?q=%25").get_data(as_text=True)


def test_the_search_and_filters_stay_in_the_page_links(client, crowd):
    html = client.get("/admin/users?q=staff&role=trainee").get_data(as_text=True)
    assert count_line(html) == "110 accounts matching “staff”, role trainee; 1–50 shown."
    assert 'href="/admin/users?page=2&amp;q=staff&amp;role=trainee"' in html
    assert 'value="staff"' in html and '<option value="trainee" selected>' in html


def test_filters_by_role_and_by_status(client, crowd):
    managers = client.get("/admin/users?role=manager").get_data(as_text=True)
    assert count_line(managers) == "10 accounts, role manager."
    gone = client.get("/admin/users?status=deactivated").get_data(as_text=True)
    assert count_line(gone) == "11 accounts, deactivated."
    assert gone.count(">Reactivate</button>") == 11 and ">Deactivate</button>" not in gone
    active_trainees = client.get("/admin/users?role=trainee&status=active").get_data(as_text=True)
    assert count_line(active_trainees) == "99 accounts, role trainee, active; 1–50 shown."
    unknown = client.get("/admin/users?role=boss&status=maybe").get_data(as_text=True)
    assert count_line(unknown) == "121 accounts; 1–50 shown."


def test_every_action_works_from_a_later_page_and_comes_back_to_it(app, client, crowd):
    page = "/admin/users?page=2&q=person"
    html = client.get(page).get_data(as_text=True)
    found = re.search(r'action="(/admin/users/(\d+)/deactivate[^"]*)"', html)
    deactivate, target = found.group(1).replace("&amp;", "&"), int(found.group(2))
    assert target in rows(html)
    role = re.search(rf'action="(/admin/users/{target}/role[^"]*)"', html).group(1)
    role = role.replace("&amp;", "&")
    assert f'href="/admin/users/{target}/password"' in html
    assert html.count('name="csrf_token"') >= 2 * len(rows(html))
    changed = post_form(client, page, role, data={"role": "manager"})
    assert changed.status_code == 302 and changed.location.endswith(page)
    gone = post_form(client, page, deactivate)
    assert gone.status_code == 302 and gone.location.endswith(page)
    with app.app_context():
        person = db.session.get(User, target)
        assert (person.role, person.active) == ("manager", False)
    reactivate = deactivate.replace("/deactivate", "/reactivate")
    assert client.post(reactivate).status_code == 400  # no CSRF token
    assert post_form(client, page, reactivate).location.endswith(page)
    with app.app_context():
        assert db.session.get(User, target).active
    elsewhere = post_form(client, page, f"/admin/users/{target}/deactivate?next=https://evil.example/")
    assert elsewhere.location.endswith("/admin/users")  # only back to the users list
