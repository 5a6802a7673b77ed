"""Forms for granting and revoking clearances and overriding scores; the grant form with its
choices of category and level (and one preselected by ``?grant=``)."""

from __future__ import annotations

from flask import request
from flask_wtf import FlaskForm
from wtforms import DateField, DecimalField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from ...domain.authority_text import choice_value, level_choices, parse_choice
from ...domain.library import DIMENSIONS
from ...services.clearances import GrantError, as_amount
from ...services.library import get_library
from ..acting import sentence


def an_amount(form: FlaskForm, field: DecimalField) -> None:
    """The service's own amount rule, beside the field: WTForms' NumberRange cannot compare
    "NaN" or "sNaN" (a 500), and the level's ceiling is checked by the service on grant."""
    if field.data is None:  # empty (the level's most), or not a number: DecimalField says so
        return
    try:
        as_amount(field.data, "limit")
    except GrantError as exc:
        raise ValidationError(sentence(str(exc))) from None


class GrantForm(FlaskForm):
    """The page offers one choice of category and named level ("Delivery problems / Level 2:
    Goodwill up to 75..."); ``category`` and ``level`` posted separately (scripts, older pages)
    are read as that choice. The level's ceiling is the service's rule, checked on grant."""

    authority = SelectField("Category and authority level", validators=[
        InputRequired(message="Choose a category and level.")])
    category = StringField(validators=[Optional()])  # not shown: the pair, instead of authority
    level = StringField(validators=[Optional()])
    limit = DecimalField("Limit (the most they may refund or credit)",
                         places=2, validators=[Optional(), an_amount])
    expires = DateField("Expires on (at most 12 months; empty: 12 months)",
                        validators=[Optional()])
    justification = TextAreaField("Justification (required when they are not eligible)",
                                  validators=[Length(max=2000)])

    older_shape = False  # posted as category + level (the page itself always sends authority)

    def validate(self, extra_validators=None) -> bool:
        if not self.authority.raw_data and (self.category.data or self.level.data):
            self.older_shape = True
            self.authority.data = choice_value((self.category.data or "").strip(),
                                               (self.level.data or "").strip())
            self.authority.raw_data = [self.authority.data]
        return super().validate(extra_validators)

    @property
    def chosen(self) -> tuple[str, int]:
        """(category id, level) of a validated form."""
        choice = parse_choice(self.authority.data)
        assert choice is not None, "a validated choice is one of the offered values"
        return choice


class RevokeForm(FlaskForm):
    reason = StringField("Reason for revoking", validators=[
        DataRequired(message="Say why the clearance is revoked."), Length(max=500)])


class OverrideForm(FlaskForm):
    dimension = SelectField("Dimension", choices=list(DIMENSIONS), validators=[DataRequired()])
    level = IntegerField("New level (0-4)", validators=[InputRequired(), NumberRange(0, 4)])
    comment = TextAreaField("Comment for the trainee and the audit log", validators=[
        DataRequired(message="Explain the override."), Length(max=2000)])


PRESELECT_ARG = "grant"  # /team/people/7?grant=delivery-problem:2 opens the form on that level


def grant_form() -> GrantForm:
    form = GrantForm()
    form.authority.choices = {None: [("", "Choose a category and level…")],
                              **level_choices(list(get_library().categories.values()))}
    if request.method == "GET" and parse_choice(request.args.get(PRESELECT_ARG)):
        form.authority.data = request.args[PRESELECT_ARG]
    return form
