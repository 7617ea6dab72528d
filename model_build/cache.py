"""When to retrain: a key over everything training depends on, checked without importing TensorFlow."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from importlib import metadata
from pathlib import Path

# The modules whose code decides the trained weights and what is exported with them.
TRAINING_SOURCES = ("data.py", "model.py", "train.py", "export.py")
PINNED_PACKAGES = ("tensorflow", "tf-keras", "tensorflowjs", "numpy", "pillow")


def library_versions() -> dict[str, str]:
    return {name: metadata.version(name) for name in PINNED_PACKAGES}


def cache_key(config, data_sha256: str) -> str:
    """Changes whenever the training code, its configuration, the data or the libraries do."""
    digest = hashlib.sha256()
    package = Path(__file__).parent
    for name in TRAINING_SOURCES:
        digest.update(name.encode() + b"\0" + (package / name).read_bytes())
    digest.update(json.dumps(dataclasses.asdict(config), sort_keys=True).encode())
    digest.update(data_sha256.encode())
    digest.update(json.dumps(library_versions(), sort_keys=True).encode())
    return digest.hexdigest()


def is_up_to_date(out: Path, key: str) -> bool:
    """True when ``out`` holds a complete export made under ``key``."""
    try:
        metrics = json.loads((out / "metrics.json").read_text())
        model_json = out / metrics["model"]["path"]
        manifest = json.loads(model_json.read_text())["weightsManifest"]
    except (OSError, ValueError, KeyError):
        return False
    shards = [model_json.parent / name for group in manifest for name in group["paths"]]
    return metrics.get("cache_key") == key and all(path.is_file() for path in shards)
