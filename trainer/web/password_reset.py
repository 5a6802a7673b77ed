"""Forgotten passwords and invitations: the form that mails a reset link (the same answer for
every email), and the page a link opens to set a new password."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from ..services import mail, password_reset
from ..services.passwords import MAX_LENGTH, MIN_LENGTH

bp = Blueprint("password_reset", __name__, url_prefix="/password")


class ForgotForm(FlaskForm):
    email = EmailField("Your email", validators=[DataRequired(), Length(max=254)],
                       render_kw={"autocomplete": "username", "autofocus": True,
                                  "spellcheck": "false", "autocapitalize": "none"})


class NewPasswordForm(FlaskForm):
    password = PasswordField("New password", validators=[DataRequired()],
                             render_kw={"autocomplete": "new-password", "autofocus": True,
                                        "minlength": MIN_LENGTH, "maxlength": MAX_LENGTH})
    confirm = PasswordField("New password again", validators=[
        DataRequired(), EqualTo("password", message="The two passwords differ.")],
        render_kw={"autocomplete": "new-password"})


@bp.after_request
def _no_store(response):
    """Pages with a reset token or a CSRF token stay out of caches, and never leak the link."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.app_context_processor
def _mail_context() -> dict:
    """Templates ask ``password_links()`` whether to offer "Forgot your password?", and
    ``mail_on()`` whether email is set up at all."""
    return {"password_links": password_reset.is_available, "mail_on": mail.is_enabled}


@bp.route("/forgot", methods=["GET", "POST"])
def forgot():
    form = ForgotForm()
    if not password_reset.is_available():  # no mail, or no passwords (single sign-on only)
        return render_template("auth/reset_request.html", form=None)
    if not form.validate_on_submit():
        return render_template("auth/reset_request.html", form=form), \
            400 if form.is_submitted() else 200
    # Looked up, stored and mailed away from this request: the answer, and how long it takes,
    # are the same whether or not the email belongs to anyone.
    mail.in_background(password_reset.request_reset_job, form.email.data,
                       request.remote_addr)
    return redirect(url_for(".sent"))


@bp.get("/forgot/sent")
def sent():
    return render_template("auth/reset_sent.html",
                           minutes=int(password_reset.RESET_LIFETIME.total_seconds() // 60))


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset(token: str):
    """Opening the link changes nothing (mail scanners open links); sending the form does."""
    try:
        link = password_reset.check_link(token)
    except password_reset.LinkInvalid as exc:
        return render_template("auth/reset_invalid.html", reason=str(exc)), 410
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            password_reset.use_link(token, form.password.data, ip=request.remote_addr)
        except password_reset.LinkInvalid as exc:
            return render_template("auth/reset_invalid.html", reason=str(exc)), 410
        except password_reset.PasswordRefused as exc:
            form.password.errors = [*form.password.errors, str(exc)]
        else:
            flash("Your password is set: log in with it. Any other session of yours has been "
                  "logged out.", "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset_form.html", form=form, link=link), \
        400 if form.is_submitted() else 200
