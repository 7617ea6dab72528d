"""Symbols drawn as a visitor draws them on the teaching page (a tick, a cross, a circle), in a
hand: how large, how slanted, where on the pad and how steady. The teaching tests draw five
examples of each in one hand and read new drawings in another."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

# Each symbol as strokes of (x, y) points, fractions of the pad, around its centre (0.5, 0.5).
SYMBOLS = {
    "tick": [[(0.28, 0.52), (0.42, 0.7), (0.74, 0.3)]],
    "cross": [[(0.3, 0.3), (0.7, 0.7)], [(0.7, 0.3), (0.3, 0.7)]],
    "circle": [[(0.5 + 0.22 * math.cos(2 * math.pi * step / 24), 0.5 + 0.22 * math.sin(2 * math.pi * step / 24))
                for step in range(25)]],
}


@dataclass(frozen=True)
class Hand:
    """How someone draws: the symbol's size, slant (degrees) and wobble (a share of the pad), and
    how far it may wander from the middle of the pad."""

    size: float = 1.0
    slant: float = 0.0
    wobble: float = 0.01
    wander: float = 0.05


ONE_HAND = Hand()
ANOTHER_HAND = Hand(size=0.85, slant=-8.0, wobble=0.02, wander=0.08)


def drawn(symbol: str, hand: Hand, rng: np.random.Generator) -> list[list[tuple[float, float]]]:
    """One drawing of ``symbol`` in ``hand``: its strokes, each point sampled every 2% of the pad so
    that a drag passes through the whole line, as fractions of the pad."""
    size = hand.size * rng.uniform(0.9, 1.1)
    turn = math.radians(hand.slant + rng.uniform(-6, 6))
    dx, dy = rng.uniform(-hand.wander, hand.wander, 2)
    strokes = []
    for stroke in SYMBOLS[symbol]:
        points = []
        for (x0, y0), (x1, y1) in zip(stroke, stroke[1:], strict=False):
            steps = max(1, int(math.hypot(x1 - x0, y1 - y0) / 0.02))
            points += [(x0 + (x1 - x0) * t / steps, y0 + (y1 - y0) * t / steps) for t in range(steps)]
        points.append(stroke[-1])
        moved = []
        for x, y in points:
            x, y = (x - 0.5) * size, (y - 0.5) * size
            x, y = x * math.cos(turn) - y * math.sin(turn), x * math.sin(turn) + y * math.cos(turn)
            x, y = x + 0.5 + dx + rng.normal(0, hand.wobble), y + 0.5 + dy + rng.normal(0, hand.wobble)
            moved.append((min(max(x, 0.02), 0.98), min(max(y, 0.02), 0.98)))
        strokes.append(moved)
    return strokes
