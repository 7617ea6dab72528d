"""The stroke tracer the replay tests draw with."""

from __future__ import annotations

import numpy as np

from model_build.strokes import thin
from site_hooks.drawing_pad import BRUSH_WIDTH as BRUSH
from tools.handwriting import depth, ink, outline, render, strokes, traced_digit


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
        points = [point for stroke in traced_digit(image, BRUSH) for point in stroke]
        assert points and all(0.1 <= x <= 0.9 and 0.1 <= y <= 0.9 for x, y in points)


def test_faint_ink_counts_only_where_it_touches_dark_ink():
    image = np.zeros((28, 28), dtype=np.uint8)
    image[10, 5:20] = 200  # a dark line
    image[11, 5:20] = 100  # its faint edge
    image[20, 5:20] = 100  # a faint smudge on its own
    mask = ink(image)
    assert mask[10:12, 5:20].all() and not mask[20].any()


def test_depth_is_the_distance_to_the_paper():
    square = np.zeros((28, 28), dtype=bool)
    square[4:11, 4:11] = True
    distances = depth(square)
    assert distances[7, 7] == 4 and distances[4, 4] == 1 and distances[0, 0] == 0
    assert outline(square).sum() == 24 and not outline(square)[5:10, 5:10].any()


def test_ink_wider_than_the_brush_is_gone_over_without_gaps():
    """A bar three brushes wide traces as its middle line plus loops inside its edge, close enough
    together that the brush paints all of the bar."""
    bar = np.zeros((28, 28), dtype=np.uint8)
    bar[4:24, 10:18] = 255
    middle, *loops = sorted(traced_digit(bar, BRUSH), key=len)
    assert loops and max(x for x, _ in middle) - min(x for x, _ in middle) < 0.05
    for loop in loops:
        assert max(abs(a - b) for a, b in zip(loop[0], loop[-1], strict=True)) < 0.05, "the loop closes"
    painted = render(traced_digit(bar, BRUSH), BRUSH, height=280)
    # Each MNIST pixel is 8 of the pad's; a round brush leaves only the bar's square corners.
    at = lambda pixel: int(140 + (pixel + 0.5 - 14) * 8)  # noqa: E731
    assert all(painted[at(row), at(col)] > 0.5 for row in range(6, 22) for col in range(10, 18))


def test_the_brush_decides_which_ink_is_gone_over():
    """Ink the brush covers in one pass is traced once: with a brush as wide as the bar, no loop."""
    bar = np.zeros((28, 28), dtype=np.uint8)
    bar[4:24, 10:18] = 255
    assert len(traced_digit(bar, BRUSH)) > 1
    assert len(traced_digit(bar, 0.3)) == 1
