"""Shared WTForms classes (EmptyForm for buttons, LoginForm, PasswordChangeForm) and the safe
next-URL check."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from ..services.passwords import MAX_LENGTH, MIN_LENGTH


class EmptyForm(FlaskForm):
    """Only the CSRF token: for buttons that POST (log out, start, retry...)."""


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)],
                       render_kw={"autocomplete": "username", "autofocus": True,
                                  "spellcheck": "false", "autocapitalize": "none"})
    password = PasswordField("Password", validators=[DataRequired(), Length(max=MAX_LENGTH)],
                             render_kw={"autocomplete": "current-password"})


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField("Current password", validators=[
        DataRequired(), Length(max=MAX_LENGTH)], render_kw={"autocomplete": "current-password"})
    new_password = PasswordField("New password", validators=[DataRequired()],
                                 render_kw={"autocomplete": "new-password",
                                            "minlength": MIN_LENGTH, "maxlength": MAX_LENGTH})
    confirm = PasswordField("New password again", validators=[
        DataRequired(), EqualTo("new_password", message="The two new passwords differ.")],
        render_kw={"autocomplete": "new-password"})


def is_safe_next(target: str | None) -> bool:
    """A relative path on this site: one leading "/", never "//" or "/\\" (another host)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return False
    # Browsers drop tabs and newlines and read "\" as "/", so "/\t/evil" would become "//evil".
    if "\\" in target or any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def safe_next(target: str | None, fallback: str | None) -> str | None:
    """``target`` when it is safe to redirect to, otherwise ``fallback``."""
    return target if is_safe_next(target) else fallback
