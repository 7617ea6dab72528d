"""python -m model_build.bench: our CNN beside Keras's "Simple MNIST convnet", same data, same run."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

from model_build.__main__ import build, parse_args, quiet_tensorflow
from model_build.data import load_mnist
from model_build.output import REPOSITORY, read_record

# The Keras example's recipe: 15 epochs, batch 128, Adam at its default rate, no augmentation.
BASELINE_EPOCHS = 15
BASELINE_BATCH = 128


def bench_baseline(data) -> dict:
    import tf_keras as keras

    from model_build import export
    from model_build.config import TrainConfig
    from model_build.model import build_baseline
    from model_build.train import predict, train

    config = TrainConfig(epochs=BASELINE_EPOCHS, batch_size=BASELINE_BATCH)
    model, run = train(build_baseline, data, config, augment_data=False, optimizer=keras.optimizers.Adam())
    with tempfile.TemporaryDirectory() as scratch:
        folder = export.export_tfjs(model, Path(scratch), quantization="float32")
        size = export.sizes(folder)["weights_gzip_bytes"]
    return {
        "model": "Keras example (baseline)",
        "test_accuracy": export.classification_metrics(data.y_test, predict(model, data.x_test))["test_accuracy"],
        "training_seconds": round(run["seconds"], 1),
        "parameters": model.count_params(),
        "weights_gzip_bytes": size,
        "weights": "float32",
    }


def bench_ours(out: Path) -> dict:
    record = read_record(build(parse_args(["--out", str(out), "--force"])))
    return {
        "model": "digit_cnn (this project)",
        "test_accuracy": record.test_accuracy,
        "training_seconds": record.training.seconds,
        "parameters": record.parameters,
        "weights_gzip_bytes": record.model.weights_gzip_bytes,
        "weights": record.model.quantization,
    }


def report(rows: list[dict], data_source: str) -> str:
    lines = [
        "# Benchmark: digit_cnn against Keras's Simple MNIST convnet",
        "",
        f"Both trained in one run on the same 55,000 MNIST training images (5,000 held out for validation) "
        f"and tested on the 10,000 MNIST test images; data: {data_source}; {os.cpu_count()} CPU cores.",
        "",
        "| model | test accuracy | training (s) | parameters | weights, gzipped (bytes) | weights |",
        "|---|---:|---:|---:|---:|---|",
    ]
    lines += [
        f"| {r['model']} | {r['test_accuracy']:.2%} | {r['training_seconds']:.0f} | {r['parameters']:,} "
        f"| {r['weights_gzip_bytes']:,} | {r['weights']} |"
        for r in rows
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m model_build.bench", description=__doc__)
    parser.add_argument("--out", type=Path, default=REPOSITORY / "build" / "bench", help="where the report goes")
    args = parser.parse_args(argv)
    quiet_tensorflow()
    data = load_mnist()
    rows = [bench_ours(args.out / "model"), bench_baseline(data)]
    write_report(args.out, "report", report(rows, data.source), rows)
    return 0


def write_report(folder: Path, name: str, text: str, data) -> None:
    """A benchmark's report as Markdown and its figures as JSON, side by side; the Markdown printed."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.md").write_text(text)
    (folder / f"{name}.json").write_text(json.dumps(data, indent=2) + "\n")
    print(text)


if __name__ == "__main__":
    sys.exit(main())
