"""`trainer clearances`: grant and list resolution authority, thin over services.clearances."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import NoReturn

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from ..domain.authority_text import authority_phrase
from ..domain.qualification import expiring_soon
from ..extensions import db
from ..models import Clearance, User
from ..models._types import utcnow
from ..services.clearance_lists import list_clearances
from ..services.clearances import GrantError, GrantRefused, grant_clearance
from ..services.library import get_library


@click.group("clearances", help="Grant and list who may resolve which complaints, up to what.")
def clearances_group() -> None:
    pass


def _fail(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    click.get_current_context().exit(1)


def _user(email: str, option: str) -> User:
    person = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if person is None:
        _fail(f"{option}: no user with email '{email}'")
    return person


def _expiry(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        day = datetime.strptime(text, "%Y-%m-%d")
    except ValueError:
        _fail(f"--expires: expected a date as YYYY-MM-DD, got '{text}'")
    return day.replace(tzinfo=UTC)


@clearances_group.command("grant")
@click.option("--user", "user_email", required=True, help="Email of the person to clear.")
@click.option("--category", required=True, help="A category id from scenarios/categories.yaml.")
@click.option("--level", type=int, required=True, help="The authority level within it.")
@click.option("--limit", required=True, help="Amount up to which they may resolve (at most the "
                                             "level's max_limit).")
@click.option("--by", "by_email", required=True, help="Email of the granting manager or admin.")
@click.option("--reason", required=True, help="Why; the written justification when they are "
                                              "not eligible (the grant is then an exception).")
@click.option("--expires", help="YYYY-MM-DD: stops counting at 00:00 UTC that day "
                                "(default and longest: 12 months).")
@with_appcontext
def grant_command(user_email: str, category: str, level: int, limit: str, by_email: str,
                  reason: str, expires: str | None) -> None:
    """Grant someone a clearance.

    The same rules and audit log as the manager pages: only the grantee's manager (direct or
    indirect) or an admin, never oneself; a limit within the level's maximum; someone not
    eligible needs --reason as the written justification, and the grant is an exception."""
    grantee, granter = _user(user_email, "--user"), _user(by_email, "--by")
    try:
        clearance = grant_clearance(granter, grantee, category, level, limit,
                                    expires_at=_expiry(expires), justification=reason)
    except (GrantError, GrantRefused) as exc:
        _fail(str(exc))
    phrase = authority_phrase(get_library().categories.get(clearance.category),
                              clearance.category, clearance.level, clearance.limit)
    click.echo(f"Cleared {grantee.name} <{grantee.email}> for {phrase}, until "
               f"{clearance.expires_at:%Y-%m-%d %H:%M} UTC.")
    if clearance.is_exception:
        click.echo("Marked as an exception: not eligible; the justification is recorded.")
    else:
        click.echo(f"Basis: attempts {', '.join(map(str, clearance.basis))}.")
    if clearance.overridden_by_granter:
        click.echo("Not counted: attempts "
                   f"{', '.join(map(str, clearance.overridden_by_granter))} "
                   "(overridden by the granter).")


@clearances_group.command("list")
@click.option("--category", help="Only this category.")
@click.option("--all", "show_all", is_flag=True, help="Include expired and revoked ones.")
@with_appcontext
def list_command(category: str | None, show_all: bool) -> None:
    """List clearances, current ones by default.

    Those ending within 30 days are marked EXPIRING SOON; with --all, expired and revoked ones
    are listed too, marked as such."""
    now = utcnow()
    try:
        found = list_clearances(category, include_all=show_all, now=now)
    except GrantError as exc:
        _fail(str(exc))
    if not found:
        click.echo("No clearances." if show_all else "No current clearances.")
        return
    rows = [("EMAIL", "NAME", "CATEGORY", "LEVEL", "LIMIT", "EXPIRES", "")]
    rows += [(c.user.email, c.user.name, c.category, str(c.level), str(c.limit),
              f"{c.expires_at:%Y-%m-%d %H:%M}", _mark(c, now)) for c in found]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        click.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())


def _mark(clearance: Clearance, now: datetime) -> str:
    if clearance.revoked_at is not None:
        return "REVOKED"
    if clearance.expires_at <= now:
        return "EXPIRED"
    if clearance.granted_at > now:
        return "NOT YET"
    return "EXPIRING SOON" if expiring_soon(clearance.expires_at, now) else ""
