"""Pen strokes traced from MNIST digits, replayed in the browser as a visitor would draw them.

Each digit's ink is thinned to a one-pixel skeleton (Zhang and Suen's algorithm), and the skeleton
is walked into strokes: from each loose end, then around what is left (the loops of 0, 6, 8, 9).
Where the ink is wider than the page's brush (a loop the writer filled in, a pressed-down bar),
a skeleton alone would draw a thin line; the tracer also goes round inside that ink, ring within
ring a brush's width apart until it is filled, as a writer with a thinner pen would have done.
"""

from __future__ import annotations

import numpy as np

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
        # Rings a brush's width apart, from the edge inwards, until the ink is filled.
        depths = depth(mask)
        level = brush_radius
        while (depths > level).any():
            paths += strokes(outline(depths > level))
            level += 2 * brush_radius
    return [[(to_pad(col), to_pad(row)) for row, col in [*path[:-1:every], path[-1]]] for path in paths]


def brush_width(page) -> float:
    """The demo's brush as a share of its pad, as the page states it."""
    return float(page.locator("#digit-classifier").get_attribute("data-brush-width"))


def replay(page, image: np.ndarray) -> None:
    """Draw an MNIST digit on the demo's pad with the page's own brush, and wait for the answer."""
    draw(page, traced_digit(image, brush_width(page)))


def draw(page, strokes: list[list[tuple[float, float]]]) -> None:
    """Drag the mouse along each stroke, given in fractions of the canvas, and wait for the answer."""
    canvas = page.locator("#digit-canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    for stroke in strokes:
        page.mouse.move(box["x"] + stroke[0][0] * box["width"], box["y"] + stroke[0][1] * box["height"])
        page.mouse.down()
        for x, y in stroke[1:]:
            page.mouse.move(box["x"] + x * box["width"], box["y"] + y * box["height"])
        page.mouse.up()
        # Checked every frame: expect's back-off would make replaying many digits slow.
        page.wait_for_function("document.getElementById('digit-classifier').dataset.state === 'ready'",
                               polling="raf")


def traced_number(images: list[np.ndarray], brush_width: float, aspect: float,
                  rng: np.random.Generator | None = None) -> list[list[tuple[float, float]]]:
    """MNIST digits written side by side on a pad ``aspect`` times as wide as it is high: each
    digit traced as ``traced_digit`` traces it, in a slot of its own across the pad, a little
    higher or lower than its neighbours when ``rng`` is given."""
    slot = 1 / len(images)
    # Each digit's 28-pixel frame spans the slot, or the pad's height if that is less.
    scale = min(slot * aspect, 1.0)
    strokes = []
    for index, image in enumerate(images):
        lift = float(rng.uniform(-0.05, 0.05)) if rng is not None else 0.0
        for stroke in traced_digit(image, brush_width / scale):
            strokes.append([((index + 0.5) * slot + (x - 0.5) * scale / aspect, 0.5 + lift + (y - 0.5) * scale)
                            for x, y in stroke])
    return strokes
