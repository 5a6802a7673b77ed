"""Manager pages: the team's progress (50 people a page, with a search), each person's standing
and attempts (a page at a time), transcripts and scorecards, the review queue and the scorer's
calibration against the reviews."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user

from ..extensions import db
from ..models import Attempt, User
from ..models._types import utcnow
from ..services.assessment import model_answer_shown
from ..services.calibration import calibration_for
from ..services.clearances import expiring_for, ready_team
from ..services.history import attempt_lines
from ..services.overview import person_overview
from ..services.play import scenario_of
from ..services.reviews import review_count, review_queue
from ..services.team import team_page
from ..services.team_view import (
    CHART_COLUMNS,
    EXPORT_COLUMNS,
    cached_team_charts,
    chart_rows,
    standings,
    team_rows,
)
from ..services.tracks import REPORT_COLUMNS, overdue_people, track_report_rows
from .authority_forms import GrantForm, OverrideForm, RevokeForm
from .downloads import csv_download
from .forms import EmptyForm
from .guards import managed_attempt_or_404, managed_person, role_required
from .paging import page_number

bp = Blueprint("manager", __name__, url_prefix="/team")


def _visible(person: User) -> User:
    """Someone in the manager's scope; anyone else (and oneself) is simply not found here."""
    return managed_person(person)


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


@bp.get("/people/<int:user_id>")
@role_required("manager")
def person(user_id: int):
    return render_person(_visible(db.get_or_404(User, user_id)))


def render_person(person: User, grant: GrantForm | None = None, status: int = 200):
    from .authority import grant_form

    return render_template("manager/person.html", person=_visible(person),
                           attempts=attempt_lines(person, page_number()),
                           overview=person_overview(person, granter_id=current_user.id),
                           grant=grant or grant_form(), revoke=RevokeForm()), status


@bp.get("/attempts/<int:attempt_id>")
@role_required("manager")
def attempt(attempt_id: int):
    return render_attempt(reviewable(attempt_id))


def render_attempt(attempt: Attempt, override: OverrideForm | None = None, status: int = 200):
    return render_template("manager/attempt.html", attempt=attempt,
                           scenario=scenario_of(attempt), override=override or OverrideForm(),
                           confirm=EmptyForm(),
                           show_model_answer=model_answer_shown(attempt, current_user)), status


def reviewable(attempt_id: int) -> Attempt:
    """An attempt of someone in the manager's scope; one's own and anyone else's are simply not
    found here."""
    return managed_attempt_or_404(attempt_id)
