"""Trainee pages: the dashboard, the play page and the scorecard."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import DataRequired

from ..domain.errors import UnknownScenario
from ..extensions import db
from ..models import Attempt
from ..services import jobs, play
from ..services.access import can_view_attempt
from ..services.history import attempts_of
from ..services.library import scenarios_for
from ..services.overview import person_overview
from .forms import EmptyForm

bp = Blueprint("trainee", __name__)


class AnswerForm(FlaskForm):
    answer = TextAreaField("Your reply to the customer", validators=[DataRequired(
        message="Write your answer to the customer first.")])
    expected_turn = HiddenField()


def _own_attempt(attempt_id: int) -> Attempt:
    """The attempt, if this user may see it; anyone else's is simply not found (no leak)."""
    attempt = db.get_or_404(Attempt, attempt_id)
    if not can_view_attempt(current_user, attempt):
        abort(404)
    return attempt


@bp.get("/")
@login_required
def dashboard():
    dept = current_user.department.name if current_user.department else None
    return render_template("trainee/dashboard.html", scenarios=scenarios_for(dept),
                           attempts=attempts_of(current_user), start_form=EmptyForm(),
                           overview=person_overview(current_user), revoke=None)


@bp.post("/scenarios/<scenario_id>/start")
@login_required
def start(scenario_id: str):
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        attempt = play.start_attempt(current_user, scenario_id)
    except UnknownScenario:
        abort(404)
    return redirect(url_for("trainee.attempt", attempt_id=attempt.id))


@bp.route("/attempts/<int:attempt_id>", methods=["GET", "POST"])
@login_required
def attempt(attempt_id: int):
    attempt = _own_attempt(attempt_id)
    if attempt.is_finished:
        return redirect(url_for("trainee.scorecard", attempt_id=attempt.id))
    if attempt.user_id != current_user.id:  # managers read transcripts; only the trainee plays
        return redirect(url_for("manager.attempt", attempt_id=attempt.id))
    form = AnswerForm()
    if form.validate_on_submit():
        try:
            expected = int(form.expected_turn.data) if form.expected_turn.data else None
            play.submit_answer(attempt, form.answer.data, expected)
        except (play.AnswerRejected, ValueError) as exc:
            form.answer.errors.append(str(exc))
        else:
            return redirect(url_for("trainee.attempt", attempt_id=attempt.id) + "#reply-form")
    elif request.method == "GET":
        form.answer.data = ""
    form.expected_turn.data = str(len(attempt.turns))
    return render_template("trainee/play.html", attempt=attempt, form=form,
                           scenario=play.scenario_of(attempt), end_form=EmptyForm()), \
        (422 if form.errors else 200)


@bp.post("/attempts/<int:attempt_id>/end")
@login_required
def end(attempt_id: int):
    attempt = _own_attempt(attempt_id)
    if attempt.user_id != current_user.id or not EmptyForm().validate_on_submit():
        abort(403 if attempt.user_id != current_user.id else 400)
    play.finish_attempt(attempt, "ended")
    flash("Conversation ended. Here is your scorecard.", "success")
    return redirect(url_for("trainee.scorecard", attempt_id=attempt.id))


@bp.get("/attempts/<int:attempt_id>/scorecard")
@login_required
def scorecard(attempt_id: int):
    attempt = _own_attempt(attempt_id)
    if not attempt.is_finished:
        return redirect(url_for("trainee.attempt", attempt_id=attempt.id))
    return render_template("trainee/scorecard.html", attempt=attempt,
                           scenario=play.scenario_of(attempt), retry_form=EmptyForm())


@bp.get("/attempts/<int:attempt_id>/scorecard/status")
@login_required
def scorecard_status(attempt_id: int):
    """The scorecard partial alone: htmx polls it while the attempt is being scored."""
    attempt = _own_attempt(attempt_id)
    jobs.rescue_if_stuck(attempt)  # a score that never came is finished off, not waited for
    return render_template("trainee/_scorecard_body.html", attempt=attempt,
                           scenario=play.scenario_of(attempt))
