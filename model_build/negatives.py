"""Marks that are not digits, for teaching the network to be unsure of them: letters, simple
drawings and digits seen in a mirror, each on white paper and framed as the page frames what it
reads (model_build/preprocess.py).

Training on them with a target spread evenly over the ten digits (outlier exposure) keeps the
network's top probability low for such marks, so the page's claim threshold turns them away,
and the network stays a ten-digit classifier. Letters come from the font Pillow carries, so that
every machine draws the same ones; the drawings are other kinds than the doodles the tests use
(tools/nondigits.py), so that the tests measure what was not taught. TensorFlow-free.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from model_build.preprocess import digit_inputs, reference_preprocessing

SIZE = 112  # pixels a side of the paper each mark is drawn on
# Not the letters that are digits' shapes too (O, o, I, l), nor those people write as digits
# (S, s and 5; Z, z and 2; g, q and 9; b and 6; G and 6; B and 8; T and 7): no digit may be
# taught as a letter.
LETTERS = "ACDEFHJKLMNPRUVWXYacdefhijkmnprtuvwxy"
MIRRORED = (2, 3, 4, 5, 7, 9)  # digits that are no digit in a mirror
SHAPES = ("triangle", "square", "cross", "arrow", "wave", "tick", "asterisk", "heart")
# The page's framing, but with pieces grouped by overlap alone, as when this set was first made:
# the later rule that joins a short piece to the digit beside it (preprocess.PART) changes which
# few marks come out as one, and with them the network trained; a mark it joins is no digit
# either way.
FRAMING = dataclasses.replace(reference_preprocessing(), part=0.0, part_gap=0.0)


def _paper() -> tuple[Image.Image, ImageDraw.ImageDraw]:
    paper = Image.new("L", (SIZE, SIZE), 255)
    return paper, ImageDraw.Draw(paper)


def letters(rng: np.random.Generator, count: int) -> Image.Image:
    """``count`` letters in Pillow's own font, at a random size and weight."""
    paper, draw = _paper()
    font = ImageFont.load_default(size=int(rng.integers(45, 95) if count == 1 else rng.integers(28, 48)))
    draw.text((SIZE / 2, SIZE / 2), "".join(rng.choice(list(LETTERS), size=count)), font=font, fill=0, anchor="mm",
              stroke_width=int(rng.integers(0, 4)))
    return paper


def shape(rng: np.random.Generator) -> Image.Image:
    """A simple drawing, of one of SHAPES."""
    paper, draw = _paper()
    pen, c, r = int(rng.integers(3, 10)), SIZE / 2, rng.uniform(22, 45)
    kind = SHAPES[int(rng.integers(len(SHAPES)))]
    corners = lambda count, turn=0.0: [  # noqa: E731
        (c + r * math.cos(turn + 2 * math.pi * i / count), c + r * math.sin(turn + 2 * math.pi * i / count))
        for i in range(count + 1)]
    if kind == "triangle":
        lines = [corners(3, -math.pi / 2)]
    elif kind == "square":
        lines = [corners(4, math.pi / 4)]
    elif kind == "cross":
        lines = [[(c - r, c), (c + r, c)], [(c, c - r), (c, c + r)]]
    elif kind == "arrow":
        lines = [[(c - r, c), (c + r, c)], [(c + r / 2, c - r / 2), (c + r, c), (c + r / 2, c + r / 2)]]
    elif kind == "wave":
        t = np.linspace(-1, 1, 60)
        lines = [list(zip(c + r * t, c + r / 3 * np.sin(t * math.pi * rng.uniform(1.5, 3)), strict=True))]
    elif kind == "tick":
        lines = [[(c - r, c), (c - r / 3, c + r / 2), (c + r, c - r)]]
    elif kind == "asterisk":
        lines = [[point, (2 * c - point[0], 2 * c - point[1])] for point in corners(6)[:3]]
    else:
        lobe = lambda x, start, end: [(x + r / 2 * math.cos(a), c - r / 4 + r / 2 * math.sin(a))  # noqa: E731
                                      for a in np.linspace(start, end, 20)]
        lines = [[(c, c + r), *lobe(c - r / 2, 0, -math.pi)[::-1], *lobe(c + r / 2, -math.pi, 0), (c, c + r)]]
    for line in lines:
        draw.line(line, fill=0, width=pen, joint="curve")
    return paper


def mirrored(image: np.ndarray) -> Image.Image:
    """An MNIST digit (28x28 uint8, light on dark) as a mirror shows it, dark on white paper."""
    return Image.fromarray(255 - np.fliplr(image)).resize((SIZE, SIZE), Image.BICUBIC)


def negatives(count: int, seed: int, images: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """``count`` marks that are not digits, each framed as the page frames a digit: (count, 28, 28)
    uint8, light on dark. ``images`` and ``labels``: training digits to mirror."""
    rng = np.random.default_rng(seed)
    candidates = np.flatnonzero(np.isin(labels, MIRRORED))
    framed = []
    while len(framed) < count:
        kind = rng.random()
        paper = (letters(rng, 1) if kind < 0.45 else letters(rng, int(rng.integers(2, 4))) if kind < 0.6
                 else shape(rng) if kind < 0.85 else mirrored(images[int(rng.choice(candidates))]))
        paper = paper.rotate(float(rng.uniform(-15, 15)), resample=Image.BICUBIC, fillcolor=255)
        found = digit_inputs(np.asarray(paper, dtype=float) / 255, FRAMING)
        if len(found) == 1:
            framed.append(np.round(found[0][1] * 255).astype(np.uint8))
    return np.stack(framed)
