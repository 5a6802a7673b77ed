"""`trainer validate` and `trainer score` as a user runs them."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from trainer.cli.library import score_command, validate_command

ROOT = Path(__file__).resolve().parents[2]


def run(command, args):
    return CliRunner().invoke(command, [str(a) for a in args])


def test_validate_passes_the_shipped_library():
    result = run(validate_command, [])
    assert result.exit_code == 0, result.output
    assert "problem" not in result.output


def copy_library(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "scenarios", tmp_path / "scenarios")
    shutil.copytree(ROOT / "rubrics", tmp_path / "rubrics")
    return tmp_path / "scenarios"


def test_validate_reports_every_problem_as_file_line_message(tmp_path):
    scenarios = copy_library(tmp_path)
    path = scenarios / "billing-double-charge.yaml"
    lines = path.read_text().splitlines()
    lines = [("difficulty: 7" if line.startswith("difficulty:") else
              "category: no-such-category" if line.startswith("category:") else line)
             for line in lines]
    path.write_text("\n".join(lines) + "\n")
    result = run(validate_command, [scenarios])
    assert result.exit_code == 1
    difficulty_line = next(i for i, x in enumerate(lines, 1) if x.startswith("difficulty"))
    category_line = next(i for i, x in enumerate(lines, 1) if x.startswith("category"))
    assert f"{path}:{difficulty_line}: field 'difficulty' must be a whole number from 1 to 3" \
        in result.output
    assert any(line.startswith(f"{path}:{category_line}: ") and
               "unknown category 'no-such-category'" in line for line in result.output.splitlines())


def test_validate_one_file_reports_only_that_file(tmp_path):
    scenarios = copy_library(tmp_path)
    broken = scenarios / "broken.yaml"
    broken.write_text("id: broken\ntitle: [unclosed\n")
    ok = scenarios / "billing-double-charge.yaml"
    assert run(validate_command, [ok]).exit_code == 0
    result = run(validate_command, [broken])
    assert result.exit_code == 1 and f"{broken}:" in result.output and "YAML syntax" in \
        result.output


def write_jsonl(tmp_path: Path, rows: list) -> Path:
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n")
    return path


INLINE = {"opening": "My parcel is a week late.",
          "facts": ["Parcel P-77 left the depot on 2 May and is held at the local hub."],
          "policy": ["Late deliveries get the 4.99 delivery fee refunded."],
          "key_points": [{"id": "fee", "text": "Refunds the 4.99 delivery fee"}],
          "red_flags": [{"id": "blame", "text": "Blames the customer for the delay"}]}


def test_score_writes_one_contract_line_per_input_line_in_order(tmp_path):
    rows = [
        {"id": "lib", "scenario": "billing-double-charge", "transcript": [
            {"role": "customer", "text": "You charged me twice!"},
            {"role": "trainee", "text": "Not my department, call your bank."}]},
        {"id": "inline", "scenario": INLINE, "transcript": [
            {"role": "customer", "text": "My parcel is a week late."},
            {"role": "trainee", "text": "I'm so sorry your parcel is late. I'll refund the "
                                        "4.99 delivery fee today."}]},
        {"id": "short", "customer": "Nobody called me back.", "reply": "Someone will call."},
        "{not json",
        {"id": "nope", "scenario": "no-such-scenario", "reply": "Hi", "customer": "x"},
    ]
    result = run(score_command, [write_jsonl(tmp_path, rows)])
    assert result.exit_code == 1  # two lines failed, the rest were scored
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o.get("id") for o in out] == ["lib", "inline", "short", None, "nope"]
    for o in out[:3]:
        assert set(o) == {"id", "scorer", "dimensions", "overall", "passed"}
        assert set(o["dimensions"]) == {"empathy", "ownership", "accuracy"}
        for dim in o["dimensions"].values():
            assert set(dim) == {"level", "evidence", "feedback"}
            assert dim["level"] is None or 0 <= dim["level"] <= 4
    assert out[0]["dimensions"]["accuracy"]["level"] == 0  # a red flag
    assert out[0]["dimensions"]["ownership"]["level"] == 0  # deflected
    assert out[2]["dimensions"]["accuracy"]["level"] is None  # no scenario to check against
    assert "error" in out[3] and "line 4" in out[3]["error"]
    assert "unknown scenario" in out[4]["error"]
    assert out[1]["overall"] > out[0]["overall"]


def test_score_unknown_rubric_is_a_usage_error(tmp_path):
    result = run(score_command, ["--rubric", "nope", write_jsonl(tmp_path, [])])
    assert result.exit_code == 2 and "unknown rubric" in result.output


def test_the_trainer_console_script_runs(tmp_path):
    path = write_jsonl(tmp_path, [{"id": "a", "customer": "Hi", "reply": "I'm sorry, I will "
                                                                       "fix it today."}])
    done = subprocess.run([sys.executable, "-c", "from trainer.cli import main; main()",
                           "score", str(path)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["id"] == "a"


def test_validate_renders_the_variants_and_names_the_one_that_fails(tmp_path):
    scenarios = copy_library(tmp_path)
    path = scenarios / "billing-double-charge.yaml"
    text = path.read_text()
    # a figure of the second variant written out: right there, wrong in every other variant
    path.write_text(text.replace("full {amount} to your bank", "full 44.50 to your bank")
                    .replace("the second {amount} on", "the second 44.50 on"))
    result = run(validate_command, [path])
    assert result.exit_code == 1
    line = next(i for i, x in enumerate(text.splitlines(), 1) if x.startswith("model_answer:"))
    assert f"{path}:{line}: model_answer does not pass the rules-" in result.output
    assert "in variant 0 (name=Priya Shah" in result.output and "amount=39.99" in result.output
    assert "key points missed: confirms-duplicate, full-refund" in result.output


def test_validate_reports_an_undefined_placeholder_at_its_line(tmp_path):
    scenarios = copy_library(tmp_path)
    path = scenarios / "billing-price-rise-notice.yaml"
    lines = path.read_text().splitlines()
    n = next(i for i, x in enumerate(lines) if x.startswith("opening:")) + 1
    lines[n] = lines[n].replace("{new_price}", "{new_prize}")
    path.write_text("\n".join(lines) + "\n")
    result = run(validate_command, [path])
    assert result.exit_code == 1
    assert (f"{path}:{n}: field 'opening': unknown placeholder '{{new_prize}}' (did you mean "
            "{new_price}?)") in result.output


def test_score_uses_the_default_variant_or_the_one_a_variant_seed_names(tmp_path):
    from trainer.domain.loading import load_library
    from trainer.domain.variants import render_variant

    library = load_library(ROOT / "scenarios", ROOT / "rubrics")
    template = library.templates["billing-double-charge"]
    other = render_variant(template, 1 + 3 + 9 + 18)  # every value its second one
    default = library.scenarios["billing-double-charge"]

    def line(ident, answer, **more):
        return {"id": ident, "scenario": "billing-double-charge", **more, "transcript": [
            {"role": "customer", "text": "You charged me twice."},
            {"role": "trainee", "text": answer}]}

    rows = [line("default", default.model_answer), line("seed-0", default.model_answer, variant=0),
            line("pasted", default.model_answer, variant=1 + 3 + 9 + 18),
            line("own", other.model_answer, variant=1 + 3 + 9 + 18),
            line("bad", "Hello", variant="two")]
    result = run(score_command, [write_jsonl(tmp_path, rows)])
    out = {o["id"]: o for o in map(json.loads, result.stdout.splitlines())}
    assert out["default"]["passed"] and out["own"]["passed"]
    assert out["seed-0"] == {**out["default"], "id": "seed-0"}
    assert not out["pasted"]["passed"]
    assert out["pasted"]["dimensions"]["accuracy"]["level"] < 3
    assert "'variant' must be a whole number" in out["bad"]["error"]
    assert result.exit_code == 1  # the bad line


def test_score_reports_a_line_nested_too_deeply_and_scores_the_rest(tmp_path):
    deep = '{"id": "deep", "customer": "Hi", "reply": ' + "[" * 100_000 + "]" * 100_000 + "}"
    scenario = {"id": "deep-scenario", "scenario": {**INLINE, "facts": [[[["x"]]]] * 3},
                "customer": "Hi", "reply": "Sorry, I'll fix it."}
    odd_id = {"id": [[["x"]]], "customer": "Hi", "reply": "Sorry."}
    rows = [{"id": "a", "customer": "Hi", "reply": "I'm sorry, I will fix it today."}, deep,
            scenario, odd_id, {"id": "b", "customer": "Hi", "reply": "Sorry, I'll fix it."}]
    result = run(score_command, [write_jsonl(tmp_path, rows)])
    assert result.exit_code == 1  # three lines failed, the others were scored
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o.get("id") for o in out] == ["a", None, "deep-scenario", None, "b"]
    assert out[1]["error"] == ("line 2: nested too deeply to read (lists or objects inside "
                               "each other)")
    assert "line 3: " in out[2]["error"] and "facts[0]" in out[2]["error"]
    assert out[3]["error"] == "line 4: missing 'id' (a string)"  # not echoed back
    assert "overall" in out[0] and "overall" in out[4]
