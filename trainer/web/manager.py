"""Manager pages: the team's progress, each person's standing, transcripts and scorecards, the
review queue and the scorer's calibration against the reviews."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user

from ..extensions import db
from ..models import Attempt, User
from ..models._types import utcnow
from ..services.access import can_view_attempt, can_view_user
from ..services.assessment import model_answer_shown
from ..services.calibration import calibration_for
from ..services.clearances import expiring_for, ready_team
from ..services.history import attempts_of
from ..services.overview import person_overview
from ..services.play import scenario_of
from ..services.reviews import review_count, review_queue
from ..services.team import team_progress
from ..services.tracks import overdue_people
from .authority_forms import GrantForm, OverrideForm, RevokeForm
from .forms import EmptyForm
from .guards import role_required

bp = Blueprint("manager", __name__, url_prefix="/team")


def _visible(person: User) -> User:
    """Someone in the manager's scope; anyone else (and oneself) is simply not found here."""
    if person.id == current_user.id or not can_view_user(current_user, person):
        abort(404)
    return person


@bp.get("/")
@role_required("manager")
def team():
    rows = team_progress(current_user)
    return render_template("manager/team.html", rows=rows, now=utcnow(),
                           ready=ready_team(current_user), overdue=overdue_people(current_user),
                           expiring=expiring_for([r.user for r in rows]),
                           to_review=review_count(current_user))


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
                           attempts=attempts_of(person),
                           overview=person_overview(person, granter_id=current_user.id),
                           grant=grant or grant_form(), revoke=RevokeForm()), status


@bp.get("/attempts/<int:attempt_id>")
@role_required("manager")
def attempt(attempt_id: int):
    attempt = reviewable(attempt_id)
    return render_template("manager/attempt.html", attempt=attempt,
                           scenario=scenario_of(attempt), override=OverrideForm(),
                           confirm=EmptyForm(),
                           show_model_answer=model_answer_shown(attempt, current_user))


def reviewable(attempt_id: int) -> Attempt:
    """An attempt of someone in the manager's scope; one's own and anyone else's are simply not
    found here."""
    attempt = db.get_or_404(Attempt, attempt_id)
    if attempt.user_id == current_user.id or not can_view_attempt(current_user, attempt):
        abort(404)
    return attempt
