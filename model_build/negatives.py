"""Marks that are not digits, for teaching the network to be unsure of them: letters and words,
simple drawings, blots, digits seen in a mirror and two digits in one frame, each framed as the
page frames a digit (model_build/framing.py).

Training on them with a target spread evenly over the ten digits (outlier exposure) keeps the
network's top probability low for such marks, so the page's claim threshold turns them away,
and the network stays a ten-digit classifier. What the network learns here replaces rules that
refused such marks after the fact (a blot, a drawing with too many loops, two digits that touch):
a rule cannot tell a blot from a bold digit, while a network taught both can. Letters come from
the font Pillow carries, so that every machine draws the same ones; the drawings are other kinds
than the doodles the tests use (tools/nondigits.py), so that the tests measure what was not
taught. TensorFlow-free.
"""

from __future__ import annotations

import math

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from model_build.framing import mnist_like

SIZE = 112  # pixels a side of the paper each mark is drawn on
# Not the letters that are digits' shapes too (O, o, I, l), nor those people write as digits
# (S, s and 5; Z, z and 2; g, q and 9; b and 6; G and 6; B and 8; T and 7): no digit may be
# taught as a letter.
LETTERS = "ACDEFHJKLMNPRUVWXYacdefhijkmnprtuvwxy"
MIRRORED = (2, 3, 4, 5, 7, 9)  # digits that are no digit in a mirror
SHAPES = ("triangle", "square", "cross", "arrow", "wave", "tick", "asterisk", "heart", "hatching", "rings",
          "scribble")
# Each kind's share of the marks, in this order.
KINDS = {"letter": 0.3, "word": 0.12, "shape": 0.25, "blot": 0.08, "mirrored": 0.1, "pair": 0.15}


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
    elif kind == "hatching":  # more strokes side by side than any digit crosses
        slant = rng.uniform(-r / 2, r / 2)
        lines = [[(x - slant, c - r), (x + slant, c + r)] for x in np.linspace(c - r, c + r, int(rng.integers(5, 9)))]
    elif kind == "scribble":  # a Lissajous figure: a closed line that crosses itself again and again
        t = np.linspace(0, 2 * math.pi, 200)
        a, b = rng.integers(2, 6, 2)
        lines = [list(zip(c + r * np.sin(a * t + rng.uniform(0, math.pi)), c + r * np.sin(b * t), strict=True))]
    elif kind == "rings":  # more loops than any digit has
        for radius in np.linspace(r, r / 4, int(rng.integers(3, 6))):
            draw.ellipse([c - radius, c - radius, c + radius, c + radius], outline=0, width=max(2, pen // 2))
        lines = []
    else:
        lobe = lambda x, start, end: [(x + r / 2 * math.cos(a), c - r / 4 + r / 2 * math.sin(a))  # noqa: E731
                                      for a in np.linspace(start, end, 20)]
        lines = [[(c, c + r), *lobe(c - r / 2, 0, -math.pi)[::-1], *lobe(c + r / 2, -math.pi, 0), (c, c + r)]]
    for line in lines:
        draw.line(line, fill=0, width=pen, joint="curve")
    return paper


def blot(rng: np.random.Generator) -> Image.Image:
    """A filled shape: an ellipse, a block or a lumpy polygon of ink, as a spill, a thumb or a
    marker leaves. Blocks are never narrow upright bars, which a broad marker's 1 is."""
    paper, draw = _paper()
    c, r = SIZE / 2, rng.uniform(18, 45)
    kind = rng.random()
    if kind < 0.35:
        aspect = rng.uniform(0.4, 1.0)
        draw.ellipse([c - r, c - r * aspect, c + r, c + r * aspect], fill=0)
    elif kind < 0.65:
        aspect = float(np.exp(rng.uniform(np.log(1 / 6), np.log(2.5))))  # height / width
        width = 2 * r / max(1.0, aspect)
        draw.rectangle([c - width / 2, c - width * aspect / 2, c + width / 2, c + width * aspect / 2], fill=0)
    else:
        angles = np.sort(rng.uniform(0, 2 * math.pi, int(rng.integers(5, 10))))
        radii = r * rng.uniform(0.5, 1.0, len(angles))
        draw.polygon([(c + d * math.cos(a), c + d * math.sin(a)) for a, d in zip(angles, radii, strict=True)], fill=0)
    return paper


def mirrored(image: np.ndarray) -> Image.Image:
    """An MNIST digit (28x28 uint8, light on dark) as a mirror shows it, dark on white paper."""
    return Image.fromarray(255 - np.fliplr(image)).resize((SIZE, SIZE), Image.BICUBIC)


def pair(first: np.ndarray, second: np.ndarray, rng: np.random.Generator) -> Image.Image:
    """Two MNIST digits side by side, touching or nearly so, dark on white paper: framed as one
    mark, two digits are not one digit."""
    step = int(rng.integers(12, 21))  # MNIST's digits are about 20 pixels wide in their 28
    canvas = np.zeros((28, 28 + step), dtype=np.uint8)
    canvas[:, :28] = first
    canvas[:, step:] = np.maximum(canvas[:, step:], second)
    return Image.fromarray(255 - canvas).resize((SIZE, SIZE * canvas.shape[1] // 28), Image.BICUBIC)


def negatives(count: int, seed: int, images: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """``count`` marks that are not digits, each framed as the page frames a digit: (count, 28, 28)
    uint8, light on dark. ``images`` and ``labels``: training digits to mirror and to pair."""
    rng = np.random.default_rng(seed)
    candidates = np.flatnonzero(np.isin(labels, MIRRORED))
    edges = np.cumsum(list(KINDS.values()))
    framed = []
    for _ in range(count):
        kind = list(KINDS)[min(int(np.searchsorted(edges, rng.random() * edges[-1], side="right")), len(KINDS) - 1)]
        if kind == "letter":
            paper = letters(rng, 1)
        elif kind == "word":
            paper = letters(rng, int(rng.integers(2, 4)))
        elif kind == "shape":
            paper = shape(rng)
        elif kind == "blot":
            paper = blot(rng)
        elif kind == "mirrored":
            paper = mirrored(images[int(rng.choice(candidates))])
        else:
            paper = pair(*images[rng.integers(0, len(images), 2)], rng)
        paper = paper.rotate(float(rng.uniform(-15, 15)), resample=Image.BICUBIC, fillcolor=255, expand=True)
        framed.append(np.round(mnist_like(1 - np.asarray(paper, dtype=float) / 255) * 255).astype(np.uint8))
    return np.stack(framed)
