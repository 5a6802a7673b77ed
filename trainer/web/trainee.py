"""Trainee pages: the dashboard, the play page and the scorecard."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import DataRequired

from ..domain.errors import UnknownScenario
from ..domain.modes import is_abandoned, mode_of
from ..extensions import db
from ..models import Attempt
from ..services import play
from ..services.access import can_view_attempt
from ..services.assessment import model_answer_shown
from ..services.history import attempts_of
from ..services.library import scenarios_for
from ..services.overview import person_overview
from .forms import EmptyForm

bp = Blueprint("trainee", __name__)


class AnswerForm(FlaskForm):
    answer = TextAreaField("Your reply to the customer", validators=[DataRequired(
        message="Write your answer to the customer first.")])
    expected_turn = HiddenField()


class EndForm(FlaskForm):
    """Ending early takes two steps: the end page, then this form sent from it with confirm=yes."""

    confirm = HiddenField()  # "yes" only from the end page's button


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
    try:  # the pressed button says practice or assessed
        attempt = play.start_attempt(current_user, scenario_id, mode_of(request.form.get("mode")))
    except ValueError:
        abort(400)
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
                           scenario=play.scenario_of(attempt)), \
        (422 if form.errors else 200)


@bp.route("/attempts/<int:attempt_id>/end", methods=["GET", "POST"])
@login_required
def end(attempt_id: int):
    """Ask first (this page, no script needed); end on the confirming POST from it."""
    attempt = _own_attempt(attempt_id)
    if attempt.user_id != current_user.id:
        abort(403)
    if attempt.is_finished:
        return redirect(url_for("trainee.scorecard", attempt_id=attempt.id))
    form = EndForm()
    if request.method == "POST" and not form.validate_on_submit():
        abort(400)
    if request.method == "GET" or form.confirm.data != "yes":
        return render_template("trainee/end.html", attempt=attempt, form=form,
                               scenario=play.scenario_of(attempt),
                               abandons=is_abandoned(attempt.trainee_turn_count))
    play.end_attempt(attempt)
    flash("Conversation abandoned: it is not scored and counts neither way." if
          attempt.is_abandoned else "Conversation ended. Here is your scorecard.", "success")
    return redirect(url_for("trainee.scorecard", attempt_id=attempt.id))


@bp.get("/attempts/<int:attempt_id>/scorecard")
@login_required
def scorecard(attempt_id: int):
    attempt = _own_attempt(attempt_id)
    if not attempt.is_finished:
        return redirect(url_for("trainee.attempt", attempt_id=attempt.id))
    return render_template("trainee/scorecard.html", attempt=attempt,
                           scenario=play.scenario_of(attempt), retry_form=EmptyForm(),
                           show_model_answer=model_answer_shown(attempt, current_user))


@bp.get("/attempts/<int:attempt_id>/scorecard/status")
@login_required
def scorecard_status(attempt_id: int):
    """The scorecard partial alone: htmx polls it while the attempt is being scored."""
    attempt = _own_attempt(attempt_id)
    return render_template("trainee/_scorecard_body.html", attempt=attempt,
                           scenario=play.scenario_of(attempt),
                           show_model_answer=model_answer_shown(attempt, current_user))
