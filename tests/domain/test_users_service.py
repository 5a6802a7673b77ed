"""The users service: creating, changing and importing people, with every refusal and its audit."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from tests import factories
from trainer.extensions import db
from trainer.models import AuditEvent, Department, User, UserSession
from trainer.services.audit import verify_chain
from trainer.services.passwords import check_password
from trainer.services.users import (
    ImportRejected,
    UserError,
    change_role,
    create_user,
    import_users_csv,
    set_active,
    set_password,
)

HEADER = "email,name,department,role,manager_email\n"


def user_count() -> int:
    return db.session.scalar(select(func.count(User.id)))


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def rejected(csv_text: str) -> list[str]:
    with pytest.raises(ImportRejected) as info:
        import_users_csv(csv_text)
    return info.value.problems


# --- create_user ---------------------------------------------------------------------------

def test_create_user_normalises_creates_the_department_and_audits(ctx):
    admin = factories.user("admin")
    boss = factories.user("manager", email="boss@example.com")
    user = create_user("  Ann.Lee@EXAMPLE.com ", " Ann   Lee ", "Trainee", "Deliveries",
                       manager_email="BOSS@example.com", password="correct horse battery",
                       start_date="2026-03-02", actor=admin)
    assert (user.email, user.name, user.role) == ("ann.lee@example.com", "Ann Lee", "trainee")
    assert user.department.name == "Deliveries" and user.manager == boss
    assert user.start_date == date(2026, 3, 2)
    assert check_password(user.password_hash, "correct horse battery")
    [event] = events("user.created")
    assert event.actor_id == admin.id and event.subject == "ann.lee@example.com"
    assert event.detail["department_created"] is True and event.detail["has_password"] is True
    assert verify_chain().ok


def test_create_user_reuses_a_department_whatever_its_case(ctx):
    factories.department("billing")
    user = create_user("a@example.com", "A", "trainee", "BILLING")
    assert user.department.name == "billing"
    assert db.session.scalar(select(func.count(Department.id))) == 1


def test_a_user_created_without_a_password_has_none(ctx):
    user = create_user("nopass@example.com", "No Pass", "manager", "hr")
    assert user.password_hash is None


@pytest.mark.parametrize(("kwargs", "field", "message"), [
    ({"email": "not-an-email"}, "email", "bad email 'not-an-email'"),
    ({"email": ""}, "email", "email is missing"),
    ({"name": "   "}, "name", "name is missing"),
    ({"name": "x" * 121}, "name", "name is longer than 120"),
    ({"role": "boss"}, "role", "unknown role 'boss'"),
    ({"department_name": ""}, "department", "department is missing"),
    ({"manager_email": "ghost@example.com"}, "manager_email", "manager 'ghost@example.com' not "
                                                              "found"),
    ({"password": "short"}, "password", "password refused: Use at least 8"),
    ({"password": "password123"}, "password", "too common"),
    ({"start_date": "02/03/2026"}, "start_date", "is not a date (use YYYY-MM-DD)"),
])
def test_create_user_refuses_each_bad_input(ctx, kwargs, field, message):
    args = {"email": "new@example.com", "name": "New Person", "role": "trainee",
            "department_name": "billing", **kwargs}
    with pytest.raises(UserError) as info:
        create_user(**args)
    assert message in info.value.problems[field]
    assert user_count() == 0 and not events("user.created")


def test_create_user_reports_every_problem_at_once(ctx):
    with pytest.raises(UserError) as info:
        create_user("bad", "", "boss", "")
    assert set(info.value.problems) == {"email", "name", "role", "department"}


def test_create_user_refuses_an_existing_email_in_any_case(ctx):
    factories.user(email="taken@example.com")
    with pytest.raises(UserError) as info:
        create_user("TAKEN@example.com", "Again", "trainee", "billing")
    assert info.value.problems["email"] == "email already exists: taken@example.com"


def test_the_manager_must_be_an_active_manager_or_admin(ctx):
    factories.user("trainee", email="peer@example.com")
    factories.user("manager", email="gone@example.com", active=False)
    with pytest.raises(UserError, match="is a trainee, not a manager or admin"):
        create_user("a@example.com", "A", "trainee", "billing", manager_email="peer@example.com")
    with pytest.raises(UserError, match="is deactivated"):
        create_user("a@example.com", "A", "trainee", "billing", manager_email="gone@example.com")


# --- status, role, password ----------------------------------------------------------------

def test_deactivating_ends_sessions_and_reactivating_is_audited(ctx):
    admin, person = factories.user("admin"), factories.user()
    db.session.add(UserSession(id="a" * 64, user_id=person.id))
    db.session.commit()
    set_active(person, False, actor=admin)
    assert not person.active
    assert db.session.scalar(select(func.count(UserSession.id))) == 0
    set_active(person, True, actor=admin)
    assert person.active
    assert [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))] \
        == ["user.deactivated", "user.reactivated"]
    assert events("user.deactivated")[0].actor_id == admin.id


def test_an_admin_cannot_deactivate_or_demote_themselves(ctx):
    admin = factories.user("admin")
    factories.user("admin")
    with pytest.raises(UserError, match="your own account"):
        set_active(admin, False, actor=admin)
    with pytest.raises(UserError, match="your own admin role"):
        change_role(admin, "manager", actor=admin)
    assert admin.active and admin.is_admin


def test_the_last_active_admin_stays(ctx):
    admin = factories.user("admin")
    with pytest.raises(UserError, match="last active admin"):
        change_role(admin, "trainee")
    with pytest.raises(UserError, match="last active admin"):
        set_active(admin, False)


def test_change_role_is_audited_and_checked(ctx):
    admin, person = factories.user("admin"), factories.user()
    change_role(person, "manager", actor=admin)
    assert person.role == "manager"
    [event] = events("user.role_changed")
    assert event.detail["from"] == "trainee" and event.detail["to"] == "manager"
    assert event.actor_id == admin.id
    with pytest.raises(UserError, match="unknown role 'boss'"):
        change_role(person, "boss", actor=admin)


def test_set_password_checks_the_policy_and_ends_sessions(ctx):
    admin, person = factories.user("admin"), factories.user()
    db.session.add(UserSession(id="b" * 64, user_id=person.id))
    db.session.commit()
    with pytest.raises(UserError, match="at least 8"):
        set_password(person, "short", actor=admin)
    set_password(person, "a brand new passphrase", actor=admin)
    assert check_password(person.password_hash, "a brand new passphrase")
    assert db.session.scalar(select(func.count(UserSession.id))) == 0
    assert events("user.password_set")[0].actor_id == admin.id


# --- import --------------------------------------------------------------------------------

def test_import_creates_users_with_a_manager_defined_later_in_the_file(ctx):
    admin = factories.user("admin")
    factories.department("billing")
    report = import_users_csv(
        HEADER
        + "ann@example.com,Ann Lee,billing,trainee,mo@example.com\n"
        + "\n"
        + "mo@example.com,Mo Khan,Support,manager,\n"
        + "Bo@Example.com,Bo,support,,mo@example.com\n", actor=admin)
    assert [u.line for u in report.users] == [2, 4, 5]
    assert report.departments_created == ("Support",)
    ann = db.session.scalar(select(User).where(User.email == "ann@example.com"))
    assert ann.manager.email == "mo@example.com" and ann.password_hash is None
    bo = db.session.scalar(select(User).where(User.email == "bo@example.com"))
    assert bo.role == "trainee" and bo.department.name == "Support"
    assert len(report.without_password) == 3
    assert any("cannot log in until an admin sets one" in line for line in report.lines())
    assert "Departments created: Support" in report.lines()
    assert len(events("user.created")) == 3
    [summary] = events("users.imported")
    assert summary.actor_id == admin.id and summary.detail["departments_created"] == ["Support"]
    assert verify_chain().ok


def test_import_with_passwords_and_start_dates(ctx):
    report = import_users_csv(
        "Email,Name,Department,Role,Manager_Email,Start_Date,Password\r\n"
        "a@example.com,A,hr,trainee,,2026-01-05,a long passphrase here\r\n"
        "b@example.com,B,hr,trainee,,,\r\n", generate_passwords=True)
    a, b = report.users
    assert a.has_password and a.one_time_password is None
    assert b.one_time_password and not report.without_password
    stored = db.session.scalar(select(User).where(User.email == "b@example.com"))
    assert check_password(stored.password_hash, b.one_time_password)
    assert stored.start_date is None
    assert db.session.scalar(select(User.start_date).where(User.email == "a@example.com")) \
        == date(2026, 1, 5)


def test_import_reports_every_bad_row_by_its_line_and_imports_nothing(ctx):
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
    assert not events("users.imported") and not events("user.created")
    assert db.session.scalar(select(func.count(Department.id))) == 1  # billing, from factories


def test_a_failed_import_creates_no_department(ctx):
    problems = rejected(HEADER + "a@example.com,A,newdept,trainee,\n"
                        + "b@example.com,B,newdept,wizard,\n")
    assert problems == ["line 3: unknown role 'wizard' (use trainee, manager or admin)"]
    assert db.session.scalar(select(func.count(Department.id))) == 0


def test_import_line_numbers_count_quoted_newlines_and_blank_lines(ctx):
    problems = rejected(HEADER + '\n"a@example.com","Ann\nLee",billing,trainee,\n'
                        + "b@example.com,B,billing,chief,\n")
    assert problems == ["line 5: unknown role 'chief' (use trainee, manager or admin)"]


def test_import_refuses_bad_headers_and_empty_files(ctx):
    assert rejected("") == ["line 1: the file is empty (it needs a header row "
                            "email,name,department,role,manager_email and one row per user)"]
    assert rejected(HEADER) == ["line 1: there are no users below the header row"]
    problems = rejected("email,name,dept,role\na@example.com,A,b,trainee\n")
    assert problems[0].startswith("line 1: missing column(s) department, manager_email")
    assert problems[1].startswith("line 1: unknown column(s) dept")


def test_import_refuses_bad_values_in_the_optional_columns(ctx):
    problems = rejected("email,name,department,role,manager_email,start_date,password\n"
                        "a@example.com,A,hr,trainee,,2026-13-01,short\n")
    assert problems == ["line 2: start_date '2026-13-01' is not a date (use YYYY-MM-DD)",
                        "line 2: password refused: Use at least 8 characters."]


def test_import_refuses_self_management_and_loops(ctx):
    problems = rejected(HEADER + "a@example.com,A,hr,manager,a@example.com\n"
                        + "b@example.com,B,hr,manager,c@example.com\n"
                        + "c@example.com,C,hr,manager,b@example.com\n")
    assert problems[0] == "line 2: a user cannot be their own manager"
    assert problems[1].startswith("line 3: manager chain from 'c@example.com' loops back")
    assert problems[2].startswith("line 4: manager chain from 'b@example.com' loops back")


def test_import_reads_bytes_with_a_bom_and_refuses_other_encodings(ctx):
    report = import_users_csv(("\ufeff" + HEADER + "zoë@example.com,Zoë,hr,trainee,\n")
                              .encode("utf-8"))
    assert report.users[0].name == "Zoë"
    with pytest.raises(ImportRejected) as info:
        import_users_csv((HEADER + "x@example.com,Zoë,hr,trainee,\n").encode("latin-1"))
    assert info.value.problems == ['line 2: the file is not UTF-8 text (save it as "CSV UTF-8")']
