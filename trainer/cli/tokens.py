"""`trainer tokens`: create, list and revoke routing-API bearer tokens (over services.tokens)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from ..services import tokens as service
from ..services.tokens import TokenError


@click.group("tokens", help="Bearer tokens for the routing API (GET /api/v1/resolvers).")
def tokens_group() -> None:
    pass


def _when(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "never"


@tokens_group.command("create")
@click.option("--name", required=True, help="Which system will use it, e.g. 'Helpdesk router'.")
@with_appcontext
def create_command(name: str) -> None:
    """Create a token and print it, once."""
    try:
        token, raw = service.create_token(name)
    except TokenError as exc:
        click.echo(f"error: {exc}", err=True)
        click.get_current_context().exit(1)
    click.echo(raw)
    click.echo(f"Token {token.id} ({token.name}) created. Copy it now: it will not be shown "
               "again (only its hash is stored).", err=True)


@tokens_group.command("list")
@with_appcontext
def list_command() -> None:
    """Every token: id, name, first characters, created, last used, status."""
    tokens = service.list_tokens()
    if not tokens:
        click.echo("No tokens. Create one with: trainer tokens create --name NAME")
    for t in tokens:
        status = f"revoked {_when(t.revoked_at)}" if t.revoked_at else "active"
        click.echo(f"{t.id}\t{t.name}\t{t.hint}…\tcreated {_when(t.created_at)}\t"
                   f"last used {_when(t.last_used_at)}\t{status}")


@tokens_group.command("revoke")
@click.argument("token_id", type=int)
@with_appcontext
def revoke_command(token_id: int) -> None:
    """Revoke token TOKEN_ID (see `trainer tokens list`): it stops working at once."""
    token = service.get_token(token_id)
    try:
        if token is None:
            raise TokenError(f"no token with id {token_id}")
        service.revoke_token(token, actor=None)
    except TokenError as exc:
        click.echo(f"error: {exc}", err=True)
        click.get_current_context().exit(1)
    click.echo(f"Token {token.id} ({token.name}) revoked.")
