// The model: TF.js layers model on the cpu backend, its metadata, and tidy predictions that also
// return what each convolutional layer sees.

import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import {loadLayersModel, model as functionalModel} from '@tensorflow/tfjs-layers';

const REQUIRED_METADATA = ['inputShape', 'classNames', 'preprocessing'];
// Layers that refine a convolution's output without changing its shape.
const FOLLOWERS = new Set(['BatchNormalization', 'ReLU', 'Activation']);

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

// Each convolution with the output of the layers that follow it (normalisation, activation).
function convolutions(model) {
  const found = [];
  model.layers.forEach((layer, index) => {
    if (layer.getClassName() !== 'Conv2D') return;
    let last = index;
    while (model.layers[last + 1] && FOLLOWERS.has(model.layers[last + 1].getClassName())) last++;
    const kernel = layer.getWeights()[0];
    found.push({
      name: layer.name,
      output: model.layers[last].output,
      mapShape: model.layers[last].outputShape.slice(1),
      kernelShape: kernel.shape,
      kernel: kernel.dataSync(),
    });
  });
  return found;
}

class Classifier {
  constructor(model, metadata) {
    this.metadata = metadata;
    this.layers = convolutions(model);
    // One pass gives the probabilities and every convolution's feature maps.
    this.model = functionalModel({inputs: model.inputs, outputs: [model.outputs[0], ...this.layers.map((l) => l.output)]});
  }

  get backend() {
    return tf.getBackend();
  }

  get tensorCount() {
    return tf.memory().numTensors;
  }

  // digit: imageSize x imageSize ink values in [0, 1]. Returns the class probabilities and the
  // feature maps, each (height, width, channels) flattened.
  predict(digit) {
    const {inputShape, preprocessing} = this.metadata;
    const started = performance.now();
    const [probabilities, ...maps] = tf.tidy(() => {
      const input = tf.tensor(Float32Array.from(digit), [1, ...inputShape]);
      return this.model.predict(tf.mul(input, 255 * preprocessing.pixelScale)).map((output) => output.dataSync());
    });
    return {probabilities: Array.from(probabilities), maps, milliseconds: performance.now() - started};
  }
}
