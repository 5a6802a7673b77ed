"""WTForms' attribute writing without its slow path: its ``html_params`` builds every attribute
with ``Markup.format``, a formatter written in Python, three times slower than the field around
it (in-process, the login page took a fifth less time without it, a play page or a scorecard a
few per cent). This one gives the same output (tests compare the two on every widget) with
MarkupSafe's C escape; ``install()`` puts it where WTForms' widgets look it up."""

from __future__ import annotations

from markupsafe import Markup, escape
from wtforms.widgets import core

_WTFORMS_HTML_PARAMS = core.html_params  # kept for the tests that compare the two


def html_params(**kwargs: object) -> Markup:
    """``wtforms.widgets.html_params``: sorted attributes, ``True`` bare, ``False`` left out,
    ``data_``/``aria_`` names hyphenated, trailing underscores dropped, values escaped."""
    params = []
    for key, value in sorted(kwargs.items()):
        key = core.clean_key(key)
        if value is True:
            params.append(str(escape(key)))
        elif value is not False:
            params.append(f'{escape(key)}="{str(escape(value)).replace(chr(34), "&quot;")}"')
    return Markup(" ".join(params))


def install() -> None:
    """Where the widgets look it up: the module's function (textarea, select, option) and the
    copies that some widget classes keep (inputs, buttons)."""
    core.html_params = html_params
    for widget in vars(core).values():
        if isinstance(widget, type) and "html_params" in vars(widget):
            widget.html_params = staticmethod(html_params)
