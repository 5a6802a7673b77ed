"""The library insight page and its CSV downloads: who may see them (trainees get 404, a manager
their own team's numbers, an admin everyone's), the practice switch, the empty state, formulas
neutralised in a download, and a page that costs the same statements for a larger company."""

from __future__ import annotations

import csv
import io

import pytest

from trainer.extensions import db
from trainer.services import insight

from .. import factories
from .teams import build_team

PAGES = ("/insight/", "/insight/scenarios.csv", "/insight/categories.csv")
MINE, THEIRS = "billing-price-rise-notice", "delivery-damaged-sofa"
FORMULA = '=HYPERLINK("http://evil.example","refund")'


def said_red_flag(person, scenario, quote):
    attempt = factories.scored_attempt(person, scenario, passed=False,
                                       levels={"empathy": 2, "ownership": 1, "accuracy": 0})
    attempt.red_flags = ["blames-small-print"]
    attempt.score_for("accuracy").evidence = [quote]
    db.session.commit()
    return attempt


@pytest.fixture
def company(app):
    """Boss's report Ann failed MINE saying a formula; another manager's report Cat passed
    THEIRS; Ann also practised THEIRS."""
    with app.app_context():
        boss = factories.user("manager", email="boss@example.com")
        other = factories.user("manager", email="other@example.com")
        factories.user("admin", email="admin@example.com")
        factories.user("trainee", email="tina@example.com", manager=boss)
        ann = factories.user(manager=boss, name="Ann")
        cat = factories.user(manager=other, name="Cat")
        said_red_flag(ann, MINE, FORMULA)
        factories.scored_attempt(cat, THEIRS)
        factories.scored_attempt(ann, THEIRS, mode="practice")


def rows_of(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


@pytest.mark.parametrize("page", PAGES)
def test_a_trainee_finds_no_insight_pages(client, auth, company, page):
    auth.login("tina@example.com")
    assert client.get(page).status_code == 404


def test_someone_logged_out_is_sent_to_log_in(client, company):
    response = client.get("/insight/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_manager_sees_only_their_teams_attempts(client, auth, company):
    auth.login("boss@example.com")
    html = client.get("/insight/").get_data(as_text=True)
    assert f'id="scenario-{MINE}"' in html
    assert f'id="scenario-{THEIRS}"' not in html  # Cat's pass and Ann's practice do not count
    assert "Counting:" in html and 'aria-current="page">Assessed attempts' in html
    assert [r["scenario"] for r in rows_of(client.get("/insight/scenarios.csv"))] == [MINE]


def test_the_practice_switch_shows_practice_attempts_labelled(client, auth, company):
    auth.login("boss@example.com")
    html = client.get("/insight/?mode=practice").get_data(as_text=True)
    assert f'id="scenario-{THEIRS}"' in html and f'id="scenario-{MINE}"' not in html
    assert 'aria-current="page">Practice attempts' in html
    rows = rows_of(client.get("/insight/scenarios.csv?mode=practice"))
    assert [(r["scenario"], r["attempts"]) for r in rows] == [(THEIRS, "1")]
    odd = client.get("/insight/?mode=<script>").get_data(as_text=True)  # read as the default
    assert 'aria-current="page">Assessed attempts' in odd and "<script>" not in odd


def test_an_admin_sees_everyone(client, auth, company):
    auth.login("admin@example.com")
    html = client.get("/insight/").get_data(as_text=True)
    assert f'id="scenario-{MINE}"' in html and f'id="scenario-{THEIRS}"' in html
    # Worst first: MINE (0% passed) before THEIRS (100%).
    assert html.index(f'id="scenario-{MINE}"') < html.index(f'id="scenario-{THEIRS}"')


def test_a_long_table_is_paged_and_its_download_holds_every_scenario(
        client, auth, company, monkeypatch):
    monkeypatch.setattr(insight, "SCENARIOS_PAGE", 1)
    auth.login("admin@example.com")
    first = client.get("/insight/?mode=all").get_data(as_text=True)
    assert f'id="scenario-{MINE}"' in first and f'id="scenario-{THEIRS}"' not in first
    assert "Showing scenarios 1–1 of 2, worst first." in first
    assert 'href="/insight/?page=2&amp;mode=all#scenarios-h" rel="next"' in first
    second = client.get("/insight/?mode=all&page=2").get_data(as_text=True)
    assert f'id="scenario-{THEIRS}"' in second and f'id="scenario-{MINE}"' not in second
    assert 'aria-current="page">Assessed and practice attempts' in second  # the mode is kept
    assert "scenarios with no scored" in second  # the unplayed ones, MINE not among them
    assert "Annual price rise" not in second.split("scenarios with no scored")[1]
    assert client.get("/insight/?page=junk").status_code == 200  # read as the first page
    rows = rows_of(client.get("/insight/scenarios.csv?mode=all"))
    assert [r["scenario"] for r in rows] == [MINE, THEIRS]


def test_a_manager_with_no_attempts_in_the_team_gets_a_helpful_empty_state(client, auth, app):
    with app.app_context():
        factories.user("manager", email="new@example.com")
    auth.login("new@example.com")
    html = client.get("/insight/").get_data(as_text=True)
    assert 'id="insight-empty"' in html and "Count practice attempts too" in html
    assert 'id="scenario-table"' not in html
    assert 'id="category-table"' in html  # the categories still show, with nobody holding


def test_the_scenario_csv_neutralises_a_quote_that_starts_a_formula(client, auth, company):
    auth.login("boss@example.com")
    response = client.get("/insight/scenarios.csv")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    [row] = rows_of(response)
    assert row["red_flag_example_quote"] == "'" + FORMULA
    assert row["red_flags_most_said"] == (
        "Tells him it is his own fault for not reading the contract (1)")
    assert (row["attempts"], row["passed"], row["pass_rate_percent"]) == ("1", "0", "0")
    page = client.get("/insight/").get_data(as_text=True)
    assert "=HYPERLINK(&#34;http://evil.example&#34;" in page  # shown as text, escaped


def test_the_category_csv_has_a_row_per_level(client, auth, company):
    auth.login("boss@example.com")
    rows = rows_of(client.get("/insight/categories.csv"))
    billing = [r for r in rows if r["category"] == "billing-dispute"]
    assert [r["level"] for r in billing] == ["1", "2", "3"]
    assert {r["holders"] for r in rows} == {"0"}


@pytest.fixture
def teams(app):
    """A manager with 3 reports and one with 40, each report with the same history."""
    with app.app_context():
        build_team(factories.user("manager", email="small@example.com"), 3, "Few")
        build_team(factories.user("manager", email="large@example.com"), 40, "Many")
        factories.user("admin", email="admin@example.com")


def costs(client, auth, count_sql, email: str) -> dict:
    auth.login(email)
    found = {}
    for page in PAGES:
        assert client.get(page).status_code == 200, page  # warm up (session, caches)
        with count_sql() as sql:
            assert client.get(page).status_code == 200, page
        found[page] = sql
    auth.logout()
    return found


def test_a_larger_company_costs_the_same_statements(client, auth, count_sql, teams):
    few = costs(client, auth, count_sql, "small@example.com")
    many = costs(client, auth, count_sql, "large@example.com")
    admin = costs(client, auth, count_sql, "admin@example.com")
    for page in PAGES:
        assert few[page].count == many[page].count, f"{page}\n{few[page]}\n\n{many[page]}"
        assert admin[page].count <= many[page].count, f"{page}\n{admin[page]}"
    assert not [s for s in many["/insight/"].statements if "scenario_snapshot" in s]
