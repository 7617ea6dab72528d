"""Digits as pen strokes: the skeleton of their ink, and the skeleton drawn again with a round pen
of another width.

People draw on the demo with a brush of one width, often thinner or thicker than the pens that
wrote MNIST; training on some digits redrawn this way teaches the network that the width of a
stroke is not what makes a digit. TensorFlow-free.
"""

from __future__ import annotations

import numpy as np

NEIGHBOURS = [(-1, 0), (-1, 1), (0, 1), (1, 1), (1, 0), (1, -1), (0, -1), (-1, -1)]  # clockwise from north
INK = 128  # uint8 level from which a pixel counts as ink
CHUNK = 1_000  # images thinned at a time: the arrays stay in the processor's cache


def _removable(step: int) -> np.ndarray:
    """For each of the 256 neighbourhoods of a pixel (bit i set: the i-th of NEIGHBOURS is ink),
    whether Zhang and Suen's ``step`` (0 or 1) removes the pixel."""
    table = np.zeros(256, dtype=bool)
    for code in range(256):
        p = [(code >> i) & 1 for i in range(8)]
        transitions = sum(p[i] == 0 and p[(i + 1) % 8] == 1 for i in range(8))
        north, east, south, west = p[0], p[2], p[4], p[6]
        first, second = (north * east * south, east * south * west) if step == 0 else (north * east * west,
                                                                                        north * south * west)
        table[code] = 2 <= sum(p) <= 6 and transitions == 1 and first == 0 and second == 0
    return table


REMOVABLE = (_removable(0), _removable(1))
REACH = 3  # pens are narrower than this radius: a pixel this far from the skeleton stays paper
# Every offset within REACH of a pixel, with its length, the farthest first.
OFFSETS = sorted(((float(np.hypot(dy, dx)), dy, dx) for dy in range(-REACH, REACH + 1)
                  for dx in range(-REACH, REACH + 1) if dy * dy + dx * dx < REACH * REACH), reverse=True)


def thin(masks: np.ndarray) -> np.ndarray:
    """Zhang and Suen's thinning (1984) of boolean images (..., height, width): each shape kept
    one pixel wide and connected. Each pixel's eight neighbours make a byte, and a table says
    whether a step removes it."""
    if masks.ndim > 2 and len(masks) > CHUNK:
        return np.concatenate([thin(masks[start:start + CHUNK]) for start in range(0, len(masks), CHUNK)])
    margin = [(0, 0)] * (masks.ndim - 2) + [(1, 1), (1, 1)]
    image = np.pad(masks.astype(np.uint8), margin)
    while True:
        changed = False
        for step in (0, 1):
            code = np.zeros_like(image)
            for bit, (dy, dx) in enumerate(NEIGHBOURS):
                code |= np.roll(image, (-dy, -dx), axis=(-2, -1)) << bit
            remove = (image == 1) & REMOVABLE[step][code]
            if remove.any():
                image[remove] = 0
                changed = True
        if not changed:
            return image[..., 1:-1, 1:-1].astype(bool)


def near_distance(skeletons: np.ndarray) -> np.ndarray:
    """Each pixel's distance to the nearest skeleton pixel of its image, exact below REACH and
    infinite beyond: all a pen narrower than REACH needs, without a distance transform."""
    height, width = skeletons.shape[-2:]
    padded = np.pad(skeletons, [(0, 0)] * (skeletons.ndim - 2) + [(REACH, REACH)] * 2)
    distance = np.full(skeletons.shape, np.inf)
    for length, dy, dx in OFFSETS:  # the nearer offsets come last and win
        distance[padded[..., REACH + dy:REACH + dy + height, REACH + dx:REACH + dx + width]] = length
    return distance


def redraw(images: np.ndarray, radii: np.ndarray) -> np.ndarray:
    """uint8 digits (N, height, width) drawn again along their skeletons with round pens of the
    given radii (N, in pixels, below REACH - 0.5), softly edged; uint8 again."""
    if radii.size and radii.max() + 0.5 > REACH:
        raise ValueError(f"a pen's radius must stay below {REACH - 0.5} pixels, not {radii.max()}")
    pen = np.clip(radii[:, None, None] + 0.5 - near_distance(thin(images >= INK)), 0, 1)
    return np.round(pen * 255).astype(np.uint8)
