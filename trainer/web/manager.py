"""Manager pages: the team's progress, each person's attempts, transcripts and scorecards."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user

from ..extensions import db
from ..models import Attempt, User
from ..services.access import can_view_attempt, can_view_user
from ..services.history import attempts_of
from ..services.team import team_progress
from .guards import role_required

bp = Blueprint("manager", __name__, url_prefix="/team")


@bp.get("/")
@role_required("manager")
def team():
    return render_template("manager/team.html", rows=team_progress(current_user))


@bp.get("/people/<int:user_id>")
@role_required("manager")
def person(user_id: int):
    person = db.get_or_404(User, user_id)
    if person.id == current_user.id or not can_view_user(current_user, person):
        abort(404)
    return render_template("manager/person.html", person=person, attempts=attempts_of(person))


@bp.get("/attempts/<int:attempt_id>")
@role_required("manager")
def attempt(attempt_id: int):
    attempt = db.get_or_404(Attempt, attempt_id)
    if attempt.user_id == current_user.id or not can_view_attempt(current_user, attempt):
        abort(404)
    from ..services.play import scenario_of

    return render_template("manager/attempt.html", attempt=attempt,
                           scenario=scenario_of(attempt))
