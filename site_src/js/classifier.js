// The model: TF.js layers model on the cpu backend, its metadata, and tidy predictions.

import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import {loadLayersModel} from '@tensorflow/tfjs-layers';

const REQUIRED_METADATA = ['inputShape', 'classNames', 'preprocessing'];

export async function loadClassifier(url) {
  await tf.setBackend('cpu');
  await tf.ready();
  let model;
  try {
    model = await loadLayersModel(url);
  } catch (error) {
    throw new Error(`The model could not be loaded from ${url} (${error.message}). ` +
                    'Rebuild the site with `make site`, which trains and exports it.');
  }
  const metadata = model.getUserDefinedMetadata() || {};
  const missing = REQUIRED_METADATA.filter((key) => !(key in metadata));
  if (missing.length) {
    throw new Error(`The model's metadata lacks ${missing.join(', ')}; re-export it with \`make site\`.`);
  }
  const classifier = new Classifier(model, metadata);
  classifier.predict(new Float64Array(metadata.inputShape.reduce((a, b) => a * b)));  // warm-up
  return classifier;
}

class Classifier {
  constructor(model, metadata) {
    this.model = model;
    this.metadata = metadata;
  }

  get backend() {
    return tf.getBackend();
  }

  // digit: imageSize x imageSize ink values in [0, 1]. Returns the class probabilities.
  predict(digit) {
    const {inputShape, preprocessing} = this.metadata;
    const started = performance.now();
    const probabilities = tf.tidy(() => {
      const input = tf.tensor(Float32Array.from(digit), [1, ...inputShape]);
      return this.model.predict(tf.mul(input, 255 * preprocessing.pixelScale)).dataSync();
    });
    return {probabilities: Array.from(probabilities), milliseconds: performance.now() - started};
  }
}
