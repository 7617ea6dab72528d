"""The build's output contract: where the build writes, the files it writes, and the record of
the build that everything else reads.

`python -m model_build` writes one folder, staged beside it and swapped in whole at the end, so
that an interrupted build leaves the previous output (or none), never half of one. The site's
hooks, the tests, the tools and the notebook find the folder through `model_dir()` and read its
record through `read_record()`; none of them spells a path or a key of the record on its own.
TensorFlow-free, so that reading a build never loads TensorFlow.
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import fcntl
import json
import os
import re
import shutil
import tempfile
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from model_build.config import TrainConfig
from model_build.structure import Structure

ENVIRONMENT_VARIABLE = "CNN_QA_MODEL_DIR"  # every reader honours it, the build included
REPOSITORY = Path(__file__).resolve().parents[1]
DEFAULT_MODEL_DIR = REPOSITORY / "build" / "model"

RECORD_FILE = "metrics.json"
RECORD_VERSION = 14  # raise it whenever a field changes meaning, appears or goes
# The trained float32 models, for re-exports and the notebook; not published.
KERAS_FILE = "keras/digit_cnn.keras"
DENSE_KERAS_FILE = "keras/digit_dense.keras"
MODEL_FOLDER_PREFIX = "tfjs-"  # tfjs-<content hash>/: model.json and its weight shards
SAMPLES_FOLDER = "samples"
SAMPLE_PIXELS_FILE = f"{SAMPLES_FOLDER}/pixels.json"  # the sample digits' pixels, for the explorers
MISCLASSIFIED_FOLDER = "misclassified"
FIGURES_FOLDER = "figures"
# What the site publishes of the folder: the browser's model, the record and the pictures.
PUBLISHED = (MODEL_FOLDER_PREFIX, RECORD_FILE, f"{SAMPLES_FOLDER}/", f"{MISCLASSIFIED_FOLDER}/", f"{FIGURES_FOLDER}/")


def model_dir() -> Path:
    """The build's folder: ``$CNN_QA_MODEL_DIR`` when set, else build/model in the repository."""
    return Path(os.environ.get(ENVIRONMENT_VARIABLE) or DEFAULT_MODEL_DIR)


class RecordError(RuntimeError):
    """There is no build record, or not one this code can read; the message says what to run."""


@dataclass(frozen=True)
class Framing:
    """One digit's ink framed as MNIST framed its digits, then scaled for the network."""

    image_size: int  # the network's input, pixels a side
    digit_box: int  # the digit scaled to fit a box this many pixels a side
    mass_centre: float  # its centre of mass placed at this pixel position, across and down
    ink_threshold: float  # ink above this counts for the box around the digit
    pixel_scale: float  # ink (0 to 255) times this is the network's input
    ink: Literal["light-on-dark"]
    centring: Literal["centre-of-mass"]


@dataclass(frozen=True)
class PaperStage:
    """Ink measured against the paper around it."""

    grain_spreads: float  # within this many standard deviations of the paper's level is paper grain
    light_blocks: int  # the paper's level is measured on about this many blocks along the longer side
    uneven_light: float  # where that level varies by more, ink is measured against the local level
    darkest_paper: float  # paper is never darker than this share of the brightest paper: ink is


@dataclass(frozen=True)
class PiecesStage:
    """Which connected pieces of ink make the writing."""

    line_span: float  # ink reaching across this share of a picture is a ruled line or the paper's edge
    line_thickness: float  # such a line at most this share of the picture thick is taken out
    faintest: float  # a piece less dark than this share of the darkest is a shadow or a fold
    reach: float  # the writing takes in every piece within this many times its own size


@dataclass(frozen=True)
class GroupingStage:
    """The writing's pieces grouped into digits, left to right; wide marks cut into several."""

    overlap: float  # a piece joins a digit it overlaps across by this share of the narrower one's width
    part_height: float  # a piece at most this share of a digit's height beside it is part of it ...
    part_gap: float  # ... when it comes within this share of the taller one's height
    touching_aspect: float  # a mark wider than this many times its height may be digits that touch
    cut_candidates: int  # it may be cut at up to this many columns of least ink ...
    cut_spacing: float  # ... at least this share of its height apart ...
    most_cuts: int  # ... at this many of them at most ...
    cut_widths: tuple[float, float]  # ... each part between these shares of its height wide


@dataclass(frozen=True)
class RejectionStage:
    """What is found but not read as a digit."""

    least_height: float  # a group shorter than this share of the tallest, or with less than its cube
    #                      of the heaviest group's ink, is a dot or a dash beside the digits
    speck_height: float  # a group shorter than this share of the picture's shorter side is a speck
    most_digits: int  # more digits than this in a row: ruled or squared paper, or writing


@dataclass(frozen=True)
class Preprocessing:
    """How the browser turns a picture into the model's inputs (model_build/preprocess.py), stage by
    stage: paper, pieces, grouping, rejection, then each digit's framing."""

    framing: Framing
    paper: PaperStage
    pieces: PiecesStage
    grouping: GroupingStage
    rejection: RejectionStage


@dataclass(frozen=True)
class ModelInterface:
    """What the browser needs to feed the model and read it; model.json carries it as metadata."""

    input_shape: tuple[int, int, int]
    class_names: tuple[str, ...]
    preprocessing: Preprocessing
    structure: Structure
    # Below this top probability the page names no digit and says it is unsure.
    claim_threshold: float


@dataclass(frozen=True)
class ExportedModel:
    path: str  # model.json, relative to the build's folder
    quantization: Literal["float32", "float16", "uint8"]
    weights_bytes: int
    weights_gzip_bytes: int
    model_json_bytes: int
    model_json_gzip_bytes: int

    @property
    def folder(self) -> str:
        return self.path.rsplit("/", 1)[0]


@dataclass(frozen=True)
class Encoding:
    """One weight encoding the build tried, measured as TF.js reads it."""

    quantization: Literal["float32", "float16", "uint8"]
    test_accuracy: float
    weights_gzip_bytes: int


@dataclass(frozen=True)
class Layer:
    name: str
    type: str  # the Keras class
    output_shape: tuple[int, ...]
    parameters: int
    # The settings the pages explain, where the layer has them: dropout's rate, batch
    # normalisation's momentum and epsilon.
    settings: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Training:
    seconds: float
    history: dict[str, tuple[float, ...]]  # per epoch: loss, accuracy, val_loss, val_accuracy
    config: TrainConfig
    cpu_count: int  # of the machine that trained it (of the first worker, on a cluster)
    gpu_count: int
    replicas: int  # copies of the model that trained together: 1, or one per worker of a cluster (cluster.py)


@dataclass(frozen=True)
class Data:
    sha256: str
    source: str
    train_images: int
    test_images: int


@dataclass(frozen=True)
class TestDigit:
    index: int  # in MNIST's test set
    label: int
    prediction: int
    confidence: float
    image: str  # relative to the build's folder


@dataclass(frozen=True)
class FeatureMaps:
    stage: str  # the convolution stage whose output the image shows, one tile per channel
    image: str
    zero_share: float  # of the stage's output values for this digit, the share its ReLU set to zero


@dataclass(frozen=True)
class FigureDigit:
    index: int
    label: int
    image: str


@dataclass(frozen=True)
class Figures:
    filters: str  # the first convolution's filters
    digit: FigureDigit  # the test digit whose feature maps are shown
    feature_maps: tuple[FeatureMaps, ...]


@dataclass(frozen=True)
class Network:
    """A second trained network, exported for the browser as the CNN is."""

    interface: ModelInterface
    model: ExportedModel
    test_accuracy: float
    parameters: int
    layers: tuple[Layer, ...]
    encodings: tuple[Encoding, ...]
    training: Training


@dataclass(frozen=True)
class ShiftAccuracy:
    """Test accuracy with every test digit moved by ``pixels`` (the mean of right, left, down and
    up), without centring it again."""

    pixels: int
    cnn: float
    dense: float


@dataclass(frozen=True)
class BuildRecord:
    """Everything the build measured and made, as written to metrics.json."""

    version: int
    training_key: str  # what training depended on; the same key means the same trained weights
    export_key: str  # ... and the export too
    interface: ModelInterface
    model: ExportedModel
    test_accuracy: float
    test_errors: int
    per_class_accuracy: dict[str, float]
    confusion_matrix: tuple[tuple[int, ...], ...]  # rows: true class; columns: prediction
    encodings: tuple[Encoding, ...]
    # A smaller encoding ships only if its test accuracy is within this of float32's.
    quantization_tolerance: float
    parameters: int
    baseline_parameters: int  # Keras's "Simple MNIST convnet", which the model is measured against
    layers: tuple[Layer, ...]
    training: Training
    seed: int
    data: Data
    versions: dict[str, str]
    samples: tuple[TestDigit, ...]  # the first test digit of each class
    # Their pixels as JSON, with the test digit the model reads right but is least sure of.
    sample_pixels: str
    misclassified: tuple[TestDigit, ...]
    figures: Figures
    dense: Network  # the fully connected network set beside the CNN
    shift_accuracy: tuple[ShiftAccuracy, ...]
    shift_images: int  # the first this many test digits are moved
    build_seconds: float

    @property
    def structure(self) -> Structure:
        return self.interface.structure


# --- Reading and writing ------------------------------------------------------------------------

def write_record(folder: Path, record: BuildRecord) -> None:
    (folder / RECORD_FILE).write_text(json.dumps(dataclasses.asdict(record), indent=2) + "\n")


def read_record(folder: Path | None = None) -> BuildRecord:
    """The record of the build in ``folder`` (default: `model_dir()`).

    Raises RecordError, naming `make site`, when there is none or it cannot be read.
    """
    path = (folder or model_dir()) / RECORD_FILE
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        raise RecordError(f"No trained model in {path.parent}: run `make site`, which trains and exports it.") from None
    except (OSError, ValueError) as error:
        raise RecordError(f"{path} cannot be read ({error}): run `make site` to rebuild it.") from None
    version = data.get("version", 1) if isinstance(data, dict) else None
    if version != RECORD_VERSION:
        raise RecordError(f"{path} was written by another version of the build (record format {version}; "
                          f"this code reads {RECORD_VERSION}): run `make site` to rebuild it.")
    try:
        return from_json(BuildRecord, data)
    except RecordError as error:
        raise RecordError(f"{path} is malformed ({error}): run `make site` to rebuild it.") from None


def from_json(kind: Any, value: Any, where: str = "record") -> Any:
    """``value``, parsed from JSON, as an instance of the type ``kind``, checked all the way down."""
    if dataclasses.is_dataclass(kind):
        if not isinstance(value, dict):
            raise RecordError(f"{where} should be an object")
        hints = typing.get_type_hints(kind)
        fields = {field.name for field in dataclasses.fields(kind)}
        if missing := sorted(fields - value.keys()):
            raise RecordError(f"{where} lacks {', '.join(missing)}")
        if unknown := sorted(value.keys() - fields):
            raise RecordError(f"{where} has unknown {', '.join(unknown)}")
        return kind(**{name: from_json(hints[name], value[name], f"{where}.{name}") for name in fields})
    origin, arguments = typing.get_origin(kind), typing.get_args(kind)
    if origin in (typing.Union, types.UnionType):
        for option in arguments:
            try:
                return from_json(option, value, where)
            except RecordError:
                continue
        raise RecordError(f"{where} is {value!r}, which is none of {kind}")
    if origin is Literal:
        if value not in arguments:
            raise RecordError(f"{where} is {value!r}, not one of {', '.join(map(repr, arguments))}")
        return value
    if origin is tuple:
        if not isinstance(value, list):
            raise RecordError(f"{where} should be a list")
        if len(arguments) == 2 and arguments[1] is Ellipsis:
            return tuple(from_json(arguments[0], item, f"{where}[{i}]") for i, item in enumerate(value))
        if len(value) != len(arguments):
            raise RecordError(f"{where} should have {len(arguments)} items")
        return tuple(from_json(kind_, item, f"{where}[{i}]")
                     for i, (kind_, item) in enumerate(zip(arguments, value, strict=True)))
    if origin is dict:
        if not isinstance(value, dict):
            raise RecordError(f"{where} should be an object")
        return {key: from_json(arguments[1], item, f"{where}.{key}") for key, item in value.items()}
    if kind is type(None):
        if value is not None:
            raise RecordError(f"{where} should be null")
        return None
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if kind in (int, float, str, bool) and type(value) is kind:
        return value
    raise RecordError(f"{where} is {value!r}, not of type {getattr(kind, '__name__', kind)}")


def to_metadata(interface: ModelInterface | Preprocessing) -> dict:
    """The interface (or a part of it) as model.json's metadata: JSON with JavaScript's camelCase names."""
    return _camel(dataclasses.asdict(interface))


def from_metadata(metadata: dict) -> ModelInterface:
    return from_json(ModelInterface, _snake(metadata), "the model's metadata")


def _camel(value: Any) -> Any:
    if isinstance(value, dict):
        return {re.sub(r"_([a-z])", lambda m: m[1].upper(), key): _camel(item) for key, item in value.items()}
    return [_camel(item) for item in value] if isinstance(value, (list, tuple)) else value


def _snake(value: Any) -> Any:
    if isinstance(value, dict):
        return {re.sub(r"[A-Z]", lambda m: "_" + m[0].lower(), key): _snake(item) for key, item in value.items()}
    return [_snake(item) for item in value] if isinstance(value, list) else value


@contextlib.contextmanager
def build_lock(final: Path) -> Iterator[None]:
    """Hold the lock on the build of ``final``: a second build of the same folder waits until the
    first has finished, and says so, instead of clearing away the first one's staging folder."""
    final.parent.mkdir(parents=True, exist_ok=True)
    with open(final.with_name(f".{final.name}.lock"), "a+") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.seek(0)
            holder = lock.read().strip() or "another process"
            print(f"Another build is writing {final} ({holder}); waiting for it to finish ...", flush=True)
            fcntl.flock(lock, fcntl.LOCK_EX)
        lock.seek(0)
        lock.truncate()
        lock.write(f"process {os.getpid()}")
        lock.flush()
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


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


def write_sample_pixels(folder: Path, images, labels, probabilities, indices) -> str:
    """The chosen test digits as JSON for the browser: label, the model's confidence, and pixels
    (28x28 uint8, row by row, in base64). Returns the file's path relative to ``folder``."""
    digits = [{"index": int(index), "label": int(labels[index]),
               "confidence": round(float(probabilities[index].max()), 4),
               "pixels": base64.b64encode(images[index].astype("uint8").tobytes()).decode()} for index in indices]
    (folder / SAMPLE_PIXELS_FILE).write_text(json.dumps({"side": int(images.shape[1]), "digits": digits}) + "\n")
    return SAMPLE_PIXELS_FILE


def read_sample_pixels(folder: Path | None = None) -> dict[int, bytes]:
    """The sample digits' pixels by test index: side x side bytes each."""
    data = json.loads(((folder or model_dir()) / SAMPLE_PIXELS_FILE).read_text())
    return {digit["index"]: base64.b64decode(digit["pixels"]) for digit in data["digits"]}


def published_files(folder: Path) -> list[str]:
    """The paths under the build's folder, relative and sorted, that the site publishes."""
    paths = (path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file())
    return sorted(path for path in paths if path.startswith(PUBLISHED))
