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
from itertools import combinations

import numpy as np
from scipy import ndimage

from model_build.data import DIGIT_BOX, IMAGE_SIZE, MASS_CENTRE, PIXEL_SCALE
from model_build.framing import INK_THRESHOLD, ink_box, mnist_like, round_half_up
from model_build.output import Preprocessing

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
# A mark wider than WIDE times its height may be digits that touch: it is read whole and, cut at
# up to MOST_CUTS of the CUTS columns of least ink, as two to four digits, each between
# CUT_WIDTHS times the mark's height wide; the reading the network is surer of wins
# (``split_choice``). One less than SMALL times as tall as the
# tallest, or with less than SMALL cubed times the ink of the heaviest (a thin 1 beside bold
# digits has about a tenth of their ink), is a dot or a dash beside the digits; one less tall
# than SPECK times the picture's shorter side is a speck.
WIDE = 1.0
CUTS = 6
MOST_CUTS = 3
CUT_WIDTHS = (0.25, 1.2)
# A piece at most PART times as tall as a digit that it overlaps across, or comes within PART_GAP
# of the digit's height of, is part of that digit: the bar of a 5 lifted off its body, the stem of
# a 4 or a 9 drawn apart. Digits of a number are about as tall as one another.
PART = 0.6
PART_GAP = 0.05
# More digits than a number on the pad may have: ruled or squared paper, or writing.
MOST_DIGITS = 8
SMALL = 0.4
SPECK = 0.06


def reference_preprocessing() -> Preprocessing:
    """These steps' parameters, as the browser's port receives them in the model's metadata."""
    return Preprocessing(image_size=IMAGE_SIZE, digit_box=DIGIT_BOX, mass_centre=MASS_CENTRE,
                         ink_threshold=INK_THRESHOLD, noise_spreads=NOISE_SPREADS, pixel_scale=PIXEL_SCALE,
                         ink="light-on-dark", centring="centre-of-mass", paper_blocks=PAPER_BLOCKS,
                         uneven_light=UNEVEN_LIGHT, darkest_paper=DARKEST_PAPER, spanning=SPANNING,
                         line_width=LINE_WIDTH, strong=STRONG, near=NEAR, wide=WIDE, cuts=CUTS, most_cuts=MOST_CUTS,
                         cut_widths=CUT_WIDTHS, part=PART, part_gap=PART_GAP, small=SMALL, speck=SPECK,
                         most_digits=MOST_DIGITS)


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


@dataclass(frozen=True)
class Piece:
    """One connected piece of ink (8-connected pixels above the threshold)."""

    label: int
    box: tuple[int, int, int, int]  # top, left, bottom, right; bottom and right exclusive
    mass: float  # the ink it holds
    peak: float  # its darkest pixel


@dataclass(frozen=True)
class Digit:
    """The pieces of ink that make one digit, and their box."""

    labels: tuple[int, ...]
    box: tuple[int, int, int, int]
    wide: bool  # so wide for its height that it may be digits that touch
    # For a wide one, after ``read_picture``: the inputs of the parts it may be cut into, and each
    # way of cutting it, as the indices of its parts from left to right.
    parts: tuple[np.ndarray, ...] = ()
    splits: tuple[tuple[int, ...], ...] = ()


# Why a picture holds no digit: nothing in it, only lines or edges across it, only specks, or
# more marks in a row than a number has.
BLANK, LINES, SPECKS, MANY = "blank", "lines", "specks", "many"


def label_pieces(mask: np.ndarray) -> tuple[np.ndarray, int]:
    """8-connected pieces of ``mask``, numbered from 1 in the order their first pixel comes, row
    by row (as scipy numbers them); 0 is background."""
    return ndimage.label(mask, structure=np.ones((3, 3), dtype=bool))


def pieces_of(ink: np.ndarray, labels: np.ndarray, count: int) -> list[Piece]:
    """Each piece's box, ink (added up pixel by pixel, row by row) and darkest pixel."""
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
    return [Piece(label + 1, (int(top[label]), int(left[label]), int(bottom[label]), int(right[label])),
                  float(mass[label]), float(peak[label])) for label in range(count)]


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


def digits_of(pieces: list[Piece], height: int, width: int, wide: float = WIDE, small: float = SMALL,
              speck: float = SPECK, part: float = PART, part_gap: float = PART_GAP) -> list[Digit]:
    """The pieces grouped into digits, left to right: a piece joins the first digit it overlaps
    across by at least half of the narrower one's width, or that it comes within ``part_gap`` of
    the taller's height of across when one of the two is at most ``part`` times as tall as the
    other. Groups much shorter or lighter than the tallest and the heaviest, and specks, are left
    out."""
    labels: list[list[int]] = []
    boxes: list[tuple[int, int, int, int]] = []
    mass_of = {piece.label: piece.mass for piece in pieces}
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
    return [Digit(tuple(sorted(labels[index])), boxes[index],
                  boxes[index][3] - boxes[index][1] > wide * (boxes[index][2] - boxes[index][0])) for index in order]


def cut_columns(ink: np.ndarray, cuts: int = CUTS, cut_widths: tuple[float, float] = CUT_WIDTHS) -> list[int]:
    """Where a wide mark's ink (its box) may be cut between two digits: the ``cuts`` columns with
    the least ink (summed top to bottom), the leftmost first among equals, at least a tenth of its
    height (and two columns) apart, and far enough from its ends to leave a digit there; left to
    right. A cut gives the columns before it to the digit on its left."""
    height, width = ink.shape
    narrowest = max(1, round_half_up(cut_widths[0] * height))
    apart = max(2, round_half_up(height / 10))
    totals = {column: _sum_in_order(ink[:, column]) for column in range(narrowest, width - narrowest + 1)}
    chosen: list[int] = []
    for column in sorted(totals, key=lambda column: (totals[column], column)):
        if len(chosen) < cuts and all(abs(column - other) >= apart for other in chosen):
            chosen.append(column)
    return sorted(chosen)


def cuttings(ink: np.ndarray, p: Preprocessing) -> tuple[list[tuple[int, int]], list[tuple[int, ...]]]:
    """The ways to cut a wide mark's ink into two to ``1 + most_cuts`` digits at its
    ``cut_columns``, each with ink and between ``cut_widths`` times its height wide: the parts
    (columns from, to) and, per way, the indices of its parts from left to right. Fewer cuts
    first, then in the order of the columns."""
    height, width = ink.shape
    narrowest, widest = p.cut_widths[0] * height, p.cut_widths[1] * height
    parts: dict[tuple[int, int], int] = {}
    fits: dict[tuple[int, int], bool] = {}
    ways = []
    columns = cut_columns(ink, p.cuts, p.cut_widths)
    for count in range(1, p.most_cuts + 1):
        for cuts in combinations(columns, count):
            edges = (0, *cuts, width)
            spans = list(zip(edges, edges[1:], strict=False))
            for span in spans:
                if span not in fits:
                    fits[span] = (narrowest <= span[1] - span[0] <= widest
                                  and ink_box(ink[:, span[0]:span[1]], p.ink_threshold) is not None)
            if all(fits[span] for span in spans):
                ways.append(tuple(parts.setdefault(span, len(parts)) for span in spans))
    return list(parts), ways


def split_choice(whole: np.ndarray, parts: list[np.ndarray], splits: list[tuple[int, ...]]) -> int:
    """Whether the network reads a wide mark better as one digit (-1) or as the digits of a way of
    cutting it (its index): the reading whose digits' top probabilities make the largest product
    wins, the one with fewer cuts when equal. ``whole``: the probabilities of the mark read whole;
    ``parts``: those of its parts; ``splits``: each way's parts (``cuttings``)."""
    best, chosen = float(whole.max()), -1
    for index, split in enumerate(splits):
        product = 1.0
        for part in split:
            product *= float(parts[part].max())
        if product > best:
            best, chosen = product, index
    return chosen


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
    digits = digits_of(kept, *ink.shape, p.wide, p.small, p.speck, p.part, p.part_gap)
    if len(digits) > p.most_digits:
        return [], MANY
    reason = "" if digits else BLANK if not found_ink else LINES if not kept else SPECKS
    return [(digit, np.where(np.isin(labels, digit.labels), ink, 0.0)) for digit in digits], reason


def digit_inputs(grey: np.ndarray, preprocessing: Preprocessing | None = None, drawn: bool = False,
                 single: bool = False) -> list[tuple[Digit, np.ndarray]]:
    """A picture's grey levels (or the pad's, when ``drawn``) to its digits, left to right, each
    with the input MNIST would have made of it: the whole of what the page does with them before
    the network reads them. ``single``: all the ink is one digit (the ordinary pad)."""
    return read_picture(grey, preprocessing, drawn, single)[0]


def read_picture(grey: np.ndarray, preprocessing: Preprocessing | None = None, drawn: bool = False,
                 single: bool = False) -> tuple[list[tuple[Digit, np.ndarray]], str]:
    """``digit_inputs``, with the reason when there are no digits (see ``read_digits``)."""
    p = preprocessing or reference_preprocessing()
    ink = to_ink(grey, p.noise_spreads, p.paper_blocks, p.darkest_paper, p.uneven_light)
    if single:
        box = ink_box(ink, p.ink_threshold)
        digits = [] if box is None else [(Digit((), box, False), ink)]
        reason = "" if digits else BLANK
    else:
        digits, reason = read_digits(ink, p, drawn)

    def framed(own: np.ndarray) -> np.ndarray:
        return mnist_like(own, p.image_size, p.digit_box, p.mass_centre, p.ink_threshold)

    read = []
    for digit, own in digits:
        if digit.wide:
            top, left, bottom, right = digit.box
            crop = own[top:bottom, left:right]
            spans, ways = cuttings(crop, p)
            digit = replace(digit, parts=tuple(framed(crop[:, start:end]) for start, end in spans), splits=tuple(ways))
        read.append((digit, framed(own)))
    return read, reason
