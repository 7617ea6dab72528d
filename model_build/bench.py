"""python -m model_build.bench: our CNN beside Keras's "Simple MNIST convnet", same data, same run;
and our whole build again under other seeds, for the spread its accuracy floor must clear."""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import json
import os
import platform
import re
import statistics
import sys
import tempfile
from pathlib import Path

from model_build.__main__ import BuildOptions, build
from model_build.config import TrainConfig
from model_build.data import load_mnist
from model_build.output import REPOSITORY, read_record
from model_build.quiet import quiet_tensorflow

# The Keras example's recipe: 15 epochs, batch 128, Adam at its default rate, no augmentation.
BASELINE_EPOCHS = 15
BASELINE_BATCH = 128


def bench_baseline(data) -> dict:
    import tf_keras as keras

    from model_build import export
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


def bench_ours(out: Path, seed: int | None = None) -> dict:
    config = TrainConfig() if seed is None else dataclasses.replace(TrainConfig(), seed=seed)
    record = read_record(build(BuildOptions(out=out, config=config, force=True)))
    return {
        "model": f"digit_cnn, {record.model.folder}",
        "hash": record.model.folder,
        "seed": record.seed,
        "test_accuracy": record.test_accuracy,
        "training_seconds": record.training.seconds,
        "build_seconds": record.build_seconds,
        "parameters": record.parameters,
        "weights_gzip_bytes": record.model.weights_gzip_bytes,
        "weights": record.model.quantization,
    }


def seeds_report(rows: list[dict], floor: float) -> str:
    """The exported model's test accuracy under each seed, their mean and spread, and how many
    standard deviations below the mean the build's floor sits."""
    accuracies = [row["test_accuracy"] for row in rows]
    mean, spread = statistics.mean(accuracies), statistics.stdev(accuracies)
    lines = [
        "# Benchmark: the whole build under other seeds",
        "",
        "| seed | test accuracy (exported) | CNN training (s) | build (s) |",
        "|---:|---:|---:|---:|",
        *(f"| {row['seed']} | {row['test_accuracy']:.2%} | {row['training_seconds']:.0f} | {row['build_seconds']:.0f} |"
          for row in rows),
        "",
        f"Mean {mean:.3%}, standard deviation {spread:.3%} (points), lowest {min(accuracies):.2%}. The floor, "
        f"{floor:.2%}, is {(mean - floor) / spread:.1f} standard deviations below the mean"
        f"{'' if mean - 4 * spread >= floor else ': too close, a healthy build may fail it'}.",
    ]
    return "\n".join(lines) + "\n"


def report(rows: list[dict], data_source: str, before: dict | None = None) -> str:
    """This build's CNN and Keras's example, with the CNN this machine measured before, if any."""
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
        for r in [*rows, *([{**before["rows"][0], "model": f"{before['rows'][0]['model']} (the model before)"}]
                           if before else [])]
    ]
    if not before:
        lines += ["", "No other model of this project has been measured here yet: the next report that follows a "
                  "change of model sets the two side by side."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m model_build.bench", description=__doc__)
    parser.add_argument("--out", type=Path, default=REPOSITORY / "build" / "bench", help="where the report goes")
    parser.add_argument("--seeds", type=int, default=5, help="builds under this many seeds, the default one first")
    args = parser.parse_args(argv)
    quiet_tensorflow()
    data = load_mnist()
    ours = bench_ours(args.out / "model")
    rows = [ours, bench_baseline(data)]
    before = figures_before(args.out, "report", ours["hash"])
    write_report(args.out, "report", report(rows, data.source, before), {"model": ours["hash"], "rows": rows},
                 ours["hash"])
    if args.seeds > 1:
        seeds = [ours] + [bench_ours(args.out / "model", ours["seed"] + index) for index in range(1, args.seeds)]
        write_report(args.out, "seeds", seeds_report(seeds, TrainConfig().accuracy_floor), seeds,
                     ", ".join(row["hash"] for row in seeds))
    return 0


def figures_before(folder: Path, name: str, model: str) -> dict | None:
    """The figures this benchmark last reported for another model than ``model`` here (its data
    carries a ``model`` key), kept as ``{name}.before.json`` until a newer model replaces it: what
    "the model before" scored, for a report to set beside this one. None when there is none."""
    latest, kept = folder / f"{name}.json", folder / f"{name}.before.json"
    if latest.exists():
        data = json.loads(latest.read_text())
        if isinstance(data, dict) and data.get("model") not in (None, model):
            kept.write_text(latest.read_text())
    return json.loads(kept.read_text()) if kept.exists() else None


def provenance(model: str) -> str:
    """When, on what machine and with which model a report was measured."""
    return (f"Measured on {datetime.date.today().isoformat()}, {processor()}, {os.cpu_count()} cores, "
            f"{platform.system()}; model {model}.")


def processor() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    names = re.findall(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(), re.MULTILINE) if cpuinfo.exists() else []
    return names[0].strip() if names else platform.processor() or platform.machine()


def write_report(folder: Path, name: str, text: str, data, model: str) -> None:
    """A benchmark's report as Markdown, its provenance under the title, and its figures as JSON,
    side by side; the Markdown printed."""
    folder.mkdir(parents=True, exist_ok=True)
    title, _, rest = text.partition("\n")
    text = f"{title}\n\n{provenance(model)}\n{rest}"
    (folder / f"{name}.md").write_text(text)
    (folder / f"{name}.json").write_text(json.dumps(data, indent=2) + "\n")
    print(text)


if __name__ == "__main__":
    sys.exit(main())
