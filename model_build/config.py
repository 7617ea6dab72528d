"""The training configuration: plain dataclasses, so that the build can key its cache on them
without importing TensorFlow."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Augmentation:
    """How far each training digit is moved, turned, stretched and thickened, drawn anew per step.

    Visitors draw off-centre, tilted, too big or too small, with a brush thicker or thinner than
    MNIST's pen and of one width all along; the model sees all of that while it learns.
    """

    max_shift: float = 2.0  # pixels, each axis
    max_rotation: float = 10.0  # degrees
    scale: tuple[float, float] = (0.9, 1.1)
    max_aspect: float = 0.1  # relative change of height against width
    max_shear: float = 0.1
    stroke: tuple[float, float] = (-0.4, 0.8)  # <0 blends toward erosion, >0 toward dilation
    # This share of the digits is drawn again along its skeleton with a round pen of a radius
    # (pixels) in this range, as a brush on the demo draws (model_build/strokes.py).
    redraw_share: float = 0.4
    redraw_radius: tuple[float, float] = (0.8, 2.0)
    # This share of each batch is seen as a low-resolution scan: shrunk to a side in this range
    # (pixels; one side per batch) and enlarged back, soft and blocky.
    low_resolution_share: float = 0.2
    low_resolution_sides: tuple[int, int] = (7, 14)


@dataclass(frozen=True)
class TrainConfig:
    epochs: int = 7
    batch_size: int = 128
    learning_rate: float = 4e-3
    warmup_epochs: float = 1.0
    seed: int = 2026
    validation_size: int = 5_000
    train_limit: int | None = None  # use only the first N training images (quick runs)
    accuracy_floor: float = 0.992  # below this on the test set, nothing is exported: a broken build, not bad luck
    # The fully connected network the site sets beside the CNN has a floor of its own; it scores
    # about 97%.
    dense_accuracy_floor: float = 0.96
    # This share of each batch is marks that are not digits (model_build/negatives.py), taught with
    # a target spread evenly over the ten digits, drawn from this many made for the run (at most a
    # quarter as many as the training digits).
    negative_share: float = 0.1
    negative_count: int = 8_000
    augmentation: Augmentation = field(default_factory=Augmentation)
