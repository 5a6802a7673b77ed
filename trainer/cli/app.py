"""`trainer run`, `trainer demo` and `trainer init-db`: serving the app and its database."""

from __future__ import annotations

import errno
import os
import socket

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import inspect

from ..config import ROOT
from ..extensions import db
from ..keys import ConfigError, settle_keys


@click.command("init-db")
@with_appcontext
def init_db_command() -> None:
    """Create or upgrade the database schema (applies every Alembic migration)."""
    from flask_migrate import upgrade  # imports Alembic: only the commands that migrate need it

    upgrade()
    click.echo(f"Database ready: {_safe_url()}")


def _safe_url() -> str:
    return db.engine.url.render_as_string(hide_password=True)


def _require_schema() -> None:
    if not inspect(db.engine).has_table("user"):
        raise click.ClickException(f"the database {_safe_url()} has no tables yet: run "
                                   "`trainer init-db` first.")


@click.command("run")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535),
              help="The port to listen on (choose another if 5000 is taken).")
@click.option("--debug", is_flag=True, help="Development mode (never in production).")
@with_appcontext
def run_command(host: str, port: int, debug: bool) -> None:
    """Serve the app with the development server (use gunicorn in production, see README)."""
    app = current_app._get_current_object()
    _settle_keys(app, dev_keys=debug)  # --debug lends the development keys, like `trainer demo`
    _require_schema()
    _require_free_port(host, port, "run")
    _serve(app, host, port, debug)


def _settle_keys(app, *, dev_keys: bool) -> None:
    """The app's keys for serving (trainer/keys.py): SECRET_KEY from the environment, since
    the command's app was built with a throwaway one."""
    try:
        settle_keys(app, os.environ.get("SECRET_KEY"), dev_keys=dev_keys)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None


@click.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535),
              help="The port to listen on (choose another if 5000 is taken).")
@click.option("--reset", is_flag=True, help="Delete and re-seed the demo data first (only on the "
              "default demo database, or one that holds nothing but demo users).")
@click.option("--no-serve", is_flag=True, help="Seed the data and exit.")
@with_appcontext
def demo_command(host: str, port: int, reset: bool, no_serve: bool) -> None:
    """Initialise the database, seed demo data (users, finished attempts) and serve the app."""
    from ..services.demo import DEMO_LOGINS, reset_refusal, seed_demo

    if not no_serve:  # before the migrations and the seeding: fail fast, and say what to do
        _require_free_port(host, port, "demo")
    app = current_app._get_current_object()
    _settle_keys(app, dev_keys=True)  # the demo's audit chain is keyed from the start
    if reset:  # checked before anything, migrations included, touches the database
        refusal = reset_refusal(_safe_url(), bool(app.config.get("TRAINER_DEFAULT_DATABASE")))
        if refusal:
            raise click.ClickException(refusal)
    from flask_migrate import upgrade

    upgrade()
    seeded = seed_demo(reset=reset)
    click.echo("Demo data " + ("seeded." if seeded else "already present (use --reset to "
                                                         "start again)."))
    click.echo("Demo logins (email / password):")
    for role, email, password in DEMO_LOGINS:
        click.echo(f"  {role:<8} {email:<28} {password}")
    if no_serve:
        return
    _serve(app, host, port)


def port_refusal(host: str, port: int) -> str | None:
    """Why the server could not listen on ``host:port`` (taken, or not an address of this
    machine), or None when it can. Binds as the development server does (SO_REUSEADDR), so a
    port that only has connections closing down is not refused."""
    try:
        addresses = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                       flags=socket.AI_PASSIVE)
    except (OSError, UnicodeError) as exc:
        return f"cannot listen on {host}: {exc}"
    family, kind, proto, _, address = addresses[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            return (f"port {port} on {host} is already in use (another trainer, or another "
                    "program)" if exc.errno == errno.EADDRINUSE
                    else f"cannot listen on {host}:{port}: {exc.strerror or exc}")
    return None


def _require_free_port(host: str, port: int, command: str) -> None:
    refusal = port_refusal(host, port)
    if refusal:
        other = port + 1 if port < 65535 else 8000
        checkout = (ROOT / "scripts" / "demo").is_file()  # an installed trainer has no scripts/
        raise click.ClickException(f"{refusal}. Choose another port with --port, for example "
                                   f"`trainer {command} --port {other}`"
                                   + (f" (or `scripts/demo --port {other}`)."
                                      if command == "demo" and checkout else "."))


def _serve(app, host: str, port: int, debug: bool = False) -> None:
    """The development server (Flask's app.run() refuses to run inside a CLI command)."""
    from werkzeug.serving import run_simple

    click.echo(f"Open http://{host}:{port}/ (Ctrl+C to stop)")
    app.debug = debug
    run_simple(host, port, app, threaded=True, use_reloader=False, use_debugger=debug)
