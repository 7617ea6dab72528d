"""The marks that are not digits, which the CNN learns to be unsure of: made the same on every run,
framed as the page frames a digit, and never a digit's shape."""

from __future__ import annotations

import numpy as np

from model_build.data import MASS_CENTRE
from model_build.framing import centre_of_mass
from model_build.negatives import LETTERS, negatives


def test_the_same_seed_makes_the_same_marks(mnist):
    first = negatives(40, 5, mnist.x_train[:500], mnist.y_train[:500])
    assert np.array_equal(first, negatives(40, 5, mnist.x_train[:500], mnist.y_train[:500]))
    assert not np.array_equal(first, negatives(40, 6, mnist.x_train[:500], mnist.y_train[:500]))


def test_marks_are_framed_as_the_page_frames_a_digit(mnist):
    marks = negatives(40, 1, mnist.x_train[:500], mnist.y_train[:500])
    assert marks.shape == (40, 28, 28) and marks.dtype == np.uint8
    for mark in marks:
        assert mark.max() == 255
        row, col = centre_of_mass(mark / 255.0)
        assert abs(row - MASS_CENTRE) <= 1 and abs(col - MASS_CENTRE) <= 1


def test_no_letter_taught_is_written_like_a_digit():
    assert not set(LETTERS) & set("OoIlSsZzgqbGBT")
