"""The team table's sparkline: each recent score a point from left to right, higher scores
higher up (SVG's y grows downwards), the newest marked by a dot, the numbers written beside."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from trainer.web.sparkline import sparkline

START = datetime(2026, 11, 1, tzinfo=UTC)


def points(*scores: float):
    return [(START + timedelta(days=n), score) for n, score in enumerate(scores)]


def coordinates(line: str) -> list[tuple[float, float]]:
    return [tuple(map(float, pair.split(","))) for pair in line.split()]


def test_scores_spread_across_the_width_and_rise_with_the_score():
    spark = sparkline(points(40, 90, 65))
    xy = coordinates(spark.line)
    assert [x for x, _ in xy] == [0, 50, 100]
    assert xy[1][1] < xy[2][1] < xy[0][1]  # 90 highest, 40 lowest
    assert all(0 <= y <= 32 for _, y in xy)
    assert (spark.dot_x, spark.dot_y) == xy[-1]  # the dot on the newest
    assert spark.labels == "40, 90, 65"


def test_the_ends_of_the_scale_stay_inside_the_picture():
    xy = coordinates(sparkline(points(0, 100)).line)
    assert xy[0][1] == 31 and xy[1][1] == 1


def test_a_single_score_is_a_dot_in_the_middle_with_no_line():
    spark = sparkline(points(72.4))
    assert spark.line == "" and spark.dot_x == 50 and spark.labels == "72"


def test_the_labels_are_whole_numbers_and_uneven_spacing_is_rounded():
    spark = sparkline(points(33.3, 66.7, 80.4, 12))
    assert spark.labels == "33, 67, 80, 12"
    assert [x for x, _ in coordinates(spark.line)] == [0, 33.3, 66.7, 100]
