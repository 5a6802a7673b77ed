"""The scripted customer's stock lines: what it says when a scenario has no line that fits.
Data, not logic: every line is in the customer's own voice and names no one in the third person."""

from __future__ import annotations

from ..library import Line

# Fallbacks per reaction, tried after the scenario's own lines; a ``when`` works as in a script.
GENERIC_LINES: dict[str, tuple[Line, ...]] = {
    "calmer": (
        Line("OK. At least I know when, now.", ("time",)),
        Line("Right - a reference. Good.", ("reference",)),
        Line("Thank you for actually taking this on.", ("ownership",)),
        Line("Right, thank you - that helps."),
        Line("OK, that's more like it."),
    ),
    "pressing": (
        Line("Thank you for saying sorry, but it doesn't fix anything yet.", ("apology",)),
        Line("'Looking into it' isn't an answer.", ("vague",)),
        Line("I've already explained all of this.", ("question",)),
        Line("Fine, but I need more than that."),
        Line("I've heard that kind of thing before."),
    ),
    "angrier": (
        Line("Don't put this on me.", ("blame",)),
        Line("I don't want to be passed around again.", ("deflect",)),
        Line("What has that got to do with anything?", ("off-topic",)),
        Line("You've said that already, and it's still not acceptable.", ("red-flag",)),
        Line("That's not good enough."),
        Line("Are you even listening to me?"),
    ),
    "objection": (Line("Hold on - that's not right."),),
}
# What the customer still wants, after the scenario's probes.
ASK_NEXT_STEP = "So what exactly happens next, and when?"
ASK_TO_BE_HEARD = "Does anyone there actually understand what this has put me through?"
ASK_FOR_ASSURANCE = "And how do I know it will actually happen this time?"
ASK_MISSING_POINT = ("Is there anything else I should know?", "Is that really everything?")
ASK_ANYTHING = ("So what happens now?", "What are you actually going to do about it?")
# Once everything is covered: the scenario's closing line; if it has none, and to ask again.
GENERIC_CLOSING = "So that's what happens, then? And you'll let me know if anything changes?"
CLOSING_AGAIN = ("Sorry - is that a yes?", "I just need to hear it: is that definitely what "
                 "happens?", "So can I take that as a yes?")
GENERIC_OPENING = "I need some help with a problem, please. What can you do?"
GENERIC_RESOLVED = "Thank you. That's sorted, then."
GENERIC_GAVE_UP = "Forget it. I'll take this further myself."
TURN_LIMIT_CALM = ("I'll leave it there for now. I'll wait to hear back from you - "
                   "please don't make me chase it.")
TURN_LIMIT_UPSET = ("We're going round in circles. I'll wait to hear back, and if I don't, "
                    "I'm escalating this.")
