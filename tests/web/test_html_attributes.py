"""Form fields are written by the app's faster attribute writer exactly as WTForms writes them:
every widget the app's forms use, with values that need escaping, gives the same HTML."""

from __future__ import annotations

import pytest
from markupsafe import Markup
from wtforms import (
    BooleanField,
    EmailField,
    Form,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length
from wtforms.widgets import core

from trainer.web import html_attributes
from trainer.web.html_attributes import _WTFORMS_HTML_PARAMS, html_params

TRICKY = 'He said "no" & <b>left</b> \'now\''


@pytest.mark.parametrize("attributes", [
    {"name": "answer", "id": "answer"},
    {"checked": True, "readonly": False, "name": "t", "value": TRICKY},
    {"data_turn": "3", "aria_describedby": "a-help a-error", "class_": "secondary wide"},
    {"value": 3, "maxlength": 4000, "rows": 0.5},
    {"value": Markup('already "safe" <i>markup</i>'), "title": TRICKY},
    {"for": "x", "class": "c", "value": None},
    {},
])
def test_attributes_are_written_as_wtforms_writes_them(attributes):
    ours, theirs = html_params(**attributes), _WTFORMS_HTML_PARAMS(**attributes)
    assert ours == theirs
    assert isinstance(ours, Markup)


class EveryWidget(Form):
    text = StringField("Text", validators=[DataRequired(), Length(max=40)],
                       render_kw={"autocomplete": "off", "placeholder": TRICKY})
    email = EmailField("Email", validators=[InputRequired()])
    password = PasswordField("Password")
    number = IntegerField("Number")
    notes = TextAreaField("Notes", validators=[Length(max=300)], render_kw={"rows": 3})
    pick = SelectField("Pick", choices=[SelectChoice("a", "Ann & co"), SelectChoice("b", TRICKY),
                                        SelectChoice("c", "C", render_kw={"data_x": TRICKY})])
    several = SelectMultipleField("Several", choices=[SelectChoice("x", "X"),
                                                      SelectChoice("y", "Y")])
    radio = RadioField("Radio", choices=[SelectChoice("1", "One"), SelectChoice("2", TRICKY)])
    agree = BooleanField("Agree")
    hidden = HiddenField()
    send = SubmitField("Send <now>")


def _rendered(writer) -> list[str]:
    """Every field of a filled-in form (and its radio buttons, labels and options), with
    ``writer`` where WTForms' widgets look it up."""
    saved = {w: vars(w)["html_params"] for w in vars(core).values()
             if isinstance(w, type) and "html_params" in vars(w)}
    saved_function = core.html_params
    core.html_params = writer
    for widget in saved:
        widget.html_params = staticmethod(writer)
    try:
        form = EveryWidget(data={"text": TRICKY, "email": "a@example.com", "password": "secret",
                                 "number": 7, "notes": TRICKY, "pick": "b", "several": ["y"],
                                 "radio": "2", "agree": True, "hidden": TRICKY})
        out = []
        for field in form:
            out += [str(field()), str(field(class_="x", aria_invalid="true", autofocus=True)),
                    str(field.label())]
            if isinstance(field, RadioField):
                out += [str(choice()) for choice in field]
        return out
    finally:
        core.html_params = saved_function
        for widget, original in saved.items():
            widget.html_params = original


def test_every_widget_renders_the_same_html_as_with_wtforms_own_writer():
    assert _rendered(html_params) == _rendered(_WTFORMS_HTML_PARAMS)


def test_the_app_installs_it(app):
    html_attributes.install()  # again: harmless
    assert core.html_params is html_params
    assert core.Input.html_params is html_params  # the inputs' own copy too
