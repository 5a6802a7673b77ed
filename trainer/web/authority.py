"""Manager actions on resolution authority: grant and revoke clearances, override scores."""

from __future__ import annotations

from datetime import UTC, datetime, time

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user

from ..extensions import db
from ..models import Attempt, Clearance, User
from ..services.clearances import GrantError, GrantRefused, grant_clearance, revoke_clearance
from ..services.library import get_library
from ..services.overrides import OverrideError, OverrideRefused, override_score
from .authority_forms import GrantForm, OverrideForm, RevokeForm
from .guards import role_required

bp = Blueprint("authority", __name__, url_prefix="/team")


def grant_form() -> GrantForm:
    form = GrantForm()
    form.category.choices = [(c.id, c.title) for c in get_library().categories.values()]
    return form


@bp.post("/people/<int:user_id>/clearances")
@role_required("manager")
def grant(user_id: int):
    person = db.get_or_404(User, user_id)
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
                  f"up to {clearance.limit}" + (" (an exception)." if clearance.is_exception
                                                else "."), "success")
            return redirect(url_for("manager.person", user_id=person.id))
    from .manager import render_person

    return render_person(person, grant=form, status=422)


@bp.post("/clearances/<int:clearance_id>/revoke")
@role_required("manager")
def revoke(clearance_id: int):
    clearance = db.get_or_404(Clearance, clearance_id)
    form = RevokeForm()
    if not form.validate_on_submit():
        flash("Say why the clearance is revoked.", "error")
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


@bp.post("/attempts/<int:attempt_id>/override")
@role_required("manager")
def override(attempt_id: int):
    attempt = db.get_or_404(Attempt, attempt_id)
    form = OverrideForm()
    if form.validate_on_submit():
        try:
            override_score(current_user, attempt, form.dimension.data, form.level.data,
                           form.comment.data, request.remote_addr)
        except OverrideRefused:
            abort(403)
        except OverrideError as exc:
            flash(str(exc), "error")
        else:
            flash(f"{form.dimension.data.capitalize()} set to {form.level.data}.", "success")
    else:
        for errors in form.errors.values():
            for error in errors:
                flash(error, "error")
    return redirect(url_for("manager.attempt", attempt_id=attempt.id))
