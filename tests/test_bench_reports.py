"""The benchmarks' reports: where the accuracy floor sits against the spread of builds, and the
model before set beside this one."""

import json
import re

from model_build.bench import figures_before, seeds_report, write_report
from tools.bench_real_world import report as real_world_report


def rows(*accuracies: float) -> list[dict]:
    return [{"seed": index, "test_accuracy": accuracy, "training_seconds": 80.0, "build_seconds": 130.0}
            for index, accuracy in enumerate(accuracies)]


def test_a_floor_far_below_the_spread_is_reported_safe():
    text = seeds_report(rows(0.9946, 0.9950, 0.9943, 0.9948, 0.9945), floor=0.993)
    assert "Mean 99.464%" in text and "lowest 99.43%" in text
    assert "standard deviations below the mean." in text and "too close" not in text


def test_a_floor_within_four_standard_deviations_is_flagged():
    text = seeds_report(rows(0.9936, 0.9950, 0.9931, 0.9948), floor=0.993)
    assert "too close, a healthy build may fail it" in text


def real_world(model: str, photos: float) -> dict:
    return {"model": model, "test_accuracy": 0.994, "photos": photos, "scans": 0.98,
            "styles": {"tracer": 0.985}, "numbers": 0.97, "eight_digit_numbers": 0.9,
            "non_digits": {"letter": [3, 100], "block": [1, 100]}, "uploaded_mnist_abstained": 0.005,
            "uploaded_mnist_wrong": 0.007, "other_writers": {"digits uploaded": 0.9}, "seconds": {"photos": 50}}


def test_the_figures_of_the_model_before_are_kept_until_another_model_replaces_them(tmp_path):
    assert figures_before(tmp_path, "real_world", "tfjs-a") is None
    write_report(tmp_path, "real_world", "# R", real_world("tfjs-a", 0.96), "tfjs-a")
    assert figures_before(tmp_path, "real_world", "tfjs-a") is None  # the same model again: no "before"
    assert figures_before(tmp_path, "real_world", "tfjs-b")["photos"] == 0.96
    write_report(tmp_path, "real_world", "# R", real_world("tfjs-b", 0.97), "tfjs-b")
    assert figures_before(tmp_path, "real_world", "tfjs-b")["model"] == "tfjs-a"  # rerunning b keeps a
    write_report(tmp_path, "real_world", "# R", real_world("tfjs-b", 0.97), "tfjs-b")
    assert figures_before(tmp_path, "real_world", "tfjs-c")["model"] == "tfjs-b"
    assert json.loads((tmp_path / "real_world.before.json").read_text())["photos"] == 0.97


def test_the_real_world_report_sets_the_model_before_beside_this_one():
    before = real_world("tfjs-a", 0.961)
    del before["eight_digit_numbers"]  # an older report without this figure
    text = real_world_report(real_world("tfjs-b", 0.972), before)
    assert "beside the model measured before it here, tfjs-a" in text
    assert "| phone photos read right | 1,000 photos of test digits 2,000-2,999 | 97.2% | 96.1% | ≥ 95% | met |" in text
    assert "| whole numbers of 8 digits read right | 250 numbers on paper | 90.0% | – |" in text
    assert "| letter | 3 of 100 | 3 of 100 |" in text
    alone = real_world_report(real_world("tfjs-b", 0.94))
    assert "no model before it has been measured here" in alone
    assert "| 94.0% | – | ≥ 95% | **not yet** |" in alone


def test_the_validation_report_names_its_sets_and_sweeps_the_claim_threshold():
    figures = real_world("tfjs-b", 0.97) | {
        "split": "real_world_validation", "drawn_numbers": {"apart": 0.94, "touching lightly": 0.87},
        "claim_threshold": 0.5,
        "threshold_sweep": [{"threshold": t, "numbers drawn": 0.9 + t / 10, "non-digits claimed": 0.1 - t / 10}
                            for t in (0.4, 0.5)]}
    text = real_world_report(figures)
    assert text.startswith("# Benchmark: the classifier in the real world, on the validation sets\n")
    assert "held out for validation" not in text and "the build holds out for validation" in text
    assert "| phone photos read right | 1,000 photos of validation digits | 97.0% |" in text
    assert "| whole numbers of 2 to 4 digits drawn, apart, read right | 400 numbers on the wide pad, tracer | 94.0% " \
           "| – | ≥ 95% | **not yet** |" in text
    assert "| threshold | numbers drawn | non-digits claimed |" in text
    assert "| 0.50 (the page) | 95.0% | 5.0% |" in text and "| 0.40 | 94.0% | 6.0% |" in text
    assert "test digits" not in text


def test_a_report_says_when_where_and_with_which_model_it_was_measured(tmp_path):
    write_report(tmp_path, "page", "# Benchmark: the page\n\n| a | b |\n", {"x": 1}, "tfjs-0123456789ab")
    text = (tmp_path / "page.md").read_text()
    title, blank, measured, *rest = text.splitlines()
    assert title == "# Benchmark: the page" and blank == ""
    assert re.fullmatch(r"Measured on 20\d\d-\d\d-\d\d, .+, \d+ cores, \w+; model tfjs-0123456789ab\.", measured)
    assert rest == ["", "| a | b |"]
