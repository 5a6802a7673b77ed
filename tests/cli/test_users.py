"""`trainer users create` and `trainer users import`: exit codes and what they print."""

from __future__ import annotations

from sqlalchemy import func, select

from tests import factories
from trainer.extensions import db
from trainer.models import User
from trainer.services.passwords import check_password

HEADER = "email,name,department,role,manager_email\n"


def count_users(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(User.id)))


def test_create_prints_the_user_and_the_new_department(app, runner):
    result = runner.invoke(args=["users", "create", "--email", "Ann@Example.com", "--name",
                                 "Ann Lee", "--role", "admin", "--department", "operations"])
    assert result.exit_code == 0, result.output
    assert "Created admin ann@example.com (Ann Lee) in operations." in result.stdout
    assert "Department created: operations" in result.stdout
    assert "cannot log in until an admin sets one" in result.stdout
    assert count_users(app) == 1


def test_create_with_a_prompted_password_and_a_manager(app, runner):
    with app.app_context():
        factories.user("manager", email="mo@example.com")
    result = runner.invoke(args=["users", "create", "--email", "b@example.com", "--name", "B",
                                 "--role", "trainee", "--department", "billing", "--manager",
                                 "mo@example.com", "--password-prompt"],
                           input="a fine passphrase\na fine passphrase\n")
    assert result.exit_code == 0, result.output
    assert "manager mo@example.com" in result.stdout
    assert "Department created" not in result.stdout
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "b@example.com"))
        assert check_password(user.password_hash, "a fine passphrase")


def test_create_prints_every_problem_to_stderr_and_exits_1(app, runner):
    result = runner.invoke(args=["users", "create", "--email", "nope", "--name", "N", "--role",
                                 "boss", "--department", "x", "--manager", "ghost@example.com",
                                 "--password", "short"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "error: bad email 'nope'" in result.stderr
    assert "error: unknown role 'boss'" in result.stderr
    assert "error: manager 'ghost@example.com' not found" in result.stderr
    assert "error: password refused" in result.stderr
    assert count_users(app) == 0


def test_import_prints_the_report(app, runner, tmp_path):
    path = tmp_path / "staff.csv"
    path.write_text(HEADER + "ann@example.com,Ann,billing,trainee,mo@example.com\n"
                    + "mo@example.com,Mo,billing,manager,\n")
    result = runner.invoke(args=["users", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "Imported 2 user(s) from staff.csv:" in result.stdout
    assert "line 2: ann@example.com (Ann), trainee, billing, manager mo@example.com" \
        in result.stdout
    assert "Departments created: billing" in result.stdout
    assert "2 user(s) have no password and cannot log in until an admin sets one" \
        in result.stdout
    assert count_users(app) == 2


def test_import_generates_one_time_passwords_on_request(app, runner, tmp_path):
    path = tmp_path / "staff.csv"
    path.write_text(HEADER + "ann@example.com,Ann,billing,trainee,\n")
    result = runner.invoke(args=["users", "import", str(path), "--generate-passwords"])
    assert result.exit_code == 0, result.output
    assert "One-time passwords, shown only this once" in result.stdout
    password = result.stdout.strip().splitlines()[-1].split()[-1]
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "ann@example.com"))
        assert check_password(user.password_hash, password)


def test_a_bad_import_lists_every_problem_exits_1_and_imports_nothing(app, runner, tmp_path):
    path = tmp_path / "staff.csv"
    path.write_text(HEADER + "ann@example.com,Ann,billing,trainee,\n"
                    + "bob@example.com,Bob,billing,boss,\n"
                    + "cy@example.com,Cy,billing,trainee,x@y\n")
    result = runner.invoke(args=["users", "import", str(path)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "staff.csv: line 3: unknown role 'boss'" in result.stderr
    assert "staff.csv: line 4: manager 'x@y' not found" in result.stderr
    assert "Nothing was imported: 2 problem(s) to fix first." in result.stderr
    assert count_users(app) == 0


def test_import_shows_its_progress_batch_by_batch(app, runner, tmp_path, monkeypatch):
    from trainer.services import user_import

    monkeypatch.setattr(user_import, "BATCH_SIZE", 2)
    path = tmp_path / "staff.csv"
    path.write_text(HEADER + "".join(f"p{i}@example.com,P {i},billing,trainee,\n"
                                     for i in range(5)))
    result = runner.invoke(args=["users", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == ["staff.csv: 2 of 5 rows done",
                                          "staff.csv: 4 of 5 rows done",
                                          "staff.csv: 5 of 5 rows done"]
    assert "Imported 5 user(s) from staff.csv:" in result.stdout
    assert count_users(app) == 5


def test_an_import_that_fails_midway_says_what_was_not_imported(app, runner, tmp_path,
                                                                 monkeypatch):
    from trainer.services import passwords

    def broken(password):
        raise RuntimeError("no hashing today")

    monkeypatch.setattr(passwords, "hash_password", broken)
    path = tmp_path / "staff.csv"
    path.write_text("email,name,department,role,manager_email,password\n"
                    "ann@example.com,Ann,billing,trainee,,a long passphrase\n")
    result = runner.invoke(args=["users", "import", str(path)])
    assert result.exit_code == 1
    assert "Imported 0 user(s) from staff.csv:" in result.stdout
    assert ("error: The import stopped at an unexpected error (RuntimeError); the server log "
            "has the details. Users created: 0 of 1. Not imported: line 2; upload a file with "
            "only those rows to import them.") in result.stderr
    assert count_users(app) == 0
