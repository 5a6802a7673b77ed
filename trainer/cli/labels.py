"""`trainer labels`: hand the managers' reviewed scorecards to the scorer benchmarks."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from ..services.labels import export_labels


@click.group("labels", help="Reviewed scorecards (confirmed or overridden) as labelled data.")
def labels_group() -> None:
    pass


@labels_group.command("export")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
@with_appcontext
def export_command(path: str) -> None:
    """Write every reviewed attempt to PATH (JSON lines), in the `trainer score` input format
    with a "labels" field holding the reviewers' final levels; `-` writes to standard output.

    Measure a scorer on them with `python bench/scorer_agreement.py PATH`."""
    with click.open_file(path, "w", encoding="utf-8") as out:
        count = export_labels(out, target=path)
    click.echo(f"Wrote {count} labelled attempt{'' if count == 1 else 's'} to {path}.",
               err=path == "-")
