"""The arithmetic of convolution and pooling sizes."""

from __future__ import annotations

import pytest
from sample_record import STAGES

from model_build.structure import Stage, Structure, convolutions_only, output_side, stage_side


@pytest.mark.parametrize(("side", "size", "stride", "padding", "dilation", "expected"), [
    (28, 5, 1, 0, 1, 24),
    (28, 3, 1, 1, 1, 28),  # "same" for an odd filter
    (28, 3, 2, 1, 1, 14),
    (28, 3, 1, 0, 2, 24),  # a dilated 3x3 spans 5 pixels
    (28, 28, 1, 0, 1, 1),
    (4, 5, 1, 0, 1, 0),  # no room for the filter
    (4, 5, 1, 1, 1, 2),
    (5, 3, 1, 0, 3, 0),  # spans 7
])
def test_output_side(side, size, stride, padding, dilation, expected):
    assert output_side(side, size, stride, padding, dilation) == expected


def test_same_padding_gives_the_input_side_over_the_stride():
    stage = Stage("convolution", "c", ("c",), (4, 4), (2, 2), "same", (1, 1), (7, 7, 1), (4, 4, 1))
    assert stage_side(stage, 7) == 4 and stage_side(stage, 8) == 4


def test_without_pooling_the_convolutions_trim_only_their_borders():
    assert convolutions_only(Structure(STAGES, "softmax"), (28, 28, 1)) == (24, 24, 16)
