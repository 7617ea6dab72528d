"""Pictures that are not digits, of the kinds people upload or draw instead of one: nothing, or
nearly nothing; a solid block; noise; grid or ruled paper; a photo of a texture; a letter or a
word; a doodle. Drawn from a seeded generator, as grey levels in [0, 1] (paper light, ink dark)
or, for drawings, on the demo's black pad.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

KINDS = ("blank", "specks", "block", "noise", "grid", "ruled", "texture", "letter", "word", "doodle")
# Letters that are also the shapes of digits (O and 0, I and l and 1) are left out: no one could
# tell them apart. So are those people write as digits (S and 5, Z and 2, B and 8, G and b and 6,
# g and q and 9, T and 7): a reader of digits is right to read them as digits. The network was
# taught to be unsure of none of these (model_build/negatives.py).
LETTERS = "ACDEFHJKLMNPQRUVWXYacdefhijkmnprtuvwxy"
WORDS = ("cat", "Hello", "Yes", "no", "CNN", "tree", "Mark", "page", "WAVE", "hi", "Paris", "data", "kite", "gym")
FONT_FOLDERS = ("/usr/share/fonts", "/usr/local/share/fonts", "/Library/Fonts", "C:/Windows/Fonts")


def fonts() -> list[Path]:
    """The TrueType fonts this machine has, sorted; at least Pillow's own."""
    found = sorted(path for folder in FONT_FOLDERS if Path(folder).is_dir() for path in Path(folder).rglob("*.ttf"))
    return found


def _font(rng: np.random.Generator, size: int):
    available = fonts()
    if not available:
        return ImageFont.load_default(size=size)
    return ImageFont.truetype(str(available[int(rng.integers(len(available)))]), size)


def _paper(rng: np.random.Generator, height: int, width: int) -> np.ndarray:
    return np.full((height, width), rng.uniform(0.75, 1.0)) + rng.normal(0, rng.uniform(0, 0.02), (height, width))


def _text(text: str, rng: np.random.Generator, height: int, width: int) -> np.ndarray:
    """``text`` written in a random font, size, slant and weight, dark on light."""
    size = int(rng.integers(40, 120)) if len(text) == 1 else int(rng.integers(30, 80))
    picture = Image.new("L", (width, height), 255)
    ImageDraw.Draw(picture).text((width / 2, height / 2), text, font=_font(rng, size), fill=int(rng.integers(0, 80)),
                                 anchor="mm", stroke_width=int(rng.integers(0, 3)))
    picture = picture.rotate(float(rng.uniform(-12, 12)), resample=Image.BICUBIC, fillcolor=255)
    return np.asarray(picture.filter(ImageFilter.GaussianBlur(float(rng.uniform(0, 1.2)))), dtype=float) / 255


def _doodle(rng: np.random.Generator, height: int, width: int) -> np.ndarray:
    """A scribble: a spiral, a zigzag, a star, loops or a tangle of curves."""
    picture = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(picture)
    shape = rng.choice(["spiral", "zigzag", "star", "loops", "tangle", "house", "smile"])
    cx, cy, r = width / 2, height / 2, min(height, width) * rng.uniform(0.2, 0.4)
    pen = int(rng.integers(2, 9))
    if shape == "spiral":
        t = np.linspace(0, rng.uniform(4, 8) * math.pi, 200)
        points = list(zip(cx + r * t / t[-1] * np.cos(t), cy + r * t / t[-1] * np.sin(t), strict=True))
    elif shape == "zigzag":
        xs = np.linspace(cx - r * 1.5, cx + r * 1.5, int(rng.integers(5, 12)))
        points = [(x, cy + (r / 2 if i % 2 else -r / 2)) for i, x in enumerate(xs)]
    elif shape == "star":
        points = [(cx + r * math.cos(a), cy + r * math.sin(a)) for a in np.arange(6) * 4 * math.pi / 5]
    elif shape == "loops":
        t = np.linspace(0, 2 * math.pi * int(rng.integers(3, 6)), 300)
        points = list(zip(cx - r * 1.5 + r * 3 * t / t[-1] + r / 3 * np.cos(t), cy + r / 3 * np.sin(t), strict=True))
    elif shape == "house":
        points = [(cx - r, cy + r), (cx - r, cy), (cx, cy - r), (cx + r, cy), (cx + r, cy + r), (cx - r, cy + r),
                  (cx + r, cy), (cx - r, cy), (cx + r, cy + r)]
    elif shape == "smile":
        draw.ellipse([cx - r, cy - r, cx + r, cy + r], outline=0, width=pen)
        draw.arc([cx - r / 2, cy - r / 3, cx + r / 2, cy + r / 2], 20, 160, fill=0, width=pen)
        for side in (-1, 1):
            draw.ellipse([cx + side * r / 3 - pen, cy - r / 3 - pen, cx + side * r / 3 + pen, cy - r / 3 + pen], fill=0)
        points = []
    else:
        points = list(zip(cx + r * rng.normal(0, 0.6, 12).cumsum() / 3, cy + r * rng.normal(0, 0.6, 12).cumsum() / 3,
                          strict=True))
    if len(points) > 1:
        draw.line(points, fill=0, width=pen, joint="curve")
    return np.asarray(picture, dtype=float) / 255


def non_digit(kind: str, rng: np.random.Generator) -> np.ndarray:
    """A picture of ``kind`` (one of KINDS): grey levels, paper light, marks dark."""
    height, width = int(rng.integers(200, 561)), int(rng.integers(200, 561))
    rows, cols = np.indices((height, width))
    if kind == "blank":
        picture = _paper(rng, height, width)
    elif kind == "specks":
        picture = _paper(rng, height, width)
        for _ in range(int(rng.integers(1, 6))):
            y, x, r = rng.integers(0, height), rng.integers(0, width), rng.uniform(1, 3)
            picture[(rows - y) ** 2 + (cols - x) ** 2 <= r * r] = rng.uniform(0, 0.5)
    elif kind == "block":
        picture = _paper(rng, height, width)
        top, left = int(rng.integers(0, height // 2)), int(rng.integers(0, width // 2))
        bottom, right = top + int(rng.integers(40, height - top + 1)), left + int(rng.integers(40, width - left + 1))
        picture[top:bottom, left:right] = rng.uniform(0, 0.4)
    elif kind == "noise":
        picture = rng.uniform(0, 1, (height, width)) if rng.random() < 0.5 else np.clip(
            0.6 + rng.normal(0, 0.25, (height, width)), 0, 1)
    elif kind in ("grid", "ruled"):
        picture = _paper(rng, height, width)
        step = int(rng.integers(15, 45))
        thickness = int(rng.integers(1, 3))
        lines = (rows % step) < thickness
        if kind == "grid":
            lines |= (cols % step) < thickness
        picture[lines] = rng.uniform(0.4, 0.8)
    elif kind == "texture":
        # Wood grain, fabric or gravel: structure at every scale, seen under uneven light.
        noise = np.asarray(Image.fromarray((rng.uniform(0, 255, (height // 8 + 1, width // 8 + 1))).astype(np.uint8))
                           .resize((width, height), Image.BICUBIC), dtype=float) / 255
        grain = np.sin(cols / rng.uniform(3, 12) + 6 * noise) * 0.5 + 0.5
        picture = 0.35 + 0.4 * (0.6 * grain + 0.4 * rng.uniform(0, 1, (height, width)))
        picture *= 0.8 + 0.3 * (cols / width)
    elif kind == "letter":
        picture = _text(str(rng.choice(list(LETTERS))), rng, height, width)
    elif kind == "word":
        picture = _text(str(rng.choice(WORDS)), rng, height, width)
    elif kind == "doodle":
        picture = _doodle(rng, height, width)
    else:
        raise ValueError(f"no kind of picture is called {kind!r}; choose one of {', '.join(KINDS)}")
    return np.clip(picture, 0, 1)


def non_digit_set(count: int, seed: int) -> list[tuple[str, np.ndarray]]:
    """``count`` pictures, the kinds in turn."""
    rng = np.random.default_rng(seed)
    return [(KINDS[index % len(KINDS)], non_digit(KINDS[index % len(KINDS)], rng)) for index in range(count)]
