"""`trainer users`: create one user or import many from CSV, thin over services.users."""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import click
from flask.cli import with_appcontext

from ..models import ROLES, UserImport
from ..models.user_import import FAILED
from ..services import import_jobs, password_reset
from ..services import users as service
from ..services.user_csv import ImportRejected
from ..services.users import UserError


@click.group("users", help="Create user accounts, one by one or from a CSV file.")
def users_group() -> None:
    pass


def _fail(problems: list[str]) -> NoReturn:
    for problem in problems:
        click.echo(f"error: {problem}", err=True)
    click.get_current_context().exit(1)


@users_group.command("create")
@click.option("--email", required=True, help="Their email address: also their login.")
@click.option("--name", required=True, help="Their full name.")
@click.option("--role", required=True, help=f"One of: {', '.join(ROLES)}.")
@click.option("--department", required=True, help="Created if it does not exist yet.")
@click.option("--manager", "manager_email", help="Email of their manager (a manager or admin).")
@click.option("--start-date", help="First working day, YYYY-MM-DD.")
@click.option("--password", help="Their password (visible in shell history: prefer "
                                 "--password-prompt).")
@click.option("--password-prompt", is_flag=True, help="Ask for the password, hidden.")
@with_appcontext
def create_command(email: str, name: str, role: str, department: str, manager_email: str | None,
                   start_date: str | None, password: str | None, password_prompt: bool) -> None:
    """Create one user. Without a password they cannot log in until one is set."""
    if password is not None and password_prompt:
        _fail(["use either --password or --password-prompt, not both"])
    if password_prompt:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    department_is_new = service.find_department(department) is None
    try:
        user = service.create_user(email, name, role, department, manager_email=manager_email,
                                   password=password, start_date=start_date)
    except UserError as exc:
        _fail(list(exc.problems.values()))
    manager = f", manager {user.manager.email}" if user.manager else ""
    click.echo(f"Created {user.role} {user.email} ({user.name}) in {user.department.name}"
               f"{manager}.")
    if department_is_new:
        click.echo(f"Department created: {user.department.name}")
    if not user.password_hash:
        click.echo("No password set: they cannot log in until an admin sets one.")


@users_group.command("import")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--generate-passwords", is_flag=True,
              help="Give each user without a password a random one-time password, printed once.")
@click.option("--invite", is_flag=True,
              help="Email each new user without a password a link to choose one (needs email "
                   "set up; instead of --generate-passwords).")
@with_appcontext
def import_command(csv_file: Path, generate_passwords: bool, invite: bool) -> None:
    """Import users from CSV_FILE: the whole file is checked first, and nothing is imported
    while any row is wrong. Then the users are created in batches, here, with a progress line.

    Header row: email,name,department,role,manager_email (optional extra columns:
    start_date as YYYY-MM-DD, password). A blank role means trainee. A manager may be
    an existing user or anyone in the file. Missing departments are created.
    """
    if invite and generate_passwords:
        _fail(["use either --invite or --generate-passwords, not both"])
    if invite and not password_reset.is_available():
        _fail(["--invite needs email: set TRAINER_SMTP_URL (or TRAINER_SMTP_HOST) and "
               "TRAINER_BASE_URL"])

    def progress(job: UserImport, lines: list[int]) -> None:
        click.echo(f"{csv_file.name}: {job.done} of {job.total} rows done", err=True)

    try:
        result = import_jobs.import_here(csv_file.read_bytes(), source=csv_file.name,
                                         generate_passwords=generate_passwords, invite=invite,
                                         on_progress=progress)
    except ImportRejected as exc:
        for problem in exc.problems:
            click.echo(f"{csv_file.name}: {problem}", err=True)
        click.echo(f"Nothing was imported: {len(exc.problems)} problem(s) to fix first.",
                   err=True)
        click.get_current_context().exit(1)
    for line in _report(result):
        click.echo(line)
    if result.job.status == FAILED:
        click.echo(f"error: {result.job.message}", err=True)
        click.get_current_context().exit(1)


def _report(result: import_jobs.ImportedHere) -> list[str]:
    """What was imported, line by line, as the admin page shows it in figures."""
    job, created = result.job, set(result.created_lines)
    rows = sorted((row for row in result.rows if row.line in created), key=lambda r: r.line)
    out = [f"Imported {job.created} user(s)" + (f" from {job.source}:" if job.source else ":")]
    out += [f"  line {r.line}: {r.email} ({r.name}), {r.role}, {r.department}"
            + (f", manager {r.manager_key}" if r.manager_key else "") for r in rows]
    out.append("Departments created: " + ", ".join(job.departments_created)
               if job.departments_created else "No departments created.")
    if job.problems:
        out.append(f"{len(job.problems)} row(s) changed since the file was checked:")
        out += [f"  {problem}" for problem in job.problem_lines]
    without = [r.email for r in rows if not r.password and r.line not in result.generated]
    invited = password_reset.import_invitations(job.id)
    if invited.sent or invited.failed:
        out.append(f"Invitations emailed: {invited.sent}" + (
            f"; {invited.failed} not taken by the mail server (invite them again from their "
            "admin page)" if invited.failed else ""))
    elif without:
        out.append(f"{len(without)} user(s) have no password and cannot log in until an admin "
                   "sets one: " + ", ".join(without))
    generated = [(r.email, result.generated[r.line]) for r in rows if r.line in result.generated]
    if generated:
        out.append("One-time passwords, shown only this once (give each to its owner):")
        out += [f"  {email}  {password}" for email, password in generated]
    return out
