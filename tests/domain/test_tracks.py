"""Tracks, pure: reading tracks.yaml with file:line problems, onboarding and rotation dates."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from trainer.domain.loading import load_library
from trainer.domain.tracks import (
    Onboarding,
    Pass,
    Rotation,
    check_tracks,
    onboarding_status,
    rotation_completions,
    rotation_status,
)

ROOT = Path(__file__).resolve().parents[2]
ONBOARDING = Onboarding(due_days=30, departments={"billing": ("b-one", "b-two"),
                                                  "default": ("d-one",)})
ROTATION = Rotation(every_months=12, scenarios=("r-one", "r-two"), renews=("billing-dispute",))
START = date(2026, 1, 10)


def test_the_shipped_tracks_file_names_only_real_scenarios_and_categories():
    library = load_library(ROOT / "scenarios", ROOT / "rubrics")
    tracks, problems = check_tracks(ROOT / "scenarios" / "tracks.yaml", library.scenarios,
                                    library.categories)
    assert problems == []
    assert tracks.onboarding and tracks.onboarding.scenarios_for("no-such-department")
    assert tracks.rotation and len(tracks.rotation.scenarios) >= 3
    assert set(tracks.rotation.renews) <= set(library.categories)
    assert tracks.onboarding.assessed and tracks.rotation.assessed  # only assessed passes count


def test_unknown_scenarios_categories_and_fields_are_reported_at_their_line(tmp_path):
    path = tmp_path / "tracks.yaml"
    path.write_text("""\
onboarding:
  due_days: 30
  departments:
    billing:
      - known-one
      - billing-double-chrage
      - known-one
rotation:
  every_month: 12
  scenarios: [known-one]
  renews: [no-such-category]
""")
    tracks, problems = check_tracks(path, {"known-one", "billing-double-charge"},
                                    {"billing-dispute"})
    lines = [(p.line, p.message) for p in problems]
    assert (6, "field 'onboarding.departments.billing[1]': unknown scenario "
               "'billing-double-chrage' (did you mean 'billing-double-charge'?)") in lines
    assert (7, "field 'onboarding.departments.billing[2]': 'known-one' is listed twice") in lines
    assert (9, "unknown field 'rotation.every_month' (did you mean 'every_months'?)") in lines
    assert (8, "missing required field 'rotation.every_months'") in lines
    assert any(line == 11 and "unknown category 'no-such-category'" in message
               for line, message in lines)
    assert all(p.file == str(path) for p in problems)
    assert tracks.onboarding.departments["billing"] == ("known-one",)


def test_no_tracks_file_means_no_tracks(tmp_path):
    tracks, problems = check_tracks(tmp_path / "tracks.yaml", set(), set())
    assert problems == [] and tracks.onboarding is None and tracks.rotation is None


def test_a_yaml_syntax_error_is_one_problem(tmp_path):
    path = tmp_path / "tracks.yaml"
    path.write_text("rotation: [unclosed\n")
    _, problems = check_tracks(path, set(), set())
    assert len(problems) == 1 and "YAML syntax error" in problems[0].message


def test_onboarding_is_due_until_its_due_date_and_overdue_the_day_after():
    due = date(2026, 2, 9)
    assert onboarding_status(ONBOARDING, START, "billing", [], due).state == "due"
    late = onboarding_status(ONBOARDING, START, "billing", [Pass("b-one", START)],
                             date(2026, 2, 10))
    assert (late.state, late.due_date, late.missing) == ("overdue", due, ("b-two",))


def test_onboarding_is_done_when_every_scenario_of_the_department_is_passed():
    passes = [Pass("b-two", date(2026, 1, 20)), Pass("b-one", date(2026, 1, 12)),
              Pass("b-two", date(2026, 3, 1))]
    status = onboarding_status(ONBOARDING, START, "billing", passes, date(2026, 6, 1))
    assert (status.state, status.completed_at, status.missing) == ("done", date(2026, 1, 20), ())


def test_other_departments_get_the_default_set_or_none():
    status = onboarding_status(ONBOARDING, START, "engineering", [], START)
    assert status.missing == ("d-one",)
    no_default = Onboarding(30, {"billing": ("b-one",)})
    assert onboarding_status(no_default, START, "engineering", [], START) is None


def test_without_a_start_date_nobody_is_overdue():
    status = onboarding_status(ONBOARDING, None, "billing", [], date(2030, 1, 1))
    assert (status.state, status.due_date) == ("due", None)
    assert rotation_status(ROTATION, None, [], date(2030, 1, 1)).state == "due"


def test_a_rotation_never_completed_is_due_twelve_months_after_the_start_date():
    status = rotation_status(ROTATION, START, [Pass("r-one", date(2026, 5, 1))],
                             date(2027, 1, 10))
    assert (status.state, status.due_date, status.missing) == ("due", date(2027, 1, 10),
                                                                ("r-two",))
    assert rotation_status(ROTATION, START, [], date(2027, 1, 11)).state == "overdue"


def test_a_completed_rotation_is_done_then_due_thirty_days_ahead_then_overdue():
    passes = [Pass("r-one", date(2026, 3, 1), 1), Pass("r-two", date(2026, 4, 15), 2)]
    assert [p.attempt_id for p in rotation_completions(ROTATION, passes)] == [2]
    done = rotation_status(ROTATION, START, passes, date(2027, 3, 15))
    assert (done.state, done.completed_at, done.due_date) == ("done", date(2026, 4, 15),
                                                              date(2027, 4, 15))
    assert done.missing == ()
    due = rotation_status(ROTATION, START, passes, date(2027, 3, 16))
    assert (due.state, due.missing) == ("due", ("r-one", "r-two"))
    assert rotation_status(ROTATION, START, passes, date(2027, 4, 15)).state == "due"
    assert rotation_status(ROTATION, START, passes, date(2027, 4, 16)).state == "overdue"


def test_passes_further_apart_than_one_cycle_do_not_complete_it():
    passes = [Pass("r-one", date(2026, 1, 15)), Pass("r-two", date(2027, 1, 15))]
    assert rotation_completions(ROTATION, passes) == []
    status = rotation_status(ROTATION, START, passes, date(2027, 1, 16))
    assert (status.state, status.missing) == ("overdue", ("r-one",))
    assert rotation_completions(ROTATION, [*passes, Pass("r-one", date(2027, 2, 1), 9)])[-1] \
        .attempt_id == 9


def test_each_cycle_needs_fresh_passes_and_due_moves_with_the_last_completion():
    passes = [Pass("r-one", date(2026, 2, 1), 1), Pass("r-two", date(2026, 2, 2), 2),
              Pass("r-two", date(2026, 2, 3), 3),  # after completing: counts for the next cycle
              Pass("r-one", date(2027, 1, 20), 4)]
    assert [p.attempt_id for p in rotation_completions(ROTATION, passes)] == [2, 4]
    status = rotation_status(ROTATION, START, passes, date(2027, 2, 1))
    assert (status.state, status.completed_at, status.due_date) == ("done", date(2027, 1, 20),
                                                                    date(2028, 1, 20))


def test_passes_after_today_are_not_counted():
    passes = [Pass("r-one", date(2026, 3, 1)), Pass("r-two", date(2026, 9, 1))]
    assert rotation_status(ROTATION, START, passes, date(2026, 8, 31)).completed_at is None


def test_a_track_that_asks_for_assessed_passes_counts_only_admissible_ones():
    assessed = Rotation(every_months=12, scenarios=("r-one", "r-two"), assessed=True)
    practice = [Pass("r-one", date(2026, 3, 1), 1), Pass("r-two", date(2026, 3, 2), 2)]
    assert rotation_completions(ROTATION, practice)  # a track without the flag takes any pass
    assert rotation_completions(assessed, practice) == []
    mixed = [*practice, Pass("r-one", date(2026, 3, 3), 3, admissible=True),
             Pass("r-two", date(2026, 3, 4), 4, admissible=True)]
    assert [p.attempt_id for p in rotation_completions(assessed, mixed)] == [4]
    status = rotation_status(assessed, START, practice, date(2026, 4, 1))
    assert status.state == "due" and status.missing == ("r-one", "r-two")
    onboarding = Onboarding(due_days=30, departments={"billing": ("b-one",)}, assessed=True)
    assert onboarding_status(onboarding, START, "billing", [Pass("b-one", START)],
                             START).missing == ("b-one",)
    done = onboarding_status(onboarding, START, "billing",
                             [Pass("b-one", START, admissible=True)], START)
    assert done.state == "done"


def test_assessed_is_read_from_either_track_and_must_be_true_or_false(tmp_path):
    path = tmp_path / "tracks.yaml"
    path.write_text("""\
onboarding:
  due_days: 30
  assessed: yes please
  departments: {default: [known-one]}
rotation:
  every_months: 12
  assessed: true
  scenarios: [known-one]
""")
    tracks, problems = check_tracks(path, {"known-one"}, set())
    assert [(p.line, p.message) for p in problems] == [
        (3, "field 'onboarding.assessed' must be true or false, got 'yes please'")]
    assert tracks.rotation.assessed and not tracks.onboarding.assessed

