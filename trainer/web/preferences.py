"""A person's email settings: what reminders they get, and the weekly digest turned on or off."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import BooleanField

from ..services import reminders

bp = Blueprint("preferences", __name__, url_prefix="/account")


class EmailForm(FlaskForm):
    wants_digest = BooleanField("Send me a weekly digest of my team: scorecards to review and "
                                "people overdue on their training")


@bp.route("/email", methods=["GET", "POST"])
@login_required
def email():
    user = current_user._get_current_object()
    form = EmailForm(wants_digest=user.wants_digest)
    if user.is_manager and form.validate_on_submit():
        changed = reminders.set_wants_digest(user, form.wants_digest.data)
        flash(("Weekly digest turned on." if form.wants_digest.data else
               "Weekly digest turned off.") if changed else "Nothing changed.",
              "success" if changed else "info")
        return redirect(url_for(".email"))
    status = 400 if form.is_submitted() and form.errors else 200
    return render_template("preferences/email.html", form=form, user=user), status
