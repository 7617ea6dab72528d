"""What the site's explorers compute, in numpy: the reference the browser's numbers are held to.

Convolution as Keras computes it (a cross-correlation: the kernel is not flipped), with zero
padding on every side, a stride and a dilation; pooling; softmax with a temperature and the
cross-entropy loss; a digit shifted by whole pixels; and the occlusion map that asks which
pixels a prediction rests on. TensorFlow-free.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from model_build.structure import output_side


def convolve(image: np.ndarray, kernel: np.ndarray, stride: int = 1, padding: int = 0,
             dilation: int = 1) -> np.ndarray:
    """One channel cross-correlated with one kernel: shape (side, side), or (0, 0) when the
    kernel does not fit."""
    size = kernel.shape[0]
    side = output_side(image.shape[0], size, stride, padding, dilation)
    padded = np.pad(np.asarray(image, dtype=np.float64), padding)
    output = np.zeros((side, side))
    span = dilation * (size - 1) + 1
    for row in range(side):
        for col in range(side):
            top, left = row * stride, col * stride
            output[row, col] = (padded[top:top + span:dilation, left:left + span:dilation] * kernel).sum()
    return output


def receptive_cells(row: int, col: int, size: int, stride: int = 1, padding: int = 0,
                    dilation: int = 1) -> list[tuple[int, int]]:
    """The input cells (row, column, before padding) that output cell (row, col) multiplies, in
    the kernel's order; cells in the padding lie outside 0..side-1."""
    return [(row * stride - padding + dilation * i, col * stride - padding + dilation * j)
            for i in range(size) for j in range(size)]


def pool(image: np.ndarray, size: int, stride: int, kind: str = "max") -> np.ndarray:
    """Max or average pooling of one map, without padding."""
    side = output_side(image.shape[0], size, stride)
    reduce = {"max": np.max, "average": np.mean}[kind]
    output = np.zeros((side, side))
    for row in range(side):
        for col in range(side):
            output[row, col] = reduce(image[row * stride:row * stride + size, col * stride:col * stride + size])
    return output


def softmax(logits: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    """exp(z / T) normalised; the largest score is taken off first, so that nothing overflows."""
    scaled = np.asarray(logits, dtype=np.float64) / temperature
    powers = np.exp(scaled - scaled.max())
    return powers / powers.sum()


def cross_entropy(probabilities: np.ndarray, label: int) -> float:
    """-ln p(label): the loss training minimises, in nats."""
    return float(-np.log(probabilities[label]))


def sigmoid(value: float) -> float:
    return float(1 / (1 + np.exp(-value)))


def shift(images: np.ndarray, right: int, down: int) -> np.ndarray:
    """Images (..., height, width) moved by whole pixels: what leaves the frame is lost, what enters
    is background (0)."""
    shifted = np.zeros_like(images)
    height, width = images.shape[-2:]
    rows, cols = slice(max(down, 0), height + min(down, 0)), slice(max(right, 0), width + min(right, 0))
    source_rows = slice(max(-down, 0), height + min(-down, 0))
    source_cols = slice(max(-right, 0), width + min(-right, 0))
    if abs(right) < width and abs(down) < height:
        shifted[..., rows, cols] = images[..., source_rows, source_cols]
    return shifted


def occlusion_inputs(image: np.ndarray, patch: int) -> np.ndarray:
    """One copy of ``image`` per pixel, with the patch x patch square centred on that pixel set to
    the background (0): shape (pixels, height, width), row by row."""
    height, width = image.shape
    half = patch // 2
    copies = np.repeat(image[None], height * width, axis=0)
    for index in range(height * width):
        row, col = divmod(index, width)
        copies[index, max(row - half, 0):row + half + 1, max(col - half, 0):col + half + 1] = 0
    return copies


def occlusion_map(image: np.ndarray, patch: int, label: int,
                  predict: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """How much the probability of ``label`` drops when the patch centred on each pixel is covered:
    positive where covering hurts the prediction. ``predict`` maps images (N, H, W) in [0, 1] to
    probabilities (N, classes)."""
    base = predict(image[None])[0, label]
    covered = predict(occlusion_inputs(image, patch))[:, label]
    return (base - covered).reshape(image.shape)
