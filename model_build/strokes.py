"""Digits as pen strokes: the skeleton of their ink, and the skeleton drawn again with a round pen
of another width.

People draw on the demo with a brush of one width, often thinner or thicker than the pens that
wrote MNIST; training on some digits redrawn this way teaches the network that the width of a
stroke is not what makes a digit. TensorFlow-free.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

NEIGHBOURS = [(-1, 0), (-1, 1), (0, 1), (1, 1), (1, 0), (1, -1), (0, -1), (-1, -1)]  # clockwise from north
INK = 128  # uint8 level from which a pixel counts as ink
CHUNK = 1_000  # images thinned at a time: the arrays stay in the processor's cache


def thin(masks: np.ndarray) -> np.ndarray:
    """Zhang and Suen's thinning (1984) of boolean images (..., height, width): each shape kept
    one pixel wide and connected."""
    if masks.ndim > 2 and len(masks) > CHUNK:
        return np.concatenate([thin(masks[start:start + CHUNK]) for start in range(0, len(masks), CHUNK)])
    margin = [(0, 0)] * (masks.ndim - 2) + [(1, 1), (1, 1)]
    image = np.pad(masks.astype(np.uint8), margin)
    while True:
        changed = False
        for step in (0, 1):
            p = [np.roll(image, (-dy, -dx), axis=(-2, -1)) for dy, dx in NEIGHBOURS]
            count = sum(p)
            transitions = sum((p[i] == 0) & (p[(i + 1) % 8] == 1) for i in range(8))
            north, east, south, west = p[0], p[2], p[4], p[6]
            if step == 0:
                first, second = north * east * south, east * south * west
            else:
                first, second = north * east * west, north * south * west
            remove = (image == 1) & (count >= 2) & (count <= 6) & (transitions == 1) & (first == 0) & (second == 0)
            if remove.any():
                image[remove] = 0
                changed = True
        if not changed:
            return image[..., 1:-1, 1:-1].astype(bool)


def redraw(images: np.ndarray, radii: np.ndarray) -> np.ndarray:
    """uint8 digits (N, height, width) drawn again along their skeletons with round pens of the
    given radii (N, in pixels), softly edged; uint8 again."""
    skeletons = thin(images >= INK)
    # Distances within each image only: the first axis is made too long to cross.
    distances = ndimage.distance_transform_edt(~skeletons, sampling=(images.shape[1] * images.shape[2], 1, 1))
    pen = np.clip(radii[:, None, None] + 0.5 - distances, 0, 1)
    return np.round(pen * 255).astype(np.uint8)
