"""The `trainer` command: thin click commands over services, grouped by topic."""

from __future__ import annotations

from flask import Flask
from flask.cli import FlaskGroup, routes_command, shell_command


def _cli_app() -> Flask:
    from .. import create_app

    return create_app({"TRAINER_CLI": True})


cli = FlaskGroup(create_app=_cli_app, add_default_commands=False, add_version_option=False,
                 load_dotenv=False,
                 help="Trainer: complaint-handling practice, scoring and resolution authority.")
cli.add_command(shell_command)
cli.add_command(routes_command)


def register_cli(app: Flask) -> None:
    """Commands that need the app (database, config) hang off app.cli, which `trainer` merges."""
    from .app import demo_command, init_db_command, run_command
    from .audit import audit_group
    from .clearances import clearances_group
    from .labels import labels_group
    from .tokens import tokens_group
    from .tracks import tracks_group
    from .users import users_group
    from .worker import sweep_command, worker_command

    for command in (run_command, demo_command, init_db_command, users_group, tokens_group,
                    audit_group, clearances_group, tracks_group, labels_group, worker_command,
                    sweep_command):
        app.cli.add_command(command)


def main() -> None:
    from .library import score_command, validate_command

    cli.add_command(validate_command)
    cli.add_command(score_command)
    from ..services.audit import AuditKeyMissing

    try:
        cli.main(prog_name="trainer")
    except AuditKeyMissing as exc:  # any command that audits: a message, not a traceback
        raise SystemExit(f"Error: {exc}") from None
