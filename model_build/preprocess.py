"""Reference preprocessing: a picture of a digit, or of a number, to the 28x28 inputs MNIST would
have made of its digits.

First the ink: the paper's level is taken off, locally where the light is uneven (a photo's
bright and dark sides, a shadow), and with it the paper's grain. Then the digits: the ink is cut
into connected pieces; lines and edges that cross the picture, and specks away from the
writing, are left out; the rest is grouped into digits from left to right, the pieces of one
digit being those that overlap across. Each digit then follows MNIST's recipe: crop to its ink,
scale to fit a 20x20 box keeping the aspect ratio, and place the result in the 28x28 image so
that its centre of mass falls on the centre.

The browser runs a port of these steps with the parameters from the model's metadata; the
tests hold both to the same result, so every step is plain arithmetic that JavaScript repeats
exactly (no library filters or resampling, rounding half up, loops in the same order).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
from scipy import ndimage

from model_build.data import DIGIT_BOX, IMAGE_SIZE, MASS_CENTRE, PIXEL_SCALE
from model_build.output import Preprocessing

# Grey levels below this fraction of full ink do not count when finding the digit's extent.
INK_THRESHOLD = 0.1
# Paper grain: anything within this many standard deviations of the paper's level is paper.
NOISE_SPREADS = 6
MAD_TO_SIGMA = 1.4826  # median absolute deviation to standard deviation, for normal noise
# The paper's level is measured on a grid of about this many blocks along the longer side; where
# it varies by more than UNEVEN_LIGHT across the picture, ink is measured against the local level.
PAPER_BLOCKS = 24
UNEVEN_LIGHT = 0.08
# Paper is never darker than DARKEST_PAPER times the brightest paper in the picture: what is, is
# ink, however wide (a block, a blot), not a shadow.
DARKEST_PAPER = 0.5
# Ink reaching across this share of a picture's width or height is a ruled line or the paper's
# edge (not on the drawing pad, which has neither). A line at most LINE_WIDTH of the picture thick
# is taken out, and whatever touches it kept.
SPANNING = 0.9
LINE_WIDTH = 0.05
# The writing is made of the pieces of ink at least STRONG times as dark as the darkest (fainter
# ones are shadows and folds): it starts from the heaviest of them, and takes in every one within
# NEAR times its size.
STRONG = 0.5
NEAR = 1.0
# A digit wider than TOUCHING times its height is taken for digits that touch; one less than
# SMALL times as tall as the tallest, or with less than SMALL cubed times the ink of the
# heaviest (a thin 1 beside bold digits has about a tenth of their ink), is a dot or a dash
# beside the digits; one less tall than SPECK times the picture's
# shorter side is a speck; one whose ink fills more than FILLED of its box, unless it is a thin
# bar with round ends (a bold 1) or its input has a loop (a bold 0 or 8), is a blot or a block.
TOUCHING = 1.6
# A piece at most PART times as tall as a digit that it overlaps across, or comes within PART_GAP
# of the digit's height of, is part of that digit: the bar of a 5 lifted off its body, the stem of
# a 4 or a 9 drawn apart. Digits of a number are about as tall as one another.
PART = 0.6
PART_GAP = 0.05
# More digits than a number on the pad may have: ruled or squared paper, or writing.
MOST_DIGITS = 8
SMALL = 0.4
SPECK = 0.06
FILLED = 0.75
# A filled mark less than half as wide as tall is a bold 1 when a corner of its box is blank (round
# or slanted ends), and whatever its ends when less than THIN_BAR times as wide as tall (a line
# drawn with an editor's square-ended line tool); a block otherwise.
THIN_BAR = 0.2
# The shape of a digit's 28x28 input, its ink taken above SHAPE_LEVEL: no digit has more than
# MOST_LOOPS closed loops (of at least LOOP_PIXELS pixels; an 8 has two, a sloppy one a third), no
# row or column of one crosses more than MOST_CROSSINGS strokes (a 3 or an 8 crosses three), and no
# loop of one holds two separate marks. A star, a house, a spiral or a face does.
SHAPE_LEVEL = 0.3
LOOP_PIXELS = 3
MOST_LOOPS = 3
MOST_CROSSINGS = 4


def reference_preprocessing() -> Preprocessing:
    """These steps' parameters, as the browser's port receives them in the model's metadata."""
    return Preprocessing(image_size=IMAGE_SIZE, digit_box=DIGIT_BOX, mass_centre=MASS_CENTRE,
                         ink_threshold=INK_THRESHOLD, noise_spreads=NOISE_SPREADS, pixel_scale=PIXEL_SCALE,
                         ink="light-on-dark", centring="centre-of-mass", paper_blocks=PAPER_BLOCKS,
                         uneven_light=UNEVEN_LIGHT, darkest_paper=DARKEST_PAPER, spanning=SPANNING,
                         line_width=LINE_WIDTH, strong=STRONG, near=NEAR, touching=TOUCHING, part=PART,
                         part_gap=PART_GAP, small=SMALL, speck=SPECK, filled=FILLED, thin_bar=THIN_BAR,
                         most_digits=MOST_DIGITS, shape_level=SHAPE_LEVEL, loop_pixels=LOOP_PIXELS,
                         most_loops=MOST_LOOPS, most_crossings=MOST_CROSSINGS)


def round_half_up(value: float) -> int:
    return math.floor(value + 0.5)


def to_ink(grey: np.ndarray, noise_spreads: float = NOISE_SPREADS, paper_blocks: int = PAPER_BLOCKS,
           darkest_paper: float = DARKEST_PAPER, uneven_light: float = UNEVEN_LIGHT) -> np.ndarray:
    """Grey levels in [0, 1] to ink in [0, 1], whichever way round the picture is.

    The border of a picture of a digit is mostly paper: when it is brighter than the middle of
    the range, the ink is dark and the picture is inverted. Under even light the paper's level
    and grain (its median and spread along the border) are taken off, so that neither counts as
    ink. Under uneven light, ink is how much darker a pixel is than the paper around it, and the
    grain is measured over the whole picture.
    """
    grey = np.asarray(grey, dtype=np.float64)
    light = grey if np.median(_border(grey)) > 0.5 else 1.0 - grey  # paper light, ink dark
    paper = paper_level(light, paper_blocks, darkest_paper)
    if paper.max() - paper.min() <= uneven_light:
        ink, sample = 1.0 - light, _border(1.0 - light)
    else:
        ink = np.clip(1.0 - light / np.maximum(paper, 1e-6), 0.0, 1.0)
        sample = ink.ravel()
    level = np.median(sample)
    floor = level + noise_spreads * MAD_TO_SIGMA * np.median(np.abs(sample - level))
    return np.clip((ink - floor) / max(1.0 - floor, 1e-6), 0.0, 1.0)


def paper_level(light: np.ndarray, blocks: int = PAPER_BLOCKS, darkest: float = DARKEST_PAPER) -> np.ndarray:
    """The paper's brightness around each pixel of ``light`` (paper light, ink dark).

    The brightest pixel of each block is paper, as strokes are narrower than a block; the
    brightest of each 3x3 neighbourhood of blocks, but never less than ``darkest`` times the
    brightest of all, averaged over its 3x3 neighbourhood, is spread smoothly over the picture,
    block centre to block centre.
    """
    height, width = light.shape
    size = max(4, math.ceil(max(height, width) / blocks))
    rows, cols = math.ceil(height / size), math.ceil(width / size)
    tiled = np.full((rows * size, cols * size), -np.inf)
    tiled[:height, :width] = light
    brightest = tiled.reshape(rows, size, cols, size).max(axis=(1, 3))
    grid = _neighbourhood(brightest, np.max)
    grid = _neighbourhood(np.maximum(grid, darkest * grid.max()), np.mean)
    return _spread(grid, size, height, width)


def _neighbourhood(grid: np.ndarray, reduce) -> np.ndarray:
    """Each cell of ``grid`` replaced by ``reduce`` of its 3x3 neighbourhood, edges repeated; a
    mean adds the nine row by row, left to right, as JavaScript adds (numpy adds pairwise)."""
    rows, cols = grid.shape
    padded = np.pad(grid, 1, mode="edge")
    windows = [padded[row:row + rows, col:col + cols] for row in range(3) for col in range(3)]
    if reduce is np.max:
        return np.maximum.reduce(windows)
    total = np.zeros_like(grid)
    for window in windows:
        total = total + window
    return total / 9


def _sum_in_order(values: np.ndarray) -> float:
    """A plain left-to-right sum, as JavaScript adds (numpy adds pairwise)."""
    total = 0.0
    for value in values.ravel():
        total += float(value)
    return total


def _spread(grid: np.ndarray, size: int, height: int, width: int) -> np.ndarray:
    """Bilinear interpolation of ``grid``, whose cells' centres lie ``size`` pixels apart."""
    rows, cols = grid.shape

    def axis(count: int, cells: int):
        position = np.clip((np.arange(count) + 0.5) / size - 0.5, 0, cells - 1)
        low = np.floor(position).astype(int)
        return low, np.minimum(low + 1, cells - 1), position - low

    top, bottom, down = axis(height, rows)
    left, right, across = axis(width, cols)
    upper = grid[top][:, left] * (1 - across) + grid[top][:, right] * across
    lower = grid[bottom][:, left] * (1 - across) + grid[bottom][:, right] * across
    return upper * (1 - down[:, None]) + lower * down[:, None]


def _border(image: np.ndarray) -> np.ndarray:
    return np.concatenate([image[0], image[-1], image[1:-1, 0], image[1:-1, -1]])


def ink_box(ink: np.ndarray, threshold: float = INK_THRESHOLD) -> tuple[int, int, int, int] | None:
    """(top, left, bottom, right), bottom and right exclusive, around the ink; None when blank."""
    rows = np.flatnonzero((ink > threshold).any(axis=1))
    if rows.size == 0:
        return None
    cols = np.flatnonzero((ink > threshold).any(axis=0))
    return int(rows[0]), int(cols[0]), int(rows[-1]) + 1, int(cols[-1]) + 1


def area_weights(source: int, target: int) -> np.ndarray:
    """(target, source) matrix: each target pixel averages the source pixels it covers, by area."""
    step = source / target
    weights = np.zeros((target, source))
    for j in range(target):
        start, end = j * step, (j + 1) * step
        for i in range(math.floor(start), min(math.ceil(end), source)):
            weights[j, i] = (min(end, i + 1) - max(start, i)) / step
    return weights


def area_resize(image: np.ndarray, height: int, width: int) -> np.ndarray:
    return area_weights(image.shape[0], height) @ image @ area_weights(image.shape[1], width).T


def centre_of_mass(image: np.ndarray) -> tuple[float, float]:
    # Sums in reading order, as JavaScript adds: numpy's pairwise sums differ in the last bit, and
    # a symmetric shape's centre can fall on a half pixel, where that bit decides the placement.
    def in_order(values: np.ndarray) -> float:
        return float(np.cumsum(values.ravel())[-1])

    total = in_order(image)
    rows, cols = np.indices(image.shape)
    return in_order(rows * image) / total, in_order(cols * image) / total


def _placement(offset: float) -> int:
    """``offset`` rounded half up, once taken to nine decimals: the matrix product behind
    ``area_resize`` sums in an order that varies from machine to machine, and where a centre of mass
    falls on a half pixel, the last bit would decide the placement, here and not in the browser."""
    return round_half_up(math.floor(offset * 1e9 + 0.5) / 1e9)


def mnist_like(ink: np.ndarray, image_size: int = IMAGE_SIZE, digit_box: int = DIGIT_BOX,
               mass_centre: float = MASS_CENTRE, ink_threshold: float = INK_THRESHOLD) -> np.ndarray | None:
    """Ink in [0, 1] (any size) to the (image_size, image_size) digit, or None when there is no ink."""
    box = ink_box(ink, ink_threshold)
    if box is None:
        return None
    top, left, bottom, right = box
    crop = np.asarray(ink, dtype=np.float64)[top:bottom, left:right]
    scale = digit_box / max(crop.shape)
    height = max(1, round_half_up(crop.shape[0] * scale))
    width = max(1, round_half_up(crop.shape[1] * scale))
    patch = area_resize(crop, height, width)
    # Thin strokes fade when shrunk; MNIST's strokes always reach full intensity.
    patch /= patch.max()
    row, col = centre_of_mass(patch)
    place_top = min(max(_placement(mass_centre - row), 0), image_size - height)
    place_left = min(max(_placement(mass_centre - col), 0), image_size - width)
    digit = np.zeros((image_size, image_size))
    digit[place_top:place_top + height, place_left:place_left + width] = patch
    return digit


@dataclass(frozen=True)
class Piece:
    """One connected piece of ink (8-connected pixels above the threshold)."""

    label: int
    box: tuple[int, int, int, int]  # top, left, bottom, right; bottom and right exclusive
    area: int
    mass: float  # the ink it holds
    peak: float  # its darkest pixel


@dataclass(frozen=True)
class Digit:
    """The pieces of ink that make one digit, and their box."""

    labels: tuple[int, ...]
    box: tuple[int, int, int, int]
    touching: bool  # so wide for its height that it is most likely digits that touch
    filled: bool  # its ink fills its box; after ``is_blot``, a blot or a block, not a digit
    drawing: bool = False  # more loops or crossings than a digit has (``is_drawing``): a drawing


# Why a picture holds no digit: nothing in it, only lines or edges across it, only specks, or
# more marks in a row than a number has.
BLANK, LINES, SPECKS, MANY = "blank", "lines", "specks", "many"


def label_pieces(mask: np.ndarray) -> tuple[np.ndarray, int]:
    """8-connected pieces of ``mask``, numbered from 1 in the order their first pixel comes, row
    by row (as scipy numbers them); 0 is background."""
    return ndimage.label(mask, structure=np.ones((3, 3), dtype=bool))


def pieces_of(ink: np.ndarray, labels: np.ndarray, count: int) -> list[Piece]:
    """Each piece's box, area, ink (added up pixel by pixel, row by row) and darkest pixel."""
    index = np.flatnonzero(labels)
    owner = labels.ravel()[index] - 1
    values = ink.ravel()[index]
    rows, cols = np.divmod(index, ink.shape[1])
    mass, peak = np.zeros(count), np.zeros(count)
    np.add.at(mass, owner, values)  # one at a time, in order: the sum JavaScript makes
    np.maximum.at(peak, owner, values)
    top, left = np.full(count, ink.shape[0]), np.full(count, ink.shape[1])
    bottom, right = np.zeros(count, dtype=int), np.zeros(count, dtype=int)
    np.minimum.at(top, owner, rows)
    np.minimum.at(left, owner, cols)
    np.maximum.at(bottom, owner, rows + 1)
    np.maximum.at(right, owner, cols + 1)
    area = np.bincount(owner, minlength=count)
    return [Piece(label + 1, (int(top[label]), int(left[label]), int(bottom[label]), int(right[label])),
                  int(area[label]), float(mass[label]), float(peak[label])) for label in range(count)]


def _merged(first: tuple[int, int, int, int], second: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    return (min(first[0], second[0]), min(first[1], second[1]), max(first[2], second[2]), max(first[3], second[3]))


def _gap(first: tuple[int, int, int, int], second: tuple[int, int, int, int]) -> int:
    return max(second[0] - first[2], first[0] - second[2], second[1] - first[3], first[1] - second[3], 0)


def without_lines(ink: np.ndarray, labels: np.ndarray, pieces: list[Piece], spanning: float = SPANNING,
                  line_width: float = LINE_WIDTH) -> np.ndarray | None:
    """``ink`` with the ruled lines that cross it taken out, and what touches them kept; None when
    no line crosses it. A line is a piece that spans the picture one way (not both, as a grid
    does) and is, across most of its length, a single thin run of ink: where a digit sits on it
    or crosses it, its course is taken as the straight path between the nearest places where it
    runs alone, and only a band of its width along that path is taken out."""
    height, width = ink.shape
    cleared = None
    for piece in pieces:
        top, left, bottom, right = piece.box
        across, down = right - left >= spanning * width, bottom - top >= spanning * height
        if across == down:
            continue
        # Along a line that runs down the picture, rows play the part of columns.
        own = labels[top:bottom, left:right] == piece.label
        band = _line_band(own if across else own.T, line_width * (height if across else width))
        if band is None:
            continue
        cleared = ink.copy() if cleared is None else cleared
        cleared[top:bottom, left:right][band if across else band.T] = 0.0
    return cleared


def _line_band(own: np.ndarray, thickest: float) -> np.ndarray | None:
    """The pixels of a line running across ``own`` (a piece's pixels in its box), or None when the
    piece is not mostly a single run of ink per column, at most ``thickest`` pixels thick."""
    rows, columns = own.shape
    runs = []  # per column: (first row, last row) of its ink when it is a single run, else None
    for column in range(columns):
        filled = np.flatnonzero(own[:, column])
        single = filled.size and filled[-1] - filled[0] + 1 == filled.size
        runs.append((int(filled[0]), int(filled[-1])) if single else None)
    lengths = sorted(last - first + 1 for first, last in (run for run in runs if run))
    if 2 * len(lengths) < columns or lengths[(len(lengths) - 1) >> 1] > thickest:
        return None
    thickness = lengths[(len(lengths) - 1) >> 1]
    alone = [run is not None and run[1] - run[0] + 1 <= thickness + 2 for run in runs]
    # The nearest column, on either side, where the line runs alone.
    before, after = [-1] * columns, [-1] * columns
    for column in range(columns):
        before[column] = column if alone[column] else before[column - 1] if column else -1
    for column in reversed(range(columns)):
        after[column] = column if alone[column] else after[column + 1] if column < columns - 1 else -1
    centre = lambda column: (runs[column][0] + runs[column][1]) / 2  # noqa: E731
    centres = np.zeros(columns)
    for column in range(columns):
        left, right = before[column], after[column]
        if left < 0 or right < 0 or left == right:
            centres[column] = centre(right if left < 0 else left)
        else:
            centres[column] = centre(left) + (centre(right) - centre(left)) * (column - left) / (right - left)
    near = np.abs(np.arange(rows)[:, None] - centres[None, :]) <= thickness / 2 + 1
    return own & near


def writing(pieces: list[Piece], height: int, width: int, spanning: float = SPANNING, strong: float = STRONG,
            near: float = NEAR, drawn: bool = False) -> list[Piece]:
    """The pieces that make the writing: in a picture (not ``drawn`` on the pad), what spans it (a
    ruled line, the paper's edge) left out, and what touches its border (the table beyond) too
    unless nothing else is there; of the rest, the strong pieces: the heaviest, and every one near
    what is taken."""
    short = [piece for piece in pieces if drawn or (piece.box[2] - piece.box[0] < spanning * height
                                                    and piece.box[3] - piece.box[1] < spanning * width)]
    inside = [piece for piece in short if drawn or (piece.box[0] > 0 and piece.box[1] > 0 and piece.box[2] < height
                                                    and piece.box[3] < width)]
    candidates = inside or short
    if not candidates:
        return []
    # Only strong pieces: a soft shadow or the fold of a page is paper, however large.
    darkest = max(piece.peak for piece in candidates)
    candidates = [piece for piece in candidates if piece.peak >= strong * darkest]
    first = max(candidates, key=lambda piece: piece.mass)
    taken, box = [first], first.box
    grew = True
    while grew:
        grew = False
        for piece in candidates:
            reach = near * max(box[2] - box[0], box[3] - box[1])
            if piece not in taken and _gap(box, piece.box) <= reach:
                taken.append(piece)
                box = _merged(box, piece.box)
                grew = True
    return sorted(taken, key=lambda piece: piece.label)


def digits_of(pieces: list[Piece], height: int, width: int, touching: float = TOUCHING, small: float = SMALL,
              speck: float = SPECK, filled: float = FILLED, part: float = PART,
              part_gap: float = PART_GAP) -> list[Digit]:
    """The pieces grouped into digits, left to right: a piece joins the first digit it overlaps
    across by at least half of the narrower one's width, or that it comes within ``part_gap`` of
    the taller's height of across when one of the two is at most ``part`` times as tall as the
    other. Groups much shorter or lighter than the tallest and the heaviest, and specks, are left
    out."""
    labels: list[list[int]] = []
    boxes: list[tuple[int, int, int, int]] = []
    mass_of = {piece.label: piece.mass for piece in pieces}
    area_of = {piece.label: piece.area for piece in pieces}
    for piece in sorted(pieces, key=lambda piece: (piece.box[1], piece.label)):
        for index, box in enumerate(boxes):
            overlap = min(box[3], piece.box[3]) - max(box[1], piece.box[1])
            heights = (box[2] - box[0], piece.box[2] - piece.box[0])
            tall, other = max(heights), min(heights)
            if 2 * overlap >= min(box[3] - box[1], piece.box[3] - piece.box[1]) or (
                    overlap >= -part_gap * tall and other <= part * tall):
                labels[index].append(piece.label)
                boxes[index] = _merged(box, piece.box)
                break
        else:
            labels.append([piece.label])
            boxes.append(piece.box)
    masses = [_sum_in_order(np.array([mass_of[label] for label in group])) for group in labels]
    heaviest = max(masses, default=0)
    # The tallest among the groups heavy enough to be digits: specks far apart can make a tall group.
    heavy = [index for index in range(len(boxes)) if masses[index] >= small * small * small * heaviest]
    tallest = max((boxes[index][2] - boxes[index][0] for index in heavy), default=0)
    order = sorted((index for index in heavy if boxes[index][2] - boxes[index][0] >= small * tallest
                    and boxes[index][2] - boxes[index][0] >= speck * min(height, width)),
                   key=lambda index: (boxes[index][1], index))
    digits = []
    for index in order:
        top, left, bottom, right = boxes[index]
        area = sum(area_of[label] for label in labels[index])
        digits.append(Digit(tuple(sorted(labels[index])), boxes[index], right - left > touching * (bottom - top),
                            area > filled * (bottom - top) * (right - left)))
    return digits


def loops_of(ink: np.ndarray, loop_pixels: int = LOOP_PIXELS) -> tuple[np.ndarray, list[int]]:
    """The paper of a boolean image, numbered in 4-connected pieces, and the numbers of its loops:
    the pieces closed in by ink (8-connected) of at least ``loop_pixels`` pixels."""
    paper, count = ndimage.label(~ink)  # 4-connected, as paper closed in by 8-connected ink is
    edge = set(np.concatenate([paper[0], paper[-1], paper[:, 0], paper[:, -1]]).tolist())
    sizes = np.bincount(paper.ravel(), minlength=count + 1)
    return paper, [label for label in range(1, count + 1) if label not in edge and sizes[label] >= loop_pixels]


def is_drawing(digit: np.ndarray, level: float = SHAPE_LEVEL, loop_pixels: int = LOOP_PIXELS,
               most_loops: int = MOST_LOOPS, most_crossings: int = MOST_CROSSINGS) -> bool:
    """Whether a digit's input (28x28) has a shape no digit has: more than ``most_loops`` loops
    (``loops_of``), a row or column that crosses more than ``most_crossings`` strokes, or a loop
    that holds two separate marks (the ink around it and two more pieces touching it)."""
    ink = digit > level
    crossings = max(_runs(ink).max(), _runs(ink.T).max())
    if crossings > most_crossings:
        return True
    pieces, _ = label_pieces(ink)
    paper, loops = loops_of(ink, loop_pixels)
    if len(loops) > most_loops:
        return True
    for label in loops:
        inside = paper == label
        beside = np.zeros_like(inside)  # the 4-neighbours of the loop
        beside[1:] |= inside[:-1]
        beside[:-1] |= inside[1:]
        beside[:, 1:] |= inside[:, :-1]
        beside[:, :-1] |= inside[:, 1:]
        if np.unique(pieces[beside & ink]).size > 2:
            return True
    return False


def is_blot(digit: Digit, own: np.ndarray, digit_input: np.ndarray, p: Preprocessing) -> bool:
    """Whether a digit whose ink fills its box (``digits_of``) is a blot or a block, not a bold
    digit: it is not when it is a bar less than half as wide as tall whose box has a corner
    without ink (a bold 1 has round or slanted ends; a block's corners are ink) or that is less
    than ``thin_bar`` times as wide as tall, nor when its input (28x28) has a loop (a bold 0 or
    8). ``own``: the digit's ink, the rest set to 0."""
    if not digit.filled:
        return False
    top, left, bottom, right = digit.box
    width, height = right - left, bottom - top
    corners = own[[top, top, bottom - 1, bottom - 1], [left, right - 1, left, right - 1]]
    if 2 * width <= height and (width < p.thin_bar * height or corners.min() <= p.ink_threshold):
        return False
    return not loops_of(digit_input > p.shape_level, p.loop_pixels)[1]


def _runs(ink: np.ndarray) -> np.ndarray:
    """The runs of ink in each row of a boolean image."""
    return (ink[:, 1:] & ~ink[:, :-1]).sum(axis=1) + ink[:, 0]


def read_digits(ink: np.ndarray, p: Preprocessing | None = None,
                drawn: bool = False) -> tuple[list[tuple[Digit, np.ndarray]], str]:
    """The digits in ``ink`` (``drawn`` on the pad, or a picture), left to right, each with its
    own ink (the rest set to 0); and, when there are none, why: BLANK, LINES, SPECKS or MANY."""
    p = p or reference_preprocessing()
    labels, count = label_pieces(ink > p.ink_threshold)
    pieces = pieces_of(ink, labels, count)
    found_ink = bool(pieces)
    cleared = None if drawn else without_lines(ink, labels, pieces, p.spanning, p.line_width)
    if cleared is not None:
        ink = cleared
        labels, count = label_pieces(ink > p.ink_threshold)
        pieces = pieces_of(ink, labels, count)
    kept = writing(pieces, *ink.shape, p.spanning, p.strong, p.near, drawn)
    digits = digits_of(kept, *ink.shape, p.touching, p.small, p.speck, p.filled, p.part, p.part_gap)
    if len(digits) > p.most_digits:
        return [], MANY
    reason = "" if digits else BLANK if not found_ink else LINES if not kept else SPECKS
    return [(digit, np.where(np.isin(labels, digit.labels), ink, 0.0)) for digit in digits], reason


def digit_inputs(grey: np.ndarray, preprocessing: Preprocessing | None = None,
                 drawn: bool = False) -> list[tuple[Digit, np.ndarray]]:
    """A picture's grey levels (or the pad's, when ``drawn``) to its digits, left to right, each
    with the input MNIST would have made of it: the whole of what the page does with them."""
    return read_picture(grey, preprocessing, drawn)[0]


def read_picture(grey: np.ndarray, preprocessing: Preprocessing | None = None,
                 drawn: bool = False) -> tuple[list[tuple[Digit, np.ndarray]], str]:
    """``digit_inputs``, with the reason when there are no digits (see ``read_digits``)."""
    p = preprocessing or reference_preprocessing()
    ink = to_ink(grey, p.noise_spreads, p.paper_blocks, p.darkest_paper, p.uneven_light)
    digits, reason = read_digits(ink, p, drawn)
    inputs = [mnist_like(own, p.image_size, p.digit_box, p.mass_centre, p.ink_threshold) for _, own in digits]
    return [(replace(digit, filled=is_blot(digit, own, digit_input, p),
                     drawing=is_drawing(digit_input, p.shape_level, p.loop_pixels, p.most_loops, p.most_crossings)),
             digit_input)
            for (digit, own), digit_input in zip(digits, inputs, strict=True)], reason
