"""Figures of the trained model for the site: its first convolution's filters, and the feature
maps each convolution makes of a test digit. PNGs, written beside the exported model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import tf_keras as keras
from PIL import Image

from model_build.data import PIXEL_SCALE
from model_build.output import FeatureMaps, FigureDigit, Figures
from model_build.structure import Structure

TILE_GAP = 2
GAP_GREY = 255
FILTER_COLUMNS = 8
MAP_COLUMNS = 12


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


def filters_figure(model: keras.Model, structure: Structure) -> Image.Image:
    """The first convolution's filters, averaged over its input channels: mid-grey is 0, light
    adds, dark subtracts."""
    kernel = model.get_layer(structure.convolutions[0].name).get_weights()[0]
    tiles = np.moveaxis(kernel.mean(axis=2), -1, 0)
    return tile_grid(0.5 + tiles / (2 * np.abs(tiles).max()), columns=FILTER_COLUMNS, zoom=10)


def feature_maps(model: keras.Model, structure: Structure, digit: np.ndarray) -> list[np.ndarray]:
    """Each convolution stage's output volume for ``digit`` (uint8, 28x28), after its ReLU."""
    stages = structure.convolutions
    probe = keras.Model(model.inputs, [model.get_layer(stage.layers[-1]).output for stage in stages])
    maps = probe.predict(digit[None, :, :, None] * np.float32(PIXEL_SCALE), verbose=0)
    return [volume[0] for volume in (maps if isinstance(maps, list) else [maps])]


def feature_map_figure(volume: np.ndarray) -> Image.Image:
    """One stage's maps, a tile per channel, on one scale so that the maps compare."""
    channels = np.moveaxis(volume, -1, 0)
    scaled = channels / max(float(channels.max()), 1e-6)
    zoom = max(2, 48 // channels.shape[1])
    return tile_grid(np.clip(scaled, 0, 1), columns=MAP_COLUMNS, zoom=zoom)


def write_figures(model: keras.Model, structure: Structure, images: np.ndarray, labels: np.ndarray, index: int,
                  folder: Path) -> Figures:
    """Write the figures into ``folder``; their paths (relative to its parent) and what they show."""
    folder.mkdir(parents=True, exist_ok=True)
    filters_figure(model, structure).save(folder / "filters.png", optimize=True)
    Image.fromarray(images[index]).resize((112, 112), Image.NEAREST).save(folder / "digit.png", optimize=True)
    maps = []
    for stage, volume in zip(structure.convolutions, feature_maps(model, structure, images[index]), strict=True):
        feature_map_figure(volume).save(folder / f"maps-{stage.name}.png", optimize=True)
        maps.append(FeatureMaps(stage=stage.name, image=f"{folder.name}/maps-{stage.name}.png",
                                zero_share=round(float((volume <= 0).mean()), 4)))
    return Figures(filters=f"{folder.name}/filters.png",
                   digit=FigureDigit(index=index, label=int(labels[index]), image=f"{folder.name}/digit.png"),
                   feature_maps=tuple(maps))
