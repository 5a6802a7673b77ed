"""Login and logout pages, and changing one's own password. With TRAINER_PASSWORD_LOGIN=0 the
password form is gone and only single sign-on (web/sso.py) lets people in."""

from __future__ import annotations

import logging

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from ..services import auth, sso
from .forms import LoginForm, PasswordChangeForm, safe_next
from .security import SESSION_TOKEN_KEY

log = logging.getLogger(__name__)
bp = Blueprint("auth", __name__)

BAD_CREDENTIALS = "Email or password is incorrect."
PASSWORD_LOGIN_OFF = "Logging in with a password is switched off here."
SSO_SESSION_KEY = "sso_login"  # this session began at the single sign-on provider
PROVIDER_LOGOUT_KEY = "sso_logout_url"  # shown once on the login page after logging out


def render_login(error: str | None = None, status: int = 200, form: LoginForm | None = None):
    """The login page: the password form unless switched off, the single sign-on button when
    configured, and after a logout from single sign-on a link to log out at the provider."""
    config = sso.settings()
    password_login = sso.password_login_enabled()
    if password_login and form is None:
        form = LoginForm()
    return render_template(
        "auth/login.html", form=form, error=error, password_login=password_login,
        sso_name=config.provider_name if config else None,
        next=safe_next(request.args.get("next"), None),
        provider_logout_url=session.pop(PROVIDER_LOGOUT_KEY, None)), status


@bp.route("/login", methods=["GET", "POST"])
def login():
    target = safe_next(request.args.get("next"), None)
    if current_user.is_authenticated:
        return redirect(target or home_url(current_user))
    if not sso.password_login_enabled():
        if request.method == "POST":
            log.warning("password login refused (switched off): ip=%s", request.remote_addr)
            return render_login(PASSWORD_LOGIN_OFF, 403)
        return render_login()
    form = LoginForm()
    if not form.validate_on_submit():
        return render_login(form=form)
    outcome = auth.attempt_login(form.email.data, form.password.data, ip=request.remote_addr)
    if outcome.locked:
        minutes = f"{outcome.retry_minutes} minute{'' if outcome.retry_minutes == 1 else 's'}"
        message = (f"Too many failed attempts to log in. For your security, logging in is "
                   f"paused: try again in {minutes}.")
        return render_login(message, 429, form)
    if outcome.user is None:
        return render_login(BAD_CREDENTIALS, form=form)
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
    via_sso = bool(session.get(SSO_SESSION_KEY))
    auth.end_session(session.get(SESSION_TOKEN_KEY))
    logout_user()
    session.clear()
    if via_sso:  # a link on the login page may end the provider's session too
        from .sso import provider_logout_url

        url = provider_logout_url()
        if url:
            session[PROVIDER_LOGOUT_KEY] = url
    flash("You have been logged out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    if not sso.password_login_enabled():
        abort(404)  # passwords are not used to log in here
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
