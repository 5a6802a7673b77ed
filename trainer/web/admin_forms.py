"""Forms of the admin pages: create or edit a user, move a manager's reports, import a CSV,
change a role, set a password."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import EqualTo, InputRequired, Length, Optional

from ..models import ROLES
from ..services.passwords import MAX_LENGTH
from ..services.user_checks import DEPARTMENT_MAX, NAME_MAX

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


class EditUserForm(FlaskForm):
    """Name, department, manager and start date; the service checks the manager (a choice no
    longer offered is still answered with a clear message) and every other rule."""

    name = StringField("Full name", validators=[InputRequired(), Length(max=NAME_MAX)],
                       render_kw={"autocomplete": "off"})
    department = StringField("Department", validators=[InputRequired(),
                                                       Length(max=DEPARTMENT_MAX)],
                             render_kw={"list": "departments", "autocomplete": "off"})
    manager_email = SelectField("Manager", choices=[NO_MANAGER], validate_choice=False)
    start_date = DateField("Start date", validators=[Optional()])


class MoveReportsForm(FlaskForm):
    to_email = SelectField("Move them to", choices=[], validate_choice=False)
    expected = HiddenField()  # how many reports the page showed: a change since is refused


class ImportForm(FlaskForm):
    file = FileField("CSV file", validators=[
        FileRequired("Choose a CSV file to upload."),
        FileAllowed(["csv", "txt"], "Upload a .csv file.")], render_kw={"accept": ".csv,text/csv"})
    generate_passwords = BooleanField(
        "Generate a password for each row without one (shown to you once, to download)")


class RoleForm(FlaskForm):
    role = SelectField("Role", choices=ROLE_CHOICES)


class PasswordForm(FlaskForm):
    password = PasswordField("New password", render_kw=NEW_PASSWORD,
                             validators=[InputRequired(), Length(max=MAX_LENGTH)])
    confirm = PasswordField("Repeat the new password", render_kw=NEW_PASSWORD, validators=[
        InputRequired(), EqualTo("password", message="The passwords differ.")])
