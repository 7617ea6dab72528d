"""What the page reads from the network's probabilities, the one rule the browser's port
(site_src/js/reading.js) repeats and a test holds it to: each mark is read whole or as the digits
of a way of cutting it, whichever the network is surer of; the page claims the number those digits
make only when every one of them reaches the claim threshold, and otherwise names the first in
doubt."""

from __future__ import annotations

import numpy as np


def split_choice(whole: np.ndarray, parts: list[np.ndarray], splits: list[tuple[int, ...]]) -> int:
    """Whether the network reads a wide mark better as one digit (-1) or as the digits of a way of
    cutting it (its index): the reading whose digits' top probabilities make the largest product
    wins, the one with fewer cuts when equal. ``whole``: the probabilities of the mark read whole;
    ``parts``: those of its parts; ``splits``: each way's parts (``cuttings``)."""
    best, chosen = float(whole.max()), -1
    for index, split in enumerate(splits):
        product = 1.0
        for part in split:
            product *= float(parts[part].max())
        if product > best:
            best, chosen = product, index
    return chosen


def chosen_digits(whole: np.ndarray, parts: list[np.ndarray], splits: list[tuple[int, ...]]) -> list[np.ndarray]:
    """The probabilities of the digits a mark is read as: itself, or the parts of the way of cutting
    it that ``split_choice`` picks, left to right."""
    choice = split_choice(whole, parts, splits)
    return [whole] if choice < 0 else [parts[part] for part in splits[choice]]


def first_doubtful(digits: list[np.ndarray], threshold: float) -> int:
    """The index of the first digit whose top probability is under ``threshold``; -1 when none is."""
    return next((index for index, digit in enumerate(digits) if float(digit.max()) < threshold), -1)


def claim(digits: list[np.ndarray], threshold: float, class_names: tuple[str, ...]) -> str | None:
    """The number the page claims: every digit's most likely class, in order, when each reaches
    ``threshold``; None when there is no digit or one is in doubt."""
    if not digits or first_doubtful(digits, threshold) >= 0:
        return None
    return "".join(class_names[int(digit.argmax())] for digit in digits)
