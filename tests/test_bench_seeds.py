"""The seeds benchmark's arithmetic: where the accuracy floor sits against the spread of builds."""

from model_build.bench import seeds_report


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
