"""The classifier measured on the pictures people really give it, as the page reads them: photos
beside clean scans of the same digits, whole numbers, digits drawn in other hands, pictures that
are not digits, and MNIST's own test digits. In Python, with the exported model: the page's port
of the preprocessing is held to the same steps, and its model to Keras, by other tests.

A reading counts as right only when the page would claim it: every digit found, each above the
claim threshold, none taken for touching digits (unless the network is as sure of it as a wide digit
needs), a blot or a drawing, all of them the right digits.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import numpy as np

from model_build.output import BuildRecord, ModelInterface
from model_build.preprocess import Digit, digit_inputs
from tools.handwriting import STYLES, render
from tools.nondigits import KINDS, non_digit_set
from tools.numbers import number_picture
from tools.photos import grey_levels, photo_set

Predict = Callable[[np.ndarray], np.ndarray]  # inputs (N, 28, 28) in [0, 1] -> probabilities (N, 10)


def claims(readings: list[list[tuple[Digit, np.ndarray]]], predict: Predict,
           interface: ModelInterface) -> list[str | None]:
    """What the page claims for each picture's digits: the number they make, or None. The network
    reads every picture's digits in one batch."""
    inputs = [digit_input for read in readings for _, digit_input in read]
    probabilities = predict(np.stack(inputs)) if inputs else np.zeros((0, 10))
    results, start = [], 0
    for read in readings:
        mine = probabilities[start:start + len(read)]
        start += len(read)
        surest = mine.max(axis=1)
        # A mark as wide as two touching digits counts only when the network is sure enough of it.
        joined = [digit.touching and top < interface.wide_claim_threshold
                  for (digit, _), top in zip(read, surest, strict=True)]
        sure = (bool(read) and (surest >= interface.claim_threshold).all()
                and not any(digit.filled or digit.drawing for digit, _ in read) and not any(joined))
        results.append("".join(str(int(top)) for top in mine.argmax(axis=1)) if sure else None)
    return results


def photos_and_scans(images: np.ndarray, labels: np.ndarray, predict: Predict, record: BuildRecord,
                     seed: int) -> tuple[float, float]:
    """The shares of phone photos, and of clean scans of the same digits, read right."""
    interface, p = record.interface, record.interface.preprocessing
    pairs = photo_set(images, labels, seed)
    shares = []
    for kind in (0, 1):
        read = claims([digit_inputs(grey_levels(pair[kind].rgb), p) for pair in pairs], predict, interface)
        shares.append(float(np.mean([reading == str(label) for reading, label in zip(read, labels, strict=True)])))
    return shares[0], shares[1]


def numbers(images: np.ndarray, labels: np.ndarray, predict: Predict, record: BuildRecord, count: int,
            seed: int, lengths: tuple[int, int] = (2, 4)) -> float:
    """The share of ``count`` whole numbers (their length drawn from ``lengths``, both included),
    written with the given digits well apart, read right."""
    rng = np.random.default_rng(seed)
    interface, p = record.interface, record.interface.preprocessing
    pictures, truths = [], []
    for _ in range(count):
        chosen = rng.integers(0, len(labels), int(rng.integers(lengths[0], lengths[1] + 1)))
        pictures.append(digit_inputs(number_picture([images[index] for index in chosen], rng), p))
        truths.append("".join(map(str, labels[chosen])))
    return float(np.mean([reading == truth for reading, truth in zip(claims(pictures, predict, interface), truths,
                                                                       strict=True)]))


def drawing_styles(images: np.ndarray, labels: np.ndarray, predict: Predict, record: BuildRecord,
                   brush_width: float, seed: int) -> dict[str, float]:
    """For each drawing style, the share of the digits, traced and painted as the pad paints them,
    read right."""
    rng = np.random.default_rng(seed)
    interface, p = record.interface, record.interface.preprocessing
    shares = {}
    for name, style in STYLES.items():
        readings = [digit_inputs(render(*style(image, brush_width, rng)), p, drawn=True) for image in images]
        shares[name] = float(np.mean([reading == str(label) for reading, label
                                      in zip(claims(readings, predict, interface), labels, strict=True)]))
    return shares


def non_digit_claims(predict: Predict, record: BuildRecord, count: int, seed: int) -> dict[str, tuple[int, int]]:
    """For each kind of picture that is not a digit: how many of them the page claims a digit in,
    of how many."""
    interface, p = record.interface, record.interface.preprocessing
    pictures = non_digit_set(count, seed)
    read = claims([digit_inputs(picture, p) for _, picture in pictures], predict, interface)
    found, totals = Counter(), Counter()
    for (kind, _), reading in zip(pictures, read, strict=True):
        totals[kind] += 1
        found[kind] += reading is not None
    return {kind: (found[kind], totals[kind]) for kind in KINDS}


def abstentions(images: np.ndarray, labels: np.ndarray, predict: Predict, record: BuildRecord) -> tuple[float, float]:
    """MNIST digits as uploads (dark on white): the shares the page claims nothing for, and reads
    wrong."""
    interface, p = record.interface, record.interface.preprocessing
    read = claims([digit_inputs(1 - image / 255, p) for image in images], predict, interface)
    silent = np.mean([reading is None for reading in read])
    wrong = np.mean([reading not in (None, str(label)) for reading, label in zip(read, labels, strict=True)])
    return float(silent), float(wrong)
