"""Checking a staff CSV before anything is imported, without HTTP: every bad row reported by its
line (quoted newlines and blank lines counted), bad headers, values, encodings and management
loops refused, and nothing stored."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests import factories
from trainer.extensions import db
from trainer.models import Department, User, UserImport
from trainer.services.user_csv import ImportRejected, check_csv

from .test_user_import import HEADER


def user_count() -> int:
    return db.session.scalar(select(func.count(User.id)))


def rejected(csv_text: str | bytes) -> list[str]:
    with pytest.raises(ImportRejected) as info:
        check_csv(csv_text)
    return info.value.problems


def test_every_bad_row_is_reported_by_its_line_and_nothing_is_stored(ctx):
    factories.user(email="taken@example.com")
    factories.user("trainee", email="peer@example.com")
    before = user_count()
    problems = rejected(
        HEADER                                                     # line 1
        + "ok@example.com,Fine,billing,trainee,\n"                 # line 2
        + "not-an-email,Bad Email,billing,trainee,\n"              # line 3
        + "boss@example.com,Boss,billing,boss,\n"                  # line 4
        + "noname@example.com,,billing,trainee,\n"                 # line 5
        + "ok@example.com,Twice,billing,trainee,\n"                # line 6
        + "orphan@example.com,Orphan,billing,trainee,x@y\n"        # line 7
        + "peon@example.com,Peon,billing,trainee,peer@example.com\n"  # line 8
        + "taken@example.com,Taken,billing,trainee,\n"             # line 9
        + "short@example.com,Short,billing\n"                      # line 10
        + "date@example.com,Date,,trainee,\n")                     # line 11
    assert problems[0].startswith("line 3: bad email 'not-an-email'")
    assert problems[1:] == [
        "line 4: unknown role 'boss' (use trainee, manager or admin)",
        "line 5: name is missing",
        "line 6: duplicate email ok@example.com (already on line 2)",
        "line 7: manager 'x@y' not found",
        "line 8: manager 'peer@example.com' is a trainee, not a manager or admin",
        "line 9: email already exists: taken@example.com",
        "line 10: expected 5 values, found 3",
        "line 11: department is missing",
    ]
    assert user_count() == before
    assert db.session.scalar(select(func.count(UserImport.id))) == 0
    assert db.session.scalar(select(func.count(Department.id))) == 1  # billing, from factories


def test_line_numbers_count_quoted_newlines_and_blank_lines(ctx):
    problems = rejected(HEADER + '\n"a@example.com","Ann\nLee",billing,trainee,\n'
                        + "b@example.com,B,billing,chief,\n")
    assert problems == ["line 5: unknown role 'chief' (use trainee, manager or admin)"]


def test_bad_headers_and_empty_files_are_refused(ctx):
    assert rejected("") == ["line 1: the file is empty (it needs a header row "
                            "email,name,department,role,manager_email and one row per user)"]
    assert rejected(HEADER) == ["line 1: there are no users below the header row"]
    problems = rejected("email,name,dept,role\na@example.com,A,b,trainee\n")
    assert problems[0].startswith("line 1: missing column(s) department, manager_email")
    assert problems[1].startswith("line 1: unknown column(s) dept")


def test_bad_values_in_the_optional_columns_are_refused(ctx):
    problems = rejected("email,name,department,role,manager_email,start_date,password\n"
                        "a@example.com,A,hr,trainee,,2026-13-01,short\n")
    assert problems == ["line 2: start_date '2026-13-01' is not a date (use YYYY-MM-DD)",
                        "line 2: password refused: Use at least 8 characters."]


def test_self_management_and_loops_are_refused(ctx):
    problems = rejected(HEADER + "a@example.com,A,hr,manager,a@example.com\n"
                        + "b@example.com,B,hr,manager,c@example.com\n"
                        + "c@example.com,C,hr,manager,b@example.com\n")
    assert problems[0] == "line 2: a user cannot be their own manager"
    assert problems[1].startswith("line 3: manager chain from 'c@example.com' loops back")
    assert problems[2].startswith("line 4: manager chain from 'b@example.com' loops back")


def test_bytes_with_a_bom_are_read_and_other_encodings_refused(ctx):
    [row] = check_csv(("\ufeff" + HEADER + "zoë@example.com,Zoë,hr,trainee,\n").encode())
    assert row.name == "Zoë"
    assert rejected((HEADER + "x@example.com,Zoë,hr,trainee,\n").encode("latin-1")) == [
        'line 2: the file is not UTF-8 text (save it as "CSV UTF-8")']
