"""The exported model in real TF.js in headless Chromium agrees with Keras on the same weights: as
the stock tf.min.js runs it, and as the site's own classifier module does."""

from __future__ import annotations

import numpy as np
import pytest

from model_build.export import predict_logits
from model_build.train import predict
from site_hooks.bundle import SITE_SRC, build_bundle
from tools.static_server import serve

TFJS = SITE_SRC / "node_modules" / "@tensorflow" / "tfjs" / "dist" / "tf.min.js"
IMAGES = 1_000
TOLERANCE = 1e-4

# Everything the browser needs to know about the input comes from the model's own metadata.
PREDICT_IN_BROWSER = """async ({count, backend}) => {
  await tf.setBackend(backend);
  await tf.ready();
  const model = await tf.loadLayersModel('model/model.json');
  const meta = model.getUserDefinedMetadata();
  const bytes = new Uint8Array(await (await fetch('images.bin')).arrayBuffer());
  const output = tf.tidy(() => {
    const pixels = tf.tensor4d(Float32Array.from(bytes), [count, ...meta.inputShape]);
    return model.predict(pixels.mul(meta.preprocessing.framing.pixelScale));
  });
  const probabilities = Array.from(await output.data());
  output.dispose();
  model.dispose();
  return {backend: tf.getBackend(), probabilities, meta, tensors: tf.memory().numTensors};
}"""


@pytest.mark.browser
@pytest.mark.parametrize("backend", ["cpu"])
def test_browser_predictions_match_keras(page, tmp_path, exported_folder, exported_model, mnist, backend):
    images = mnist.x_test[:IMAGES]
    (tmp_path / "images.bin").write_bytes(images.tobytes())
    (tmp_path / "tf.min.js").symlink_to(TFJS)
    (tmp_path / "model").symlink_to(exported_folder)
    (tmp_path / "index.html").write_text(
        '<!doctype html><title>parity</title><link rel="icon" href="data:,"><script src="tf.min.js"></script>'
    )
    with serve(tmp_path) as base:
        page.goto(f"{base}/index.html")
        result = page.evaluate(PREDICT_IN_BROWSER, {"count": IMAGES, "backend": backend})

    assert result["backend"] == backend
    assert result["tensors"] == 0, "every tensor is disposed"
    in_browser = np.array(result["probabilities"], dtype=np.float32).reshape(IMAGES, 10)
    in_keras = predict(exported_model, images)
    np.testing.assert_array_equal(in_browser.argmax(axis=1), in_keras.argmax(axis=1))
    assert np.abs(in_browser - in_keras).max() <= TOLERANCE


# The page's module, fed each digit as the page feeds it: ink values in [0, 1], one at a time.
PREDICT_WITH_THE_PAGE_CODE = """async ({count}) => {
  const {loadClassifier} = await import('./bundle/classifier.js');
  const classifier = await loadClassifier(new URL('model/model.json', location.href).href);
  const tensors = classifier.tensorCount;
  const bytes = new Uint8Array(await (await fetch('images.bin')).arrayBuffer());
  const probabilities = [], logits = [];
  for (let i = 0; i < count; i++) {
    const digit = Float64Array.from(bytes.subarray(i * 784, (i + 1) * 784), (value) => value / 255);
    const prediction = classifier.predict(digit);
    probabilities.push(...prediction.probabilities);
    logits.push(...prediction.logits);
  }
  return {backend: classifier.backend, probabilities, logits, leaked: classifier.tensorCount - tensors};
}"""


@pytest.mark.browser
def test_the_site_classifier_matches_keras(page, tmp_path, exported_folder, exported_model, mnist):
    images = mnist.x_test[:IMAGES]
    (tmp_path / "images.bin").write_bytes(images.tobytes())
    (tmp_path / "model").symlink_to(exported_folder)
    (tmp_path / "index.html").write_text('<!doctype html><title>parity</title><link rel="icon" href="data:,">')
    (tmp_path / "bundle").symlink_to(build_bundle(("site_src/js/classifier.js",), tmp_path / "classifier").files)
    with serve(tmp_path) as base:
        page.goto(f"{base}/index.html")
        result = page.evaluate(PREDICT_WITH_THE_PAGE_CODE, {"count": IMAGES})

    assert result["backend"] == "wasm"
    assert result["leaked"] == 0
    in_browser = np.array(result["probabilities"], dtype=np.float32).reshape(IMAGES, 10)
    in_keras = predict(exported_model, images)
    np.testing.assert_array_equal(in_browser.argmax(axis=1), in_keras.argmax(axis=1))
    assert np.abs(in_browser - in_keras).max() <= TOLERANCE
    # The logits are the model's own: Keras's scores before the softmax, and the softmax of them
    # gives the probabilities the page shows.
    logits = np.array(result["logits"], dtype=np.float64).reshape(IMAGES, 10)
    np.testing.assert_allclose(logits, predict_logits(exported_model, images), atol=1e-3, rtol=1e-4)
    softmax = np.exp(logits - logits.max(axis=1, keepdims=True))
    np.testing.assert_allclose(softmax / softmax.sum(axis=1, keepdims=True), in_browser, atol=1e-5)
