"""The classifier measured on the pictures people really give it, as the page reads them: photos
beside clean scans of the same digits, whole numbers, digits drawn in other hands, pictures that
are not digits, and MNIST's own test digits. In Python, with the exported model: the page's port
of the preprocessing is held to the same steps, and its model to Keras, by other tests.

A reading counts as right only when the page would claim it: every digit found, each above the
claim threshold, all of them the right digits.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import numpy as np

from model_build.output import BuildRecord, ModelInterface
from model_build.preprocess import Digit, read_picture
from model_build.reading import chosen_digits, claim
from tools.handwriting import STYLES, render, traced_number
from tools.nondigits import KINDS, non_digit_set
from tools.numbers import number_picture
from tools.photos import grey_levels, photo_set

WIDE_PAD = 4  # the number pad's width over its height

Predict = Callable[[np.ndarray], np.ndarray]  # inputs (N, 28, 28) in [0, 1] -> probabilities (N, 10)


def claims(readings: list[list[tuple[Digit, np.ndarray]]], predict: Predict,
           interface: ModelInterface) -> list[str | None]:
    """What the page claims for each picture's digits: the number they make, or None. The network
    reads every picture's digits, and the parts of every wide mark, in one batch; a wide mark is
    read whole or as the digits of a way of cutting it, whichever the network is surer of."""
    inputs = [image for read in readings for digit, digit_input in read for image in (digit_input, *digit.parts)]
    probabilities = iter(predict(np.stack(inputs)) if inputs else [])
    results = []
    for read in readings:
        digits = []
        for digit, _ in read:
            whole = next(probabilities)
            digits += chosen_digits(whole, [next(probabilities) for _ in digit.parts], list(digit.splits))
        results.append(claim(digits, interface.claim_threshold, interface.class_names))
    return results


def photos_and_scans(images: np.ndarray, labels: np.ndarray, predict: Predict, record: BuildRecord,
                     seed: int) -> tuple[float, float]:
    """The shares of phone photos, and of clean scans of the same digits, read right."""
    interface, p = record.interface, record.interface.preprocessing
    pairs = photo_set(images, labels, seed)
    shares = []
    for kind in (0, 1):
        shares.append(share_right([read_picture(grey_levels(pair[kind].rgb), p).digits for pair in pairs],
                                  [str(label) for label in labels], predict, interface))
    return shares[0], shares[1]


def number_readings(images: np.ndarray, labels: np.ndarray, record: BuildRecord, count: int, seed: int,
                    lengths: tuple[int, int] = (2, 4)) -> tuple[list, list[str]]:
    """``count`` whole numbers (their length drawn from ``lengths``, both included) written with the
    given digits well apart on paper, as the page reads them, and what each number is."""
    rng = np.random.default_rng(seed)
    p = record.interface.preprocessing
    readings, truths = [], []
    for _ in range(count):
        chosen = rng.integers(0, len(labels), int(rng.integers(lengths[0], lengths[1] + 1)))
        readings.append(read_picture(number_picture([images[index] for index in chosen], rng), p).digits)
        truths.append("".join(map(str, labels[chosen])))
    return readings, truths


def drawn_number_readings(images: np.ndarray, labels: np.ndarray, record: BuildRecord, brush_width: float,
                          count: int, seed: int, touching: bool = False) -> tuple[list, list[str]]:
    """``count`` numbers of 2 to 4 of the given digits traced on the wide pad, as the page reads
    them, and what each number is: with the gaps people leave between digits (5 to 30% of a
    digit's height), or, when ``touching``, each digit touching the next lightly."""
    rng = np.random.default_rng(seed)
    p = record.interface.preprocessing
    readings, truths = [], []
    for _ in range(count):
        chosen = rng.integers(0, len(labels), int(rng.integers(2, 5)))
        gap = -0.03 if touching else float(rng.uniform(0.05, 0.3))
        strokes = traced_number([images[index] for index in chosen], brush_width, WIDE_PAD, rng, gap=gap)
        readings.append(read_picture(render(strokes, brush_width, width=280 * WIDE_PAD), p, drawn=True).digits)
        truths.append("".join(map(str, labels[chosen])))
    return readings, truths


def share_right(readings: list, truths: list[str], predict: Predict, interface: ModelInterface) -> float:
    """The share of the readings the page would claim as their truth."""
    read = claims(readings, predict, interface)
    return float(np.mean([reading == truth for reading, truth in zip(read, truths, strict=True)]))


def numbers(images: np.ndarray, labels: np.ndarray, predict: Predict, record: BuildRecord, count: int,
            seed: int, lengths: tuple[int, int] = (2, 4)) -> float:
    """The share of ``count`` whole numbers written on paper with the given digits well apart
    (``number_readings``), read right."""
    return share_right(*number_readings(images, labels, record, count, seed, lengths), predict, record.interface)


def drawn_numbers(images: np.ndarray, labels: np.ndarray, predict: Predict, record: BuildRecord,
                  brush_width: float, count: int, seed: int) -> dict[str, float]:
    """The shares of ``count`` numbers traced on the wide pad (``drawn_number_readings``) read right,
    with ordinary gaps and touching lightly."""
    return {name: share_right(*drawn_number_readings(images, labels, record, brush_width, count, seed + index,
                                                     touching), predict, record.interface)
            for index, (name, touching) in enumerate((("apart", False), ("touching lightly", True)))}


def drawing_styles(images: np.ndarray, labels: np.ndarray, predict: Predict, record: BuildRecord,
                   brush_width: float, seed: int) -> dict[str, float]:
    """For each drawing style, the share of the digits, traced and painted as the pad paints them,
    read right."""
    rng = np.random.default_rng(seed)
    interface, p = record.interface, record.interface.preprocessing
    shares = {}
    for name, style in STYLES.items():
        readings = [read_picture(render(*style(image, brush_width, rng)), p, drawn=True, single=True).digits
                    for image in images]
        shares[name] = share_right(readings, [str(label) for label in labels], predict, interface)
    return shares


def non_digit_readings(record: BuildRecord, count: int, seed: int) -> tuple[list, list[str]]:
    """``count`` pictures that are not digits (tools/nondigits.py), as the page reads them, and the
    kind of each."""
    pictures = non_digit_set(count, seed)
    return [read_picture(picture, record.interface.preprocessing).digits for _, picture in pictures], \
        [kind for kind, _ in pictures]


def upload_readings(images: np.ndarray, labels: np.ndarray, record: BuildRecord) -> tuple[list, list[str]]:
    """MNIST digits uploaded (dark on white), as the page reads them, and what each digit is."""
    p = record.interface.preprocessing
    return [read_picture(1 - image / 255, p).digits for image in images], [str(label) for label in labels]


def non_digit_claims(predict: Predict, record: BuildRecord, count: int, seed: int) -> dict[str, tuple[int, int]]:
    """For each kind of picture that is not a digit: how many of them the page claims a digit in,
    of how many."""
    readings, kinds = non_digit_readings(record, count, seed)
    read = claims(readings, predict, record.interface)
    found, totals = Counter(), Counter()
    for kind, reading in zip(kinds, read, strict=True):
        totals[kind] += 1
        found[kind] += reading is not None
    return {kind: (found[kind], totals[kind]) for kind in KINDS}


def abstentions(images: np.ndarray, labels: np.ndarray, predict: Predict, record: BuildRecord) -> tuple[float, float]:
    """MNIST digits as uploads (dark on white): the shares the page claims nothing for, and reads
    wrong."""
    readings, truths = upload_readings(images, labels, record)
    read = claims(readings, predict, record.interface)
    silent = np.mean([reading is None for reading in read])
    wrong = np.mean([reading not in (None, truth) for reading, truth in zip(read, truths, strict=True)])
    return float(silent), float(wrong)


def other_writers(images: np.ndarray, labels: np.ndarray, predict: Predict, record: BuildRecord, brush_width: float,
                  seed: int, count: int) -> dict[str, float]:
    """Digits by other writers (tools/other_writers.py): each uploaded as its scan and drawn on the
    ordinary pad; ``count`` numbers of 2 to 4 of them uploaded and drawn on the wide pad, with
    ordinary gaps and touching lightly. The share read right of each."""
    from tools.handwriting import traced_digit
    from tools.other_writers import as_mnist, scan

    rng = np.random.default_rng(seed)
    interface, p = record.interface, record.interface.preprocessing
    mnist_like = [as_mnist(image) for image in images]

    def share(pictures, truths, **how) -> float:
        return share_right([read_picture(picture, p, **how).digits for picture in pictures], truths, predict, interface)

    digits = [str(label) for label in labels]
    result = {"digits uploaded": share([scan(image, rng) for image in images], digits),
              "digits drawn": share([render(traced_digit(image, brush_width), brush_width) for image in mnist_like],
                                    digits, drawn=True, single=True)}
    chosen = [rng.integers(0, len(labels), int(rng.integers(2, 5))) for _ in range(count)]
    truths = ["".join(str(labels[index]) for index in number) for number in chosen]
    for name, touching in (("apart", False), ("touching lightly", True)):
        uploads = [number_picture([mnist_like[index] for index in number], rng, touching, overlap=(0.0, 0.06))
                   for number in chosen]
        result[f"numbers {name}, uploaded"] = share(uploads, truths)
        drawn = [render(traced_number([mnist_like[index] for index in number], brush_width, WIDE_PAD, rng,
                                      gap=-0.03 if touching else 0.3), brush_width, width=280 * WIDE_PAD)
                 for number in chosen]
        result[f"numbers {name}, drawn"] = share(drawn, truths, drawn=True)
    return result
