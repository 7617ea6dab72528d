"""Figures of the trained model for the site: its first layer's filters, and the feature maps
each convolution makes of a test digit. PNGs, written beside the exported model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import tf_keras as keras
from PIL import Image

from model_build.data import PIXEL_SCALE

# Layers that refine a convolution's output without changing its shape: the maps shown are
# taken after them, as the browser shows them.
FOLLOWERS = ("BatchNormalization", "ReLU", "Activation")
TILE_GAP = 2
GAP_GREY = 255


def tile_grid(tiles: np.ndarray, columns: int, zoom: int) -> Image.Image:
    """Greyscale tiles (count, height, width) with values in [0, 1], in a grid with white gaps."""
    count, height, width = tiles.shape
    rows = -(-count // columns)
    cell_h, cell_w = height * zoom + TILE_GAP, width * zoom + TILE_GAP
    canvas = np.full((rows * cell_h - TILE_GAP, columns * cell_w - TILE_GAP), GAP_GREY, dtype=np.uint8)
    enlarged = np.kron(np.round(tiles * 255).astype(np.uint8), np.ones((zoom, zoom), dtype=np.uint8))
    for index, tile in enumerate(enlarged):
        top, left = divmod(index, columns)
        canvas[top * cell_h:top * cell_h + height * zoom, left * cell_w:left * cell_w + width * zoom] = tile
    return Image.fromarray(canvas)


def convolution_outputs(model: keras.Model) -> list[tuple[str, keras.layers.Layer]]:
    """Each Conv2D's name, with the last layer of its run of normalisation and activation layers."""
    layers = model.layers
    found = []
    for index, layer in enumerate(layers):
        if isinstance(layer, keras.layers.Conv2D):
            last = index
            while last + 1 < len(layers) and type(layers[last + 1]).__name__ in FOLLOWERS:
                last += 1
            found.append((layer.name, layers[last]))
    return found


def filters_figure(model: keras.Model) -> Image.Image:
    """The first convolution's filters (one input channel): mid-grey is 0, light adds, dark subtracts."""
    kernel = next(layer for layer in model.layers if isinstance(layer, keras.layers.Conv2D)).get_weights()[0]
    tiles = np.moveaxis(kernel[:, :, 0, :], -1, 0)
    return tile_grid(0.5 + tiles / (2 * np.abs(tiles).max()), columns=8, zoom=10)


def feature_map_figures(model: keras.Model, digit: np.ndarray) -> list[tuple[str, tuple, Image.Image]]:
    """Each convolution's maps of ``digit`` (uint8, 28x28): (layer name, output shape, grid)."""
    outputs = convolution_outputs(model)
    probe = keras.Model(model.inputs, [layer.output for _, layer in outputs])
    maps = probe.predict(digit[None, :, :, None] * np.float32(PIXEL_SCALE), verbose=0)
    figures = []
    for (name, _), volume in zip(outputs, maps, strict=True):
        channels = np.moveaxis(volume[0], -1, 0)
        scaled = channels / max(float(channels.max()), 1e-6)  # one scale per layer: maps compare
        zoom = max(2, 48 // channels.shape[1])
        figures.append((name, tuple(volume.shape[1:]), tile_grid(np.clip(scaled, 0, 1), columns=12, zoom=zoom)))
    return figures


def write_figures(model: keras.Model, images: np.ndarray, labels: np.ndarray, index: int, folder: Path) -> dict:
    """Write the figures into ``folder``; their paths (relative to its parent) and what they show."""
    folder.mkdir(parents=True, exist_ok=True)
    filters_figure(model).save(folder / "filters.png", optimize=True)
    Image.fromarray(images[index]).resize((112, 112), Image.NEAREST).save(folder / "digit.png", optimize=True)
    maps = []
    for name, shape, picture in feature_map_figures(model, images[index]):
        picture.save(folder / f"maps-{name}.png", optimize=True)
        maps.append({"layer": name, "shape": list(shape), "image": f"{folder.name}/maps-{name}.png"})
    return {
        "filters": f"{folder.name}/filters.png",
        "digit": {"index": index, "label": int(labels[index]), "image": f"{folder.name}/digit.png"},
        "feature_maps": maps,
    }
