"""The reference preprocessing gives back MNIST's own digits and ignores size, place and polarity."""

from __future__ import annotations

import json
import subprocess

import numpy as np
import pytest
from PIL import Image, ImageDraw

from model_build.data import DIGIT_BOX, MASS_CENTRE
from model_build.output import REPOSITORY, to_metadata
from model_build.preprocess import (
    MANY,
    MOST_DIGITS,
    area_resize,
    centre_of_mass,
    ink_box,
    is_drawing,
    mnist_like,
    read_picture,
    reference_preprocessing,
    to_ink,
)
from model_build.train import predict
from tools.nondigits import non_digit_set
from tools.numbers import number_picture
from tools.photos import grey_levels, photo_set

SAMPLE = 2_000
PREPROCESS_JS = REPOSITORY / "site_src" / "js" / "preprocess.js"
RUN_PORT = """
import {readFileSync} from 'node:fs';
import {readPicture} from '%s';
const {pictures, parameters} = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const results = pictures.map(({grey, width, height, drawn}) => {
  const {digits, reason} = readPicture(Float64Array.from(grey), width, height, parameters, drawn);
  return {reason, digits: digits.map(({box, touching, filled, drawing, input}) =>
    ({box, touching, filled, drawing, input: input && Array.from(input)}))};
});
console.log(JSON.stringify(results));
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


def bars(count: int, thickness: int = 4) -> np.ndarray:
    """Dark upright bars in a row on white paper, like ones or the lines of squared paper."""
    picture = np.ones((100, 40 * count + 40))
    for index in range(count):
        picture[20:80, 30 + 40 * index:30 + 40 * index + thickness] = 0.0
    return picture


def test_more_marks_in_a_row_than_a_number_has_are_no_number():
    assert len(read_picture(bars(MOST_DIGITS))[0]) == MOST_DIGITS
    assert read_picture(bars(MOST_DIGITS + 1)) == ([], MANY)


def test_a_thin_one_beside_bold_digits_is_kept():
    """A 1 written with a fine pen has a tenth of the ink of its bold neighbour, and is a digit."""
    picture = np.ones((120, 200))
    rows, cols = np.indices(picture.shape)
    ring = np.hypot(rows - 60, cols - 60)
    picture[(ring <= 40) & (ring >= 28)] = 0.0  # a bold 0
    picture[20:100, 140:143] = 0.0  # a thin 1
    digits, _ = read_picture(picture)
    assert [digit.box[1] for digit, _ in digits] == [20, 140]


def on_pad(strokes: list[list[tuple[float, float]]], width: int = 280) -> np.ndarray:
    """Strokes (x, y in [0, 1] of a 280-pixel-high pad) as the pad paints them: light on black."""
    picture = Image.new("L", (width, 280), 0)
    draw = ImageDraw.Draw(picture)
    for stroke in strokes:
        draw.line([(x * 280, y * 280) for x, y in stroke], fill=255, width=20, joint="curve")
        for x, y in (stroke[0], stroke[-1]):
            draw.ellipse([x * 280 - 10, y * 280 - 10, x * 280 + 10, y * 280 + 10], fill=255)
    return np.asarray(picture, dtype=float) / 255


# Digits drawn in pieces whose parts barely overlap across (pad pixels), as replayed MNIST digits
# that the half-width rule alone split: a 5 whose bar sits up and to the right of its body, a 4
# whose slanted stem passes just beyond the end of its bar, a 9 whose stem stands beside its loop.
def pixels(*points: tuple[float, float]) -> list[tuple[float, float]]:
    return [(x / 280, y / 280) for x, y in points]


LOOP = [(140 + 46 * np.cos(a), 110 + 46 * np.sin(a)) for a in np.linspace(0, 2 * np.pi, 25)]
LIFTED_FIVE = [pixels((150, 78), (234, 78)),
               pixels((100, 118), (95, 150), (150, 145), (178, 170), (170, 190), (80, 194))]
STEM_AT_THE_END = [pixels((150, 94), (78, 154), (154, 154)), pixels((190, 78), (166, 218))]
STEM_BESIDE = [pixels(*LOOP), pixels((170, 145), (150, 226)), pixels((210, 78), (210, 138))]
IN_PIECES = {"lifted five": LIFTED_FIVE, "stem at the end": STEM_AT_THE_END, "stem beside": STEM_BESIDE}


@pytest.mark.parametrize("kind", IN_PIECES)
def test_a_digit_drawn_in_pieces_is_one_digit(kind):
    digits, _ = read_picture(on_pad(IN_PIECES[kind]), drawn=True)
    assert len(digits) == 1
    assert len(digits[0][0].labels) >= 2


def test_digits_of_one_height_beside_one_another_stay_apart():
    """Two digits as tall as each other stay two however close they come, when they do not overlap."""
    ones = on_pad([[(0.3, 0.2), (0.3, 0.8)], [(0.4, 0.2), (0.4, 0.8)]])
    assert len(read_picture(ones, drawn=True)[0]) == 2


def test_a_bold_digit_with_a_hole_is_not_a_blot():
    picture = np.ones((120, 120))
    rows, cols = np.indices(picture.shape)
    ring = np.hypot((rows - 60) / 1.25, cols - 60)
    picture[ring <= 36] = 0.0
    solid = picture.copy()
    picture[ring <= 8] = 1.0  # a bold 0: its ink fills more than FILLED of its box
    (zero, _), = read_picture(picture)[0]
    assert zero.box == (15, 24, 106, 97)
    assert not zero.filled
    (blot, _), = read_picture(solid)[0]
    assert blot.filled


def tall_bar(round_ends: bool, width: int = 41) -> np.ndarray:
    """A solid bar 121 pixels tall, dark on white: with square ends (a block, or a line drawn with
    an editor's line tool) or round ones (a 1 written with a broad marker)."""
    picture = Image.new("L", (120, 160), 255)
    corners = [65 - width // 2, 20, 65 + width // 2, 140]
    if round_ends:
        ImageDraw.Draw(picture).rounded_rectangle(corners, radius=width // 2, fill=0)
    else:
        ImageDraw.Draw(picture).rectangle(corners, fill=0)
    return np.asarray(picture, dtype=float) / 255


def test_a_tall_block_is_a_block_and_a_bold_or_thin_one_a_digit():
    (block, _), = read_picture(tall_bar(round_ends=False))[0]
    assert block.filled
    (one, _), = read_picture(tall_bar(round_ends=True))[0]
    assert not one.filled
    (line, _), = read_picture(tall_bar(round_ends=False, width=21))[0]
    assert not line.filled


def drawn_shape(kind: str) -> np.ndarray:
    """A star, a face or a spiral drawn in a 200x200 picture, dark on white."""
    picture = Image.new("L", (200, 200), 255)
    draw = ImageDraw.Draw(picture)
    if kind == "star":
        corners = [(100 + 70 * np.cos(a), 100 + 70 * np.sin(a)) for a in np.arange(6) * 4 * np.pi / 5]
        draw.line(corners, fill=0, width=5)
    elif kind == "face":
        draw.ellipse([30, 30, 170, 170], outline=0, width=6)
        draw.ellipse([65, 65, 80, 80], fill=0)
        draw.ellipse([120, 65, 135, 80], fill=0)
        draw.arc([65, 90, 135, 145], 20, 160, fill=0, width=6)
    else:
        turns = np.linspace(0, 6 * np.pi, 300)
        draw.line(list(zip(100 + 80 * turns / turns[-1] * np.cos(turns), 100 + 80 * turns / turns[-1] * np.sin(turns),
                           strict=True)), fill=0, width=4)
    return np.asarray(picture, dtype=float) / 255


@pytest.mark.parametrize("kind", ["star", "face", "spiral"])
def test_a_shape_no_digit_has_is_a_drawing(kind):
    digits, _ = read_picture(drawn_shape(kind))
    assert len(digits) == 1 and digits[0][0].drawing, kind


def test_digits_are_not_drawings(mnist):
    drawings = sum(is_drawing(mnist_like(image / 255)) for image in mnist.x_test[:SAMPLE])
    assert drawings <= SAMPLE // 1000, f"{drawings} of {SAMPLE} MNIST test digits taken for drawings"


def on_ruled_paper(digit: np.ndarray, slope: float, upright: bool = False) -> np.ndarray:
    """An MNIST digit (28x28 uint8) written large, dark on white paper, with a ruled line 3 pixels
    thick running through its lower part (falling ``slope`` per pixel), or from top to bottom along
    its left edge, as a margin, when ``upright``."""
    picture = np.ones((200, 300))
    large = np.asarray(Image.fromarray(digit).resize((112, 112), Image.BICUBIC), dtype=float) / 255
    picture[44:156, 94:206] = 1 - np.clip(large, 0, 1)
    rows, cols = np.indices(picture.shape)
    if upright:
        picture[np.abs(cols - (112 + slope * rows)) <= 1] = 0.1
    else:
        picture[np.abs(rows - (130 + slope * cols)) <= 1] = 0.1
    return picture


def test_digits_on_ruled_lines_are_read_and_the_lines_left_out(mnist, exported_model):
    chosen = range(40)
    read = []
    for index in chosen:
        for slope, upright in ((0.0, False), (0.03, False), (-0.02, True)):
            digits, _ = read_picture(on_ruled_paper(mnist.x_test[index], slope, upright))
            read.append(digits[0][1] if len(digits) == 1 else np.zeros((28, 28)))
    labels = np.repeat(mnist.y_test[list(chosen)], 3)
    right = (predict(exported_model, np.stack(read) * 255).argmax(axis=1) == labels).mean()
    assert right >= 0.95, f"{right:.0%} of digits on ruled lines read right"


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
    """Pictures of every kind the page meets, through both: the same digits, boxes and inputs."""
    rng = np.random.default_rng(7)
    photos = [grey_levels(photo.rgb) for photo, _ in photo_set(mnist.x_test[:8], mnist.y_test[:8], seed=3)]
    numbers = [number_picture(list(mnist.x_test[start:start + count]), rng, touching=start % 2 == 1)
               for start, count in ((10, 2), (20, 4), (31, 3), (40, 8))]
    others = [grey for _, grey in non_digit_set(20, seed=4)]
    doodles = [grey for kind, grey in non_digit_set(100, seed=5) if kind == "doodle"]
    ruled = [on_ruled_paper(mnist.x_test[index], slope, upright)
             for index, slope, upright in ((50, 0.0, False), (51, 0.04, False), (52, -0.03, True))]
    in_pieces = [on_pad(strokes) for strokes in IN_PIECES.values()]
    bars = [tall_bar(False), tall_bar(True), tall_bar(False, width=21)]
    pictures = [*in_pieces, *bars, *dark_on_light_pictures(mnist, 30, seed=2), *photos, *numbers, *others, *doodles,
                *ruled, np.ones((50, 70)), np.zeros((30, 30))]
    preprocessing = reference_preprocessing()
    (tmp_path / "input.json").write_text(json.dumps({
        "pictures": [{"grey": p.ravel().tolist(), "width": p.shape[1], "height": p.shape[0], "drawn": i % 3 == 0}
                     for i, p in enumerate(pictures)],
        "parameters": to_metadata(preprocessing),
    }))
    (tmp_path / "run.mjs").write_text(RUN_PORT % PREPROCESS_JS.as_uri())
    result = subprocess.run(["node", str(tmp_path / "run.mjs"), str(tmp_path / "input.json")],
                            capture_output=True, text=True, check=True)
    ported = json.loads(result.stdout)
    assert len(ported) == len(pictures)
    several = drawings = 0
    for index, (picture, read) in enumerate(zip(pictures, ported, strict=True)):
        reference, reason = read_picture(picture, preprocessing, drawn=index % 3 == 0)
        assert reason == read["reason"]
        assert [(list(digit.box), digit.touching, digit.filled, digit.drawing) for digit, _ in reference] == \
            [(digit["box"], digit["touching"], digit["filled"], digit["drawing"]) for digit in read["digits"]]
        for (_, expected), digit in zip(reference, read["digits"], strict=True):
            np.testing.assert_allclose(np.array(digit["input"]).reshape(expected.shape), expected, atol=1e-9)
        several += len(read["digits"]) > 1
        drawings += any(digit["drawing"] for digit in read["digits"])
    assert several >= 3, "numbers of several digits went through both"
    assert drawings >= 3, "drawings that no digit is went through both"
    assert {reason for reason in (read["reason"] for read in ported)} >= {"", "blank"}
