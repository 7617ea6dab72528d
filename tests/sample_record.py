"""A build record made by hand, of a small CNN that was never trained: for the tests of what reads
records, which then need no TensorFlow and no build."""

from __future__ import annotations

import dataclasses

from model_build.config import TrainConfig
from model_build.output import (
    RECORD_VERSION,
    BuildRecord,
    Data,
    Encoding,
    ExportedModel,
    FeatureMaps,
    FigureDigit,
    Figures,
    Layer,
    ModelInterface,
    Network,
    ShiftAccuracy,
    TestDigit,
    Training,
)
from model_build.preprocess import REFERENCE
from model_build.structure import Stage, Structure

CLASS_NAMES = tuple(str(digit) for digit in range(10))

# 28x28x1 -> conv1 (8 of 3x3) -> 26x26x8 -> pool1 -> 13x13x8 -> conv2 (16 of 3x3) -> 11x11x16
# -> pool2 -> 5x5x16 -> flatten 400 -> dense 10
STAGES = (
    Stage("convolution", "conv1", ("conv1", "conv1_relu"), (3, 3), (1, 1), "valid", (1, 1), (28, 28, 1), (26, 26, 8)),
    Stage("max-pooling", "pool1", ("pool1",), (2, 2), (2, 2), "valid", (1, 1), (26, 26, 8), (13, 13, 8)),
    Stage("convolution", "conv2", ("conv2", "conv2_relu"), (3, 3), (1, 1), "valid", (1, 1), (13, 13, 8), (11, 11, 16)),
    Stage("max-pooling", "pool2", ("pool2",), (2, 2), (2, 2), "valid", (1, 1), (11, 11, 16), (5, 5, 16)),
)
LAYERS = (
    Layer("conv1", "Conv2D", (26, 26, 8), 80),
    Layer("conv1_relu", "ReLU", (26, 26, 8), 0),
    Layer("pool1", "MaxPooling2D", (13, 13, 8), 0),
    Layer("conv2", "Conv2D", (11, 11, 16), 1_168),
    Layer("conv2_relu", "ReLU", (11, 11, 16), 0),
    Layer("pool2", "MaxPooling2D", (5, 5, 16), 0),
    Layer("flatten", "Flatten", (400,), 0),
    Layer("softmax", "Dense", (10,), 4_010),
)


DENSE_LAYERS = (
    Layer("flatten", "Flatten", (784,), 0),
    Layer("hidden", "Dense", (32,), 25_120),
    Layer("softmax", "Dense", (10,), 330),
)


def sample_record() -> BuildRecord:
    training = Training(seconds=90.0, history={name: (0.5, 0.9) for name in ("loss", "accuracy", "val_loss",
                                                                               "val_accuracy")},
                        config=TrainConfig(epochs=2, warmup_epochs=0.5), cpu_count=8, gpu_count=1, replicas=1)
    confusion = tuple(tuple(97 if i == j else (3 if j == (i + 1) % 10 else 0) for j in range(10)) for i in range(10))
    digit = TestDigit(index=0, label=7, prediction=7, confidence=0.98, image="samples/00000.png")
    return BuildRecord(
        version=RECORD_VERSION,
        training_key="t" * 64,
        export_key="e" * 64,
        interface=ModelInterface(input_shape=(28, 28, 1), class_names=CLASS_NAMES,
                                 preprocessing=REFERENCE,
                                 structure=Structure(STAGES, logits_layer="softmax"), claim_threshold=0.75),
        model=ExportedModel(path="tfjs-0123456789ab/model.json", quantization="float16", weights_bytes=10_516,
                            weights_gzip_bytes=9_700, model_json_bytes=6_000, model_json_gzip_bytes=1_500),
        test_accuracy=0.97,
        test_errors=30,
        per_class_accuracy=dict.fromkeys(CLASS_NAMES, 0.97),
        confusion_matrix=confusion,
        encodings=(Encoding("float32", 0.97, 19_000), Encoding("float16", 0.97, 9_700),
                   Encoding("uint8", 0.95, 5_000)),
        quantization_tolerance=0.001,
        parameters=5_258,
        baseline_parameters=34_826,
        layers=LAYERS,
        training=training,
        seed=1,
        data=Data(sha256="d" * 64, source="hand-made", train_images=1_000, test_images=1_000),
        versions={"python": "3.11.7"},
        samples=(digit,),
        sample_pixels="samples/pixels.json",
        misclassified=(TestDigit(index=8, label=5, prediction=6, confidence=0.51, image="misclassified/00008.png"),),
        figures=Figures(filters="figures/filters.png", digit=FigureDigit(index=0, label=7, image="figures/digit.png"),
                        feature_maps=(FeatureMaps("conv1", "figures/maps-conv1.png", 0.62),
                                      FeatureMaps("conv2", "figures/maps-conv2.png", 0.71))),
        dense=Network(
            interface=ModelInterface(input_shape=(28, 28, 1), class_names=CLASS_NAMES,
                                     preprocessing=REFERENCE, structure=Structure((), "softmax"),
                                     claim_threshold=0.75),
            model=ExportedModel(path="tfjs-ba9876543210/model.json", quantization="uint8", weights_bytes=25_450,
                                weights_gzip_bytes=23_000, model_json_bytes=3_000, model_json_gzip_bytes=900),
            test_accuracy=0.91, parameters=25_450, layers=DENSE_LAYERS,
            encodings=(Encoding("float32", 0.91, 90_000), Encoding("uint8", 0.91, 23_000)),
            training=dataclasses.replace(training, seconds=12.0)),
        shift_accuracy=(ShiftAccuracy(0, 0.97, 0.91), ShiftAccuracy(1, 0.96, 0.85), ShiftAccuracy(2, 0.7, 0.6),
                        ShiftAccuracy(3, 0.4, 0.45)),
        shift_images=1_000,
        build_seconds=100.0,
    )
