"""Pen strokes traced from MNIST digits, replayed in the browser as a visitor would draw them.

Each digit's ink is thinned to a one-pixel skeleton (Zhang and Suen's algorithm), and the skeleton
is walked into strokes: from each loose end, then around what is left (the loops of 0, 6, 8, 9).
Where the ink is wider than the page's brush (a loop the writer filled in, a pressed-down bar),
a skeleton alone would draw a thin line; the tracer also goes round inside that ink, ring within
ring a brush's width apart until it is filled, as a writer with a thinner pen would have done.
"""

from __future__ import annotations

import numpy as np

from model_build.framing import ink_box
from model_build.strokes import NEIGHBOURS, thin

PAD_SHARE = 0.8  # MNIST's 28 pixels span this share of the drawing pad


def ink(image: np.ndarray, dark: float = 0.5, faint: float = 0.3) -> np.ndarray:
    """The pixels above ``dark``, with the ``faint`` ones touching them: a thin, light line stays whole."""
    grey = image / 255
    found = grey > dark
    reachable = grey > faint
    while True:
        grown = found.copy()
        for dy, dx in NEIGHBOURS:
            grown |= np.roll(np.roll(np.pad(found, 1), dy, 0), dx, 1)[1:-1, 1:-1]
        grown &= reachable
        if (grown == found).all():
            return found
        found = grown


def depth(mask: np.ndarray) -> np.ndarray:
    """Each pixel's distance to the nearest pixel outside ``mask`` (beyond the border counts as outside)."""
    padded = np.pad(mask, 1)
    inside, outside = np.argwhere(padded), np.argwhere(~padded)
    result = np.zeros(padded.shape)
    if len(inside):
        gaps = np.hypot(*(inside[:, None, :] - outside[None, :, :]).transpose(2, 0, 1))
        result[tuple(inside.T)] = gaps.min(axis=1)
    return result[1:-1, 1:-1]


def outline(mask: np.ndarray) -> np.ndarray:
    """The pixels of ``mask`` with a 4-neighbour outside it."""
    padded = np.pad(mask, 1)
    interior = padded[:-2, 1:-1] & padded[2:, 1:-1] & padded[1:-1, :-2] & padded[1:-1, 2:]
    return mask & ~interior


def strokes(skeleton: np.ndarray) -> list[list[tuple[int, int]]]:
    """The skeleton's pixels as pen strokes of (row, column) points, each a connected walk."""
    left = {tuple(point) for point in np.argwhere(skeleton)}

    def neighbours(point):
        return [(point[0] + dy, point[1] + dx) for dy, dx in NEIGHBOURS if (point[0] + dy, point[1] + dx) in left]

    paths = []
    while left:
        ends = [point for point in left if len(neighbours(point)) <= 1]
        point = min(ends) if ends else min(left)
        path = [point]
        left.discard(point)
        while next_points := neighbours(point):
            # Prefer the 4-connected step, so the walk does not skip a corner it would revisit.
            point = min(next_points, key=lambda q: abs(q[0] - point[0]) + abs(q[1] - point[1]))
            path.append(point)
            left.discard(point)
        paths.append(path)
    return [path for path in paths if len(path) >= 2]


def traced_digit(image: np.ndarray, brush_width: float, every: int = 2,
                 inner_loops: bool = True) -> list[list[tuple[float, float]]]:
    """An MNIST digit (28x28 uint8) as strokes of (x, y) points in [0, 1], in the middle of a pad
    whose brush is ``brush_width`` of its width wide.

    Like a pointer's events, the points come every few pixels (``every``), with each stroke's end.
    Without ``inner_loops``, only the skeleton is drawn, however wide the ink.
    """
    size = image.shape[0]
    to_pad = lambda value: 0.5 + (value + 0.5 - size / 2) / size * PAD_SHARE  # noqa: E731
    mask = ink(image)
    brush_radius = brush_width * size / PAD_SHARE / 2  # in MNIST pixels
    paths = strokes(thin(mask))
    if inner_loops:
        # Rings from the edge inwards, close enough for the brush to leave no gap between them
        # (the ring's pixels lie up to a pixel deeper than its level), until the ink is filled.
        depths = depth(mask)
        level = brush_radius
        while (depths > level).any():
            paths += strokes(outline(depths > level))
            level += max(2 * brush_radius - 1, 0.5)
    return [[(to_pad(col), to_pad(row)) for row, col in [*path[:-1:every], path[-1]]] for path in paths]


def brush_width(page) -> float:
    """The demo's brush as a share of its pad, as the page states it."""
    return float(page.locator("#digit-classifier").get_attribute("data-brush-width"))


def replay(page, image: np.ndarray) -> None:
    """Draw an MNIST digit on the demo's pad with the page's own brush, and wait for the answer."""
    draw(page, traced_digit(image, brush_width(page)))


def draw(page, strokes: list[list[tuple[float, float]]], canvas_id: str = "digit-canvas",
         root_id: str = "digit-classifier") -> None:
    """Drag the mouse along each stroke, given in fractions of the canvas, and wait for the answer
    (``root_id`` back in its state ``ready``, or, for the teaching page, the next frame)."""
    canvas = page.locator(f"#{canvas_id}")
    # In the middle of the window: "if needed" leaves it under the theme's sticky header.
    canvas.evaluate("(pad) => pad.scrollIntoView({block: 'center'})")
    box = canvas.bounding_box()
    for stroke in strokes:
        page.mouse.move(box["x"] + stroke[0][0] * box["width"], box["y"] + stroke[0][1] * box["height"])
        page.mouse.down()
        for x, y in stroke[1:]:
            page.mouse.move(box["x"] + x * box["width"], box["y"] + y * box["height"])
        page.mouse.up()
        # Checked every frame: expect's back-off would make replaying many digits slow. A function,
        # not an expression: the page's policy refuses the eval that polling an expression needs.
        page.wait_for_function("(id) => ['ready', 'trained'].includes(document.getElementById(id).dataset.state)",
                               arg=root_id, polling="raf")


def traced_number(images: list[np.ndarray], brush_width: float, aspect: float,
                  rng: np.random.Generator | None = None, gap: float = 0.3) -> list[list[tuple[float, float]]]:
    """MNIST digits written side by side on a pad ``aspect`` times as wide as it is high, as people
    write a number: the digits as tall as one another whatever their width, ``gap`` of a digit's
    height apart, together as large as the pad allows (at most 70% of its height), each traced as
    ``traced_digit`` traces it and a little higher or lower than its neighbours when ``rng`` is
    given. Points are (x, y) fractions of the pad's width and height."""
    boxes = [ink_box(ink(image), 0) for image in images]
    tall = max(bottom - top for top, _, bottom, _ in boxes)
    widths = [right - left for _, left, _, right in boxes]
    # The pad's height per MNIST pixel.
    scale = min(0.7 / tall, 0.9 * aspect / (sum(widths) + gap * tall * (len(images) - 1)))
    start = (aspect - scale * (sum(widths) + gap * tall * (len(images) - 1))) / 2
    strokes = []
    for image, (top, left, bottom, _), width in zip(images, boxes, widths, strict=True):
        size = image.shape[0]
        lift = float(rng.uniform(-0.05, 0.05)) if rng is not None else 0.0
        # traced_digit's pad holds the 28-pixel frame in PAD_SHARE of its side: its brush is ours
        # in that measure.
        for stroke in traced_digit(image, brush_width * PAD_SHARE / (size * scale)):
            pixels = [((x - 0.5) / PAD_SHARE * size + size / 2, (y - 0.5) / PAD_SHARE * size + size / 2)
                      for x, y in stroke]
            strokes.append([((start + (col - left) * scale) / aspect, 0.5 + lift + (row - (top + bottom) / 2) * scale)
                            for col, row in pixels])
        start += (width + gap * tall) * scale
    return strokes


def wobbly(strokes: list[list[tuple[float, float]]], amount: float,
           rng: np.random.Generator) -> list[list[tuple[float, float]]]:
    """The strokes drawn by a less steady hand: each point moved by a smooth wave along its stroke,
    up to ``amount`` of the pad."""
    moved = []
    for stroke in strokes:
        along = np.linspace(0, 1, len(stroke))
        phase, frequency = rng.uniform(0, 2 * np.pi, 2), rng.uniform(1, 3, 2)
        dx = amount * np.sin(2 * np.pi * frequency[0] * along + phase[0])
        dy = amount * np.sin(2 * np.pi * frequency[1] * along + phase[1])
        moved.append([(x + a, y + b) for (x, y), a, b in zip(stroke, dx, dy, strict=True)])
    return moved


def render(strokes: list[list[tuple[float, float]]], brush_width: float, height: int = 280,
           width: int | None = None, oversample: int = 4) -> np.ndarray:
    """The strokes as the pad paints them, white on black with round ends, brush_width of the
    pad's height wide: grey levels in [0, 1]. Drawn large and shrunk, to smooth the edges as a
    canvas does; close to the browser's pixels, not equal to them."""
    from PIL import Image, ImageDraw

    width = width or height
    picture = Image.new("L", (width * oversample, height * oversample), 0)
    pen = ImageDraw.Draw(picture)
    size = brush_width * height * oversample
    for stroke in strokes:
        points = [(x * width * oversample, y * height * oversample) for x, y in stroke]
        if len(points) > 1:
            pen.line(points, fill=255, width=round(size), joint="curve")
        for x, y in points:
            pen.ellipse([x - size / 2, y - size / 2, x + size / 2, y + size / 2], fill=255)
    return np.asarray(picture.resize((width, height), Image.BOX), dtype=float) / 255


# The drawing styles the classifier is measured on: the tracer's own, a skeleton without the
# rings inside wide ink, a brush a third thinner or thicker, and a wobbly hand. Each gives the
# strokes and the brush (a share of the pad's height) for an MNIST digit.
STYLES = {
    "tracer": lambda image, brush, rng: (traced_digit(image, brush), brush),
    "skeleton": lambda image, brush, rng: (traced_digit(image, brush, inner_loops=False), brush),
    "thinner brush": lambda image, brush, rng: (traced_digit(image, brush * 2 / 3), brush * 2 / 3),
    "thicker brush": lambda image, brush, rng: (traced_digit(image, brush * 4 / 3), brush * 4 / 3),
    "wobbly": lambda image, brush, rng: (wobbly(traced_digit(image, brush), 0.01, rng), brush),
}
