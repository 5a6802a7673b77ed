"""Does the customer stay in character? Plays a scenario with a fixed battery of trainee answers
and counts what a trainee would notice: a line said twice, rubric text read out, the customer
talking about themselves in the third person, and a resolution with no closing turn."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from ..library import Library, Scenario
from ..transcript import CUSTOMER, TRAINEE, Turn
from ..variants import render_variant, seeds_to_check, variant_count
from .lines import CLOSING_AGAIN, GENERIC_CLOSING
from .reply import OPEN, RESOLVED, CustomerEngine, CustomerReply
from .scripted import ScriptedCustomer
from .voice import rubric_echoed, third_person

# The trainee's second turn in the good battery: a yes that closes the loop.
GOOD_CLOSE = "Yes, that's right - and I'll ring you once it has gone through, to check."
BATTERY: dict[str, tuple[str, ...]] = {
    "vague": ("We'll look into it.", "Someone will get back to you about that.",
              "These things can take a while, I'm afraid.", "I'll see what I can find out."),
    "hostile": ("That's not my department. You'll have to ring someone else.",
                "Well, you must have done something wrong.",
                "Calm down. There's nothing I can do.", "Read the terms and conditions."),
    "off-topic": ("Did you see the match last night?", "Lovely weather we're having.",
                  "Our canteen does a great lasagne on Thursdays.",
                  "I'm thinking of painting my kitchen green."),
}


@dataclass(frozen=True)
class Played:
    battery: str
    transcript: tuple[Turn, ...]
    replies: tuple[CustomerReply, ...]

    @property
    def customer_lines(self) -> list[str]:
        return [t.text for t in self.transcript if t.role == CUSTOMER]


@dataclass(frozen=True)
class Realism:
    """Per scenario, summed over the battery; all but turns_to_resolve should be 0."""

    scenario: str
    repeated: int  # customer lines said again, word for word, in the same conversation
    rubric: int  # customer lines that read out a key point's or red flag's text
    third_person: int  # customer lines about the customer as someone else
    turns_to_resolve: int | None  # trainee turns the good battery needed (None: never resolved)
    unclosed: int  # resolutions not preceded by the customer saying what would settle it


def variants_of(library: Library, most: int | None = None) -> Iterator[Scenario]:
    """Each scenario of the library in each variant `trainer validate` checks (all of them, or a
    fixed sample of many, the default variant first), or in the first ``most`` of those."""
    for ident, scenario in library.scenarios.items():
        template = library.templates.get(ident)
        if template is None or not template.variables:
            yield scenario
            continue
        for seed in seeds_to_check(variant_count(template.variables))[:most]:
            yield render_variant(template, seed)


def batteries(scenario: Scenario) -> dict[str, tuple[str, ...]]:
    """The fixed battery: good (the model answer, then a yes), vague, hostile, off-topic, and
    one that says each red flag (its first hint, else its text)."""
    out = {"good": (scenario.model_answer, GOOD_CLOSE), **BATTERY}
    for flag in scenario.red_flags:
        said = flag.hints[0] if flag.hints else flag.text
        out[f"red-flag:{flag.id}"] = (f"{said[:1].upper()}{said[1:]}.",
                                      "I'm sorry - I'll sort it out today.")
    return out


def play(scenario: Scenario, answers: Sequence[str], battery: str = "",
         engine: CustomerEngine | None = None) -> Played:
    """Answer with ``answers`` in turn (the last one repeated) until the customer ends it."""
    engine = engine or ScriptedCustomer()
    transcript = [Turn(CUSTOMER, engine.opening(scenario).text)]
    replies: list[CustomerReply] = []
    for n in range(scenario.script.max_turns):
        transcript.append(Turn(TRAINEE, answers[min(n, len(answers) - 1)]))
        reply = engine.respond(scenario, transcript)
        transcript.append(Turn(CUSTOMER, reply.text))
        replies.append(reply)
        if reply.status != OPEN:
            break
    return Played(battery, tuple(transcript), tuple(replies))


def measure(scenario: Scenario, engine: CustomerEngine | None = None) -> Realism:
    games = [play(scenario, answers, name, engine)
             for name, answers in batteries(scenario).items()]
    good = games[0]
    resolved = good.replies[-1].status == RESOLVED
    return Realism(
        scenario=scenario.id,
        repeated=sum(repeated_lines(g.customer_lines) for g in games),
        rubric=sum(bool(rubric_echoed(line, scenario)) for g in games
                   for line in g.customer_lines[1:]),
        third_person=sum(bool(third_person(line, scenario)) for g in games
                         for line in g.customer_lines[1:]),
        turns_to_resolve=len(good.replies) if resolved else None,
        unclosed=sum(unclosed_resolutions(g, scenario) for g in games))


def repeated_lines(lines: Sequence[str]) -> int:
    return len(lines) - len(set(lines))


def unclosed_resolutions(game: Played, scenario: Scenario) -> int:
    """1 when the game resolved without the customer's previous line asking to settle it."""
    if not game.replies or game.replies[-1].status != RESOLVED:
        return 0
    before = game.customer_lines[-2]
    asks = (scenario.script.closing, GENERIC_CLOSING, *CLOSING_AGAIN)
    return int(not any(ask and ask in before for ask in asks))
