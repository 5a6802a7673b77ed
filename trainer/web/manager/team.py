"""The team's pages: its progress (50 people a page, with a search), charts and exports, the
review queue and the scorer's calibration against the reviews."""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user

from ...models._types import utcnow
from ...services.calibration import calibration_for
from ...services.clearance_lists import expiring_for, ready_team
from ...services.reviews import review_count, review_queue
from ...services.team import team_page
from ...services.team_view import (
    CHART_COLUMNS,
    EXPORT_COLUMNS,
    cached_team_charts,
    chart_rows,
    standings,
    team_rows,
)
from ...services.tracks import REPORT_COLUMNS, overdue_people, track_report_rows
from ..downloads import csv_download
from ..guards import role_required
from ..paging import page_number
from .blueprint import bp


@bp.get("/")
@role_required("manager")
def team():
    search = request.args.get("q", "").strip()
    page = team_page(current_user, page_number(), search)
    people = [row.user for row in page]  # the sections below cover the people shown
    now = utcnow()
    return render_template("manager/team.html", page=page, search=search, now=now,
                           standing=standings(people, now),
                           ready=ready_team(current_user, people=people),
                           overdue=overdue_people(current_user, people=people),
                           expiring=expiring_for(people), to_review=review_count(current_user))


@bp.get("/charts")
@role_required("manager")
def charts():
    """The team over the last weeks: fetched by the team page once it has shown (htmx), or a page
    of its own without JavaScript."""
    found = cached_team_charts(current_user)
    if request.headers.get("HX-Request"):
        return render_template("manager/_team_charts.html", charts=found)
    return render_template("manager/team_charts.html", charts=found,
                           to_review=review_count(current_user))


@bp.get("/charts.csv")
@role_required("manager")
def charts_csv():
    """The numbers behind the team charts: the weekly averages, then the spread of levels."""
    return csv_download(chart_rows(cached_team_charts(current_user)), CHART_COLUMNS,
                        "team-weeks")


@bp.get("/team.csv")
@role_required("manager")
def team_csv():
    """The team page, everyone on it (the search kept), as a spreadsheet."""
    rows = team_rows(current_user, request.args.get("q", "").strip())
    return csv_download(rows, EXPORT_COLUMNS, "team")


@bp.get("/tracks.csv")
@role_required("manager")
def tracks_csv():
    """The training tracks report of the people one looks after (`trainer tracks report`)."""
    return csv_download(track_report_rows(viewer=current_user), REPORT_COLUMNS, "tracks")


@bp.get("/review")
@role_required("manager")
def review():
    return render_template("manager/review.html", queue=review_queue(current_user),
                           to_review=review_count(current_user))


@bp.get("/calibration")
@role_required("manager")
def calibration():
    return render_template("manager/calibration.html", report=calibration_for(current_user),
                           to_review=review_count(current_user))
