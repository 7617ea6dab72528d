"""Reference preprocessing: a picture of a digit, or of a number, to the 28x28 inputs MNIST would
have made of its digits. One pipeline, ``read_picture``, top down, each stage with parameters of
its own (``Preprocessing``, defined with the build's output in model_build/output.py):

1. Paper (``to_ink``): the paper's level is taken off, locally where the light is uneven (a
   photo's bright and dark sides, a shadow), and with it the paper's grain.
2. Pieces (``without_lines``, ``writing``): the ink is cut into connected pieces; lines and edges
   that cross the picture, pieces fainter than the writing, and specks away from it are left out.
3. Grouping (``digits_of``): the rest is grouped into digits from left to right, the pieces of one
   digit being those that overlap across; each gets a verdict, one digit or a mark that may be
   digits that touch, which is then also cut where its ink is thinnest (``cuttings``).
4. Rejection (``digits_of``, ``read_picture``): groups too short or too light beside the others,
   specks, and more digits in a row than a number has are not read, and the reason is kept.
5. Framing (model_build/framing.py): each digit follows MNIST's recipe: crop to its ink, scale to
   fit a 20x20 box keeping the aspect ratio, and place it in the 28x28 image so that its centre of
   mass falls on the centre.

What the network's probabilities then make of the digits is model_build/reading.py's rule. The
browser runs a port of both (site_src/js/preprocess.js, reading.js) with the parameters from the
model's metadata; tests hold them to the same result, so every step is plain arithmetic that
JavaScript repeats exactly (no library filters or resampling, rounding half up, loops in the same
order).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from itertools import combinations
from typing import Literal, NamedTuple

import numpy as np
from scipy import ndimage

from model_build.data import DIGIT_BOX, IMAGE_SIZE, MASS_CENTRE, PIXEL_SCALE
from model_build.framing import INK_THRESHOLD, ink_box, mnist_like, round_half_up
from model_build.output import Framing, GroupingStage, PaperStage, PiecesStage, Preprocessing, RejectionStage

MAD_TO_SIGMA = 1.4826  # median absolute deviation to standard deviation, for normal noise

# The parameters of each stage, as the browser's port receives them in the model's metadata.
# Each field is explained where its stage is defined (model_build/output.py).
REFERENCE = Preprocessing(
    framing=Framing(image_size=IMAGE_SIZE, digit_box=DIGIT_BOX, mass_centre=MASS_CENTRE,
                    ink_threshold=INK_THRESHOLD, pixel_scale=PIXEL_SCALE, ink="light-on-dark",
                    centring="centre-of-mass"),
    paper=PaperStage(grain_spreads=6, light_blocks=24, uneven_light=0.08, darkest_paper=0.5),
    # A thin 1 beside bold digits has about a tenth of their ink: the rejection's cube keeps it.
    pieces=PiecesStage(line_span=0.9, line_thickness=0.05, faintest=0.5, reach=1.0),
    grouping=GroupingStage(overlap=0.5, part_height=0.6, part_gap=0.05, touching_aspect=1.0, cut_candidates=6,
                           cut_spacing=0.1, most_cuts=3, cut_widths=(0.25, 1.2)),
    rejection=RejectionStage(least_height=0.4, speck_height=0.06, most_digits=8),
)


def to_ink(grey: np.ndarray, paper: PaperStage = REFERENCE.paper) -> np.ndarray:
    """Grey levels in [0, 1] to ink in [0, 1], whichever way round the picture is.

    The border of a picture of a digit is mostly paper: when it is brighter than the middle of
    the range, the ink is dark and the picture is inverted. Under even light the paper's level
    and grain (its median and spread along the border) are taken off, so that neither counts as
    ink. Under uneven light, ink is how much darker a pixel is than the paper around it, and the
    grain is measured over the whole picture.
    """
    grey = np.asarray(grey, dtype=np.float64)
    light = grey if np.median(_border(grey)) > 0.5 else 1.0 - grey  # paper light, ink dark
    level_of_paper = paper_level(light, paper.light_blocks, paper.darkest_paper)
    if level_of_paper.max() - level_of_paper.min() <= paper.uneven_light:
        ink, sample = 1.0 - light, _border(1.0 - light)
    else:
        ink = np.clip(1.0 - light / np.maximum(level_of_paper, 1e-6), 0.0, 1.0)
        sample = ink.ravel()
    level = np.median(sample)
    floor = level + paper.grain_spreads * MAD_TO_SIGMA * np.median(np.abs(sample - level))
    return np.clip((ink - floor) / max(1.0 - floor, 1e-6), 0.0, 1.0)


def paper_level(light: np.ndarray, blocks: int, darkest: float) -> np.ndarray:
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
    verdict: Literal["one", "touching"]  # one digit, or so wide for its height that it may be several
    # For one that may be several, after ``read_picture``: the inputs of the parts it may be cut
    # into, and each way of cutting it, as the indices of its parts from left to right.
    parts: tuple[np.ndarray, ...] = ()
    splits: tuple[tuple[int, ...], ...] = ()


# Why a picture holds no digit: nothing in it, only lines or edges across it, only specks, or
# more marks in a row than a number has.
BLANK, LINES, SPECKS, MANY = "blank", "lines", "specks", "many"
# A digit's verdict: one digit, or a mark that may be digits that touch (read whole and cut).
ONE, TOUCHING = "one", "touching"


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


def without_lines(ink: np.ndarray, labels: np.ndarray, pieces: list[Piece],
                  stage: PiecesStage = REFERENCE.pieces) -> np.ndarray | None:
    """``ink`` with the ruled lines that cross it taken out, and what touches them kept; None when
    no line crosses it. A line is a piece that spans the picture one way (not both, as a grid
    does) and is, across most of its length, a single thin run of ink: where a digit sits on it
    or crosses it, its course is taken as the straight path between the nearest places where it
    runs alone, and only a band of its width along that path is taken out."""
    height, width = ink.shape
    cleared = None
    for piece in pieces:
        top, left, bottom, right = piece.box
        across, down = right - left >= stage.line_span * width, bottom - top >= stage.line_span * height
        if across == down:
            continue
        # Along a line that runs down the picture, rows play the part of columns.
        own = labels[top:bottom, left:right] == piece.label
        band = _line_band(own if across else own.T, stage.line_thickness * (height if across else width))
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


def writing(pieces: list[Piece], height: int, width: int, stage: PiecesStage = REFERENCE.pieces,
            drawn: bool = False) -> list[Piece]:
    """The pieces that make the writing: in a picture (not ``drawn`` on the pad), what spans it (a
    ruled line, the paper's edge) left out, and what touches its border (the table beyond) too
    unless nothing else is there; of the rest, the strong pieces: the heaviest, and every one near
    what is taken."""
    short = [piece for piece in pieces if drawn or (piece.box[2] - piece.box[0] < stage.line_span * height
                                                    and piece.box[3] - piece.box[1] < stage.line_span * width)]
    inside = [piece for piece in short if drawn or (piece.box[0] > 0 and piece.box[1] > 0 and piece.box[2] < height
                                                    and piece.box[3] < width)]
    candidates = inside or short
    if not candidates:
        return []
    # Only strong pieces: a soft shadow or the fold of a page is paper, however large.
    darkest = max(piece.peak for piece in candidates)
    candidates = [piece for piece in candidates if piece.peak >= stage.faintest * darkest]
    first = max(candidates, key=lambda piece: piece.mass)
    taken, box = [first], first.box
    grew = True
    while grew:
        grew = False
        for piece in candidates:
            reach = stage.reach * max(box[2] - box[0], box[3] - box[1])
            if piece not in taken and _gap(box, piece.box) <= reach:
                taken.append(piece)
                box = _merged(box, piece.box)
                grew = True
    return sorted(taken, key=lambda piece: piece.label)


def digits_of(pieces: list[Piece], height: int, width: int, grouping: GroupingStage = REFERENCE.grouping,
              rejection: RejectionStage = REFERENCE.rejection) -> list[Digit]:
    """The pieces grouped into digits, left to right: a piece joins the first digit it overlaps
    across by ``grouping.overlap`` of the narrower one's width, or that it comes within
    ``part_gap`` of the taller's height of across when one of the two is at most ``part_height``
    times as tall as the other. Groups much shorter or lighter than the tallest and the heaviest,
    and specks, are rejected (``rejection``)."""
    labels: list[list[int]] = []
    boxes: list[tuple[int, int, int, int]] = []
    mass_of = {piece.label: piece.mass for piece in pieces}
    for piece in sorted(pieces, key=lambda piece: (piece.box[1], piece.label)):
        for index, box in enumerate(boxes):
            overlap = min(box[3], piece.box[3]) - max(box[1], piece.box[1])
            heights = (box[2] - box[0], piece.box[2] - piece.box[0])
            tall, other = max(heights), min(heights)
            if overlap >= grouping.overlap * min(box[3] - box[1], piece.box[3] - piece.box[1]) or (
                    overlap >= -grouping.part_gap * tall and other <= grouping.part_height * tall):
                labels[index].append(piece.label)
                boxes[index] = _merged(box, piece.box)
                break
        else:
            labels.append([piece.label])
            boxes.append(piece.box)
    masses = [_sum_in_order(np.array([mass_of[label] for label in group])) for group in labels]
    heaviest = max(masses, default=0)
    # The tallest among the groups heavy enough to be digits: specks far apart can make a tall group.
    small = rejection.least_height
    heavy = [index for index in range(len(boxes)) if masses[index] >= small * small * small * heaviest]
    tallest = max((boxes[index][2] - boxes[index][0] for index in heavy), default=0)
    order = sorted((index for index in heavy if boxes[index][2] - boxes[index][0] >= small * tallest
                    and boxes[index][2] - boxes[index][0] >= rejection.speck_height * min(height, width)),
                   key=lambda index: (boxes[index][1], index))
    def verdict(box: tuple[int, int, int, int]) -> str:
        return TOUCHING if box[3] - box[1] > grouping.touching_aspect * (box[2] - box[0]) else ONE

    return [Digit(tuple(sorted(labels[index])), boxes[index], verdict(boxes[index])) for index in order]


def cut_columns(ink: np.ndarray, grouping: GroupingStage = REFERENCE.grouping) -> list[int]:
    """Where a wide mark's ink (its box) may be cut between two digits: the ``cut_candidates``
    columns with the least ink (summed top to bottom), the leftmost first among equals, at least
    ``cut_spacing`` of its height (and two columns) apart, and far enough from its ends to leave a
    digit there; left to right. A cut gives the columns before it to the digit on its left."""
    height, width = ink.shape
    narrowest = max(1, round_half_up(grouping.cut_widths[0] * height))
    apart = max(2, round_half_up(grouping.cut_spacing * height))
    totals = {column: _sum_in_order(ink[:, column]) for column in range(narrowest, width - narrowest + 1)}
    chosen: list[int] = []
    for column in sorted(totals, key=lambda column: (totals[column], column)):
        if len(chosen) < grouping.cut_candidates and all(abs(column - other) >= apart for other in chosen):
            chosen.append(column)
    return sorted(chosen)


def cuttings(ink: np.ndarray, grouping: GroupingStage, ink_threshold: float) -> tuple[list[tuple[int, int]],
                                                                                      list[tuple[int, ...]]]:
    """The ways to cut a wide mark's ink into two to ``1 + most_cuts`` digits at its
    ``cut_columns``, each with ink and between ``cut_widths`` times its height wide: the parts
    (columns from, to) and, per way, the indices of its parts from left to right. Fewer cuts
    first, then in the order of the columns."""
    height, width = ink.shape
    narrowest, widest = grouping.cut_widths[0] * height, grouping.cut_widths[1] * height
    parts: dict[tuple[int, int], int] = {}
    fits: dict[tuple[int, int], bool] = {}
    ways = []
    columns = cut_columns(ink, grouping)
    for count in range(1, grouping.most_cuts + 1):
        for cuts in combinations(columns, count):
            edges = (0, *cuts, width)
            spans = list(zip(edges, edges[1:], strict=False))
            for span in spans:
                if span not in fits:
                    fits[span] = (narrowest <= span[1] - span[0] <= widest
                                  and ink_box(ink[:, span[0]:span[1]], ink_threshold) is not None)
            if all(fits[span] for span in spans):
                ways.append(tuple(parts.setdefault(span, len(parts)) for span in spans))
    return list(parts), ways


class Reading(NamedTuple):
    """What the page makes of a picture: its digits, left to right, each with the input MNIST would
    have made of it; and, when there are none, why (BLANK, LINES, SPECKS or MANY)."""

    digits: list[tuple[Digit, np.ndarray]]
    reason: str


def read_picture(grey: np.ndarray, p: Preprocessing = REFERENCE, drawn: bool = False,
                 single: bool = False) -> Reading:
    """A picture's grey levels (or the pad's, when ``drawn``) to its digits: the whole of what the
    page does before the network reads them, stage by stage. ``single``: all the ink is one digit
    (the ordinary pad)."""
    ink = to_ink(grey, p.paper)
    if single:
        box = ink_box(ink, p.framing.ink_threshold)
        found, reason = ([], BLANK) if box is None else ([(Digit((), box, ONE), ink)], "")
    else:
        found, reason = _find_digits(ink, p, drawn)

    def framed(own: np.ndarray) -> np.ndarray:
        f = p.framing
        return mnist_like(own, f.image_size, f.digit_box, f.mass_centre, f.ink_threshold)

    digits = []
    for digit, own in found:
        if digit.verdict == TOUCHING:
            top, left, bottom, right = digit.box
            crop = own[top:bottom, left:right]
            spans, ways = cuttings(crop, p.grouping, p.framing.ink_threshold)
            digit = replace(digit, parts=tuple(framed(crop[:, start:end]) for start, end in spans), splits=tuple(ways))
        digits.append((digit, framed(own)))
    return Reading(digits, reason)


def _find_digits(ink: np.ndarray, p: Preprocessing, drawn: bool) -> tuple[list[tuple[Digit, np.ndarray]], str]:
    """The pieces, the writing among them, the digits it makes; each digit with its own ink."""
    labels, count = label_pieces(ink > p.framing.ink_threshold)
    pieces = pieces_of(ink, labels, count)
    found_ink = bool(pieces)
    cleared = None if drawn else without_lines(ink, labels, pieces, p.pieces)
    if cleared is not None:
        ink = cleared
        labels, count = label_pieces(ink > p.framing.ink_threshold)
        pieces = pieces_of(ink, labels, count)
    kept = writing(pieces, *ink.shape, p.pieces, drawn)
    digits = digits_of(kept, *ink.shape, p.grouping, p.rejection)
    if len(digits) > p.rejection.most_digits:
        return [], MANY
    reason = "" if digits else BLANK if not found_ink else LINES if not kept else SPECKS
    return [(digit, np.where(np.isin(labels, digit.labels), ink, 0.0)) for digit in digits], reason
