"""CSV downloads from the pages themselves: streamed through the one CSV writer (csv_out), so every
cell is safe to open in a spreadsheet, with a dated file name."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from flask import Response, stream_with_context

from ..csv_out import Row, iter_csv
from ..models._types import utcnow


def csv_download(rows: Iterable[Row], columns: Sequence[str], name: str) -> Response:
    """``rows`` as ``name-YYYY-MM-DD.csv``, streamed (rows may be a generator that reads a page
    at a time)."""
    filename = f"{name}-{utcnow():%Y-%m-%d}.csv"
    return Response(stream_with_context(iter_csv(rows, columns)), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"',
                             "Cache-Control": "no-store"})
