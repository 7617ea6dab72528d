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

from model_build.config import TrainConfig
from model_build.output import DENSE_KERAS_FILE, KERAS_FILE, RecordError, Training, read_record

# The marks that are not digits are framed by the preprocessing: it keys the training too.
TRAINING_SOURCES = ("config.py", "data.py", "model.py", "train.py", "strokes.py", "negatives.py", "preprocess.py")
# The output's layout and record, the browser's metadata and the figures are the export's.
EXPORT_SOURCES = ("export.py", "preprocess.py", "figures.py", "output.py", "structure.py", "arithmetic.py",
                  "__main__.py")
PINNED_PACKAGES = ("tensorflow", "tf-keras", "tensorflowjs", "numpy", "pillow")


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


def cache_keys(config: TrainConfig, data_sha256: str) -> tuple[str, str]:
    """The training key and the export key for a build with ``config`` on the given data.

    The accuracy floors decide only whether the trained models ship, so they key the export.
    """
    training_config = dataclasses.asdict(config)
    floors = [training_config.pop(name) for name in ("accuracy_floor", "dense_accuracy_floor")]
    training = _digest(
        _sources(TRAINING_SOURCES),
        json.dumps(training_config, sort_keys=True).encode(),
        data_sha256.encode(),
        json.dumps(library_versions(), sort_keys=True).encode(),
    )
    return training, _digest(training.encode(), _sources(EXPORT_SOURCES), json.dumps(floors).encode())


def is_up_to_date(out: Path, export_key: str) -> bool:
    """True when ``out`` holds a complete export made under ``export_key``."""
    try:
        record = read_record(out)
    except RecordError:
        return False
    return record.export_key == export_key and all(_is_whole(out / model.path)
                                                   for model in (record.model, record.dense.model))


def _is_whole(model_json: Path) -> bool:
    try:
        manifest = json.loads(model_json.read_text())["weightsManifest"]
    except (OSError, ValueError, KeyError):
        return False
    return all((model_json.parent / name).is_file() for group in manifest for name in group["paths"])


def reusable_training(out: Path, training_key: str) -> tuple[Training, Training] | None:
    """The previous build's training records (the CNN's and the dense network's) when its trained
    models can be exported again."""
    try:
        record = read_record(out)
    except RecordError:
        return None
    if record.training_key == training_key and all((out / name).is_file() for name in (KERAS_FILE, DENSE_KERAS_FILE)):
        return record.training, record.dense.training
    return None
