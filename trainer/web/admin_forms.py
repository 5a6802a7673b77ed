"""Forms of the admin pages: create a user, import a CSV, change a role, set a password."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import DateField, EmailField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import EqualTo, InputRequired, Length, Optional

from ..models import ROLES
from ..services.passwords import MAX_LENGTH
from ..services.users import DEPARTMENT_MAX, NAME_MAX

ROLE_CHOICES = [SelectChoice(role, role.title()) for role in ROLES]
NO_MANAGER = SelectChoice("", "No manager")
NEW_PASSWORD = {"autocomplete": "new-password"}


class UserForm(FlaskForm):
    """The service checks everything else and its problems are shown beside these fields."""

    email = EmailField("Email", validators=[InputRequired(), Length(max=254)],
                       render_kw={"autocomplete": "off", "spellcheck": "false",
                                  "autocapitalize": "none"})
    name = StringField("Full name", validators=[InputRequired(), Length(max=NAME_MAX)],
                       render_kw={"autocomplete": "off"})
    role = SelectField("Role", choices=ROLE_CHOICES, default="trainee")
    department = StringField("Department", validators=[InputRequired(),
                                                       Length(max=DEPARTMENT_MAX)],
                             render_kw={"list": "departments", "autocomplete": "off"})
    manager_email = SelectField("Manager", choices=[NO_MANAGER])  # the view adds the managers
    start_date = DateField("Start date", validators=[Optional()])
    password = PasswordField("Password", validators=[Optional(), Length(max=MAX_LENGTH)],
                             render_kw=NEW_PASSWORD)
    confirm = PasswordField("Repeat the password", render_kw=NEW_PASSWORD,
                            validators=[EqualTo("password", message="The passwords differ.")])


class ImportForm(FlaskForm):
    file = FileField("CSV file", validators=[
        FileRequired("Choose a CSV file to upload."),
        FileAllowed(["csv", "txt"], "Upload a .csv file.")], render_kw={"accept": ".csv,text/csv"})


class RoleForm(FlaskForm):
    role = SelectField("Role", choices=ROLE_CHOICES)


class PasswordForm(FlaskForm):
    password = PasswordField("New password", render_kw=NEW_PASSWORD,
                             validators=[InputRequired(), Length(max=MAX_LENGTH)])
    confirm = PasswordField("Repeat the new password", render_kw=NEW_PASSWORD, validators=[
        InputRequired(), EqualTo("password", message="The passwords differ.")])
