"""Phone photos of handwritten digits, made from MNIST digits, and the same digits as clean scans.

A photo: ink on grey or tinted paper, lit unevenly (a bright side and a dark side, a soft
shadow), the digit small and off-centre, sometimes a ruled line or the paper's edge in view,
tilted a little, blurred, noisy and saved as a JPEG. A clean scan: the same digit at the same
size and place, black on white, nothing else. Everything is drawn from a seeded generator, so a
set is the same on every machine.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageFilter

MAX_SIDE = 560  # pictures larger than this are shrunk by the page before it reads them


@dataclass(frozen=True)
class Picture:
    label: int
    rgb: np.ndarray  # height x width x 3, uint8
    encoded: bytes  # as a file: JPEG for a photo, PNG for a scan
    kind: str  # "jpeg" or "png"


def grey_levels(rgb: np.ndarray) -> np.ndarray:
    """Luminance in [0, 1], as the page computes it from a decoded picture."""
    return (0.299 * rgb[..., 0] + 0.587 * rgb[..., 1] + 0.114 * rgb[..., 2]) / 255


def _ink_layer(digit: np.ndarray, height: int, width: int, size: int, top: int, left: int) -> np.ndarray:
    """The digit's ink (0 to 1), enlarged smoothly to ``size`` pixels and placed at (top, left)."""
    enlarged = np.asarray(Image.fromarray(digit).resize((size, size), Image.BICUBIC), dtype=float) / 255
    layer = np.zeros((height, width))
    layer[top:top + size, left:left + size] = np.clip(enlarged, 0, 1)
    return layer


def _encode(rgb: np.ndarray, kind: str, quality: int = 90) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, format=kind.upper(), **({"quality": quality} if kind == "jpeg" else {}))
    return buffer.getvalue()


def photo_and_scan(digit: np.ndarray, label: int, rng: np.random.Generator) -> tuple[Picture, Picture]:
    """A phone photo of ``digit`` (28x28 uint8, MNIST's light ink on black), and a clean scan of it."""
    height, width = int(rng.integers(300, MAX_SIDE + 1)), int(rng.integers(300, MAX_SIDE + 1))
    size = int(rng.integers(70, min(height, width) // 2))  # the digit's 28 pixels, in photo pixels
    top, left = int(rng.integers(0, height - size)), int(rng.integers(0, width - size))
    ink = _ink_layer(digit, height, width, size, top, left)

    scan = np.repeat((255 * (1 - ink))[..., None], 3, axis=2).round().astype(np.uint8)

    paper = np.array([rng.uniform(150, 235), rng.uniform(145, 230), rng.uniform(130, 225)])
    pen = np.array([rng.uniform(10, 70), rng.uniform(10, 70), rng.uniform(20, 120)])
    strength = rng.uniform(0.75, 1.0)  # a pen that does not cover fully
    picture = paper * (1 - strength * ink[..., None]) + pen * strength * ink[..., None]
    rows, cols = np.indices((height, width)) / max(height, width)
    if rng.random() < 0.35:  # a ruled line across the paper
        line_row = int(rng.integers(0, height))
        thickness = int(rng.integers(1, 4))
        line = np.array([rng.uniform(90, 160), rng.uniform(110, 170), rng.uniform(150, 210)])
        picture[line_row:line_row + thickness] = 0.5 * picture[line_row:line_row + thickness] + 0.5 * line
    if rng.random() < 0.3:  # the paper's edge, and the table beyond it, clear of the digit
        table = np.array([rng.uniform(40, 110), rng.uniform(30, 90), rng.uniform(20, 70)])
        digit_box = np.array([top, left, top + size, left + size]) / max(height, width)
        room = [digit_box[1], width / max(height, width) - digit_box[3], digit_box[0],
                height / max(height, width) - digit_box[2]]  # beside the digit: left, right, top, bottom
        side = int(np.argmax(room))
        reach = rng.uniform(0.02, min(0.15, max(0.021, room[side] - 0.03)))
        far = [reach, width / max(height, width) - reach, reach, height / max(height, width) - reach][side]
        beyond = [cols < far, cols > far, rows < far, rows > far][side]
        picture[beyond] = table
    angle = rng.uniform(0, 2 * np.pi)  # light from one side: bright there, dark opposite
    gradient = np.cos(angle) * (cols - 0.5) + np.sin(angle) * (rows - 0.5)
    light = rng.uniform(0.95, 1.1) + rng.uniform(0.3, 0.6) * gradient
    if rng.random() < 0.5:  # a soft shadow, a hand's or a phone's
        centre = rng.uniform(0, 1, 2)
        light *= 1 - rng.uniform(0.2, 0.4) * np.exp(-((rows - centre[0]) ** 2 + (cols - centre[1]) ** 2) / 0.05)
    picture = picture * light[..., None]
    image = Image.fromarray(np.clip(picture, 0, 255).astype(np.uint8))
    fill = tuple(int(channel) for channel in np.median(picture.reshape(-1, 3), axis=0))
    image = image.rotate(float(rng.uniform(-8, 8)), resample=Image.BICUBIC, fillcolor=fill)
    image = image.filter(ImageFilter.GaussianBlur(float(rng.uniform(0.4, 1.4))))
    noisy = np.asarray(image, dtype=float) + rng.normal(0, rng.uniform(2, 7), (height, width, 3))
    rgb = np.clip(noisy, 0, 255).astype(np.uint8)
    encoded = _encode(rgb, "jpeg", quality=int(rng.integers(55, 90)))
    decoded = np.asarray(Image.open(io.BytesIO(encoded)).convert("RGB"))
    return Picture(label, decoded, encoded, "jpeg"), Picture(label, scan, _encode(scan, "png"), "png")


def photo_set(images: np.ndarray, labels: np.ndarray, seed: int) -> list[tuple[Picture, Picture]]:
    """A photo and a clean scan of each digit."""
    rng = np.random.default_rng(seed)
    return [photo_and_scan(image, int(label), rng) for image, label in zip(images, labels, strict=True)]
