"""Login and logout pages, and changing one's own password."""

from __future__ import annotations

import logging

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from ..services import auth
from .forms import LoginForm, PasswordChangeForm, safe_next
from .security import SESSION_TOKEN_KEY

log = logging.getLogger(__name__)
bp = Blueprint("auth", __name__)

BAD_CREDENTIALS = "Email or password is incorrect."


@bp.route("/login", methods=["GET", "POST"])
def login():
    target = safe_next(request.args.get("next"), None)
    if current_user.is_authenticated:
        return redirect(target or home_url(current_user))
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form)
    outcome = auth.attempt_login(form.email.data, form.password.data, ip=request.remote_addr)
    if outcome.locked:
        minutes = f"{outcome.retry_minutes} minute{'' if outcome.retry_minutes == 1 else 's'}"
        message = (f"Too many failed attempts to log in. For your security, logging in is "
                   f"paused: try again in {minutes}.")
        return render_template("auth/login.html", form=form, error=message), 429
    if outcome.user is None:
        return render_template("auth/login.html", form=form, error=BAD_CREDENTIALS)
    _begin_session(outcome.user)
    return redirect(target or home_url(outcome.user))


def home_url(user) -> str:
    """Where a person lands: managers and admins on their team, everyone else on their training."""
    return url_for("manager.team") if user.is_manager else url_for("trainee.dashboard")


def _begin_session(user) -> None:
    """A fresh session at login: nothing from before it survives (no session fixation)."""
    session.clear()
    session.permanent = True  # expires after PERMANENT_SESSION_LIFETIME
    session[SESSION_TOKEN_KEY] = auth.start_session(
        user, ip=request.remote_addr, user_agent=request.headers.get("User-Agent"))
    login_user(user)


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        log.info("logout: user=%s", current_user.id)
    auth.end_session(session.get(SESSION_TOKEN_KEY))
    logout_user()
    session.clear()
    flash("You have been logged out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordChangeForm()
    if not form.validate_on_submit():
        return render_template("auth/password.html", form=form), 400 if form.is_submitted() else 200
    user = current_user._get_current_object()
    try:
        auth.change_own_password(user, form.current_password.data, form.new_password.data,
                                 ip=request.remote_addr)
    except auth.PasswordChangeError as exc:
        for name, message in exc.errors.items():
            getattr(form, name).errors = [*getattr(form, name).errors, message]
        return render_template("auth/password.html", form=form), 429 if exc.locked else 400
    _begin_session(user)  # every session ended, this browser's too: it continues in a new one
    flash("Your password has been changed. You have been logged out everywhere else.", "success")
    return redirect(url_for("trainee.dashboard"))
