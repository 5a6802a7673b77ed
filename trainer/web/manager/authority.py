"""Manager actions on resolution authority: grant and revoke clearances; review scores (confirm
or override them). Another team's record answers 404, exactly like a missing one (guards.py),
before any form is read; bad input re-renders the form with what was typed, and a 422. Every
message names the person, the category by its title and the level or limit in words."""

from __future__ import annotations

from datetime import UTC, datetime, time
from decimal import Decimal

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from ...domain.authority_text import authority_phrase
from ...domain.library import DIMENSIONS
from ...models import Attempt, Clearance
from ...services.clearances import GrantError, GrantRefused, grant_clearance, revoke_clearance
from ...services.library import get_library
from ...services.overrides import OverrideError, override_score
from ...services.reviews import ReviewError, ReviewRefused, confirm_scorecard
from ..acting import sentence
from ..forms import EmptyForm
from ..guards import (
    managed_attempt_or_404,
    managed_clearance_or_404,
    managed_person_or_404,
    role_required,
)
from .forms import GrantForm, OverrideForm, RevokeForm, grant_form
from .people import render_attempt, render_person

bp = Blueprint("authority", __name__, url_prefix="/team")

# Which field a refusal from the service belongs beside, by what its message is about (the
# service keeps the rules, e.g. a level's ceiling; the page only places the message).
GRANT_ERROR_FIELDS = (("the limit", "limit"), ("the expiry", "expires"),
                      ("justification", "justification"), ("has no level", "authority"),
                      ("unknown category", "authority"))


@bp.post("/people/<int:user_id>/clearances")
@role_required("manager")
def grant(user_id: int):
    person = managed_person_or_404(user_id)
    form = grant_form()
    if form.validate_on_submit():
        category_id, level = form.chosen
        expires = (datetime.combine(form.expires.data, time(23, 59, 59), UTC)
                   if form.expires.data else None)
        try:
            clearance = grant_clearance(current_user, person, category_id, level,
                                        _limit(form, category_id, level), expires,
                                        form.justification.data, request.remote_addr)
        except GrantRefused:
            abort(403)
        except GrantError as exc:
            _place_error(form, sentence(str(exc)))
        else:
            flash(f"Cleared {person.name} for {_phrase(clearance)}"
                  f"{_exception_note(clearance)}.", "success")
            return redirect(url_for("manager.person", user_id=person.id))
    return render_person(person, grant=form, status=422)


def _limit(form: GrantForm, category_id: str, level: int) -> Decimal:
    """What was typed, or (left empty) the most the chosen level allows."""
    if form.limit.data is not None:
        return form.limit.data
    authority = get_library().categories[category_id].level(level)
    return Decimal(str(authority.max_limit))


def _place_error(form: GrantForm, message: str) -> None:
    lowered = message.lower()
    name = next((field for words, field in GRANT_ERROR_FIELDS if words in lowered), None)
    if name is None:
        form.form_errors.append(message)
    else:
        form[name].errors = [*form[name].errors, message]


def _phrase(clearance: Clearance) -> str:
    category = get_library().categories.get(clearance.category)
    return authority_phrase(category, clearance.category, clearance.level, clearance.limit)


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
            flash(f"Revoked {clearance.user.name}'s clearance for {_phrase(clearance)}.",
                  "success")
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
        before = attempt.score_for(form.dimension.data)
        old_level, passed_before = (before.level if before else None), attempt.passed
        try:
            override_score(current_user, attempt, form.dimension.data, form.level.data,
                           form.comment.data, request.remote_addr)
        except ReviewRefused:
            abort(403)
        except OverrideError as exc:
            form.form_errors.append(sentence(str(exc)))
        else:
            was = "" if old_level is None else f" (was {old_level})"
            verdict = "" if attempt.passed == passed_before else \
                f"; it now {'passes' if attempt.passed else 'fails'}"
            flash(f"Set {form.dimension.data} to level {form.level.data}{was} on "
                  f"{_attempt_phrase(attempt)}{verdict}.", "success")
            return redirect(url_for("manager.attempt", attempt_id=attempt.id))
    return render_attempt(attempt, override=form, status=422)


def _attempt_phrase(attempt: Attempt) -> str:
    """"Tara Singh's attempt at “Charged twice for the same month” (Billing disputes)"."""
    title = (attempt.scenario_snapshot or {}).get("title") or attempt.scenario_id
    category = get_library().categories.get(attempt.category)
    return (f"{attempt.user.name}'s attempt at “{title}” "
            f"({category.title if category else attempt.category})")


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
        levels = {s.dimension: s.level for s in attempt.scores}
        shown = ", ".join(f"{d} {levels[d]}" for d in DIMENSIONS if levels.get(d) is not None)
        flash(f"Confirmed {_attempt_phrase(attempt)}: every level stands"
              f"{f' ({shown})' if shown else ''}, and it counts as a label.", "success")
    return redirect(url_for("manager.attempt", attempt_id=attempt.id))
