"""python -m tools.bench_real_world: the classifier on what people really give it, beside the targets.

Most sets are made from MNIST's test digits, which the model never trained on, by the
generators in tools/, with other digits and seeds than the tests use (those were looked at to
find what failed; these were not): phone photos and clean scans of the same digits
(tools/photos.py), digits traced and drawn on the pad in other hands (tools/handwriting.py), whole
numbers written on paper (tools/numbers.py) and traced on the wide pad, and pictures that are not
digits (tools/nondigits.py). One source is neither MNIST nor ours: digits by 13 other writers
(tools/other_writers.py), its test half, uploaded, drawn, and written as numbers. The page's
preprocessing and reading are applied in Python, with the exported model; tests hold the page's
port to the same results.

With ``--validation`` the same measures read the validation sets instead: the 5,000 training
digits the build holds out, the other writers' first half, other seeds; and the claim threshold is
swept. Tune there, as often as needed; the test sets are read once per model."""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from model_build.bench import figures_before, write_report
from model_build.config import TrainConfig
from model_build.output import REPOSITORY, model_dir, read_record
from model_build.quiet import quiet_tensorflow
from site_hooks.drawing_pad import BRUSH_WIDTH as BRUSH
from tools import measure, targets
from tools.nondigits import KINDS
from tools.other_writers import TEST as OW_TEST
from tools.other_writers import VALIDATION as OW_VALIDATION
from tools.other_writers import load_other_writers

PHOTOS = 1_000
STYLED = 1_000  # digits per drawing style
NUMBERS = 1_000
DRAWN_NUMBERS = 400  # numbers traced on the wide pad, per way of spacing them
NON_DIGITS = 1_000
OTHER_NUMBERS = 400  # numbers of the other writers' digits, per way of writing them
SWEPT = 1_000  # pictures per set in the claim threshold's sweep
THRESHOLDS = (0.3, 0.4, 0.45, 0.5, 0.55, 0.6)


@dataclass(frozen=True)
class Split:
    """Where a report's pictures come from. The test split is read once per model, for the figures
    reported; the validation split is for tuning (a rule, a parameter, the training), as often as
    needed: neither its digits nor its seeds are the test split's."""

    name: str  # the report's file name
    title: str
    digits: str  # what the MNIST digits are, in the report's words
    photographed: slice
    styled: slice  # every fifth digit of this range...
    other_writers: slice
    seed: int  # ...and the generators' seeds are theirs plus this
    # The report's words for the sets: the photos, the drawn digits, the uploads, the other writers.
    photos_described: str
    styled_described: str
    uploads_described: tuple[str, str]  # whose digits, how many
    other_writers_described: str


TEST = Split("real_world", "the classifier in the real world", "MNIST's test digits, which the model never "
             "trained on", slice(2_000, 2_000 + PHOTOS), slice(5_002, 10_000, 5), OW_TEST, 0,
             f"{PHOTOS:,} photos of test digits 2,000-{2_000 + PHOTOS - 1:,}", f"{STYLED:,} test digits 5,002-9,997",
             ("MNIST's test digits", "all 10,000"), "test half: 899 of the 1,797 digits by 13 writers, 8x8 scans")
VALIDATION = Split("real_world_validation", "the classifier in the real world, on the validation sets",
                   "the 5,000 MNIST training digits the build holds out for validation",
                   slice(0, PHOTOS), slice(0, 5_000, 5), OW_VALIDATION, 100,
                   f"{PHOTOS:,} photos of validation digits", f"{STYLED:,} validation digits",
                   ("the validation digits", "all 5,000"), "validation half: 898 digits, 8x8 scans")


def split_digits(split: Split, mnist) -> tuple[np.ndarray, np.ndarray]:
    """The MNIST digits a split draws its sets from."""
    from model_build.train import split_validation

    if split is TEST:
        return mnist.x_test, mnist.y_test
    return split_validation(mnist, TrainConfig())[1]


def measure_all(split: Split = TEST) -> dict:
    """Every measure on ``split``, with the seconds each took."""
    from model_build.data import load_mnist
    from model_build.export import load_exported
    from model_build.train import predict

    mnist = load_mnist()
    images, labels = split_digits(split, mnist)
    folder = model_dir()
    record = read_record(folder)
    model = load_exported(folder / record.model.folder)

    def read(inputs: np.ndarray) -> np.ndarray:
        return predict(model, inputs * 255)

    seconds = {}

    def timed(name: str, run):
        started = time.perf_counter()
        result = run()
        seconds[name] = round(time.perf_counter() - started, 1)
        return result

    seed = split.seed
    photos, scans = timed("photos", lambda: measure.photos_and_scans(
        images[split.photographed], labels[split.photographed], read, record, seed=11 + seed))
    silent, wrong = timed("abstentions", lambda: measure.abstentions(images, labels, read, record))
    result = {
        "model": record.model.folder,
        "test_accuracy": record.test_accuracy,
        "split": split.name,
        "photos": photos, "scans": scans,
        "styles": timed("styles", lambda: measure.drawing_styles(
            images[split.styled], labels[split.styled], read, record, BRUSH, seed=13 + seed)),
        "numbers": timed("numbers", lambda: measure.numbers(images, labels, read, record, NUMBERS, seed=12 + seed)),
        "drawn_numbers": timed("numbers drawn", lambda: measure.drawn_numbers(
            images, labels, read, record, BRUSH, DRAWN_NUMBERS, seed=17 + seed)),
        "eight_digit_numbers": timed("eight-digit numbers", lambda: measure.numbers(
            images, labels, read, record, NUMBERS // 4, seed=16 + seed, lengths=(8, 8))),
        "non_digits": timed("non-digits", lambda: measure.non_digit_claims(read, record, NON_DIGITS, seed=14 + seed)),
        "uploaded_mnist_abstained": silent, "uploaded_mnist_wrong": wrong,
        "other_writers": timed("other writers", lambda: other_writers_set(split, read, record)),
    }
    if split is VALIDATION:
        result["claim_threshold"] = record.interface.claim_threshold
        result["threshold_sweep"] = timed("threshold sweep", lambda: threshold_sweep(images, labels, read, record,
                                                                                     seed=18 + seed))
    return result | {"seconds": seconds}


def threshold_sweep(images: np.ndarray, labels: np.ndarray, read, record, seed: int) -> list[dict]:
    """What moving the claim threshold would do: for each threshold, numbers drawn and on paper
    read right, single digits uploaded read right, and pictures that are not digits claimed."""
    count = SWEPT // 2  # numbers are slower to make than single pictures
    sets = {
        "numbers drawn": measure.drawn_number_readings(images, labels, record, BRUSH, count, seed),
        "numbers on paper": measure.number_readings(images, labels, record, count, seed + 1),
        "digits uploaded": measure.upload_readings(images[-SWEPT:], labels[-SWEPT:], record),
    }
    marks, _ = measure.non_digit_readings(record, SWEPT, seed + 2)
    rows = []
    for threshold in THRESHOLDS:
        interface = replace(record.interface, claim_threshold=threshold)
        row = {name: measure.share_right(*readings, read, interface) for name, readings in sets.items()}
        claimed = measure.claims(marks, read, interface)
        rows.append({"threshold": threshold, **row,
                     "non-digits claimed": float(np.mean([reading is not None for reading in claimed]))})
    return rows


def other_writers_set(split: Split, read, record) -> dict[str, float]:
    images, labels = load_other_writers()
    return measure.other_writers(images[split.other_writers], labels[split.other_writers], read, record, BRUSH,
                                 seed=22 + split.seed, count=OTHER_NUMBERS)


def mark(met: bool) -> str:
    return "met" if met else "**not yet**"


def claimed_share(result: dict) -> float:
    claims = result["non_digits"].values()
    return sum(found for found, _ in claims) / sum(count for _, count in claims)


def report(result: dict, before: dict | None = None) -> str:
    """The figures against their targets, beside the model measured before this one when there is
    one (figures it lacks show as a dash)."""
    split = VALIDATION if result.get("split") == VALIDATION.name else TEST

    def both(value, shown: str = "{:.1%}") -> str:
        """A figure of this model and of the one before, as two cells."""
        def figure(figures: dict | None) -> str:
            try:
                return shown.format(value(figures)) if figures else "–"
            except KeyError:  # a figure the earlier report did not have
                return "–"
        return f"{figure(result)} | {figure(before)}"

    def row(measure: str, described: str, value, shown: str = "{:.1%}", target: str = "", met=None) -> str:
        verdict = "" if met is None else mark(met(value(result)))
        return f"| {measure} | {described} | {both(value, shown)} | {target} | {verdict} |"

    ours, every = split.uploads_described
    lines = [
        f"# Benchmark: {split.title}",
        "",
        f"Model {result['model']} ({result['test_accuracy']:.2%} on MNIST's test set)"
        + (f", beside the model measured before it here, {before['model']} ({before['test_accuracy']:.2%})"
           if before else "; no model before it has been measured here")
        + f". Each set is made from {split.digits}, with fixed seeds; a reading counts as right only when "
        "the page would claim it."
        + ("" if split is TEST
           else " Tune on these sets; `make bench-real-world` reads the test sets, once per model. The"
           " held-out MNIST digits are by writers the network trained on: for new hands, read the other"
           " writers' figures."),
        "",
        "| measure | set | this model | model before | target | |",
        "|---|---|---:|---:|---:|---|",
        row("phone photos read right", split.photos_described, lambda r: r["photos"], target=f"≥ {targets.PHOTOS:.0%}",
            met=lambda v: v >= targets.PHOTOS),
        row("the same digits as clean scans", f"{PHOTOS:,} scans", lambda r: r["scans"],
            target=f"photos at most {targets.PHOTO_GAP * 100:.0f} points below",
            met=lambda _: result["scans"] - result["photos"] <= targets.PHOTO_GAP),
        *(row(f"drawn on the pad, {name}", split.styled_described,
              lambda r, name=name: r["styles"][name], target=f"≥ {targets.STYLE:.0%}",
              met=lambda v: v >= targets.STYLE)
          for name in result["styles"]),
        row("whole numbers of 2 to 4 digits read right", f"{NUMBERS:,} numbers on paper", lambda r: r["numbers"],
            target=f"≥ {targets.NUMBERS:.0%}", met=lambda v: v >= targets.NUMBERS),
        *(row(f"whole numbers of 2 to 4 digits drawn, {name}, read right",
              f"{DRAWN_NUMBERS} numbers on the wide pad, tracer", lambda r, name=name: r["drawn_numbers"][name],
              target=f"≥ {targets.DRAWN_NUMBERS:.0%}", met=lambda v: v >= targets.DRAWN_NUMBERS)
          for name in result.get("drawn_numbers", {})),
        row("whole numbers of 8 digits read right", f"{NUMBERS // 4} numbers on paper",
            lambda r: r["eight_digit_numbers"]),
        row("pictures that are not digits, a digit claimed",
            f"{NON_DIGITS:,} pictures, {NON_DIGITS // len(KINDS)} of each kind", claimed_share,
            target=f"≤ {targets.NON_DIGITS:.0%}", met=lambda v: v <= targets.NON_DIGITS),
        row(f"{ours} uploaded, no digit claimed", every, lambda r: r["uploaded_mnist_abstained"],
            "{:.2%}", target=f"≤ {targets.ABSTENTIONS:.0%}", met=lambda v: v <= targets.ABSTENTIONS),
        row(f"{ours} uploaded, a wrong digit claimed", every,
            lambda r: r["uploaded_mnist_wrong"], "{:.2%}"),
        "",
        f"## Digits by other writers (UCI optical digits, {split.other_writers_described})",
        "",
        "| measure | this model | model before |",
        "|---|---:|---:|",
        *(f"| {name} | {both(lambda r, name=name: r['other_writers'][name])} |" for name in result["other_writers"]),
        "",
        "## Pictures that are not digits, by kind: a digit claimed",
        "",
        "| kind | this model | model before |",
        "|---|---:|---:|",
        *(f"| {kind} | {both(lambda r, kind=kind: r['non_digits'][kind][0], '{:d} of ' + str(count))} |"
          for kind, (_, count) in result["non_digits"].items()),
        *sweep_table(result.get("threshold_sweep"), result.get("claim_threshold")),
        "",
        "Seconds per measure: " + ", ".join(f"{name} {value:.0f}" for name, value in result["seconds"].items())
        + ".",
    ]
    return "\n".join(lines) + "\n"


def sweep_table(rows: list[dict] | None, threshold: float | None) -> list[str]:
    """The claim threshold's sweep as a table, the page's own threshold marked."""
    if not rows:
        return []
    names = [name for name in rows[0] if name != "threshold"]
    return [
        "",
        "## The claim threshold, swept",
        "",
        f"The page claims a digit only when the network gives it at least the claim threshold "
        f"({threshold:.2f} in this model's record). Each row reads the same pictures again with another "
        f"threshold: {SWEPT // 2} numbers drawn, {SWEPT // 2} on paper, {SWEPT:,} digits uploaded, "
        f"{SWEPT:,} pictures that are not digits.",
        "",
        "| threshold | " + " | ".join(names) + " |",
        "|---:|" + "---:|" * len(names),
        *(f"| {row['threshold']:.2f}{' (the page)' if row['threshold'] == threshold else ''} | "
          + " | ".join(f"{row[name]:.1%}" for name in names) + " |" for row in rows),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.bench_real_world", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=REPOSITORY / "build" / "bench", help="where the report goes")
    parser.add_argument("--validation", action="store_true",
                        help="measure on the validation sets (for tuning) instead of the test sets")
    args = parser.parse_args(argv)
    quiet_tensorflow()
    split = VALIDATION if args.validation else TEST
    result = measure_all(split)
    before = figures_before(args.out, split.name, result["model"])
    write_report(args.out, split.name, report(result, before), result, result["model"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
