"""The reference preprocessing gives back MNIST's own digits and ignores size, place and polarity."""

from __future__ import annotations

import json
import subprocess

import numpy as np
import pytest
from PIL import Image

from model_build.data import DIGIT_BOX, MASS_CENTRE
from model_build.output import REPOSITORY, to_metadata
from model_build.preprocess import (
    area_resize,
    centre_of_mass,
    ink_box,
    mnist_like,
    reference_preprocessing,
    to_ink,
)
from model_build.train import predict

SAMPLE = 2_000
PREPROCESS_JS = REPOSITORY / "site_src" / "js" / "preprocess.js"
RUN_PORT = """
import {readFileSync} from 'node:fs';
import {toInk, mnistLike} from '%s';
const {pictures, parameters} = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const digits = pictures.map(({grey, width, height}) => {
  const ink = toInk(Float64Array.from(grey), width, height, parameters.noiseSpreads);
  const digit = mnistLike(ink, width, height, parameters);
  return digit && Array.from(digit);
});
console.log(JSON.stringify(digits));
"""


def test_area_resize_keeps_the_mean_and_the_ink():
    rng = np.random.default_rng(0)
    image = rng.random((97, 61))
    for height, width in ((20, 13), (5, 40), (97, 61), (200, 150)):
        resized = area_resize(image, height, width)
        assert resized.shape == (height, width)
        assert resized.mean() == pytest.approx(image.mean(), rel=1e-9)


def test_a_blank_picture_has_no_digit():
    assert mnist_like(np.zeros((280, 280))) is None
    assert mnist_like(to_ink(np.full((280, 280), 0.8))) is None


def test_paper_grain_does_not_count_as_ink():
    rng = np.random.default_rng(4)
    grainy = np.clip(0.9 + rng.normal(0, 0.03, (200, 300)), 0, 1)
    assert ink_box(to_ink(grainy)) is None
    grainy[50:150, 120:140] = 0.15  # a dark bar on the grainy paper
    assert ink_box(to_ink(grainy)) == (50, 120, 150, 140)


def test_mnist_digits_come_back_as_mnist_made_them(mnist, exported_model):
    originals = mnist.x_test[:SAMPLE] / 255
    redone = np.stack([mnist_like(image) for image in originals])
    assert np.abs(redone - originals).mean() < 0.005
    for digit in redone[:200]:
        top, left, bottom, right = ink_box(digit)
        assert max(bottom - top, right - left) <= DIGIT_BOX + 1
        assert np.allclose(centre_of_mass(digit), MASS_CENTRE, atol=0.5)
    as_made = predict(exported_model, mnist.x_test[:SAMPLE]).argmax(axis=1)
    assert (predict(exported_model, redone * 255).argmax(axis=1) == as_made).mean() >= 0.998


def test_size_place_and_polarity_do_not_matter(mnist, exported_model):
    canvases = np.stack([mnist_like(to_ink(picture)) for picture in dark_on_light_pictures(mnist, 100, seed=1)])
    expected = np.stack([mnist_like(image / 255) for image in mnist.x_test[:100]])
    assert np.abs(canvases - expected).mean() < 0.05
    agree = (predict(exported_model, canvases * 255).argmax(axis=1)
             == predict(exported_model, expected * 255).argmax(axis=1))
    assert agree.mean() >= 0.98


def dark_on_light_pictures(mnist, count: int, seed: int) -> list[np.ndarray]:
    """MNIST digits enlarged and placed anywhere on white paper of varying size, in grey levels."""
    rng = np.random.default_rng(seed)
    pictures = []
    for image in mnist.x_test[:count]:
        height, width = int(rng.integers(60, 140)), int(rng.integers(60, 140))
        size = int(rng.integers(30, min(height, width)))
        stretched = np.asarray(Image.fromarray(image).resize((size, size), Image.BILINEAR)) / 255
        paper = np.ones((height, width))
        top, left = int(rng.integers(0, height - size + 1)), int(rng.integers(0, width - size + 1))
        paper[top:top + size, left:left + size] -= stretched
        pictures.append(paper)
    return pictures


def test_the_browser_port_matches_the_reference(tmp_path, mnist):
    pictures = [*dark_on_light_pictures(mnist, 40, seed=2), np.ones((50, 70)), np.zeros((30, 30))]
    parameters = to_metadata(reference_preprocessing())
    (tmp_path / "input.json").write_text(json.dumps({
        "pictures": [{"grey": p.ravel().tolist(), "width": p.shape[1], "height": p.shape[0]} for p in pictures],
        "parameters": parameters,
    }))
    (tmp_path / "run.mjs").write_text(RUN_PORT % PREPROCESS_JS.as_uri())
    result = subprocess.run(["node", str(tmp_path / "run.mjs"), str(tmp_path / "input.json")],
                            capture_output=True, text=True, check=True)
    ported = json.loads(result.stdout)
    assert len(ported) == len(pictures)
    for picture, digit in zip(pictures, ported, strict=True):
        ink = to_ink(picture, parameters["noiseSpreads"])
        reference = mnist_like(ink, parameters["imageSize"], parameters["digitBox"], parameters["massCentre"],
                               parameters["inkThreshold"])
        if reference is None:
            assert digit is None
        else:
            np.testing.assert_allclose(np.array(digit).reshape(reference.shape), reference, atol=1e-9)
