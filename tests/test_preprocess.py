"""The reference preprocessing gives back MNIST's own digits and ignores size, place and polarity."""

from __future__ import annotations

import json
import subprocess

import numpy as np
import pytest
from PIL import Image, ImageDraw

from model_build.data import DIGIT_BOX, MASS_CENTRE
from model_build.framing import area_resize, centre_of_mass, ink_box, mnist_like
from model_build.output import REPOSITORY, to_metadata
from model_build.preprocess import (
    MANY,
    REFERENCE,
    TOUCHING,
    cut_columns,
    read_picture,
    to_ink,
)
from model_build.reading import chosen_digits, claim, first_doubtful, split_choice
from model_build.train import predict
from tools.nondigits import non_digit_set
from tools.numbers import number_picture
from tools.photos import grey_levels, photo_set

SAMPLE = 2_000
PREPROCESS_JS = REPOSITORY / "site_src" / "js" / "preprocess.js"
READING_JS = REPOSITORY / "site_src" / "js" / "reading.js"
MOST_DIGITS = REFERENCE.rejection.most_digits
RUN_PORT = """
import {readFileSync} from 'node:fs';
import {readPicture} from '%s';
import {chosenDigits, claim, firstDoubtful, splitChoice} from '%s';
const {pictures, parameters, choices, numbers} = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const results = pictures.map(({grey, width, height, drawn, single}) => {
  const {digits, reason} = readPicture(Float64Array.from(grey), width, height, parameters, drawn, single);
  return {reason, digits: digits.map(({box, verdict, input, parts, splits}) =>
    ({box, verdict, input: Array.from(input), parts: parts.map((part) => Array.from(part)), splits}))};
});
const chosen = choices.map(([whole, parts, splits]) => splitChoice(whole, parts, splits));
const read = numbers.map(({marks, threshold}) => {
  const digits = marks.flatMap(([whole, parts, splits]) => chosenDigits(whole, parts, splits));
  return {digits, claim: claim(digits, threshold, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']),
          doubtful: firstDoubtful(digits, threshold)};
});
console.log(JSON.stringify({results, choices: chosen, numbers: read}));
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


def test_the_ordinary_pad_reads_one_digit_whatever_its_pieces():
    """Two strokes side by side are two digits on the wide pad, one mark on the ordinary pad."""
    ones = on_pad([[(0.3, 0.2), (0.3, 0.8)], [(0.4, 0.2), (0.4, 0.8)]])
    assert len(read_picture(ones, drawn=True)[0]) == 2
    (digit, framed), = read_picture(ones, drawn=True, single=True)[0]
    assert not digit.splits and ink_box(framed) is not None
    assert read_picture(np.zeros((280, 280)), drawn=True, single=True) == ([], "blank")


def joined_blocks(count: int) -> np.ndarray:
    """``count`` dark blocks 60 pixels tall and 50 wide in a row, each joined to the next by a
    thin bridge 20 pixels long: digits that touch, as simply as they can."""
    picture = np.ones((100, 40 + 70 * count))
    for index in range(count):
        left = 20 + 70 * index
        picture[20:80, left:left + 50] = 0.0
        if index:
            picture[48:52, left - 20:left] = 0.0
    return picture


def test_a_wide_mark_offers_cuts_where_its_ink_is_thinnest():
    (digit, _), = read_picture(joined_blocks(2))[0]
    assert digit.verdict == TOUCHING and {len(split) for split in digit.splits} >= {2}
    columns = cut_columns(to_ink(joined_blocks(2))[20:80, 20:140])
    assert sum(50 <= column <= 70 for column in columns) >= 3, "the bridge, the thinnest ink, is cut first"


def test_three_digits_that_touch_may_be_cut_in_three():
    (digit, _), = read_picture(joined_blocks(3))[0]
    assert {len(split) for split in digit.splits} == {3, 4}, "no digit is as wide as 1.2 heights: never cut once"
    ink = to_ink(joined_blocks(3))[20:80, 20:210]
    between = [column for column in cut_columns(ink) if 50 <= column <= 70 or 120 <= column <= 140]
    assert {column < 100 for column in between} == {True, False}, "a cut in each bridge"
    assert len(digit.parts) >= 3 and all(part.shape == (28, 28) for part in digit.parts)


def test_a_wide_mark_is_split_only_when_the_network_is_surer_of_its_digits():
    sure, unsure = np.eye(10)[3], np.full(10, 0.1)
    assert split_choice(sure, [sure], [(0, 0)]) == -1, "equal: the mark stays whole"
    assert split_choice(unsure, [unsure, sure], [(0, 1), (1, 1)]) == 1
    assert split_choice(0.9 * sure + 0.01, [0.9 * sure + 0.01], [(0, 0)]) == -1
    assert split_choice(unsure, [sure, 0.9 * sure], [(0, 1), (0, 0, 0)]) == 1, "three sure digits beat two less sure"
    assert split_choice(0.5 * sure + 0.05, [sure, 0.8 * sure + 0.02], [(0, 1), (0, 1, 1)]) == 0


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
    preprocessing = REFERENCE
    rng = np.random.default_rng(8)
    choices = []
    for _ in range(50):
        parts = [rng.dirichlet(np.ones(10) * 0.3) for _ in range(int(rng.integers(1, 7)))]
        splits = [tuple(int(part) for part in rng.integers(0, len(parts), int(rng.integers(2, 5))))
                  for _ in range(int(rng.integers(0, 5)))]
        choices.append((rng.dirichlet(np.ones(10) * 0.3), parts, splits))
    # Numbers of one to four marks, each read whole or cut, against thresholds around their digits'.
    numbers = []
    for _ in range(60):
        marks = []
        for _ in range(int(rng.integers(1, 5))):
            parts = [rng.dirichlet(np.ones(10) * 0.2) for _ in range(int(rng.integers(0, 4)))]
            splits = [tuple(int(part) for part in rng.integers(0, len(parts), 2)) for _ in range(len(parts) // 2)]
            marks.append((rng.dirichlet(np.ones(10) * 0.2), parts, splits))
        numbers.append((marks, float(rng.choice([0.3, 0.5, 0.9]))))
    (tmp_path / "input.json").write_text(json.dumps({
        "pictures": [{"grey": p.ravel().tolist(), "width": p.shape[1], "height": p.shape[0], "drawn": i % 3 == 0,
                      "single": i % 6 == 0} for i, p in enumerate(pictures)],
        "parameters": to_metadata(preprocessing),
        "choices": [(whole.tolist(), [part.tolist() for part in parts], splits) for whole, parts, splits in choices],
        "numbers": [{"marks": [(whole.tolist(), [part.tolist() for part in parts], splits)
                               for whole, parts, splits in marks], "threshold": threshold}
                    for marks, threshold in numbers],
    }))
    (tmp_path / "run.mjs").write_text(RUN_PORT % (PREPROCESS_JS.as_uri(), READING_JS.as_uri()))
    result = subprocess.run(["node", str(tmp_path / "run.mjs"), str(tmp_path / "input.json")],
                            capture_output=True, text=True, check=True)
    ported = json.loads(result.stdout)
    assert len(ported["results"]) == len(pictures)
    several = splits = 0
    for index, (picture, read) in enumerate(zip(pictures, ported["results"], strict=True)):
        reference, reason = read_picture(picture, preprocessing, drawn=index % 3 == 0, single=index % 6 == 0)
        assert reason == read["reason"]
        found = [(list(digit.box), digit.verdict, [list(split) for split in digit.splits]) for digit, _ in reference]
        assert found == [(digit["box"], digit["verdict"], digit["splits"]) for digit in read["digits"]]
        for (digit, expected), ported_digit in zip(reference, read["digits"], strict=True):
            np.testing.assert_allclose(np.array(ported_digit["input"]).reshape(expected.shape), expected, atol=1e-9)
            for part, ported_part in zip(digit.parts, ported_digit["parts"], strict=True):
                np.testing.assert_allclose(np.array(ported_part).reshape(part.shape), part, atol=1e-9)
        several += len(read["digits"]) > 1
        splits += sum(len(digit["splits"]) for digit in read["digits"])
    assert several >= 3, "numbers of several digits went through both"
    assert splits >= 3, "wide marks cut in two went through both"
    assert ported["choices"] == [split_choice(whole, parts, splits) for whole, parts, splits in choices]
    claimed = 0
    for (marks, threshold), ported_number in zip(numbers, ported["numbers"], strict=True):
        digits = [digit for whole, parts, splits in marks for digit in chosen_digits(whole, parts, splits)]
        np.testing.assert_array_equal(np.array(ported_number["digits"]), np.array(digits))
        assert ported_number["claim"] == claim(digits, threshold, tuple("0123456789"))
        assert ported_number["doubtful"] == first_doubtful(digits, threshold)
        claimed += ported_number["claim"] is not None
    assert 0 < claimed < len(numbers), "numbers claimed and numbers in doubt went through both"
    assert {reason for reason in (read["reason"] for read in ported["results"])} >= {"", "blank"}
