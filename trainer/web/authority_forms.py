"""Forms for granting and revoking clearances and overriding scores."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, DecimalField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..domain.library import DIMENSIONS


class GrantForm(FlaskForm):
    category = SelectField("Complaint category", validators=[DataRequired()])
    level = IntegerField("Authority level", validators=[InputRequired(), NumberRange(1, 9)])
    limit = DecimalField("Limit (the most they may refund or credit)", places=2,
                         validators=[InputRequired(), NumberRange(min=0)])
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
