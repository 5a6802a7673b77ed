"""Trainee feedback as data: the three questions asked after an attempt, their answers, the
bounds on what may be written, and the one definition of "how negative" a piece of feedback is.

A contact-centre trainer asks yes / partly / no (the same scale as a quality check on a call),
not a 1-5 score that every trainee reads differently. Each answer scores 0 (no), 1 (partly) or
2 (yes); a piece of feedback's total is the sum of the three, 0 (every answer "no") to 6 (every
answer "yes"). The authors' list shows the lowest total first, then the newest: the most
negative feedback is read first."""

from __future__ import annotations

from dataclasses import dataclass

# Answer -> points; the order here is the order the form offers them.
ANSWERS: dict[str, int] = {"yes": 2, "partly": 1, "no": 0}
ANSWER_OF: dict[int, str] = {points: answer for answer, points in ANSWERS.items()}


@dataclass(frozen=True)
class Question:
    field: str  # the Feedback column that holds the answer
    text: str  # what the trainee is asked
    short: str  # a column heading on the authors' page and in the CSV


QUESTIONS: tuple[Question, ...] = (
    Question("realistic", "Was the customer realistic?", "Realistic"),
    Question("fair_score", "Was your score fair?", "Fair score"),
    Question("useful", "Was this scenario useful practice?", "Useful"),
)
MAX_TOTAL = len(QUESTIONS) * max(ANSWERS.values())

COMMENT_MAX = 2000  # characters: a paragraph or two, never a document
DISPUTE_REASON_MAX = 1000  # characters: why the level is wrong, quoting the transcript
HANDLED_NOTE_MAX = 1000  # characters: what the author did about it
REASON_IN_QUEUE = 120  # characters of a dispute's reason shown in the review queue


def rating_total(answers: dict[str, int]) -> int:
    """The sum of the three answers' points (0..MAX_TOTAL): lower is more negative."""
    return sum(answers[q.field] for q in QUESTIONS)


def is_negative(total: int) -> bool:
    """Below the middle of the scale (0 to 2 of 6): shown marked as negative on the list."""
    return total < MAX_TOTAL / 2


def queue_reason(dimension: str, reason: str) -> str:
    """How a dispute reads in the manager's review queue."""
    text = " ".join(reason.split())
    if len(text) > REASON_IN_QUEUE:
        text = text[:REASON_IN_QUEUE - 1].rstrip() + "…"
    return f"disputed {dimension}: {text}"


def answered(feedback) -> list[tuple[str, str]]:
    """(short heading, yes/partly/no) for each question, from anything holding the points
    (a Feedback row)."""
    return [(q.short, ANSWER_OF[getattr(feedback, q.field)]) for q in QUESTIONS]
