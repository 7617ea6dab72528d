"""Training: augmented MNIST batches, a warm-up-then-cosine schedule, and a seeded, repeatable run."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import replace

import numpy as np
import tensorflow as tf
import tf_keras as keras

from model_build.config import Augmentation, TrainConfig
from model_build.data import CLASS_NAMES, IMAGE_SIZE, PIXEL_SCALE, Mnist
from model_build.negatives import negatives
from model_build.strokes import redraw


def scale_pixels(images: np.ndarray | tf.Tensor) -> tf.Tensor:
    """uint8 images (N, 28, 28) to the float input the model takes (N, 28, 28, 1)."""
    return tf.cast(images, tf.float32)[..., None] * PIXEL_SCALE


def augment(images: tf.Tensor, seed: tf.Tensor, aug: Augmentation) -> tf.Tensor:
    """A random affine warp and stroke-width change per image, and a low resolution for some,
    fixed by the stateless ``seed``."""
    count = tf.shape(images)[0]
    seeds = tf.random.experimental.stateless_split(seed, 9)

    def uniform(index: int, low: float, high: float) -> tf.Tensor:
        return tf.random.stateless_uniform([count], seeds[index], low, high)

    angle = uniform(0, -aug.max_rotation, aug.max_rotation) * (math.pi / 180)
    scale_x = uniform(1, *aug.scale)
    scale_y = scale_x * uniform(2, 1 - aug.max_aspect, 1 + aug.max_aspect)
    shear = uniform(3, -aug.max_shear, aug.max_shear)
    shift_x = uniform(4, -aug.max_shift, aug.max_shift)
    shift_y = uniform(5, -aug.max_shift, aug.max_shift)

    # Forward map: rotation @ shear @ scale about the image centre, then the shift.
    cos, sin = tf.cos(angle), tf.sin(angle)
    a, b = cos * scale_x, (cos * shear - sin) * scale_y
    c, d = sin * scale_x, (sin * shear + cos) * scale_y
    # The transform op wants the inverse: output pixel -> input pixel.
    det = a * d - b * c
    i00, i01, i10, i11 = d / det, -b / det, -c / det, a / det
    centre = (IMAGE_SIZE - 1) / 2
    ox, oy = centre + shift_x, centre + shift_y
    zeros = tf.zeros_like(angle)
    transforms = tf.stack(
        [i00, i01, centre - i00 * ox - i01 * oy, i10, i11, centre - i10 * ox - i11 * oy, zeros, zeros],
        axis=1,
    )
    images = tf.raw_ops.ImageProjectiveTransformV3(
        images=images, transforms=transforms, output_shape=[IMAGE_SIZE, IMAGE_SIZE],
        fill_value=0.0, interpolation="BILINEAR", fill_mode="CONSTANT",
    )

    stroke = uniform(6, *aug.stroke)[:, None, None, None]
    thicker = tf.nn.max_pool2d(images, 3, 1, "SAME")
    thinner = -tf.nn.max_pool2d(-images, 3, 1, "SAME")
    target = tf.where(stroke > 0, thicker, thinner)
    images = images + tf.abs(stroke) * (target - images)

    # A scan of a few pixels a side: shrunk by averaging, enlarged back by interpolation.
    side = tf.random.stateless_uniform([], seeds[7], aug.low_resolution_sides[0], aug.low_resolution_sides[1] + 1,
                                       dtype=tf.int32)
    coarse = tf.image.resize(tf.image.resize(images, tf.stack([side, side]), "area"), [IMAGE_SIZE, IMAGE_SIZE],
                             "bilinear")
    low = tf.random.stateless_uniform([count, 1, 1, 1], seeds[8]) < aug.low_resolution_share
    return tf.where(low, coarse, images)


def split_validation(data: Mnist, config: TrainConfig):
    """The last ``validation_size`` training images watch training; the test set stays unseen."""
    x, y = data.x_train, data.y_train
    if config.train_limit:
        x, y = x[: config.train_limit], y[: config.train_limit]
    cut = len(x) - min(config.validation_size, len(x) // 10)
    return (x[:cut], y[:cut]), (x[cut:], y[cut:])


def training_digits(x: np.ndarray, config: TrainConfig) -> np.ndarray:
    """The training digits with a seeded ``redraw_share`` of them drawn again along their skeletons
    with a pen of a random radius (model_build/strokes.py), as a brush on the page draws."""
    aug = config.augmentation
    rng = np.random.default_rng(config.seed)
    chosen = np.flatnonzero(rng.random(len(x)) < aug.redraw_share)
    mixed = x.copy()
    mixed[chosen] = redraw(x[chosen], rng.uniform(*aug.redraw_radius, size=len(chosen)))
    return mixed


def training_inputs(data: Mnist, config: TrainConfig) -> tuple[np.ndarray, np.ndarray]:
    """What both networks train on, made once: the training digits, some redrawn
    (``training_digits``), and marks that are not digits (model_build/negatives.py), at most a
    quarter as many as the digits."""
    x, y = split_validation(data, config)[0]
    return training_digits(x, config), negatives(min(config.negative_count, len(x) // 4), config.seed, x, y)


def dense_config(config: TrainConfig) -> TrainConfig:
    """The dense network's training: the CNN's without coarse scans, which are for the network that
    reads uploads; the dense one stands beside it only to show what convolutions add."""
    return replace(config, augmentation=replace(config.augmentation, low_resolution_share=0.0))


def training_dataset(x: np.ndarray, y: np.ndarray, config: TrainConfig,
                     negatives: np.ndarray | None = None) -> tf.data.Dataset:
    """Batches of augmented digits and their one-hot targets; with ``negatives`` (marks that are
    not digits), a share of them takes digits' places with a target spread evenly over the ten
    digits."""
    batches = (
        tf.data.Dataset.from_tensor_slices((x, y))
        .shuffle(len(x), seed=config.seed, reshuffle_each_iteration=True)
        .batch(config.batch_size)
        .repeat()
    )
    marks = None if negatives is None else tf.constant(negatives)

    # A step counter, not a shared random state, seeds each batch: parallel maps stay repeatable.
    def batch(images, labels, step):
        count = tf.shape(images)[0]
        targets = tf.one_hot(labels, len(CLASS_NAMES))
        if marks is not None:
            instead = tf.random.stateless_uniform([count, 1], tf.stack([config.seed + 2, step])) < config.negative_share
            which = tf.random.stateless_uniform([count], tf.stack([config.seed + 3, step]), maxval=len(negatives),
                                                dtype=tf.int32)
            images = tf.where(instead[:, :, None], tf.gather(marks, which), images)
            targets = tf.where(instead, tf.fill(tf.shape(targets), 1 / len(CLASS_NAMES)), targets)
        return augment(scale_pixels(images), tf.stack([config.seed, step]), config.augmentation), targets

    return (
        tf.data.Dataset.zip((batches, tf.data.Dataset.counter()))
        .map(lambda xs, step: batch(*xs, step), num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
        .prefetch(tf.data.AUTOTUNE)
    )


def train(make_model: Callable[[], keras.Model], data: Mnist, config: TrainConfig, augment_data: bool = True,
          optimizer: keras.optimizers.Optimizer | None = None,
          inputs: tuple[np.ndarray, np.ndarray] | None = None) -> tuple[keras.Model, dict]:
    """Build a model with ``make_model`` and fit it on MNIST's training images.

    ``inputs``: the digits and the marks that are not digits to train on (``training_inputs``),
    when another model's training made them already. Returns the model and a record of its
    training: the history and the seconds it took.
    """
    # Seeded before the model exists: Keras draws the initial weights when the layers are built.
    keras.utils.set_random_seed(config.seed)
    tf.config.experimental.enable_op_determinism()
    model = make_model()
    (x_fit, y_fit), (x_val, y_val) = split_validation(data, config)
    steps = math.ceil(len(x_fit) / config.batch_size)
    if augment_data:
        digits, marks = inputs if inputs is not None else training_inputs(data, config)
        dataset = training_dataset(digits, y_fit, config, marks)
    else:
        dataset = (
            tf.data.Dataset.from_tensor_slices((scale_pixels(x_fit), tf.one_hot(y_fit, len(CLASS_NAMES))))
            .shuffle(len(x_fit), seed=config.seed)
            .batch(config.batch_size)
            .repeat()
        )
    if optimizer is None:
        warmup = int(steps * config.warmup_epochs)
        schedule = keras.optimizers.schedules.CosineDecay(
            initial_learning_rate=config.learning_rate / 10,
            decay_steps=steps * config.epochs - warmup,
            warmup_target=config.learning_rate,
            warmup_steps=warmup,
        )
        optimizer = keras.optimizers.Adam(schedule)
    model.compile(optimizer=optimizer, loss="categorical_crossentropy", metrics=["accuracy"])
    print(f"Training {model.name} ({model.count_params():,} parameters) on {len(x_fit):,} images, "
          f"validating on {len(x_val):,}, {config.epochs} epochs ...", flush=True)
    started = time.perf_counter()
    history = model.fit(
        dataset,
        epochs=config.epochs,
        steps_per_epoch=steps,
        validation_data=(scale_pixels(x_val), tf.one_hot(y_val, len(CLASS_NAMES))),
        verbose=0,
        callbacks=[EpochProgress()],
    )
    return model, {"history": history.history, "seconds": time.perf_counter() - started}


class EpochProgress(keras.callbacks.Callback):
    """One line per epoch: its figures, its seconds and about how long the rest will take."""

    def on_train_begin(self, logs=None) -> None:
        self.started = time.perf_counter()

    def on_epoch_end(self, epoch: int, logs=None) -> None:
        logs, total = logs or {}, self.params["epochs"]
        elapsed = time.perf_counter() - self.started
        left = elapsed / (epoch + 1) * (total - epoch - 1)
        print(f"  epoch {epoch + 1}/{total}: loss {logs.get('loss', float('nan')):.4f}, "
              f"accuracy {logs.get('accuracy', float('nan')):.2%}, validation accuracy "
              f"{logs.get('val_accuracy', float('nan')):.2%}; {elapsed:.0f} s so far"
              + (f", about {left:.0f} s left" if left else ""), flush=True)


def predict(model: keras.Model, images: np.ndarray) -> np.ndarray:
    """Class probabilities for uint8 images, shape (N, 10)."""
    return model.predict(scale_pixels(images), batch_size=1000, verbose=0)
