"""Who is in a viewer's scope, asked of the database in one statement: the same people as walking
the reporting lines by hand, loops in the lines included."""

from __future__ import annotations

from trainer.extensions import db
from trainer.services.access import scope_ids, scope_query, team_of
from trainer.services.team import people_of

from .. import factories


def walk(manager) -> set[int]:
    """The reporting lines walked in Python, one person at a time: the rule, spelled out."""
    found, frontier = set(), list(manager.reports)
    while frontier:
        person = frontier.pop()
        if person.id not in found and person.id != manager.id:
            found.add(person.id)
            frontier.extend(person.reports)
    return found


def test_the_scope_is_everyone_below_a_manager_at_any_depth(ctx, count_sql):
    boss = factories.user("manager", name="Boss")
    lead = factories.user("manager", manager=boss, name="Lead")
    deep = factories.user(manager=factories.user(manager=lead), name="Deep")
    gone = factories.user(manager=lead, active=False)
    peer = factories.user("manager", name="Peer")
    factories.user(manager=peer)
    factories.user("admin")

    assert set(scope_ids(boss)) == walk(boss) == {lead.id, deep.id, deep.manager_id, gone.id}
    assert set(scope_ids(lead)) == walk(lead) == {deep.id, deep.manager_id, gone.id}
    assert scope_ids(deep) == [] and scope_ids(factories.user("admin")) is None
    assert [p.name for p in team_of(lead)][0] == "Deep"  # by name
    db.session.refresh(boss)
    with count_sql() as sql:
        scope_ids(boss)
    assert sql.count == 1, sql


def test_a_loop_in_the_reporting_lines_ends_and_never_puts_the_viewer_in_scope(ctx):
    boss = factories.user("manager")
    lead = factories.user("manager", manager=boss)
    report = factories.user(manager=lead)
    boss.manager = report  # boss -> lead -> report -> boss
    db.session.commit()
    assert set(scope_ids(boss)) == walk(boss) == {lead.id, report.id}
    assert set(scope_ids(lead)) == walk(lead) == {report.id, boss.id}
    assert {p.id for p in people_of(lead)} == {report.id, boss.id}


def test_the_sql_form_is_what_scope_ids_reads(ctx):
    boss = factories.user("manager")
    factories.user(manager=boss)
    assert set(db.session.scalars(scope_query(boss))) == set(scope_ids(boss))
    assert scope_query(factories.user("admin")) is None
    assert list(db.session.scalars(scope_query(factories.user()))) == []
