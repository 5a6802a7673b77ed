"""The play page's answers sent by htmx (trainee/play.html, static/js/play.js): the same POST as
without script, answered with a fragment instead of a redirect.

The fragment holds only the turns the page does not show yet (from the turn number the form sent,
which is also the guard against a double submit), appended to the conversation's role="log" so
that a screen reader reads just them, plus, out of band, the mood, the turn number, the answer box
and the next turn number. A redirect (the conversation ended, a manager's view) becomes an
``HX-Redirect``: a plain 302 would be followed inside the request and its page swapped into the
conversation. Storing the answer is left entirely to services.play, as without script."""

from __future__ import annotations

from flask import make_response, render_template, request

REDIRECTS = (301, 302, 303, 307, 308)


def wanted() -> bool:
    """An answer posted by htmx (it says so in a header); never a plain form post."""
    return request.method == "POST" and request.headers.get("HX-Request") == "true"


def shown_turns(sent: object, total: int) -> int:
    """How many turns the posting page shows: the form's turn number when it is one, else all."""
    try:
        shown = int(str(sent))
    except ValueError:
        return total
    return shown if 0 <= shown <= total else total


def update(attempt, form, scenario, shown: int, status: int = 200):
    """The new turns and the page's parts that change; the box emptied once the answer is taken
    (status 200), else it keeps what was typed beside the reason (409, 422)."""
    if status == 200:
        form.answer.data = ""
    form.expected_turn.data = str(len(attempt.turns))
    return render_template("trainee/_play_update.html", attempt=attempt, form=form,
                           scenario=scenario, new_turns=attempt.turns[shown:]), status


def as_htmx(rv):
    """``rv`` with any redirect turned into one htmx follows as a whole page."""
    response = make_response(rv)
    if response.status_code in REDIRECTS:
        location = response.headers["Location"]
        response = make_response("", 200)
        response.headers["HX-Redirect"] = location
    return response
