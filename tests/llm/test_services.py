"""Playing and scoring on the LLM engines through the services: stored, linked, once."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm.attributes import set_committed_value

from trainer.extensions import db
from trainer.llm import configure
from trainer.llm.prompts import CUSTOMER_PROMPT_VERSION
from trainer.models import Attempt, LLMCall, Turn
from trainer.services import llm_usage, play
from trainer.services.scoring import score_attempt

from .. import factories
from .conftest import customer_json, dimension, judge_json
from .fake_openai import error

SCENARIO = "billing-double-charge"
WARM = ("I'm so sorry, Priya - being charged twice when that money was meant for rent is "
        "awful. I'll look into this for you.")  # the rule scorer: empathy 3, ownership 2, acc. 1
AGREEING = judge_json(dimension(3, ["I'm so sorry, Priya"]), dimension(2), dimension(1))


def calls() -> list[LLMCall]:
    return list(db.session.scalars(select(LLMCall).order_by(LLMCall.id)))


def played(answer: str = WARM) -> Attempt:
    attempt = play.start_attempt(factories.user(), SCENARIO)
    return play.submit_answer(attempt, answer)


def test_each_customer_turn_keeps_its_llm_call(ctx, fake_openai):
    fake_openai.script(customer_json("Fine. When do I get my 39.99 back?", "wary"))
    attempt = played()
    assert attempt.customer_engine == "llm-1" and attempt.mood == "wary"
    turn = attempt.turns[-1]
    assert (turn.engine, turn.text, turn.note) == ("llm-1", "Fine. When do I get my 39.99 back?",
                                                   None)
    [call] = calls()
    assert turn.llm_call_id == call.id and call.attempt_id == attempt.id
    assert (call.purpose, call.model, call.prompt_version, call.ok, call.error) == \
        ("customer", "fake-model", CUSTOMER_PROMPT_VERSION, True, "")
    assert call.try_number == 1
    assert call.tokens_in > 0 and call.tokens_out > 0 and call.latency_ms >= 0
    assert attempt.turns[0].llm_call_id is None  # the opening is the scenario's own line


def test_a_failed_customer_call_is_recorded_and_the_turn_says_so(ctx, fake_openai):
    fake_openai.script(error(500))
    turn = played().turns[-1]
    assert turn.engine == "scripted-1"
    assert turn.note.endswith("LLM customer unavailable (HTTP 500); scripted reply used")
    [call] = calls()
    assert turn.llm_call_id == call.id and (call.ok, call.error) == (False, "HTTP 500")


def test_every_try_of_a_retried_call_is_a_row_and_the_turn_links_the_last(app, ctx,
                                                                          fake_openai):
    app.config["TRAINER_LLM_RETRIES"] = "2"
    configure(app)
    fake_openai.script(error(503), error(500), customer_json("Fine. When do I get it back?"))
    attempt = played()
    turn = attempt.turns[-1]
    assert turn.engine == "llm-1" and turn.note is None
    tries = calls()
    assert [(c.try_number, c.ok, c.error) for c in tries] == \
        [(1, False, "HTTP 503"), (2, False, "HTTP 500"), (3, True, "")]
    assert {c.attempt_id for c in tries} == {attempt.id} and turn.llm_call_id == tries[-1].id
    [totals] = llm_usage.usage(by_day=False)
    assert (totals.calls, totals.failures, totals.retries) == (3, 2, 2)


def test_the_judges_score_is_stored_with_its_call(ctx, fake_openai):
    fake_openai.script(customer_json(), AGREEING)
    attempt = play.finish_attempt(played())
    assert attempt.status == "scored" and attempt.scorer == "llm-1"
    assert {s.dimension: s.level for s in attempt.scores} == \
        {"empathy": 3, "ownership": 2, "accuracy": 1}
    judge_call = calls()[-1]
    assert (judge_call.purpose, judge_call.model, judge_call.ok) == ("judge", "fake-judge", True)
    assert judge_call.tokens_in > 0 and judge_call.attempt_id == attempt.id
    assert {s.llm_call_id for s in attempt.scores} == {judge_call.id}
    assert attempt.score_for("empathy").evidence == ["I'm so sorry, Priya"]
    assert attempt.needs_review is False and attempt.review_reason == ""


def test_a_failed_judge_leaves_the_rule_scorers_card_marked(ctx, fake_openai):
    fake_openai.script(customer_json(), error(500))
    attempt = play.finish_attempt(played())
    assert attempt.status == "scored" and attempt.scorer == "rules-2"
    assert attempt.score_notes == ["LLM judge unavailable (HTTP 500); rule scorer used."]
    judge_call = calls()[-1]
    assert (judge_call.purpose, judge_call.ok, judge_call.error) == ("judge", False, "HTTP 500")
    assert {s.llm_call_id for s in attempt.scores} == {judge_call.id}
    assert {s.scorer for s in attempt.scores} == {"rules-2"}


def test_a_disagreement_is_flagged_for_a_managers_review(ctx, fake_openai):
    fake_openai.script(customer_json(), judge_json(dimension(3), dimension(4), dimension(1)))
    attempt = play.finish_attempt(played())
    db.session.expire_all()
    stored = db.session.get(Attempt, attempt.id)
    assert stored.needs_review is True
    assert "ownership (judge 4, rules 2)" in stored.review_reason
    assert "empathy" not in stored.review_reason


def test_scoring_twice_scores_once(ctx, fake_openai):
    fake_openai.script(customer_json(), AGREEING)
    attempt = play.finish_attempt(played())
    before = (attempt.scored_at, [(s.id, s.level) for s in attempt.scores], len(calls()))
    again = score_attempt(attempt)
    assert again is attempt and len(fake_openai.bodies("judge")) == 1
    assert (attempt.scored_at, [(s.id, s.level) for s in attempt.scores], len(calls())) == before


def test_an_attempt_scored_meanwhile_is_not_scored_again(ctx, fake_openai):
    """Two jobs at once: the one that finishes second keeps its call record, not its card."""
    fake_openai.script(customer_json(), AGREEING, judge_json(dimension(0), dimension(0),
                                                             dimension(0)))
    attempt = play.finish_attempt(played())
    set_committed_value(attempt, "status", "scoring")  # as a second job loaded it, earlier
    score_attempt(attempt)
    assert attempt.status == "scored"
    assert {s.dimension: s.level for s in attempt.scores} == \
        {"empathy": 3, "ownership": 2, "accuracy": 1}
    assert db.session.scalar(select(func.count()).select_from(LLMCall)
                             .where(LLMCall.purpose == "judge")) == 2
    assert db.session.scalar(select(func.count()).select_from(Turn)) == 3


def test_one_web_request_waits_for_llms_once_not_once_per_call(app, fake_openai):
    """Without Redis the answer that ends the conversation also runs the judge: the two calls
    share one deadline, so the page still answers inside the server's worker timeout."""
    from trainer.domain.transcript import Turn as Said
    from trainer.llm.judge import LLMJudge
    from trainer.llm.runtime import default_client
    from trainer.services.library import get_library

    from .fake_openai import Reply

    app.config["TRAINER_LLM_DEADLINE"] = "2"
    configure(app)
    fake_openai.script(Reply('{"reply": "hm", "mood": "wary"}', drip=0.3))
    with app.test_request_context("/attempts/1"):
        library = get_library()
        scenario, rubric = library.scenarios[SCENARIO], library.rubrics["core"]
        said = [Said("customer", scenario.opening), Said("trainee", WARM)]
        reply = play.get_customer_engine("llm").respond(scenario, said)
        card = LLMJudge(default_client()).score(said, scenario, rubric)
    assert "no answer within 2 s" in reply.note
    assert card.scorer.startswith("rules") and \
        card.notes[-1] == "LLM judge unavailable (no time left for an LLM call); rule scorer used."
    assert len(fake_openai.bodies()) == 1  # the judge was never sent: nothing was left to wait
    fake_openai.script(AGREEING)
    with app.test_request_context("/attempts/2"):  # the next request has its own time
        assert LLMJudge(default_client()).score(said, scenario, rubric).scorer == "llm-1"
