"""Export: the TF.js layers model in a content-hashed folder, its metrics and its figures.

Everything is written into a staging folder beside the output and swapped in whole at the
end, so an interrupted build leaves the previous output (or none), never half of one.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import json
import os
import shutil
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import tf_keras as keras
from PIL import Image

from model_build.cache import METRICS_FILE
from model_build.data import CLASS_NAMES, DIGIT_BOX, IMAGE_SIZE, MASS_CENTRE, PIXEL_SCALE
from model_build.model import INPUT_SHAPE
from model_build.preprocess import INK_THRESHOLD, NOISE_SPREADS

MODEL_FOLDER_PREFIX = "tfjs-"
MAX_MISCLASSIFIED_IMAGES = 100
# The converter's options, from no quantization to the smallest weights.
QUANTIZATIONS = (None, "float16", "uint8")
# A quantized model ships only if its test accuracy stays this close to the float32 one.
QUANTIZATION_TOLERANCE = 0.0005


def browser_metadata() -> dict:
    """What the browser needs to feed the model, read from model.json instead of repeated in JS."""
    return {
        "inputShape": list(INPUT_SHAPE),
        "classNames": list(CLASS_NAMES),
        "preprocessing": {
            "imageSize": IMAGE_SIZE,
            "digitBox": DIGIT_BOX,
            "massCentre": MASS_CENTRE,
            "inkThreshold": INK_THRESHOLD,
            "noiseSpreads": NOISE_SPREADS,
            "pixelScale": PIXEL_SCALE,
            "ink": "light-on-dark",
            "centring": "centre-of-mass",
        },
    }


@contextlib.contextmanager
def staged_directory(final: Path) -> Iterator[Path]:
    """Yield an empty folder that replaces ``final`` only if the block completes."""
    final.parent.mkdir(parents=True, exist_ok=True)
    # Left behind only by a build that was killed outright.
    for stale in [*final.parent.glob(f".{final.name}.staging-*"), *final.parent.glob(f".{final.name}.retired-*")]:
        shutil.rmtree(stale, ignore_errors=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{final.name}.staging-", dir=final.parent))
    stage.chmod(0o755)  # mkdtemp's private mode would follow the folder into the published site
    try:
        yield stage
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    retired = final.with_name(f".{final.name}.retired-{os.getpid()}")
    if final.exists():
        final.rename(retired)
    stage.rename(final)
    shutil.rmtree(retired, ignore_errors=True)


def _tensorflowjs():
    """The converter, imported on first use (it is slow) without the banner a dependency prints."""
    with contextlib.redirect_stdout(io.StringIO()):
        import tensorflowjs
    return tensorflowjs


def export_tfjs(model: keras.Model, parent: Path, quantization: str | None) -> Path:
    """Convert ``model`` into ``parent/tfjs-<content hash>/`` and return that folder."""
    tfjs = _tensorflowjs()
    # An uncompiled copy: TF.js would try to rebuild the optimizer from a training config.
    bare = keras.models.clone_model(model)
    bare.set_weights(model.get_weights())
    scratch = Path(tempfile.mkdtemp(prefix=".convert-", dir=parent))
    with warnings.catch_warnings():
        # The converter goes through a temporary HDF5 file, which Keras calls legacy.
        warnings.filterwarnings("ignore", message=".*HDF5 file.*", category=UserWarning)
        tfjs.converters.save_keras_model(
            bare,
            str(scratch),
            quantization_dtype_map={quantization: "*"} if quantization else None,
            metadata=browser_metadata(),
        )
    scratch.chmod(0o755)
    folder = parent / f"{MODEL_FOLDER_PREFIX}{content_hash(scratch)}"
    if folder.exists():
        shutil.rmtree(folder)
    scratch.rename(folder)
    return folder


def content_hash(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.iterdir()):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def load_exported(folder: Path) -> keras.Model:
    """The exported model as Keras sees it, quantized weights dequantized as TF.js does."""
    return _tensorflowjs().converters.load_keras_model(str(folder / "model.json"))


def weight_files(folder: Path) -> list[Path]:
    manifest = json.loads((folder / "model.json").read_text())["weightsManifest"]
    return [folder / name for group in manifest for name in group["paths"]]


SIZE_KEYS = ("weights_bytes", "weights_gzip_bytes", "model_json_bytes", "model_json_gzip_bytes")
CLASSIFICATION_KEYS = ("test_accuracy", "test_errors", "per_class_accuracy", "confusion_matrix")


def export_smallest_faithful(model: keras.Model, parent: Path, images: np.ndarray, labels: np.ndarray):
    """Export every encoding, measure each as TF.js will load it, keep the smallest faithful one.

    Returns the kept candidate (with its test probabilities) and a summary of all of them.
    """
    from model_build.train import predict

    candidates = []
    for quantization in QUANTIZATIONS:
        folder = export_tfjs(model, parent, quantization)
        probabilities = predict(load_exported(folder), images)
        candidates.append({"quantization": quantization or "float32", "folder": folder,
                           "probabilities": probabilities, **sizes(folder),
                           **classification_metrics(labels, probabilities)})
    reference = candidates[0]["test_accuracy"]
    faithful = [c for c in candidates if reference - c["test_accuracy"] <= QUANTIZATION_TOLERANCE]
    chosen = min(faithful, key=lambda c: c["weights_gzip_bytes"])
    for candidate in candidates:
        if candidate is not chosen:
            shutil.rmtree(candidate["folder"])
        print(f"  {candidate['quantization']:>8}: {candidate['test_accuracy']:.4%} test accuracy, "
              f"{candidate['weights_gzip_bytes']:,} bytes of weights gzipped"
              + ("  <- exported" if candidate is chosen else ""))
    return chosen, candidates


def sizes(folder: Path) -> dict:
    weights = weight_files(folder)
    return {
        "weights_bytes": sum(path.stat().st_size for path in weights),
        "weights_gzip_bytes": sum(len(gzip.compress(path.read_bytes(), 9)) for path in weights),
        "model_json_bytes": (folder / "model.json").stat().st_size,
        "model_json_gzip_bytes": len(gzip.compress((folder / "model.json").read_bytes(), 9)),
    }


def classification_metrics(labels: np.ndarray, probabilities: np.ndarray) -> dict:
    predictions = probabilities.argmax(axis=1)
    confusion = np.zeros((len(CLASS_NAMES), len(CLASS_NAMES)), dtype=int)
    np.add.at(confusion, (labels, predictions), 1)
    per_class = confusion.diagonal() / confusion.sum(axis=1)
    return {
        "test_accuracy": float((predictions == labels).mean()),
        "test_errors": int((predictions != labels).sum()),
        "per_class_accuracy": {name: float(value) for name, value in zip(CLASS_NAMES, per_class, strict=True)},
        "confusion_matrix": confusion.tolist(),
    }


def layer_table(model: keras.Model) -> list[dict]:
    return [
        {
            "name": layer.name,
            "type": type(layer).__name__,
            "output_shape": list(layer.output_shape[1:]),
            "parameters": layer.count_params(),
        }
        for layer in model.layers
    ]


def digit_records(folder: Path, images: np.ndarray, labels: np.ndarray, probabilities: np.ndarray,
                  indices, zoom: int = 4) -> list[dict]:
    """One PNG per chosen test digit, enlarged without smoothing, and what the model made of it."""
    folder.mkdir(parents=True, exist_ok=True)
    records = []
    for index in map(int, indices):
        name = f"{index:05d}.png"
        picture = Image.fromarray(images[index]).resize((IMAGE_SIZE * zoom,) * 2, Image.NEAREST)
        picture.save(folder / name, optimize=True)
        records.append({
            "index": index,
            "label": int(labels[index]),
            "prediction": int(probabilities[index].argmax()),
            "confidence": round(float(probabilities[index].max()), 4),
            "image": f"{folder.name}/{name}",
        })
    return records


def write_metrics(folder: Path, metrics: dict) -> None:
    (folder / METRICS_FILE).write_text(json.dumps(metrics, indent=2) + "\n")
