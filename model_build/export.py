"""Export: the TF.js layers model in a content-hashed folder, what the browser needs to run it,
and the measurements the build record keeps."""

from __future__ import annotations

import contextlib
import dataclasses
import gzip
import hashlib
import io
import json
import shutil
import tempfile
import warnings
from pathlib import Path

import numpy as np
import tf_keras as keras
from PIL import Image

from model_build.arithmetic import shift
from model_build.data import CLASS_NAMES, IMAGE_SIZE
from model_build.model import INPUT_SHAPE
from model_build.output import (
    MODEL_FOLDER_PREFIX,
    Encoding,
    ExportedModel,
    Layer,
    ModelInterface,
    TestDigit,
    to_metadata,
)
from model_build.preprocess import REFERENCE
from model_build.structure import Stage, Structure

MAX_MISCLASSIFIED_IMAGES = 100
# The converter's encodings of the weights, from none to the smallest.
QUANTIZATIONS = ("float32", "float16", "uint8")
# A quantized model ships only if its test accuracy stays this close to the float32 one.
QUANTIZATION_TOLERANCE = 0.0005
# Below this top probability the page names no digit: it says it is unsure. Chosen on MNIST's
# validation digits drawn, uploaded and photographed, and on marks that are not digits: 0.5 reads
# more digits right than 0.6 and abstains on fewer, at about one more false claim in a hundred
# non-digits.
CLAIM_THRESHOLD = 0.5
# Layers that refine a convolution's output without changing its shape: a stage's maps are
# taken after them, in the figures as in the browser.
REFINERS = (keras.layers.BatchNormalization, keras.layers.ReLU, keras.layers.Activation)
POOLINGS = {keras.layers.MaxPooling2D: "max-pooling", keras.layers.AveragePooling2D: "average-pooling"}


def structure_of(model: keras.Model) -> Structure:
    """The model's convolution and pooling stages, and the layer that holds its logits."""
    layers = model.layers
    stages = []
    for index, layer in enumerate(layers):
        if isinstance(layer, keras.layers.Conv2D):
            kind, size, dilation = "convolution", layer.kernel_size, layer.dilation_rate
            names = [layer.name]
            while index + len(names) < len(layers) and isinstance(layers[index + len(names)], REFINERS):
                names.append(layers[index + len(names)].name)
        elif type(layer) in POOLINGS:
            kind, size, dilation, names = POOLINGS[type(layer)], layer.pool_size, (1, 1), [layer.name]
        else:
            continue
        stages.append(Stage(kind=kind, name=layer.name, layers=tuple(names), size=tuple(size),
                            strides=tuple(layer.strides), padding=layer.padding, dilation=tuple(dilation),
                            input_shape=tuple(layer.input_shape[1:]),
                            output_shape=tuple(model.get_layer(names[-1]).output_shape[1:])))
    return Structure(stages=tuple(stages), logits_layer=logits_layer(model))


def logits_layer(model: keras.Model) -> str:
    """The layer whose output before its activation is the logits: a final dense softmax layer,
    or the layer before a final softmax activation."""
    last = model.layers[-1]
    if last.get_config().get("activation") == "softmax" and isinstance(last, keras.layers.Dense):
        return last.name
    if isinstance(last, keras.layers.Activation) and last.get_config()["activation"] == "softmax":
        return model.layers[-2].name
    raise ValueError(f"The model ends in {last.name} ({type(last).__name__}), not a softmax: "
                     "the site shows a softmax's logits and probabilities.")


def model_interface(model: keras.Model) -> ModelInterface:
    """What the browser needs to feed the model and read it, carried in model.json."""
    return ModelInterface(input_shape=tuple(INPUT_SHAPE), class_names=CLASS_NAMES,
                          preprocessing=REFERENCE, structure=structure_of(model),
                          claim_threshold=CLAIM_THRESHOLD)


def _tensorflowjs():
    """The converter, imported on first use (it is slow) without the banner a dependency prints."""
    with contextlib.redirect_stdout(io.StringIO()):
        import tensorflowjs
    return tensorflowjs


def export_tfjs(model: keras.Model, parent: Path, quantization: str) -> Path:
    """Convert ``model`` with its weights encoded as ``quantization`` (one of QUANTIZATIONS) into
    ``parent/tfjs-<content hash>/``, and return that folder."""
    if quantization not in QUANTIZATIONS:
        raise ValueError(f"unknown weight encoding {quantization!r}; choose one of {', '.join(QUANTIZATIONS)}")
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
            quantization_dtype_map=None if quantization == "float32" else {quantization: "*"},
            metadata=to_metadata(model_interface(model)),
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


@dataclasses.dataclass(frozen=True)
class Candidate:
    """One encoding of the weights, exported and measured on the test set as TF.js reads it."""

    quantization: str
    folder: Path
    model: keras.Model  # as loaded back from the export
    probabilities: np.ndarray
    scores: dict  # classification_metrics()
    sizes: dict[str, int]  # sizes()

    @property
    def encoding(self) -> Encoding:
        return Encoding(self.quantization, self.scores["test_accuracy"], self.sizes["weights_gzip_bytes"])

    def exported_model(self, parent: Path) -> ExportedModel:
        return ExportedModel(path=(self.folder / "model.json").relative_to(parent).as_posix(),
                             quantization=self.quantization, **self.sizes)


def export_smallest_faithful(model: keras.Model, parent: Path, images: np.ndarray,
                             labels: np.ndarray) -> tuple[Candidate, list[Candidate]]:
    """Export every encoding, measure each as TF.js will load it, keep the smallest faithful one.

    Returns the kept candidate and all of them; the others' folders are removed.
    """
    from model_build.train import predict

    candidates = []
    for quantization in QUANTIZATIONS:
        folder = export_tfjs(model, parent, quantization)
        exported = load_exported(folder)
        probabilities = predict(exported, images)
        candidates.append(Candidate(quantization, folder, exported, probabilities,
                                    classification_metrics(labels, probabilities), sizes(folder)))
    reference = candidates[0].scores["test_accuracy"]
    faithful = [c for c in candidates if reference - c.scores["test_accuracy"] <= QUANTIZATION_TOLERANCE]
    chosen = min(faithful, key=lambda c: c.encoding.weights_gzip_bytes)
    for candidate in candidates:
        print(f"  {candidate.quantization:>8}: {candidate.scores['test_accuracy']:.4%} test accuracy, "
              f"{candidate.encoding.weights_gzip_bytes:,} bytes of weights gzipped"
              + ("  <- exported" if candidate is chosen else ""))
    encodings = [candidate.encoding for candidate in candidates]
    for candidate in candidates:
        if candidate is not chosen:
            shutil.rmtree(candidate.folder)
    return chosen, encodings


def sizes(folder: Path) -> dict[str, int]:
    weights = weight_files(folder)
    return {
        "weights_bytes": sum(path.stat().st_size for path in weights),
        "weights_gzip_bytes": sum(len(gzip.compress(path.read_bytes(), 9)) for path in weights),
        "model_json_bytes": (folder / "model.json").stat().st_size,
        "model_json_gzip_bytes": len(gzip.compress((folder / "model.json").read_bytes(), 9)),
    }


def classification_metrics(labels: np.ndarray, probabilities: np.ndarray) -> dict:
    """Test accuracy, errors, accuracy per class and the confusion matrix, named as in the record."""
    predictions = probabilities.argmax(axis=1)
    confusion = np.zeros((len(CLASS_NAMES), len(CLASS_NAMES)), dtype=int)
    np.add.at(confusion, (labels, predictions), 1)
    per_class = confusion.diagonal() / confusion.sum(axis=1)
    return {
        "test_accuracy": float((predictions == labels).mean()),
        "test_errors": int((predictions != labels).sum()),
        "per_class_accuracy": {name: float(value) for name, value in zip(CLASS_NAMES, per_class, strict=True)},
        "confusion_matrix": tuple(map(tuple, confusion.tolist())),
    }


LAYER_SETTINGS = ("rate", "momentum", "epsilon")  # the settings of a layer that the pages quote


def layer_table(model: keras.Model) -> tuple[Layer, ...]:
    return tuple(Layer(name=layer.name, type=type(layer).__name__, output_shape=tuple(layer.output_shape[1:]),
                       parameters=layer.count_params(),
                       settings={name: float(value) for name, value in layer.get_config().items()
                                 if name in LAYER_SETTINGS})
                 for layer in model.layers)


def shift_accuracy(models: dict[str, keras.Model], images: np.ndarray, labels: np.ndarray,
                   shifts: range) -> dict[str, list[float]]:
    """Each model's test accuracy with the images moved by each number of pixels: the mean over
    moving them right, left, down and up, as they are, without centring them again."""
    from model_build.train import predict

    accuracy: dict[str, list[float]] = {name: [] for name in models}
    for pixels in shifts:
        moves = [(0, 0)] if pixels == 0 else [(pixels, 0), (-pixels, 0), (0, pixels), (0, -pixels)]
        for name, model in models.items():
            right = [(predict(model, shift(images, *move)).argmax(axis=1) == labels).mean() for move in moves]
            accuracy[name].append(round(float(np.mean(right)), 6))
    return accuracy


def predict_logits(model: keras.Model, images: np.ndarray) -> np.ndarray:
    """The scores the final softmax turns into probabilities, for uint8 images: shape (N, classes)."""
    from model_build.train import scale_pixels

    layer = model.get_layer(logits_layer(model))
    if not isinstance(layer, keras.layers.Dense):
        raise ValueError(f"the logits come from {layer.name}, a {type(layer).__name__}, not a dense layer")
    features = keras.Model(model.inputs, layer.input).predict(scale_pixels(images), batch_size=1000, verbose=0)
    kernel, *bias = layer.get_weights()
    return features @ kernel + (bias[0] if bias else 0)


def digit_records(folder: Path, images: np.ndarray, labels: np.ndarray, probabilities: np.ndarray,
                  indices, zoom: int = 4) -> tuple[TestDigit, ...]:
    """One PNG per chosen test digit, enlarged without smoothing, and what the model made of it."""
    folder.mkdir(parents=True, exist_ok=True)
    records = []
    for index in map(int, indices):
        name = f"{index:05d}.png"
        picture = Image.fromarray(images[index]).resize((IMAGE_SIZE * zoom,) * 2, Image.NEAREST)
        picture.save(folder / name, optimize=True)
        records.append(TestDigit(index=index, label=int(labels[index]), prediction=int(probabilities[index].argmax()),
                                 confidence=round(float(probabilities[index].max()), 4),
                                 image=f"{folder.name}/{name}"))
    return tuple(records)
