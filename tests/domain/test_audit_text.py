"""Audit events read as sentences: who did what to whom, the category's title and level in
words, times to the minute, people and attempts linked only where the viewer may open them, and
plain words (never a dict) for actions nobody taught it."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from trainer.domain.audit_text import describe, wanted
from trainer.domain.audit_words import AttemptInfo, Link, Names, Person
from trainer.domain.authority_text import amount_text, authority_phrase, level_choices
from trainer.domain.library import AuthorityLevel, Category
from trainer.extensions import db
from trainer.models import AuditEvent, User
from trainer.services import audit
from trainer.services.audit_lines import describe_events

from .. import factories


@dataclass
class Event:
    action: str
    detail: Any = field(default_factory=dict)
    actor_id: int | None = None
    subject: str = ""


# As in scenarios/categories.yaml (the domain is tested without the app).
BILLING = Category("billing-dispute", "Billing disputes", "", (
    AuthorityLevel(1, "Resolve with standard remedies", 0, 1, 1),
    AuthorityLevel(2, "Goodwill credit up to 50", 50, 2, 1)))
DELIVERY = Category("delivery-problem", "Delivery problems", "", (
    AuthorityLevel(1, "Rebook and resend under standard rules", 0, 1, 1),
    AuthorityLevel(2, "Goodwill up to 75 and delivery-charge refunds", 75, 2, 1),
    AuthorityLevel(3, "Refunds and replacements up to 1000", 1000, 2, 2)))
CATEGORIES = {c.id: c for c in (BILLING, DELIVERY)}
ANN = Person(1, "Ann Lee", "ann@example.com", linked=True)
TARA = Person(2, "Tara Singh", "tara@example.com", linked=True)
TOM = Person(3, "Tom Other", "tom@example.com", linked=False)  # another team's, for this viewer


def names(categories=None) -> Names:
    people = {p.id: p for p in (ANN, TARA, TOM)}
    return Names(people, {p.email: p for p in people.values()},
                 {12: AttemptInfo(12, 2, "Charged twice for the same month", "attempt"),
                  15: AttemptInfo(15, 2, "Price rise", "attempt"),
                  16: AttemptInfo(16, 3, "Late parcel", "")},
                 CATEGORIES if categories is None else categories)


def text(sentence) -> str:
    return "".join(p.text if isinstance(p, Link) else p for p in sentence)


def links(sentence) -> list[tuple[str, int, str]]:
    return [(p.kind, p.id, p.text) for p in sentence if isinstance(p, Link)]


GRANT = {"clearance": 4, "category": "billing-dispute", "level": 2, "limit": "40.00",
         "expires_at": "2027-12-06T23:59:59.123456+00:00", "basis": [12, 15],
         "overridden_by_granter": [], "exception": False, "as_admin": False}


def test_a_grant_reads_as_a_sentence_with_the_people_and_attempts_linked():
    sentence = describe(Event("clearance.granted", GRANT, 1, "tara@example.com"), names())
    assert text(sentence) == (
        "Manager Ann Lee granted Tara Singh Billing disputes, level 2: goodwill credit up to 50 "
        "(limit 40), until 2027-12-06 23:59 UTC, on the evidence of attempts 12 and 15.")
    assert links(sentence) == [("person", 1, "Ann Lee"), ("person", 2, "Tara Singh"),
                               ("attempt", 12, "12"), ("attempt", 15, "15")]


def test_an_admins_exception_and_the_granters_own_overrides_are_said():
    detail = {**GRANT, "as_admin": True, "exception": True, "basis": [],
              "overridden_by_granter": [16]}
    said = text(describe(Event("clearance.granted", detail, 1, "tara@example.com"), names()))
    assert said.startswith("Admin Ann Lee granted Tara Singh Billing disputes, level 2")
    assert "as an exception (not eligible)" in said
    assert "not counted, as they rest on the granter's own override: attempt 16." in said


def test_someone_the_viewer_may_not_open_is_named_without_a_link():
    sentence = describe(Event("clearance.revoked", {**GRANT, "limit": "0.00", "level": 1}, 1,
                              "tom@example.com"), names())
    assert text(sentence) == ("Ann Lee revoked Tom Other's clearance for Billing disputes, "
                              "level 1: resolve with standard remedies (no money).")
    assert links(sentence) == [("person", 1, "Ann Lee")]


def test_an_override_names_the_attempt_and_says_when_the_verdict_changes():
    detail = {"attempt": 12, "scenario": "billing-double-charge", "dimension": "empathy",
              "scorer": "rules-1", "old_level": 2, "new_level": 3, "original_level": 2,
              "passed_before": False, "passed_after": True}
    sentence = describe(Event("score.overridden", detail, 1, "tara@example.com"), names())
    assert text(sentence) == ("Ann Lee set empathy from level 2 to 3 on Tara Singh's attempt 12 "
                              "(“Charged twice for the same month”); it now passes.")
    assert ("attempt", 12, "attempt 12") in links(sentence)


def test_an_attempt_the_viewer_may_not_open_is_not_linked():
    detail = {"attempt": 16, "levels": {"empathy": 3, "ownership": 3, "accuracy": 2},
              "was_flagged": True, "review_reason": "near-copy"}
    sentence = describe(Event("score.confirmed", detail, 1, "tom@example.com"), names())
    assert text(sentence) == ("Ann Lee confirmed the scores of Tom Other's attempt 16 "
                              "(“Late parcel”): empathy 3, ownership 3, accuracy 2; it had been "
                              "flagged for review (near-copy).")
    assert links(sentence) == [("person", 1, "Ann Lee")]


@pytest.mark.parametrize(("event", "said"), [
    (Event("login.failed", {"reason": "wrong password"}, None, "nobody@example.com"),
     "Failed login as nobody@example.com: wrong password."),
    (Event("login.succeeded", {}, 2, "tara@example.com"), "Tara Singh logged in."),
    (Event("token.created", {"token_id": 3, "hint": "x1y2"}, 1, "Helpdesk"),
     "Ann Lee created API token “Helpdesk” (ending x1y2)."),
    (Event("user.role_changed", {"from": "manager", "to": "trainee", "reports": 3}, 1,
           "tom@example.com"),
     "Ann Lee changed Tom Other's role from manager to trainee (3 reports at the time)."),
    (Event("user.created", {"role": "admin", "department": "billing", "department_created": True,
                            "manager": "ann@example.com", "has_password": False}, None,
           "tara@example.com"),
     "The system added Tara Singh as an admin in billing (a new department), reporting to Ann "
     "Lee, without a password yet."),
    (Event("clearance.renewed", {"clearance": 4, "category": "delivery-problem", "level": 2,
                                 "old_expires_at": "2027-01-01T10:00:00.5+00:00",
                                 "expires_at": "2027-12-06T09:30:00.999+00:00"},
           None, "tara@example.com"),
     "Tara Singh's clearance for Delivery problems, level 2: goodwill up to 75 and delivery-"
     "charge refunds was renewed until 2027-12-06 09:30 UTC (it was to end 2027-01-01 10:00 "
     "UTC)."),
])
def test_each_known_action_is_a_plain_sentence(event, said):
    assert text(describe(event, names())) == said


def test_an_unknown_action_falls_back_to_words_never_a_dict():
    detail = {"as_admin": False, "basis": [2], "changed_at": "2026-12-06T06:10:11.123456+00:00",
              "fields": {"name": "Tara S", "active": True}, "note": None}
    said = text(describe(Event("user.updated", detail, 1, "tara@example.com"), names()))
    assert said == ("Ann Lee: user updated (Tara Singh). As admin: no; basis: 2; changed at: "
                    "2026-12-06 06:10 UTC; fields: name Tara S, active yes; note: none.")
    for raw in ("{", "}", "[", "True", "False", "None", "'", ".123456"):
        assert raw not in said


def test_a_known_action_with_an_odd_detail_falls_back_instead_of_failing():
    said = text(describe(Event("clearance.granted", {"level": "two"}, 1, "tara@example.com"),
                         names()))
    assert said == "Ann Lee: clearance granted (Tara Singh). Level: two."
    assert text(describe(Event("something.odd", ["not", "a", "dict"], None, "X"), names())) \
        == "The system: something odd (X). Not, a, dict."


def test_a_category_no_longer_in_the_library_is_named_by_its_id():
    assert text(describe(Event("clearance.revoked", {**GRANT, "category": "old-cat"}, 1,
                               "tara@example.com"), names(categories={}))) == \
        "Ann Lee revoked Tara Singh's clearance for old-cat, level 2 (limit 40)."


def test_wanted_lists_every_person_and_attempt_a_page_names():
    need = wanted([Event("clearance.granted", {**GRANT, "overridden_by_granter": [16]}, 1,
                         "Tara@Example.com"),
                   Event("user.created", {"manager": "ann@example.com"}, None, "new@example.com"),
                   Event("token.created", {"token_id": 9}, 5, "Helpdesk")])
    assert need.user_ids == {1, 5}
    assert need.emails == {"tara@example.com", "ann@example.com", "new@example.com"}
    assert need.attempt_ids == {12, 15, 16}  # not the clearance's or the token's id


def test_amounts_levels_and_phrases_in_words():
    assert [amount_text(v) for v in ("75.00", Decimal("49.5"), 0, 75.0)] == \
        ["75", "49.50", "0", "75"]
    assert authority_phrase(DELIVERY, DELIVERY.id, 2, "75.00") == \
        "Delivery problems, level 2: goodwill up to 75 and delivery-charge refunds (limit 75)"
    assert level_choices([DELIVERY]) == {"Delivery problems": [
        ("delivery-problem:1", "Level 1: Rebook and resend under standard rules (no money)"),
        ("delivery-problem:2",
         "Level 2: Goodwill up to 75 and delivery-charge refunds (at most 75)"),
        ("delivery-problem:3", "Level 3: Refunds and replacements up to 1000 (at most 1000)")]}


@pytest.fixture
def two_teams(ctx):
    admin = factories.user("admin", email="admin@example.com", name="Ada Admin")
    ann = factories.user("manager", email="ann@example.com", name="Ann Lee")
    other = factories.user("manager", email="other@example.com", name="Oli Other")
    tara = factories.user("trainee", email="tara@example.com", name="Tara Singh", manager=ann)
    tom = factories.user("trainee", email="tom@example.com", name="Tom Other", manager=other)
    mine = factories.scored_attempt(tara, "billing-double-charge")
    theirs = factories.scored_attempt(tom, "billing-double-charge")
    for person, attempt, boss in ((tara, mine, ann), (tom, theirs, other)):
        audit.record("score.confirmed", boss, person.email, "", {"attempt": attempt.id})
    db.session.commit()
    return {"admin": admin, "ann": ann, "tara": tara, "tom": tom, "mine": mine.id,
            "theirs": theirs.id}


def page_lines(viewer):
    events = list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)))
    return [(text(line.sentence), links(line.sentence), links(line.actor))
            for line in describe_events(events, viewer)]


def test_a_manager_sees_only_their_own_team_linked(two_teams):
    ann, tara = two_teams["ann"], two_teams["tara"]
    mine, theirs = page_lines(ann)
    assert mine[1] == [("person", tara.id, "Tara Singh"), ("attempt", two_teams["mine"],
                                                           "attempt " + str(two_teams["mine"]))]
    assert mine[2] == []  # oneself: named, not linked (one's own person page is not found)
    assert theirs[0].startswith("Oli Other confirmed the scores of Tom Other's attempt")
    assert theirs[1] == [] and theirs[2] == []


def test_an_admin_sees_everyone_linked_and_their_own_attempt_on_their_scorecard(two_teams):
    admin = two_teams["admin"]
    tom_line = page_lines(admin)[1]
    assert [(kind, name) for kind, _, name in tom_line[1]][:2] == [("person", "Oli Other"),
                                                                   ("person", "Tom Other")]
    assert tom_line[1][2][0] == "attempt" and tom_line[2][0][2] == "Oli Other"
    tara = two_teams["tara"]
    assert page_lines(tara)[0][1] == [("own", two_teams["mine"], f"attempt {two_teams['mine']}")]


def test_a_page_of_events_costs_two_queries_however_many_people_it_names(two_teams, count_sql):
    events = list(db.session.scalars(select(AuditEvent)))
    admin = db.session.get(User, two_teams["admin"].id)  # loaded, as on a page
    with count_sql() as sql:
        lines = describe_events(events, admin)
    assert len(lines) == 2
    assert sql.count == 2, sql
