"""MNIST's framing of a digit: crop to its ink, scale to fit a 20x20 box keeping the aspect
ratio, and place it in the 28x28 image so that its centre of mass falls on the centre.

It is the last step of the page's preprocessing (model_build/preprocess.py), and the one step
training uses (it frames the marks that are not digits, model_build/negatives.py): training is
keyed on this module and not on the page's other rules. Plain arithmetic that the browser's port
repeats exactly (rounding half up, sums in reading order).
"""

from __future__ import annotations

import math

import numpy as np

from model_build.data import DIGIT_BOX, IMAGE_SIZE, MASS_CENTRE

# Grey levels below this fraction of full ink do not count when finding the digit's extent.
INK_THRESHOLD = 0.1


def round_half_up(value: float) -> int:
    return math.floor(value + 0.5)


def ink_box(ink: np.ndarray, threshold: float = INK_THRESHOLD) -> tuple[int, int, int, int] | None:
    """(top, left, bottom, right), bottom and right exclusive, around the ink; None when blank."""
    rows = np.flatnonzero((ink > threshold).any(axis=1))
    if rows.size == 0:
        return None
    cols = np.flatnonzero((ink > threshold).any(axis=0))
    return int(rows[0]), int(cols[0]), int(rows[-1]) + 1, int(cols[-1]) + 1


def area_weights(source: int, target: int) -> np.ndarray:
    """(target, source) matrix: each target pixel averages the source pixels it covers, by area."""
    step = source / target
    weights = np.zeros((target, source))
    for j in range(target):
        start, end = j * step, (j + 1) * step
        for i in range(math.floor(start), min(math.ceil(end), source)):
            weights[j, i] = (min(end, i + 1) - max(start, i)) / step
    return weights


def area_resize(image: np.ndarray, height: int, width: int) -> np.ndarray:
    return area_weights(image.shape[0], height) @ image @ area_weights(image.shape[1], width).T


def centre_of_mass(image: np.ndarray) -> tuple[float, float]:
    # Sums in reading order, as JavaScript adds: numpy's pairwise sums differ in the last bit, and
    # a symmetric shape's centre can fall on a half pixel, where that bit decides the placement.
    def in_order(values: np.ndarray) -> float:
        return float(np.cumsum(values.ravel())[-1])

    total = in_order(image)
    rows, cols = np.indices(image.shape)
    return in_order(rows * image) / total, in_order(cols * image) / total


def _placement(offset: float) -> int:
    """``offset`` rounded half up, once taken to nine decimals: the matrix product behind
    ``area_resize`` sums in an order that varies from machine to machine, and where a centre of mass
    falls on a half pixel, the last bit would decide the placement, here and not in the browser."""
    return round_half_up(math.floor(offset * 1e9 + 0.5) / 1e9)


def mnist_like(ink: np.ndarray, image_size: int = IMAGE_SIZE, digit_box: int = DIGIT_BOX,
               mass_centre: float = MASS_CENTRE, ink_threshold: float = INK_THRESHOLD) -> np.ndarray | None:
    """Ink in [0, 1] (any size) to the (image_size, image_size) digit, or None when there is no ink."""
    box = ink_box(ink, ink_threshold)
    if box is None:
        return None
    top, left, bottom, right = box
    crop = np.asarray(ink, dtype=np.float64)[top:bottom, left:right]
    scale = digit_box / max(crop.shape)
    height = max(1, round_half_up(crop.shape[0] * scale))
    width = max(1, round_half_up(crop.shape[1] * scale))
    patch = area_resize(crop, height, width)
    # Thin strokes fade when shrunk; MNIST's strokes always reach full intensity.
    patch /= patch.max()
    row, col = centre_of_mass(patch)
    place_top = min(max(_placement(mass_centre - row), 0), image_size - height)
    place_left = min(max(_placement(mass_centre - col), 0), image_size - width)
    digit = np.zeros((image_size, image_size))
    digit[place_top:place_top + height, place_left:place_left + width] = patch
    return digit
