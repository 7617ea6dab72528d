"""The classifier on what people really give it, measured on test sets made for the purpose from
MNIST's test digits (never trained on).

Where the model already meets the target the site holds itself to, the test holds it there;
where it does not yet (issue 11: numbers at 97%, the skeleton style at 98%), the test holds the
level reached, so that nothing slips back, and `make bench` reports the figures beside the
targets."""

from __future__ import annotations

import numpy as np
import pytest

from model_build.train import predict
from site_hooks.drawing_pad import BRUSH_WIDTH as BRUSH
from tools import measure, targets

PHOTOS = 300
NUMBERS = 400
DRAWN_NUMBERS = 200  # numbers traced on the wide pad, per way of spacing them
STYLED = 400  # digits of the test set's second half, the harder one, per drawing style
NON_DIGITS = 300


@pytest.fixture(scope="module")
def read(exported_model):
    return lambda inputs: predict(exported_model, inputs * 255)


def test_phone_photos_are_read_almost_as_well_as_clean_scans(mnist, read, record):
    photos, scans = measure.photos_and_scans(mnist.x_test[:PHOTOS], mnist.y_test[:PHOTOS], read, record, seed=1)
    assert photos >= targets.TEST_PHOTOS, f"{photos:.1%} of photos read right"
    assert scans - photos <= targets.PHOTO_GAP, f"photos {photos:.1%}, the same digits scanned {scans:.1%}"


def test_whole_numbers_of_separate_digits_are_read(mnist, read, record):
    share = measure.numbers(mnist.x_test, mnist.y_test, read, record, NUMBERS, seed=2)
    assert share >= targets.TEST_NUMBERS, f"{share:.1%} of numbers of 2 to 4 digits read right"


def test_whole_numbers_drawn_on_the_wide_pad_are_read(mnist, read, record):
    shares = measure.drawn_numbers(mnist.x_test, mnist.y_test, read, record, BRUSH, DRAWN_NUMBERS, seed=5)
    assert shares["apart"] >= targets.TEST_DRAWN_NUMBERS, shares
    assert shares["touching lightly"] >= targets.TEST_DRAWN_TOUCHING, shares


def test_digits_drawn_in_other_hands_are_read(mnist, read, record):
    chosen = np.arange(5_000, 10_000, 5_000 // STYLED)[:STYLED]
    shares = measure.drawing_styles(mnist.x_test[chosen], mnist.y_test[chosen], read, record, BRUSH, seed=3)
    assert all(share >= targets.TEST_STYLE for share in shares.values()), shares


def test_pictures_that_are_not_digits_are_mostly_not_claimed(read, record):
    claims = measure.non_digit_claims(read, record, NON_DIGITS, seed=4)
    for kind in ("blank", "specks", "block", "noise", "grid", "ruled", "texture"):
        assert claims[kind][0] <= targets.TEST_PLAIN_MARKS * claims[kind][1], (kind, claims)
    # Letters, words and doodles: the network was taught to be unsure of others like them
    # (model_build/negatives.py); no rule refuses them.
    for kind in ("letter", "word"):
        assert claims[kind][0] <= targets.TEST_LETTERS * claims[kind][1], (kind, claims)
    assert claims["doodle"][0] <= targets.TEST_DOODLES * claims["doodle"][1], claims
    assert sum(found for found, _ in claims.values()) <= targets.TEST_NON_DIGITS * NON_DIGITS, claims


def test_real_digits_are_claimed(mnist, read, record):
    silent, wrong = measure.abstentions(mnist.x_test[:2_000], mnist.y_test[:2_000], read, record)
    assert silent <= targets.TEST_ABSTENTIONS and wrong <= targets.TEST_ABSTENTIONS, (silent, wrong)
