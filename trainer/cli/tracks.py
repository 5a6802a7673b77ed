"""`trainer tracks`: the onboarding and rotation report as CSV, thin over services.tracks."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click
from flask.cli import with_appcontext

from ..csv_out import write_csv
from ..services.tracks import REPORT_COLUMNS, track_report_rows


@click.group("tracks", help="Onboarding and annual rotation tracks: who is done, due or overdue.")
def tracks_group() -> None:
    pass


@tracks_group.command("report")
@click.option("--output", type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="Write the CSV here instead of to standard output.")
@click.option("--as-of", "as_of", help="Report as on this day, YYYY-MM-DD (default: today, UTC).")
@with_appcontext
def report_command(output: Path | None, as_of: str | None) -> None:
    """One CSV row per person per track: email, name, department, manager_email, track, state
    (done, due or overdue), due_date, completed_at and the scenarios still missing."""
    try:
        today = date.fromisoformat(as_of) if as_of else None
    except ValueError:
        click.echo(f"error: --as-of: expected a date as YYYY-MM-DD, got '{as_of}'", err=True)
        click.get_current_context().exit(1)
    rows = track_report_rows(today)
    text = write_csv(rows, REPORT_COLUMNS)  # a formula-like name or department stays text
    if output is None:
        click.echo(text, nl=False)
        return
    output.write_text(text, encoding="utf-8", newline="")
    click.echo(f"Wrote {len(rows)} row(s) to {output}.", err=True)
