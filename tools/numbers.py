"""Whole numbers written with MNIST digits: pictures of two to eight digits side by side, dark on
light, the digits apart or, on request, touching. Drawn from a seeded generator."""

from __future__ import annotations

import numpy as np
from PIL import Image


def number_picture(digits: list[np.ndarray], rng: np.random.Generator, touching: bool = False,
                   overlap: tuple[float, float] = (0.08, 0.2)) -> np.ndarray:
    """Grey levels in [0, 1] of ``digits`` (28x28 uint8 each, light on dark) written in a row on
    white paper: each enlarged to about the same height, set on a wavering baseline, a few pixels
    apart, or, when ``touching``, overlapping their neighbours by a share of their width in the
    ``overlap`` range."""
    scale = rng.uniform(2.0, 4.0)
    placed = []
    for digit in digits:
        rows, cols = np.nonzero(digit > 40)
        crop = digit[rows.min():rows.max() + 1, cols.min():cols.max() + 1]
        # People write the digits of a number about as tall as one another, however wide.
        height = round(20 * scale * rng.uniform(0.9, 1.1))
        width = max(1, round(crop.shape[1] * height / crop.shape[0]))
        placed.append(np.asarray(Image.fromarray(crop).resize((width, height), Image.BICUBIC), dtype=float) / 255)
    tallest = max(ink.shape[0] for ink in placed)
    margin = int(rng.integers(10, 40))
    gaps = [int(-rng.uniform(*overlap) * ink.shape[1]) if touching else int(rng.uniform(0.15, 0.6) * scale * 8)
            for ink in placed[1:]]
    width = 2 * margin + sum(ink.shape[1] for ink in placed) + sum(gaps)
    canvas = np.zeros((tallest + 2 * margin + 12, width))
    left = margin
    for index, ink in enumerate(placed):
        top = margin + (tallest - ink.shape[0]) + int(rng.integers(-6, 7)) + 6
        canvas[top:top + ink.shape[0], left:left + ink.shape[1]] = np.maximum(
            canvas[top:top + ink.shape[0], left:left + ink.shape[1]], ink)
        left += ink.shape[1] + (gaps[index] if index < len(gaps) else 0)
    return 1 - np.clip(canvas, 0, 1)
