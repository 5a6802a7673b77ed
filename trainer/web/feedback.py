"""Trainee feedback on scenarios and disputes of a score: the trainee's two forms on their
scorecard (posted, then back to the scorecard; a refusal re-renders it with what was typed and a
422), the authors' list negative first with its CSV and "mark handled", and a manager's disputes.

Only the attempt's own trainee posts feedback or a dispute; anyone else's attempt is a 404. The
authors' pages are for managers (their people's feedback) and admins (everyone's); a trainee, or
feedback outside one's scope, gets the same 404 as a missing page."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..domain.feedback import MAX_TOTAL, QUESTIONS, answered
from ..extensions import db
from ..models import Attempt, Feedback
from ..services.assessment import model_answer_shown
from ..services.feedback import (
    AttemptFeedback,
    FeedbackError,
    FeedbackRefused,
    attempt_feedback,
    can_give,
    can_handle,
    dispute_score,
    give_feedback,
    mark_handled,
)
from ..services.feedback_lists import (
    CSV_COLUMNS,
    STATUSES,
    disputes_page,
    feedback_page,
    feedback_rows,
    scenario_choices,
    status_of,
)
from ..services.locks import Busy
from .downloads import csv_download
from .feedback_forms import DisputeForm, FeedbackForm, HandleForm
from .forms import EmptyForm
from .paging import page_number

bp = Blueprint("feedback", __name__)


@dataclass
class Panel:
    """What templates/trainee/_feedback.html shows under a scorecard."""

    saved: AttemptFeedback
    can_give: bool
    feedback_form: FeedbackForm | None
    dispute_form: DisputeForm | None

    @property
    def answers(self) -> list[tuple[str, str]]:
        return answered(self.saved.feedback) if self.saved.feedback else []


@bp.app_context_processor
def _panel_helper() -> dict:
    return {"feedback_panel": feedback_panel}


def feedback_panel(attempt: Attempt, forms: dict | None = None) -> Panel:
    """The panel for ``attempt``'s scorecard: forms only for its own trainee once it is scored;
    ``forms`` are the ones that failed to post ({"feedback_form": ...}), what was typed kept."""
    forms = forms or {}
    saved = attempt_feedback(attempt)
    giving = can_give(current_user, attempt)
    feedback_form = dispute_form = None
    if giving:
        feedback_form = (forms.get("feedback_form")
                         or FeedbackForm(formdata=None).fill_from(saved.feedback))
        dispute_form = forms.get("dispute_form") or DisputeForm(formdata=None)
    return Panel(saved, giving, feedback_form, dispute_form)


def _own_attempt(attempt_id: int) -> Attempt:
    """The current user's own attempt; anyone else's is simply not found."""
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None or attempt.user_id != current_user.id:
        abort(404)
    return attempt


def _scorecard(attempt: Attempt, **forms):
    """The scorecard again, a form's errors beside its fields and what was typed kept (422)."""
    return render_template("trainee/scorecard.html", attempt=attempt,
                           scenario=attempt.scenario, retry_form=EmptyForm(),
                           show_model_answer=model_answer_shown(attempt, current_user),
                           feedback_forms=forms), 422


def _back_to_scorecard(attempt: Attempt, anchor: str):
    return redirect(url_for("trainee.scorecard", attempt_id=attempt.id) + anchor)


def _error_on(form, exc: FeedbackError) -> None:
    field = form._fields.get(exc.field) if exc.field else None
    (field.errors if field is not None else form.form_errors).append(str(exc))


@bp.post("/attempts/<int:attempt_id>/feedback")
@login_required
def give(attempt_id: int):
    attempt = _own_attempt(attempt_id)
    form = FeedbackForm()
    if form.validate_on_submit():
        try:
            give_feedback(current_user, attempt, {q.field: form[q.field].data for q in QUESTIONS},
                          form.comment.data)
        except FeedbackError as exc:
            _error_on(form, exc)
        except Busy as exc:
            form.form_errors.append(str(exc))
        else:
            flash("Thank you: your feedback goes to the scenario's authors.", "success")
            return _back_to_scorecard(attempt, "#feedback")
    return _scorecard(attempt, feedback_form=form)


@bp.post("/attempts/<int:attempt_id>/dispute")
@login_required
def dispute(attempt_id: int):
    attempt = _own_attempt(attempt_id)
    form = DisputeForm()
    if form.validate_on_submit():
        try:
            dispute_score(current_user, attempt, form.dimension.data, form.reason.data,
                          request.remote_addr)
        except FeedbackError as exc:
            _error_on(form, exc)
        except Busy as exc:
            form.form_errors.append(str(exc))
        else:
            flash(f"Your dispute of {form.dimension.data} is with your manager: the outcome "
                  f"will show here once they have reviewed the attempt.", "success")
            return _back_to_scorecard(attempt, "#disputes")
    return _scorecard(attempt, dispute_form=form)


def _authors_only() -> None:
    """Managers and admins; a trainee is told nothing is here."""
    if not current_user.is_manager:
        abort(404)


def _filters() -> dict:
    """The list's filters from the query string, as links and the CSV keep them."""
    return {"status": status_of(request.args.get("status")),
            "scenario": request.args.get("scenario", "").strip()[:80]}


@bp.get("/feedback/")
@login_required
def index():
    _authors_only()
    return _list_page()


def _list_page(handle_form: HandleForm | None = None, handle_id: int | None = None,
               status: int = 200):
    """The authors' list; after a refused note, that row's form shows the error and the text."""
    filters = _filters()
    page = feedback_page(current_user, page_number(), **filters)
    return render_template("feedback/index.html", page=page, filters=filters,
                           statuses=STATUSES, scenarios=scenario_choices(),
                           questions=QUESTIONS, max_total=MAX_TOTAL,
                           handle_form=handle_form or HandleForm(formdata=None),
                           handle_id=handle_id, fresh_form=HandleForm(formdata=None)), status


@bp.get("/feedback/feedback.csv")
@login_required
def export():
    """The list as filtered on the page, every page of it, as a spreadsheet."""
    _authors_only()
    return csv_download(feedback_rows(current_user, **_filters()), CSV_COLUMNS, "feedback")


@bp.post("/feedback/<int:feedback_id>/handled")
@login_required
def handle(feedback_id: int):
    _authors_only()
    feedback = db.session.get(Feedback, feedback_id)
    if feedback is None or not can_handle(current_user, feedback):
        abort(404)
    form = HandleForm()
    if form.validate_on_submit():
        try:
            mark_handled(current_user, feedback, form.note.data, request.remote_addr)
        except FeedbackRefused:
            abort(404)
        except FeedbackError as exc:
            _error_on(form, exc)
        else:
            flash(f"Feedback from {feedback.user.name} marked handled.", "success")
            return redirect(url_for("feedback.index", **_kept_args()))
    return _list_page(handle_form=form, handle_id=feedback.id, status=422)


def _kept_args() -> dict:
    """The list's filters and page, carried by the handle form's action, for the way back."""
    args = {**_filters(), "page": page_number()}
    return {k: v for k, v in args.items() if v and v != 1}


@bp.get("/feedback/disputes")
@login_required
def disputes():
    _authors_only()
    return render_template("feedback/disputes.html",
                           page=disputes_page(current_user, page_number()))
