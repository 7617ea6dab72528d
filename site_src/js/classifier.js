// The model: the exported Keras layers, run with TensorFlow.js ops on its WebAssembly backend.
//
// tfjs-layers would run the same model, but it triples the JavaScript the page sends; the few
// layer types a small CNN uses are a handful of ops each. Only the kernels those ops need are
// registered, so that esbuild leaves the rest of TensorFlow.js out.

import {
  add, batchNorm, conv2d, dispose, env, getBackend, io, matMul, maxPool, memory, registerKernel, relu, reshape,
  setBackend, softmax, tensor, tidy,
} from '@tensorflow/tfjs-core';
import {setWasmPaths} from '@tensorflow/tfjs-backend-wasm/dist/base.js';
import {addConfig} from '@tensorflow/tfjs-backend-wasm/dist/kernels/Add.js';
import {batchMatMulConfig} from '@tensorflow/tfjs-backend-wasm/dist/kernels/BatchMatMul.js';
import {conv2DConfig} from '@tensorflow/tfjs-backend-wasm/dist/kernels/Conv2D.js';
import {fusedBatchNormConfig} from '@tensorflow/tfjs-backend-wasm/dist/kernels/FusedBatchNorm.js';
import {maxPoolConfig} from '@tensorflow/tfjs-backend-wasm/dist/kernels/MaxPool.js';
import {reluConfig} from '@tensorflow/tfjs-backend-wasm/dist/kernels/Relu.js';
import {reshapeConfig} from '@tensorflow/tfjs-backend-wasm/dist/kernels/Reshape.js';
import {softmaxConfig} from '@tensorflow/tfjs-backend-wasm/dist/kernels/Softmax.js';

const KERNELS = [addConfig, batchMatMulConfig, conv2DConfig, fusedBatchNormConfig, maxPoolConfig, reluConfig,
                 reshapeConfig, softmaxConfig];
// What the build puts in the model's metadata (model_build/output.py, ModelInterface).
const REQUIRED_METADATA = ['inputShape', 'classNames', 'preprocessing', 'structure', 'claimThreshold'];

const ACTIVATIONS = {linear: (x) => x, relu, softmax};
const identity = (x) => x;

function activation(name) {
  if (!(name in ACTIVATIONS)) throw new Error(`the activation "${name}" is not supported`);
  return ACTIVATIONS[name];
}

// Keras layer class -> (config, weights by name) -> the layer as two functions of a tensor: its
// linear part, then its activation. The logits are a layer's output between the two.
const LAYERS = {
  InputLayer: () => ({}),
  Dropout: () => ({}),  // only active while training
  Flatten: () => ({linear: (x) => reshape(x, [x.shape[0], -1])}),
  ReLU: ({max_value: maxValue, negative_slope: slope, threshold}) => {
    if (maxValue != null || slope || threshold) throw new Error('only the plain ReLU is supported');
    return {activate: relu};
  },
  Activation: (config) => ({activate: activation(config.activation)}),
  Conv2D: (config, {kernel, bias}) => {
    if (config.data_format !== 'channels_last' || config.dilation_rate.some((rate) => rate !== 1)) {
      throw new Error('only undilated channels-last convolutions are supported');
    }
    return {
      linear: (x) => {
        const convolved = conv2d(x, kernel, config.strides, config.padding);
        return config.use_bias ? add(convolved, bias) : convolved;
      },
      activate: activation(config.activation),
    };
  },
  BatchNormalization: (config, {moving_mean: mean, moving_variance: variance, beta, gamma}) =>
    ({linear: (x) => batchNorm(x, mean, variance, beta, gamma, config.epsilon)}),
  MaxPooling2D: (config) => ({linear: (x) => maxPool(x, config.pool_size, config.strides, config.padding)}),
  Dense: (config, {kernel, bias}) => ({
    linear: (x) => {
      const product = matMul(x, kernel);
      return config.use_bias ? add(product, bias) : product;
    },
    activate: activation(config.activation),
  }),
};

let backendReady = null;

// The wasm binaries sit beside this bundle. Threads would need a cross-origin isolated page,
// which static hosts such as GitHub Pages do not give, so only the single-threaded binaries ship.
function startBackend() {
  backendReady ??= (async () => {
    KERNELS.forEach(registerKernel);
    env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    setWasmPaths(new URL('./', import.meta.url).href);
    if (!await setBackend('wasm')) {
      backendReady = null;
      throw new Error('WebAssembly could not be started in this browser. Try a current browser; a site that ' +
                      "sets a Content-Security-Policy must allow 'wasm-unsafe-eval'.");
    }
  })();
  return backendReady;
}

async function loadArtifacts(url) {
  try {
    const artifacts = await io.http(url).load();
    if (artifacts.format !== 'layers-model') throw new Error(`its format is "${artifacts.format}"`);
    return artifacts;
  } catch (error) {
    throw new Error(`The model could not be loaded from ${url} (${error.message}). ` +
                    'Rebuild the site with `make site`, which trains and exports it.');
  }
}

// The weights of each layer, keyed by the layer's name and then the weight's ("conv1/kernel").
function weightsByLayer(artifacts) {
  const byLayer = {};
  for (const [name, value] of Object.entries(io.decodeWeights(artifacts.weightData, artifacts.weightSpecs))) {
    const cut = name.lastIndexOf('/');
    (byLayer[name.slice(0, cut)] ??= {})[name.slice(cut + 1)] = value;
  }
  return byLayer;
}

function buildLayers(topology, weights) {
  return topology.model_config.config.layers.map(({class_name: type, config}) => {
    if (!(type in LAYERS)) throw new Error(`The model has a ${type} layer, which this page cannot run.`);
    try {
      const {linear = identity, activate = identity} = LAYERS[type](config, weights[config.name] || {});
      return {type, name: config.name, linear, activate};
    } catch (error) {
      throw new Error(`The model's layer ${config.name} (${type}) cannot run here: ${error.message}.`);
    }
  });
}

export async function loadClassifier(url) {
  const [, artifacts] = await Promise.all([startBackend(), loadArtifacts(url)]);
  const metadata = artifacts.userDefinedMetadata || {};
  const missing = REQUIRED_METADATA.filter((key) => !(key in metadata));
  if (missing.length) {
    throw new Error(`The model's metadata lacks ${missing.join(', ')}; re-export it with \`make site\`.`);
  }
  const weights = weightsByLayer(artifacts);
  const classifier = new Classifier(buildLayers(artifacts.modelTopology, weights), weights, metadata);
  classifier.predict(new Float64Array(metadata.inputShape.reduce((a, b) => a * b)));  // warm-up
  return classifier;
}

class Classifier {
  constructor(network, weights, metadata) {
    const {stages, logitsLayer} = metadata.structure;
    const names = new Set(network.map(({name}) => name));
    const unknown = [logitsLayer, ...stages.flatMap((stage) => stage.layers)].filter((name) => !names.has(name));
    if (unknown.length) {
      throw new Error(`The model's metadata names layers it does not have (${unknown.join(', ')}); ` +
                      're-export it with `make site`.');
    }
    this.network = network;
    this.metadata = metadata;
    this.logitsLayer = logitsLayer;
    // As Keras counts them: every weight, the normalisation's running statistics included.
    this.parameterCount = Object.values(weights).flatMap((layer) => Object.values(layer))
      .reduce((count, weight) => count + weight.size, 0);
    // The convolutions the page shows: each one's output shape and learned filters, and the
    // layer after which its feature maps are read (the last of its stage).
    this.convolutions = stages.filter((stage) => stage.kind === 'convolution').map((stage) => {
      const {kernel} = weights[stage.name];
      return {name: stage.name, outputShape: stage.outputShape, mapsAfter: stage.layers.at(-1),
              kernelShape: kernel.shape, kernel: kernel.dataSync()};
    });
  }

  get backend() {
    return getBackend();
  }

  get tensorCount() {
    return memory().numTensors;
  }

  // digit: imageSize x imageSize ink values in [0, 1]. Returns the class probabilities, the
  // logits they come from, and each convolution's feature maps, (height, width, channels)
  // flattened.
  predict(digit) {
    const {inputShape, preprocessing} = this.metadata;
    const started = performance.now();
    const scale = 255 * preprocessing.framing.pixelScale;
    const outputs = tidy(() => {
      let x = tensor(Float32Array.from(digit, (value) => value * scale), [1, ...inputShape]);
      let logits = null;
      const maps = [];
      for (const {name, linear, activate} of this.network) {
        x = linear(x);
        if (name === this.logitsLayer) logits = x;
        x = activate(x);
        if (this.convolutions.some(({mapsAfter}) => mapsAfter === name)) maps.push(x);
      }
      return [x, logits, ...maps];
    });
    // Read outside tidy: it would search the returned arrays, value by value, for tensors to keep.
    const [probabilities, logits, ...maps] = outputs.map((output) => output.dataSync());
    dispose(outputs);
    return {probabilities: Array.from(probabilities), logits: Array.from(logits), maps,
            milliseconds: performance.now() - started};
  }

  // What the network knows of `count` digits before its last layer: the values its logits layer
  // (named by the model's metadata) takes in, count x featureSize, digit by digit. Features a new
  // last layer can learn from (the teaching page): the layers before it stay as trained.
  featuresOf(digits, count) {
    const {inputShape, preprocessing} = this.metadata;
    const scale = 255 * preprocessing.framing.pixelScale;
    const output = tidy(() => {
      let x = tensor(Float32Array.from(digits, (value) => value * scale), [count, ...inputShape]);
      for (const {name, linear, activate} of this.network) {
        if (name === this.logitsLayer) return reshape(x, [count, -1]);
        x = activate(linear(x));
      }
      throw new Error(`the model has no layer ${this.logitsLayer} to read its features before`);
    });
    const features = output.dataSync();
    output.dispose();
    return {features, size: features.length / count};
  }

  // The class probabilities of `count` digits at once: digits holds count x imageSize x imageSize
  // ink values in [0, 1]; the result count x classes values, digit by digit.
  probabilitiesOf(digits, count) {
    const {inputShape, preprocessing} = this.metadata;
    const scale = 255 * preprocessing.framing.pixelScale;
    const output = tidy(() => {
      let x = tensor(Float32Array.from(digits, (value) => value * scale), [count, ...inputShape]);
      for (const {linear, activate} of this.network) x = activate(linear(x));
      return x;
    });
    const probabilities = output.dataSync();
    output.dispose();
    return probabilities;
  }
}
