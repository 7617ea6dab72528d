"""The network's spatial structure as the site and the browser read it, and its arithmetic.

A stage is one convolution or pooling layer together with the layers right after it that refine
its output without changing its shape (batch normalisation, an activation). The exported
model carries its stages in its metadata, so that the browser, the figures and the pages find
them without knowing Keras's layer names. TensorFlow-free.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

StageKind = Literal["convolution", "max-pooling", "average-pooling"]
Padding = Literal["valid", "same"]


@dataclass(frozen=True)
class Stage:
    kind: StageKind
    name: str  # the layer that convolves or pools
    layers: tuple[str, ...]  # that layer and its refiners, in order: the stage's output is the last one's
    size: tuple[int, int]  # the kernel or the pooling window, height and width
    strides: tuple[int, int]
    padding: Padding
    dilation: tuple[int, int]
    input_shape: tuple[int, int, int]  # height, width, depth
    output_shape: tuple[int, int, int]

    @property
    def is_convolution(self) -> bool:
        return self.kind == "convolution"

    @property
    def weights_per_filter(self) -> int:
        return self.size[0] * self.size[1] * self.input_shape[-1]


@dataclass(frozen=True)
class Structure:
    stages: tuple[Stage, ...]
    # The layer whose output, before its own activation, holds the logits: the scores the
    # softmax turns into probabilities.
    logits_layer: str

    @property
    def convolutions(self) -> tuple[Stage, ...]:
        return tuple(stage for stage in self.stages if stage.is_convolution)

    @property
    def poolings(self) -> tuple[Stage, ...]:
        return tuple(stage for stage in self.stages if not stage.is_convolution)


def output_side(side: int, size: int, stride: int = 1, padding: int = 0, dilation: int = 1) -> int:
    """Output width of a convolution or pooling over ``side`` pixels, with ``padding`` zeros on
    each side: floor((W + 2P - D(F - 1) - 1) / S) + 1, or 0 when the window does not fit."""
    span = dilation * (size - 1) + 1
    if side + 2 * padding < span:
        return 0
    return (side + 2 * padding - span) // stride + 1


def stage_side(stage: Stage, side: int, axis: int = 0) -> int:
    """The width (axis 1) or height (axis 0) that ``stage`` makes of an input ``side`` pixels wide.

    Keras's "same" padding pads as much as it takes for ceil(W / S) outputs.
    """
    if stage.padding == "same":
        return math.ceil(side / stage.strides[axis])
    return output_side(side, stage.size[axis], stage.strides[axis], 0, stage.dilation[axis])


def convolutions_only(structure: Structure, input_shape: tuple[int, int, int]) -> tuple[int, int, int]:
    """The shape the last convolution would give if the network had no pooling layers."""
    height, width, depth = input_shape
    for stage in structure.convolutions:
        height, width, depth = stage_side(stage, height, 0), stage_side(stage, width, 1), stage.output_shape[-1]
    return height, width, depth
