"""The `trainer` command: thin click commands over services, grouped by topic."""

from __future__ import annotations

import importlib
from functools import cached_property

import click
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
    from .events import events_group
    from .keys import keys_group
    from .labels import labels_group
    from .queue import sweep_command, worker_command
    from .remind import remind_command
    from .tokens import tokens_group
    from .tracks import tracks_group
    from .users import users_group

    for command in (run_command, demo_command, init_db_command, users_group, tokens_group,
                    audit_group, clearances_group, tracks_group, labels_group, worker_command,
                    sweep_command, _migration_commands, keys_group, remind_command):
        app.cli.add_command(command)
    app.cli.add_command(events_group)  # outbound events: xAPI and webhooks


class DeferredGroup(click.Group):
    """A command group imported when it is first used, not when the app is built. Its name and
    short help are given here; everything else (options, callback, subcommands) is the real
    group's."""

    def __init__(self, name: str, target: str, short_help: str):
        super().__init__(name, short_help=short_help)
        self._target = target  # "module:attribute"

    @cached_property
    def real(self) -> click.Group:
        module, attribute = self._target.split(":")
        return getattr(importlib.import_module(module), attribute)

    def get_params(self, ctx: click.Context) -> list[click.Parameter]:
        return self.real.get_params(ctx)

    def get_help(self, ctx: click.Context) -> str:
        return self.real.get_help(ctx)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return self.real.list_commands(ctx)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return self.real.get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context):
        return self.real.invoke(ctx)


# Flask-Migrate's `db` commands (`trainer db upgrade`, `flask db migrate`...) import Alembic.
_migration_commands = DeferredGroup("db", "flask_migrate.cli:db", "Perform database migrations.")


def main() -> None:
    from .library import score_command, validate_command

    cli.add_command(validate_command)
    cli.add_command(score_command)
    from ..keys import ConfigError
    from ..services.audit import AuditKeyMissing

    try:
        cli.main(prog_name="trainer")
    except (AuditKeyMissing, ConfigError) as exc:  # a message, not a traceback
        raise SystemExit(f"Error: {exc}") from None
