"""The stroke tracer the replay tests draw with."""

from __future__ import annotations

import numpy as np
from handwriting import strokes, thin, traced_digit


def test_a_thick_bar_thins_to_one_stroke_along_its_middle():
    bar = np.zeros((28, 28), dtype=bool)
    bar[5:23, 12:16] = True
    skeleton = thin(bar)
    assert skeleton.sum(axis=1).max() == 1, "one pixel wide"
    (path,) = strokes(skeleton)
    columns = {col for _, col in path}
    assert columns <= {13, 14} and len(path) >= 12


def test_a_ring_is_drawn_as_one_loop():
    rows, cols = np.indices((28, 28))
    radius = np.hypot(rows - 13.5, cols - 13.5)
    ring = (radius > 6) & (radius < 9)
    (path,) = strokes(thin(ring))
    assert max(abs(a - b) for a, b in zip(path[0], path[-1], strict=True)) <= 2, "the loop closes"


def test_traced_points_stay_inside_the_pad(mnist):
    for image in mnist.x_test[:50]:
        points = [point for stroke in traced_digit(image) for point in stroke]
        assert points and all(0.1 <= x <= 0.9 and 0.1 <= y <= 0.9 for x, y in points)
