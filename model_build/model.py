"""The CNN the site explains and the browser runs, the fully connected network it is set beside,
and the Keras example it is measured against.

Both use the Keras 2 API (``tf_keras``): TF.js 4.22 cannot load what Keras 3 saves.
"""

from __future__ import annotations

import tf_keras as keras

from model_build.data import CLASS_NAMES, IMAGE_SIZE

INPUT_SHAPE = (IMAGE_SIZE, IMAGE_SIZE, 1)


def _conv(filters: int, size: int, name: str) -> list[keras.layers.Layer]:
    # Batch normalisation makes the bias redundant and lets a short schedule converge; its
    # running statistics follow the weights closely enough for short runs with momentum 0.9.
    return [
        keras.layers.Conv2D(filters, size, use_bias=False, name=name),
        keras.layers.BatchNormalization(momentum=0.9, name=f"{name}_bn"),
        keras.layers.ReLU(name=f"{name}_relu"),
    ]


def build_model(filters: tuple[int, int, int] = (24, 32, 64)) -> keras.Sequential:
    """Convolutions that widen as pooling shrinks the image, then a softmax over the ten digits."""
    return keras.Sequential(
        [
            keras.Input(shape=INPUT_SHAPE, name="digit"),
            *_conv(filters[0], 5, "conv1"),  # 28x28x1 -> 24x24x24
            keras.layers.MaxPooling2D(name="pool1"),  # -> 12x12x24
            *_conv(filters[1], 3, "conv2"),  # -> 10x10x32
            *_conv(filters[2], 3, "conv3"),  # -> 8x8x64
            keras.layers.MaxPooling2D(name="pool2"),  # -> 4x4x64
            keras.layers.Flatten(name="flatten"),
            keras.layers.Dropout(0.3, name="dropout"),
            keras.layers.Dense(len(CLASS_NAMES), activation="softmax", name="softmax"),
        ],
        name="digit_cnn",
    )


def build_dense(hidden: int = 64) -> keras.Sequential:
    """A fully connected network for the same task, which the site sets beside the CNN: every
    pixel is an input of its own, so nothing it learns in one place carries over to another."""
    return keras.Sequential(
        [
            keras.Input(shape=INPUT_SHAPE, name="digit"),
            keras.layers.Flatten(name="flatten"),
            keras.layers.Dense(hidden, activation="relu", name="hidden"),
            keras.layers.Dropout(0.2, name="dropout"),
            keras.layers.Dense(len(CLASS_NAMES), activation="softmax", name="softmax"),
        ],
        name="digit_dense",
    )


def build_baseline() -> keras.Sequential:
    """Keras's "Simple MNIST convnet" example, layer for layer (34,826 parameters)."""
    return keras.Sequential(
        [
            keras.Input(shape=INPUT_SHAPE),
            keras.layers.Conv2D(32, 3, activation="relu"),
            keras.layers.MaxPooling2D(2),
            keras.layers.Conv2D(64, 3, activation="relu"),
            keras.layers.MaxPooling2D(2),
            keras.layers.Flatten(),
            keras.layers.Dropout(0.5),
            keras.layers.Dense(len(CLASS_NAMES), activation="softmax"),
        ],
        name="keras_example_convnet",
    )
