"""Tracks on a real database: statuses, overdue people, the report, and rotation renewals."""

from __future__ import annotations

import csv
import io
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from trainer import create_app
from trainer.domain.errors import LibraryError
from trainer.domain.qualification import add_months
from trainer.extensions import db
from trainer.models import Attempt, AuditEvent, Clearance
from trainer.models._types import utcnow
from trainer.services import tracks as service
from trainer.services.clearances import grant_clearance
from trainer.services.library import get_library

from .. import factories

ROOT = Path(__file__).resolve().parents[2]


def _today() -> date:
    return utcnow().date()


def test_a_new_hire_sees_onboarding_and_rotation(ctx):
    hire = factories.user()
    hire.start_date = _today() - timedelta(days=10)
    wanted = service.get_tracks().onboarding.scenarios_for("billing")
    factories.scored_attempt(hire, wanted[0])
    onboarding, rotation = service.statuses_for(hire)
    assert (onboarding.track, onboarding.state) == ("onboarding", "due")
    assert onboarding.due_date == hire.start_date + timedelta(days=30)
    assert onboarding.missing == wanted[1:]
    assert (rotation.track, rotation.due_date) == ("rotation", add_months(hire.start_date, 12))


def test_overdue_people_are_the_managers_own_team_only(ctx):
    boss = factories.user("manager")
    late = factories.user(name="Late Larry", manager=boss)
    late.start_date = _today() - timedelta(days=45)
    fresh = factories.user(name="Fresh Fiona", manager=boss)
    fresh.start_date = _today()
    elsewhere = factories.user(name="Elsewhere Ed")
    elsewhere.start_date = late.start_date
    db.session.commit()
    overdue = service.overdue_people(boss)
    assert [(p.name, s.track) for p, s in overdue] == [("Late Larry", "onboarding")]
    assert {p.name for p, _ in service.overdue_people(factories.user("admin"))} == {
        "Late Larry", "Elsewhere Ed"}
    assert service.overdue_people(late) == []


def test_report_rows_have_one_row_per_person_per_track(ctx):
    boss = factories.user("manager", email="boss@example.com", dept="deliveries")
    person = factories.user(email="ann@example.com", name="Ann", manager=boss, dept="deliveries")
    person.start_date = date(2026, 1, 5)
    db.session.commit()
    rows = service.track_report_rows(date(2026, 3, 1))
    mine = [r for r in rows if r["email"] == "ann@example.com"]
    assert [r["track"] for r in mine] == ["onboarding", "rotation"]
    assert mine[0] == {"email": "ann@example.com", "name": "Ann", "department": "deliveries",
                       "manager_email": "boss@example.com", "track": "onboarding",
                       "state": "overdue", "due_date": "2026-02-04", "completed_at": "",
                       "missing": " ".join(service.get_tracks().onboarding
                                           .scenarios_for("deliveries"))}
    assert mine[1]["state"] == "due" and mine[1]["due_date"] == "2027-01-05"


def test_completing_the_rotation_renews_the_covered_clearances(ctx):
    boss = factories.user("manager")
    person = factories.user(manager=boss)
    rotation = service.get_tracks().rotation
    category = rotation.renews[0]
    clearance = grant_clearance(boss, person, category, 1, 0, justification="Cover",
                                expires_at=utcnow() + timedelta(days=5))
    *first, last = rotation.scenarios
    for scenario_id in first:
        assert service.after_attempt_scored(factories.scored_attempt(person, scenario_id)) == []
    assert service.after_attempt_scored(factories.scored_attempt(person, last, passed=False)) \
        == []
    final = factories.scored_attempt(person, last)
    assert service.after_attempt_scored(final) == [clearance]
    assert clearance.expires_at == add_months(final.finished_at, 12)
    assert db.session.scalar(select(AuditEvent.action).order_by(AuditEvent.id.desc())
                             .limit(1)) == "clearance.renewed"
    again = factories.scored_attempt(person, last)  # one pass does not complete a new cycle
    assert service.after_attempt_scored(again) == []
    assert [s.state for s in service.statuses_for(person) if s.track == "rotation"] == ["done"]


def test_a_broken_tracks_file_stops_start_up_with_its_line(tmp_path):
    """The tracks are read with the library (get_tracks has no loader of its own)."""
    shutil.copytree(ROOT / "scenarios", tmp_path / "scenarios")
    (tmp_path / "scenarios" / "tracks.yaml").write_text(
        "rotation:\n  every_months: 12\n  scenarios: [no-such-scenario]\n")
    with pytest.raises(LibraryError) as caught:
        create_app({"SECRET_KEY": "k", "TRAINER_AUDIT_KEY": "a",
                    "SCENARIOS_DIR": tmp_path / "scenarios",
                    "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})
    assert str(caught.value).endswith("tracks.yaml:3: field 'rotation.scenarios[0]': unknown "
                                      "scenario 'no-such-scenario' (no such scenario in the "
                                      "library)")


def test_clearances_outside_the_rotation_are_left_alone(ctx):
    person = factories.user()
    uncovered = next(c for c in get_library().categories
                     if c not in service.get_tracks().rotation.renews)
    db.session.add(Clearance(user_id=person.id, category=uncovered, level=1, limit=0,
                             granted_at=utcnow(), expires_at=utcnow() + timedelta(days=3)))
    db.session.commit()
    for scenario_id in service.get_tracks().rotation.scenarios:
        factories.scored_attempt(person, scenario_id)
    last = db.session.scalar(select(Clearance))
    before = last.expires_at
    final = db.session.scalars(select(Attempt).order_by(Attempt.id.desc())).first()
    assert service.after_attempt_scored(final) == []
    assert last.expires_at == before


def test_tracks_report_cli_writes_csv_to_stdout_and_to_a_file(app, runner, tmp_path):
    with app.app_context():
        person = factories.user(email="cli@example.com")
        person.start_date = date(2026, 1, 5)
        db.session.commit()
    result = runner.invoke(args=["tracks", "report", "--as-of", "2026-01-06"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert list(rows[0]) == list(service.REPORT_COLUMNS)
    assert {(r["email"], r["track"], r["state"]) for r in rows} == {
        ("cli@example.com", "onboarding", "due"), ("cli@example.com", "rotation", "due")}
    out = tmp_path / "report.csv"
    result = runner.invoke(args=["tracks", "report", "--output", str(out)])
    assert result.exit_code == 0 and "Wrote 2 row(s)" in result.output
    assert out.read_text().splitlines()[0] == ",".join(service.REPORT_COLUMNS)
    bad = runner.invoke(args=["tracks", "report", "--as-of", "5 January"])
    assert bad.exit_code == 1 and "YYYY-MM-DD" in bad.output


def test_tracks_report_cli_neutralises_formulas_in_names_and_departments(app, runner):
    hostile = {"=HYPERLINK(\"http://evil.example\",\"x\")": "+SUM(1+1)", "@SUM(1)": "-2+3",
               "\t=1+1": "\r=1+1"}
    with app.app_context():
        for name, department in hostile.items():
            factories.user(name=name, dept=department)
    result = runner.invoke(args=["tracks", "report"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    got = {(r["name"], r["department"]) for r in rows}
    assert got >= {("'" + name, "'" + department) for name, department in hostile.items()}
    assert not any(cell[:1] in "=+-@\t\r" for row in rows for cell in row.values() if cell)
