"""HTML that depends only on the scenario library: rendered once per library, department and
site root, then reused by every request (the library is fixed while the app runs; a new library
object, as tests and reloads make, starts a new cache)."""

from __future__ import annotations

from flask import current_app, render_template, request
from markupsafe import Markup

from ..services.library import get_library, scenarios_for

KEY = "trainer.fragments"


def _cached(name: str, *key: object, render) -> Markup:
    library = get_library()
    held = current_app.extensions.get(KEY)
    if held is None or held[0] is not library:
        held = (library, {})
        current_app.extensions[KEY] = held
    full_key = (name, request.script_root, *key)
    if full_key not in held[1]:
        held[1][full_key] = Markup(render())
    return held[1][full_key]


def scenario_table(department: str | None) -> Markup:
    """The dashboard's table of scenarios, the trainee's department's first. Its buttons post
    the page's one start form (``form="start-scenario"``), so nothing in it is per request."""
    return _cached("scenario_table", department, render=lambda: render_template(
        "trainee/_scenarios.html", scenarios=scenarios_for(department),
        categories=get_library().categories))
