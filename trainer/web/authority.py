"""Manager actions on resolution authority: grant and revoke clearances; review scores (confirm
or override them). Another team's record answers 404, exactly like a missing one (guards.py),
before any form is read; bad input re-renders the form with what was typed, and a 422."""

from __future__ import annotations

from datetime import UTC, datetime, time

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from ..models import Clearance
from ..services.clearances import GrantError, GrantRefused, grant_clearance, revoke_clearance
from ..services.library import get_library
from ..services.overrides import OverrideError, override_score
from ..services.reviews import ReviewError, ReviewRefused, confirm_scorecard
from .authority_forms import GrantForm, OverrideForm, RevokeForm
from .forms import EmptyForm
from .guards import (
    managed_attempt_or_404,
    managed_clearance_or_404,
    managed_person_or_404,
    role_required,
)
from .manager import render_attempt, render_person

bp = Blueprint("authority", __name__, url_prefix="/team")


def grant_form() -> GrantForm:
    form = GrantForm()
    form.category.choices = [(c.id, c.title) for c in get_library().categories.values()]
    return form


@bp.post("/people/<int:user_id>/clearances")
@role_required("manager")
def grant(user_id: int):
    person = managed_person_or_404(user_id)
    form = grant_form()
    if form.validate_on_submit():
        expires = (datetime.combine(form.expires.data, time(23, 59, 59), UTC)
                   if form.expires.data else None)
        try:
            clearance = grant_clearance(current_user, person, form.category.data,
                                        form.level.data, form.limit.data, expires,
                                        form.justification.data, request.remote_addr)
        except GrantRefused:
            abort(403)
        except GrantError as exc:
            form.form_errors.append(str(exc))
        else:
            flash(f"Cleared {person.name} for {clearance.category} level {clearance.level} "
                  f"up to {clearance.limit}{_exception_note(clearance)}.", "success")
            return redirect(url_for("manager.person", user_id=person.id))
    return render_person(person, grant=form, status=422)


def _exception_note(clearance: Clearance) -> str:
    if clearance.overridden_by_granter:
        return " (an exception: it rests on your own override, which is not evidence)"
    return " (an exception)" if clearance.is_exception else ""


@bp.post("/clearances/<int:clearance_id>/revoke")
@role_required("manager")
def revoke(clearance_id: int):
    clearance = managed_clearance_or_404(clearance_id)
    form = RevokeForm()
    if not form.validate_on_submit():
        _flash_errors(form)
    else:
        try:
            revoke_clearance(current_user, clearance, form.reason.data, request.remote_addr)
        except GrantRefused:
            abort(403)
        except GrantError as exc:
            flash(str(exc), "error")
        else:
            flash("Clearance revoked.", "success")
    return redirect(url_for("manager.person", user_id=clearance.user_id))


def _flash_errors(form: FlaskForm) -> None:
    for errors in form.errors.values():
        for error in errors:
            flash(error, "error")


@bp.post("/attempts/<int:attempt_id>/override")
@role_required("manager")
def override(attempt_id: int):
    attempt = managed_attempt_or_404(attempt_id)
    form = OverrideForm()
    if form.validate_on_submit():
        try:
            override_score(current_user, attempt, form.dimension.data, form.level.data,
                           form.comment.data, request.remote_addr)
        except ReviewRefused:
            abort(403)
        except OverrideError as exc:
            form.form_errors.append(_sentence(str(exc)))
        else:
            flash(f"{form.dimension.data.capitalize()} set to {form.level.data}.", "success")
            return redirect(url_for("manager.attempt", attempt_id=attempt.id))
    return render_attempt(attempt, override=form, status=422)


def _sentence(message: str) -> str:
    return f"{message[:1].upper()}{message[1:]}" + ("" if message.endswith(".") else ".")


@bp.post("/attempts/<int:attempt_id>/confirm")
@role_required("manager")
def confirm(attempt_id: int):
    attempt = managed_attempt_or_404(attempt_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        confirm_scorecard(current_user, attempt, request.remote_addr)
    except ReviewRefused:
        abort(403)
    except ReviewError as exc:
        flash(str(exc), "error")
    else:
        flash("Scorecard confirmed: every level stands, and it counts as a label.", "success")
    return redirect(url_for("manager.attempt", attempt_id=attempt.id))
