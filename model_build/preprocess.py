"""Reference preprocessing: a picture of one digit to the 28x28 input MNIST would have made of it.

MNIST's recipe: crop to the ink, scale to fit a 20x20 box keeping the aspect ratio, and place the
result in the 28x28 image so that its centre of mass falls on the centre. The browser runs a
port of these steps with the parameters from the model's metadata; the tests hold both to the
same result, so every step is plain arithmetic that JavaScript repeats exactly (no library
resampling, rounding half up).
"""

from __future__ import annotations

import math

import numpy as np

from model_build.data import DIGIT_BOX, IMAGE_SIZE, MASS_CENTRE, PIXEL_SCALE
from model_build.output import Preprocessing

# Grey levels below this fraction of full ink do not count when finding the digit's extent.
INK_THRESHOLD = 0.1
# Paper grain: anything within this many standard deviations of the paper's level is paper.
NOISE_SPREADS = 6
MAD_TO_SIGMA = 1.4826  # median absolute deviation to standard deviation, for normal noise


def reference_preprocessing() -> Preprocessing:
    """These steps' parameters, as the browser's port receives them in the model's metadata."""
    return Preprocessing(image_size=IMAGE_SIZE, digit_box=DIGIT_BOX, mass_centre=MASS_CENTRE,
                         ink_threshold=INK_THRESHOLD, noise_spreads=NOISE_SPREADS, pixel_scale=PIXEL_SCALE,
                         ink="light-on-dark", centring="centre-of-mass")


def round_half_up(value: float) -> int:
    return math.floor(value + 0.5)


def to_ink(grey: np.ndarray, noise_spreads: float = NOISE_SPREADS) -> np.ndarray:
    """Grey levels in [0, 1] to ink in [0, 1], whichever way round the picture is.

    The border of a picture of a digit is mostly paper: when it is brighter than the middle of
    the range, the ink is dark and the picture is inverted. The paper's level and grain (its
    median and spread along the border) are then taken off, so that neither counts as ink.
    """
    grey = np.asarray(grey, dtype=np.float64)
    ink = 1.0 - grey if np.median(_border(grey)) > 0.5 else grey
    paper = _border(ink)
    level = np.median(paper)
    floor = level + noise_spreads * MAD_TO_SIGMA * np.median(np.abs(paper - level))
    return np.clip((ink - floor) / max(1.0 - floor, 1e-6), 0.0, 1.0)


def _border(image: np.ndarray) -> np.ndarray:
    return np.concatenate([image[0], image[-1], image[1:-1, 0], image[1:-1, -1]])


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
    total = image.sum()
    rows, cols = np.indices(image.shape)
    return float((rows * image).sum() / total), float((cols * image).sum() / total)


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
    place_top = min(max(round_half_up(mass_centre - row), 0), image_size - height)
    place_left = min(max(round_half_up(mass_centre - col), 0), image_size - width)
    digit = np.zeros((image_size, image_size))
    digit[place_top:place_top + height, place_left:place_left + width] = patch
    return digit
