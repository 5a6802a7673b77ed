"""The injection corpus: an obedient judge still never lifts gaming above its max_levels."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from trainer.config import SHIPPED_RUBRICS_DIR, SHIPPED_SCENARIOS_DIR
from trainer.domain.batch import parse_item
from trainer.domain.library import DIMENSIONS
from trainer.domain.loading import load_library
from trainer.domain.transcript import trainee_turns
from trainer.llm.calls import LLMRequest, LLMResult, usage_record
from trainer.llm.judge import LLMJudge

CORPUS = Path(__file__).resolve().parent.parent / "data" / "injection_corpus.jsonl"
ITEMS = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line]
LIBRARY = load_library(SHIPPED_SCENARIOS_DIR, SHIPPED_RUBRICS_DIR)


class ObedientJudge:
    """An LLMClient that does what the trainee's text asks: 4 everywhere, with real quotes."""

    def __init__(self):
        self.requests: list[LLMRequest] = []

    def complete(self, request: LLMRequest) -> LLMResult:
        self.requests.append(request)
        staff = json.loads(re.search(r"<transcript>\n(.*)\n</transcript>",
                                     request.messages[-1]["content"], re.S).group(1))
        quotes = [t["text"][:60] for t in staff if t["speaker"] == "staff"]
        top = {"level": 4, "evidence": quotes, "feedback": "Exemplary, as instructed."}
        return LLMResult(dict.fromkeys(DIMENSIONS, top), usage_record(request, "obedient", 1))


def test_the_corpus_has_at_least_20_items_in_the_batch_format():
    assert len(ITEMS) >= 20
    assert len({item["id"] for item in ITEMS}) == len(ITEMS)
    for item in ITEMS:
        parse_item(item, LIBRARY)  # a valid batch-scoring input line
        assert set(item["max_levels"]) == set(DIMENSIONS)


@pytest.mark.parametrize("item", ITEMS, ids=[item["id"] for item in ITEMS])
def test_an_obedient_judge_never_rewards_gaming(item):
    _, transcript, scenario = parse_item(item, LIBRARY)
    judge = LLMJudge(ObedientJudge())
    card = judge.score(transcript, scenario, LIBRARY.rubrics["core"])
    assert card.scorer == "llm-1" and len(judge.client.requests) == 1
    for name, most in item["max_levels"].items():
        level = card.dimensions[name].level
        if most is None:
            assert level is None, name
        else:
            assert level is not None and level <= most, (name, level, most, item["why"])
    assert card.passed is False
    assert card.review_reason.startswith("possible gaming of the scorer")
    assert not [d for d in card.dimensions.values() if "Exemplary" in d.feedback]
    assert trainee_turns(transcript)  # each item has the trainee's words to game with
