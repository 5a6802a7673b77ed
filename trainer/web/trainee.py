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
from ..services.history import attempt_lines
from ..services.locks import Busy
from ..services.overview import person_overview
from ..services.voice import MARKER_DROPPED, answer_meta, voice_options
from . import play_fragments
from .forms import EmptyForm
from .fragments import scenario_table
from .paging import page_number

bp = Blueprint("trainee", __name__)


class AnswerForm(FlaskForm):
    answer = TextAreaField("Your reply to the customer", validators=[DataRequired(
        message="Write your answer to the customer first.")])
    expected_turn = HiddenField()
    # Voice mode (static/js/voice.js, services/voice.py): the token of what was heard, and the
    # milliseconds from the customer's line being shown to the trainee starting to answer.
    spoken_token = HiddenField()
    response_ms = HiddenField()


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
    return render_template("trainee/dashboard.html", scenario_table=scenario_table(dept),
                           attempts=attempt_lines(current_user, page_number()),
                           start_form=EmptyForm(), overview=person_overview(current_user),
                           revoke=None)


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
    except Busy as exc:
        flash(str(exc), "error")
        return redirect(url_for("trainee.dashboard"))
    return redirect(url_for("trainee.attempt", attempt_id=attempt.id))


@bp.route("/attempts/<int:attempt_id>", methods=["GET", "POST"])
@login_required
def attempt(attempt_id: int):
    """The play page, and the answer posted from it: without script a redirect to the page's
    newest customer line (#latest), with htmx a fragment of the new turns (play_fragments)."""
    if play_fragments.wanted():
        return play_fragments.as_htmx(_play(attempt_id, htmx=True))
    return _play(attempt_id)


def _play(attempt_id: int, htmx: bool = False):
    attempt = _own_attempt(attempt_id)
    if attempt.is_finished:
        return redirect(url_for("trainee.scorecard", attempt_id=attempt.id))
    if attempt.user_id != current_user.id:  # managers read transcripts; only the trainee plays
        return redirect(url_for("manager.attempt", attempt_id=attempt.id))
    if play.reply_to_pending(attempt) and attempt.is_finished:  # a lost reply, given now
        return redirect(url_for("trainee.scorecard", attempt_id=attempt.id))
    form, status = AnswerForm(), 200
    shown = play_fragments.shown_turns(form.expected_turn.data, len(attempt.turns))
    if form.validate_on_submit():
        sent = _send_answer(attempt, form)
        if not isinstance(sent, int):  # taken, or the conversation ended meanwhile
            if not htmx:
                return sent
            if attempt.is_finished:  # the whole page moves on to the scorecard
                return redirect(url_for("trainee.scorecard", attempt_id=attempt.id))
            sent = 200
        status = sent
    elif request.method == "GET":
        form.answer.data = ""
    elif form.errors:
        status = 422
    scenario = attempt.scenario
    if htmx:
        return play_fragments.update(attempt, form, scenario, shown, status)
    form.expected_turn.data = str(len(attempt.turns))
    return render_template("trainee/play.html", attempt=attempt, form=form, scenario=scenario,
                           awaiting_reply=play.is_awaiting_reply(attempt),
                           voice=voice_options(attempt)), status


def _send_answer(attempt: Attempt, form: AnswerForm):
    """Send the answer: a redirect once it is taken (or when the conversation ended meanwhile),
    else the status to show the page with, the reason on the form and what was typed kept:
    409 when another request got there first, 422 when the answer itself is refused."""
    attempt_id = attempt.id  # read now: the stored reply leaves the row to reload on next use
    try:
        expected = int(form.expected_turn.data) if form.expected_turn.data else None
        meta = answer_meta(attempt, form.spoken_token.data, form.response_ms.data)
        play.submit_answer(attempt, form.answer.data, expected, meta)
    except (play.AnswerRejected, Busy, ValueError) as exc:
        if attempt.is_finished:  # ended in another tab, or by the customer, meanwhile
            flash(f"{play.ENDED} Your last answer was not sent.", "info")
            return redirect(url_for("trainee.scorecard", attempt_id=attempt.id))
        form.answer.errors.append(str(exc))
        return 409 if isinstance(exc, (play.AnswerConflict, Busy)) else 422
    if meta is not None and meta.marker_dropped:
        flash(MARKER_DROPPED, "info")
    # The newest customer line is the landing point: it takes focus (tabindex=-1), and a screen
    # reader reads the customer's reply first.
    return redirect(url_for("trainee.attempt", attempt_id=attempt_id) + "#latest")


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
                               scenario=attempt.scenario,
                               abandons=is_abandoned(attempt.trainee_turn_count))
    try:
        play.end_attempt(attempt)
    except Busy as exc:
        flash(str(exc), "error")
        return redirect(url_for("trainee.attempt", attempt_id=attempt.id))
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
                           scenario=attempt.scenario, retry_form=EmptyForm(),
                           show_model_answer=model_answer_shown(attempt, current_user))


@bp.get("/attempts/<int:attempt_id>/scorecard/status")
@login_required
def scorecard_status(attempt_id: int):
    """The scorecard partial alone: htmx polls it while the attempt is being scored; once scored,
    it also fills in the page's live region, which announces the card's arrival."""
    attempt = _own_attempt(attempt_id)
    return render_template("trainee/_scorecard_status.html", attempt=attempt,
                           scenario=attempt.scenario,
                           show_model_answer=model_answer_shown(attempt, current_user))
