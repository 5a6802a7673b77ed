"""One person of the team: their standing, clearances and attempts (a page at a time), with
the forms to grant and revoke; one attempt's transcript and scorecard, with the review forms."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from ...extensions import db
from ...models import Attempt, User
from ...services.assessment import model_answer_shown
from ...services.history import attempt_lines
from ...services.overview import person_overview
from ..forms import EmptyForm
from ..guards import managed_attempt_or_404, managed_person, role_required
from ..paging import page_number
from .blueprint import bp
from .forms import GrantForm, OverrideForm, RevokeForm, grant_form


def _visible(person: User) -> User:
    """Someone in the manager's scope; anyone else (and oneself) is simply not found here."""
    return managed_person(person)


@bp.get("/people/<int:user_id>")
@role_required("manager")
def person(user_id: int):
    return render_person(_visible(db.get_or_404(User, user_id)))


def render_person(person: User, grant: GrantForm | None = None, status: int = 200):
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
                           scenario=attempt.scenario, override=override or OverrideForm(),
                           confirm=EmptyForm(),
                           show_model_answer=model_answer_shown(attempt, current_user)), status


def reviewable(attempt_id: int) -> Attempt:
    """An attempt of someone in the manager's scope; one's own and anyone else's are simply not
    found here."""
    return managed_attempt_or_404(attempt_id)
