"""When to retrain or re-export: keys over what each step depends on, checked without TensorFlow.

Training depends on the modules it runs (found by following the imports of ``TRAINING_ENTRIES``
within the package, so that a module training does not import, such as the page's reading rules,
never retrains), its configuration, the data and the libraries; the export also on the modules
the command runs. When only the export changed, the trained Keras model kept in the output is
converted again instead of trained again.
"""

from __future__ import annotations

import ast
import dataclasses
import hashlib
import json
from importlib import metadata
from pathlib import Path

from model_build.config import TrainConfig
from model_build.output import DENSE_KERAS_FILE, KERAS_FILE, RECORD_FILE, RecordError, Training, from_json, read_record

PACKAGE = Path(__file__).parent
# What training runs: the training loop, the networks, and the marks that are not digits.
TRAINING_ENTRIES = ("train.py", "model.py", "negatives.py")
# The configuration's values key training and its floors the export (``cache_keys``); its file's
# text would key the floors into training too.
CONFIG_MODULE = "config.py"
# What the command runs: training, checking, exporting and the record.
EXPORT_ENTRIES = ("__main__.py",)
PINNED_PACKAGES = ("tensorflow", "tf-keras", "tensorflowjs", "numpy", "pillow")


def library_versions() -> dict[str, str]:
    return {name: metadata.version(name) for name in PINNED_PACKAGES}


def _digest(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()


def sources(entries: tuple[str, ...], package: Path = PACKAGE) -> tuple[str, ...]:
    """The package's modules that ``entries`` (file names in ``package``) run: the entries and,
    in turn, every module of the package they import, wherever the import stands."""
    found, waiting = set(), list(entries)
    while waiting:
        name = waiting.pop()
        if name in found:
            continue
        found.add(name)
        for node in ast.walk(ast.parse((package / name).read_bytes(), name)):
            modules = ([node.module or ""] if isinstance(node, ast.ImportFrom)
                       else [alias.name for alias in node.names] if isinstance(node, ast.Import) else [])
            for module in modules:
                if module.startswith(f"{package.name}."):
                    waiting.append(module.split(".", 1)[1].replace(".", "/") + ".py")
                elif module == package.name and isinstance(node, ast.ImportFrom):  # from model_build import x
                    waiting += [f"{alias.name}.py" for alias in node.names]
    return tuple(sorted(found))


def _sources(names: tuple[str, ...], package: Path) -> bytes:
    return b"".join(name.encode() + b"\0" + (package / name).read_bytes() for name in names)


def cache_keys(config: TrainConfig, data_sha256: str, package: Path = PACKAGE) -> tuple[str, str]:
    """The training key and the export key for a build with ``config`` on the given data, by the
    modules of ``package``.

    The accuracy floors decide only whether the trained models ship, so they key the export.
    """
    training_config = dataclasses.asdict(config)
    floors = [training_config.pop(name) for name in ("accuracy_floor", "dense_accuracy_floor")]
    trained_by = tuple(name for name in sources(TRAINING_ENTRIES, package) if name != CONFIG_MODULE)
    training = _digest(
        _sources(trained_by, package),
        json.dumps(training_config, sort_keys=True).encode(),
        data_sha256.encode(),
        json.dumps(library_versions(), sort_keys=True).encode(),
    )
    export = _sources(sources(EXPORT_ENTRIES, package), package)
    return training, _digest(training.encode(), export, json.dumps(floors).encode())


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
    models can be exported again. Only the training parts of its record are read: a record of
    another format (a field of the page's reading rules added, say) still spares the training."""
    try:
        record = json.loads((out / RECORD_FILE).read_text())
        if record["training_key"] != training_key:
            return None
        trainings = from_json(Training, record["training"]), from_json(Training, record["dense"]["training"])
    except (OSError, ValueError, KeyError, TypeError, RecordError):
        return None
    return trainings if all((out / name).is_file() for name in (KERAS_FILE, DENSE_KERAS_FILE)) else None
