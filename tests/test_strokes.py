"""Training digits redrawn as pen strokes (model_build/strokes.py)."""

from __future__ import annotations

import numpy as np
from scipy import ndimage

from model_build.strokes import CHUNK, INK, REACH, near_distance, redraw, thin


def test_a_bar_wider_than_the_pen_redraws_as_its_middle_line():
    bar = np.zeros((1, 28, 28), dtype=np.uint8)
    bar[0, 4:24, 10:18] = 255
    inked = redraw(bar, np.array([1.0]))[0] >= INK
    assert inked[14, 13:15].all() and not inked[14, 10:12].any() and not inked[14, 16:18].any()


def test_the_pen_s_radius_sets_the_stroke_s_width():
    line = np.zeros((1, 28, 28), dtype=np.uint8)
    line[0, 4:24, 14] = 255
    narrow, wide = ((redraw(line, np.array([radius]))[0, 14] >= INK).sum() for radius in (0.8, 2.0))
    assert 1 <= narrow < wide


def test_images_thin_a_thousand_at_a_time_as_each_would_alone():
    masks = np.random.default_rng(0).random((CHUNK + 3, 12, 12)) < 0.6
    together = thin(masks)
    for index in (5, CHUNK + 1):
        assert np.array_equal(together[index], thin(masks[index]))


def test_near_distances_are_the_distance_transform_s_within_reach():
    skeletons = np.random.default_rng(1).random((4, 20, 20)) < 0.02
    skeletons[:, 10, 10] = True
    exact = np.stack([ndimage.distance_transform_edt(~skeleton) for skeleton in skeletons])
    near = near_distance(skeletons)
    assert np.array_equal(near[exact < REACH], exact[exact < REACH]) and np.isinf(near[exact >= REACH]).all()
