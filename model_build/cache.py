"""When to retrain or re-export: keys over what each step depends on, checked without TensorFlow.

Training depends on the data, model and training code, its configuration, the data and the
libraries; the export also on the export code. When only the export changed, the trained
Keras model kept in the output is converted again instead of trained again.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from importlib import metadata
from pathlib import Path

TRAINING_SOURCES = ("config.py", "data.py", "model.py", "train.py")
# The browser metadata carries preprocessing parameters; __main__ lays out the metrics file.
EXPORT_SOURCES = ("export.py", "preprocess.py", "figures.py", "__main__.py")
PINNED_PACKAGES = ("tensorflow", "tf-keras", "tensorflowjs", "numpy", "pillow")
# The output folder's fixed names.
METRICS_FILE = "metrics.json"
KERAS_FILE = "keras/digit_cnn.keras"  # the float32 model, for re-exports and the notebook; not published


def library_versions() -> dict[str, str]:
    return {name: metadata.version(name) for name in PINNED_PACKAGES}


def _digest(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()


def _sources(names: tuple[str, ...]) -> bytes:
    package = Path(__file__).parent
    return b"".join(name.encode() + b"\0" + (package / name).read_bytes() for name in names)


def cache_keys(config, data_sha256: str) -> tuple[str, str]:
    """The training key and the export key for a build with ``config`` on the given data."""
    training = _digest(
        _sources(TRAINING_SOURCES),
        json.dumps(dataclasses.asdict(config), sort_keys=True).encode(),
        data_sha256.encode(),
        json.dumps(library_versions(), sort_keys=True).encode(),
    )
    return training, _digest(training.encode(), _sources(EXPORT_SOURCES))


def read_metrics(out: Path) -> dict | None:
    try:
        return json.loads((out / METRICS_FILE).read_text())
    except (OSError, ValueError):
        return None


def is_up_to_date(out: Path, export_key: str) -> bool:
    """True when ``out`` holds a complete export made under ``export_key``."""
    metrics = read_metrics(out)
    if not metrics or metrics.get("export_key") != export_key:
        return False
    model_json = out / metrics["model"]["path"]
    try:
        manifest = json.loads(model_json.read_text())["weightsManifest"]
    except (OSError, ValueError, KeyError):
        return False
    return all((model_json.parent / name).is_file() for group in manifest for name in group["paths"])


def reusable_training(out: Path, training_key: str) -> dict | None:
    """The previous build's training record when its trained model can be exported again."""
    metrics = read_metrics(out)
    if metrics and metrics.get("training_key") == training_key and (out / KERAS_FILE).is_file():
        return metrics["training"]
    return None
