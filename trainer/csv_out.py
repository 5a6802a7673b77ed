"""The one way trainer writes CSV: every cell safe to open in a spreadsheet (no formula runs).

Use it for every CSV the app writes (CLI reports, web downloads); the user import only reads CSV.

    text = write_csv(rows, ["email", "name"])          # the whole file as one string
    lines = iter_csv(rows, ["email", "name"])          # header, then one line per row, lazily
    Response(stream_with_context(lines), mimetype="text/csv")

A row is a mapping (its values are picked by column name, a missing one is blank, extra keys
are ignored) or a sequence in column order. ``None`` is written as a blank cell.

Formula injection (OWASP "CSV Injection", ASVS 1.2.10): a spreadsheet runs a cell that starts
with ``=``, ``+``, ``-`` or ``@`` as a formula (``=HYPERLINK(...)``, ``=cmd|...``), and a
leading tab, carriage return or NUL can hide such a start. ``neutralise`` puts a single quote
in front of such a cell, which spreadsheets read as "this is text" and do not show. A cell that
is only a plain number, such as ``-12`` or ``-0.5``, is left alone: a spreadsheet reads it as
the number and nothing can run, and quoting it would turn every negative figure into text.
Lines end in CRLF, as RFC 4180 says; the csv module then quotes any cell holding a line break,
so no cell can start a new row (and a formula) of its own.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0")
_PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")
LINE_END = "\r\n"

Row = Mapping[str, Any] | Sequence[Any]


def neutralise(cell: Any) -> str:
    """``cell`` as text a spreadsheet shows as written: ``'`` before a formula-like start."""
    text = "" if cell is None else str(cell)
    if text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def iter_csv(rows: Iterable[Row], columns: Sequence[str]) -> Iterator[str]:
    """The CSV text, one line at a time: the header, then each row (for a streamed download)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=LINE_END)

    def line(cells: Iterable[Any]) -> str:
        writer.writerow([neutralise(cell) for cell in cells])
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    yield line(columns)
    for row in rows:
        yield line(row.get(name) for name in columns) if isinstance(row, Mapping) else line(row)


def write_csv(rows: Iterable[Row], columns: Sequence[str]) -> str:
    """The whole CSV file as one string: the header, then each row."""
    return "".join(iter_csv(rows, columns))
