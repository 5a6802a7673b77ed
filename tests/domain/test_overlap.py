"""Near-copies, pure: a pasted model answer is caught through edits and other figures, while
honest answers to the same customer are not (measured on the labelled replies we ship)."""

from __future__ import annotations

import itertools
import json
from collections import defaultdict
from pathlib import Path

from trainer.domain.overlap import (
    COPY_SHARE,
    MIN_SHARED_RUNS,
    closest_copy,
    overlap,
    runs,
    words,
)

DATA = Path(__file__).resolve().parents[1] / "data"
MODEL = ("I'm really sorry, Priya - you've been charged twice for March and then left without an "
         "answer to two emails, and I know that money was meant for your rent. I can see the "
         "second 39.99 on 3 March was taken in error by a fault on our side, not anything you "
         "did. I've refunded the full 39.99 to your bank account just now; it will be with you "
         "within 5 working days, and your refund reference is RF-55120. I've also added a 10 "
         "goodwill credit for the trouble. I'll check on Friday that the refund has landed and "
         "email you to confirm. Is there anything else about your account I can help with today?")


def test_words_are_lower_case_and_every_figure_reads_the_same():
    assert words("Refund of £39.99, ref RF-55120, by 3 March!") == [
        "refund", "of", "#", "#", "ref", "rf", "#", "by", "#", "march"]
    assert len(runs("one two three four five six")) == 2 and len(runs("too short")) == 1
    assert runs("") == frozenset()


def test_the_model_answer_pasted_whole_is_a_copy():
    found = overlap(MODEL, MODEL, "model answer")
    assert found.is_copy and found.share == 1.0


def test_a_paste_padded_with_own_lines_or_split_over_turns_is_a_copy():
    padded = "Hello, thanks for waiting.\n" + MODEL + "\nAnything else? Have a lovely evening."
    assert overlap(padded, MODEL).is_copy
    half = MODEL[:len(MODEL) // 2]  # a fragment: most of what was said is copied
    assert overlap(half + " Let me look into the rest for you now.", MODEL).is_copy


def test_a_paste_from_another_variant_with_other_figures_and_a_few_words_changed_is_a_copy():
    other_variant = (MODEL.replace("39.99", "52.40").replace("RF-55120", "RF-80311")
                     .replace("3 March", "7 April").replace("5 working", "3 working"))
    assert overlap(other_variant, MODEL).share > 0.9  # only "March" -> "April" breaks runs
    tokens = MODEL.split()
    reworded = " ".join("indeed" if i % 10 == 9 else w for i, w in enumerate(tokens))
    assert overlap(reworded, MODEL).share >= COPY_SHARE


def test_a_short_answer_sharing_a_stock_phrase_is_not_a_copy():
    found = overlap("I'm really sorry, Priya. Let me check.", MODEL)
    assert found.shared < MIN_SHARED_RUNS and not found.is_copy


def test_closest_copy_names_the_source_copied_most_or_none():
    sources = {"model answer": MODEL, "attempt 7": MODEL[:300], "attempt 9": "Nothing alike."}
    assert closest_copy(MODEL, sources).source == "model answer"
    assert closest_copy("A different answer entirely, in my own words.", sources) is None
    assert closest_copy(MODEL, [("attempt 7", MODEL), ("attempt 8", MODEL)]).source == "attempt 7"


def test_honest_answers_to_the_same_customer_are_far_below_the_threshold():
    by_customer: dict[str, list[str]] = defaultdict(list)
    for name in ("labelled_dev.jsonl", "labelled_holdout.jsonl", "labelled_blind.jsonl"):
        for line in (DATA / name).read_text().splitlines():
            item = json.loads(line)
            scenario = item.get("scenario")
            key = scenario.get("opening") if isinstance(scenario, dict) else item.get("customer")
            said = [t["text"] for t in item.get("transcript", []) if t["role"] == "trainee"]
            by_customer[key].append("\n".join(said) or item.get("reply", ""))
    shares = [overlap(a, b).share for answers in by_customer.values()
              for a, b in itertools.combinations(answers, 2)]
    assert len(shares) > 500
    assert max(shares) < COPY_SHARE * 0.75  # a margin: the threshold is not tuned to the edge
