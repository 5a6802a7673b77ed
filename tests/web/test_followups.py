"""Variants and follow-ups in use: each attempt stores the variant it drew; a follow-up's case file
shows the person's own earlier promises, or says there are none and plays on a colleague's notes."""

from __future__ import annotations

import pytest
from markupsafe import escape

from trainer.domain.variants import render_variant
from trainer.extensions import db
from trainer.models import Attempt, User
from trainer.services import play
from trainer.services.library import get_library

from .. import factories
from ..conftest import post_form

FIRST, FOLLOW_UP = "billing-double-charge", "billing-double-charge-follow-up"
PROMISE = ("I'm sorry, Grace. I've refunded it under reference RF-90210. I'll ring you by Thursday "
           "at 3pm to confirm it has landed.")


@pytest.fixture
def tara(app):
    with app.app_context():
        return factories.user("trainee", email="tara@example.com", name="Tara Singh").id


def start(client, scenario: str):
    return post_form(client, "/", f"/scenarios/{scenario}/start", data={"mode": "practice"})


def test_each_attempt_draws_a_variant_and_keeps_it(app, ctx):
    app.config["TRAINER_VARIANTS"] = "random"
    person = factories.user()
    seeds = []
    for _ in range(3):
        attempt = play.start_attempt(person, FIRST)
        variant = attempt.scenario_snapshot["variant"]
        template = get_library().templates[FIRST]
        values = variant["values"]
        assert values["amount"] in attempt.turns[0].text  # the customer opens with it
        assert attempt.scenario_snapshot["customer"]["name"] == values["name"]
        # a replay from the stored seed gives the very same scenario
        assert render_variant(template, variant["seed"]) == attempt.scenario
        seeds.append(variant["seed"])
        play.finish_attempt(attempt)
    assert len(set(seeds)) == 3  # a retry never replays one of the last variants


def test_a_follow_up_shows_my_own_promises_from_the_first_contact(app, client, auth, tara):
    app.config["TRAINER_VARIANTS"] = "random"
    with app.app_context():
        first = play.start_attempt(db.session.get(User, tara), FIRST)
        first_values = first.scenario_snapshot["variant"]["values"]
        play.submit_answer(first, PROMISE)
        play.finish_attempt(first)
    auth.login("tara@example.com")
    url = start(client, FOLLOW_UP).headers["Location"]
    page = client.get(url).get_data(as_text=True)
    assert "History" in page and "From your own first contact" in page
    assert str(escape("I'll ring you by Thursday at 3pm to confirm it has landed.")) in page
    assert "Times given: by Thursday at 3pm" in page and "Reference given: RF-90210" in page
    assert str(escape("I'd hear from you by Thursday at 3pm")) in page  # the customer says so
    with app.app_context():
        attempt = db.session.scalars(db.select(Attempt).where(
            Attempt.scenario_id == FOLLOW_UP)).one()
        snapshot = attempt.scenario_snapshot
        assert snapshot["history"][0].startswith("From your own first contact")
        values = snapshot["variant"]["values"]
        assert values["earlier_reference"] == "RF-90210"
        assert values["earlier_by"] == "by Thursday at 3pm"
        # the same customer and figures as the variant played at the first contact
        assert {k: values[k] for k in first_values} == first_values


def test_without_a_first_contact_the_case_file_says_so_and_the_follow_up_plays(app, client,
                                                                               auth, tara):
    auth.login("tara@example.com")
    url = start(client, FOLLOW_UP).headers["Location"]
    page = client.get(url).get_data(as_text=True)
    assert str(escape("You have not handled \u201cCharged twice for the same month\u201d "
                      "yourself")) in page
    assert "RF-55120" in page  # the colleague's reference, from history_default
    with app.app_context():
        attempt = db.session.scalars(db.select(Attempt)).one()
        play.submit_answer(attempt, attempt.scenario_snapshot["model_answer"])
        assert attempt.turns[-1].role == "customer"  # the customer answers; it plays on
