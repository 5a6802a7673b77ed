"""Forms for trainee feedback (three yes/partly/no answers and a comment), a dispute of one
dimension's score, and an author's note marking feedback handled."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from ..domain.feedback import (
    ANSWER_OF,
    ANSWERS,
    COMMENT_MAX,
    DISPUTE_REASON_MAX,
    HANDLED_NOTE_MAX,
    QUESTIONS,
)
from ..domain.library import DIMENSIONS
from ..models import Feedback

_CHOICES = [SelectChoice(answer, answer.capitalize()) for answer in ANSWERS]
_PICK = "Choose yes, partly or no."
_TEXT = {q.field: q.text for q in QUESTIONS}


class FeedbackForm(FlaskForm):
    realistic = RadioField(_TEXT["realistic"], choices=_CHOICES,
                           validators=[InputRequired(message=_PICK)])
    fair_score = RadioField(_TEXT["fair_score"], choices=_CHOICES,
                            validators=[InputRequired(message=_PICK)])
    useful = RadioField(_TEXT["useful"], choices=_CHOICES,
                        validators=[InputRequired(message=_PICK)])
    comment = TextAreaField("Comment (optional): what felt wrong, what would make it better",
                            validators=[Length(max=COMMENT_MAX)],
                            render_kw={"maxlength": COMMENT_MAX, "rows": 3})

    @property
    def radios(self):
        return [self[q.field] for q in QUESTIONS]

    def fill_from(self, feedback: Feedback | None) -> FeedbackForm:
        """Show the answers already given (on a page that was not a failed post)."""
        if feedback is not None:
            for q in QUESTIONS:
                self[q.field].data = ANSWER_OF[getattr(feedback, q.field)]
            self.comment.data = feedback.comment
        return self


class DisputeForm(FlaskForm):
    dimension = SelectField("Which score", choices=[SelectChoice(d, d.capitalize())
                                                      for d in DIMENSIONS],
                            validators=[DataRequired()])
    reason = TextAreaField("Why is that level wrong? Quote what you said if you can",
                           validators=[DataRequired(message="Say why the level is wrong: a "
                                                    "reason is required."),
                                       Length(max=DISPUTE_REASON_MAX)],
                           render_kw={"maxlength": DISPUTE_REASON_MAX, "rows": 3})


class HandleForm(FlaskForm):
    note = TextAreaField("What was done about it", validators=[
        DataRequired(message="Say what was done about it: a note is required."),
        Length(max=HANDLED_NOTE_MAX)], render_kw={"maxlength": HANDLED_NOTE_MAX, "rows": 2})
