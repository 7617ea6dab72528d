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
const REQUIRED_METADATA = ['inputShape', 'classNames', 'preprocessing'];
// Layers that refine a convolution's output without changing its shape.
const FOLLOWERS = new Set(['BatchNormalization', 'ReLU', 'Activation']);

const ACTIVATIONS = {linear: (x) => x, relu, softmax};

function activation(name) {
  if (!(name in ACTIVATIONS)) throw new Error(`the activation "${name}" is not supported`);
  return ACTIVATIONS[name];
}

// Keras layer class -> (config, weights by name) -> function of a tensor.
const LAYERS = {
  InputLayer: () => (x) => x,
  Dropout: () => (x) => x,  // only active while training
  Flatten: () => (x) => reshape(x, [x.shape[0], -1]),
  ReLU: ({max_value: maxValue, negative_slope: slope, threshold}) => {
    if (maxValue != null || slope || threshold) throw new Error('only the plain ReLU is supported');
    return relu;
  },
  Activation: (config) => activation(config.activation),
  Conv2D: (config, {kernel, bias}) => {
    if (config.data_format !== 'channels_last' || config.dilation_rate.some((rate) => rate !== 1)) {
      throw new Error('only undilated channels-last convolutions are supported');
    }
    const activate = activation(config.activation);
    return (x) => {
      const convolved = conv2d(x, kernel, config.strides, config.padding);
      return activate(config.use_bias ? add(convolved, bias) : convolved);
    };
  },
  BatchNormalization: (config, {moving_mean: mean, moving_variance: variance, beta, gamma}) =>
    (x) => batchNorm(x, mean, variance, beta, gamma, config.epsilon),
  MaxPooling2D: (config) => (x) => maxPool(x, config.pool_size, config.strides, config.padding),
  Dense: (config, {kernel, bias}) => {
    const activate = activation(config.activation);
    return (x) => {
      const product = matMul(x, kernel);
      return activate(config.use_bias ? add(product, bias) : product);
    };
  },
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
      return {type, name: config.name, apply: LAYERS[type](config, weights[config.name] || {})};
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
  constructor(layers, weights, metadata) {
    this.network = layers;
    this.metadata = metadata;
    // Each convolution is shown with the output of the layers that follow it (normalisation,
    // activation): the index of that last layer, and the convolution's learned filters.
    this.mapAfter = [];
    this.layers = [];
    layers.forEach(({type, name}, index) => {
      if (type !== 'Conv2D') return;
      let last = index;
      while (layers[last + 1] && FOLLOWERS.has(layers[last + 1].type)) last++;
      const {kernel} = weights[name];
      this.mapAfter.push(last);
      this.layers.push({name, kernelShape: kernel.shape, kernel: kernel.dataSync(), mapShape: null});
    });
  }

  get backend() {
    return getBackend();
  }

  get tensorCount() {
    return memory().numTensors;
  }

  // digit: imageSize x imageSize ink values in [0, 1]. Returns the class probabilities and the
  // feature maps, each (height, width, channels) flattened.
  predict(digit) {
    const {inputShape, preprocessing} = this.metadata;
    const started = performance.now();
    const scale = 255 * preprocessing.pixelScale;
    const outputs = tidy(() => {
      let x = tensor(Float32Array.from(digit, (value) => value * scale), [1, ...inputShape]);
      const seen = [];
      this.network.forEach(({apply}, index) => {
        x = apply(x);
        if (this.mapAfter.includes(index)) seen.push(x);
      });
      seen.forEach((map, index) => { this.layers[index].mapShape = map.shape.slice(1); });
      return [x, ...seen];
    });
    // Read outside tidy: it would search the returned arrays, value by value, for tensors to keep.
    const [probabilities, ...maps] = outputs.map((output) => output.dataSync());
    dispose(outputs);
    return {probabilities: Array.from(probabilities), maps, milliseconds: performance.now() - started};
  }
}
