"""Forms for granting and revoking clearances and overriding scores."""

from __future__ import annotations

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

from ..domain.library import DIMENSIONS
from ..services.clearances import GrantError, as_amount


def an_amount(form: FlaskForm, field: DecimalField) -> None:
    """The service's own amount rule, beside the field: WTForms' NumberRange cannot compare
    "NaN" or "sNaN" (a 500), and the level's ceiling is checked by the service on grant."""
    if field.data is None:  # not a number at all: DecimalField has said so
        return
    try:
        as_amount(field.data, "limit")
    except GrantError as exc:
        raise ValidationError(f"{str(exc)[:1].upper()}{str(exc)[1:]}.") from None


class GrantForm(FlaskForm):
    category = SelectField("Complaint category", validators=[DataRequired()])
    level = IntegerField("Authority level", validators=[InputRequired(), NumberRange(1, 9)])
    limit = DecimalField("Limit (the most they may refund or credit)", places=2,
                         validators=[InputRequired(), an_amount])
    expires = DateField("Expires on (at most 12 months; empty: 12 months)",
                        validators=[Optional()])
    justification = TextAreaField("Justification (required when they are not eligible)",
                                  validators=[Length(max=2000)])


class RevokeForm(FlaskForm):
    reason = StringField("Reason for revoking", validators=[
        DataRequired(message="Say why the clearance is revoked."), Length(max=500)])


class OverrideForm(FlaskForm):
    dimension = SelectField("Dimension", choices=list(DIMENSIONS), validators=[DataRequired()])
    level = IntegerField("New level (0-4)", validators=[InputRequired(), NumberRange(0, 4)])
    comment = TextAreaField("Comment for the trainee and the audit log", validators=[
        DataRequired(message="Explain the override."), Length(max=2000)])
