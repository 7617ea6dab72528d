// Teaching the network new symbols: transfer learning in the browser. The trained CNN stays as it
// is and describes each drawing by the values its last layer takes in (classifier.featuresOf); a
// new last layer, one weight per feature and class plus a bias per class, learns the visitor's
// symbols from those values with TensorFlow.js's Adam optimiser. The few examples are multiplied
// by the changes the build makes to its training digits: small shifts, turns, scalings and
// thinner or thicker strokes.

import {
  add, backend, dispose, losses, matMul, registerGradient, registerKernel, softmax, tensor2d, tidy, train, variable,
  zeros,
} from '@tensorflow/tfjs-core';
import {addGradConfig} from '@tensorflow/tfjs-core/dist/gradients/Add_grad.js';
import {batchMatMulGradConfig} from '@tensorflow/tfjs-core/dist/gradients/BatchMatMul_grad.js';
import {divGradConfig} from '@tensorflow/tfjs-core/dist/gradients/RealDiv_grad.js';
import {sumGradConfig} from '@tensorflow/tfjs-core/dist/gradients/Sum_grad.js';
import {castConfig} from '@tensorflow/tfjs-backend-wasm/dist/kernels/Cast.js';
import {expConfig} from '@tensorflow/tfjs-backend-wasm/dist/kernels/Exp.js';
import {identityConfig} from '@tensorflow/tfjs-backend-wasm/dist/kernels/Identity.js';
import {logConfig} from '@tensorflow/tfjs-backend-wasm/dist/kernels/Log.js';
import {maxConfig} from '@tensorflow/tfjs-backend-wasm/dist/kernels/Max.js';
import {multiplyConfig} from '@tensorflow/tfjs-backend-wasm/dist/kernels/Multiply.js';
import {negConfig} from '@tensorflow/tfjs-backend-wasm/dist/kernels/Neg.js';
import {realDivConfig} from '@tensorflow/tfjs-backend-wasm/dist/kernels/RealDiv.js';
import {sqrtConfig} from '@tensorflow/tfjs-backend-wasm/dist/kernels/Sqrt.js';
import {squareConfig} from '@tensorflow/tfjs-backend-wasm/dist/kernels/Square.js';
import {subConfig} from '@tensorflow/tfjs-backend-wasm/dist/kernels/Sub.js';
import {sumConfig} from '@tensorflow/tfjs-backend-wasm/dist/kernels/Sum.js';
import {transposeConfig} from '@tensorflow/tfjs-backend-wasm/dist/kernels/Transpose.js';
import {zerosLikeConfig} from '@tensorflow/tfjs-backend-wasm/dist/kernels/ZerosLike.js';

// What training needs beyond what reading needs (classifier.js registers those): the kernels of the
// cross-entropy, its gradients and Adam's updates, found by training with fewer until none failed.
const TRAINING_KERNELS = [castConfig, expConfig, identityConfig, logConfig, maxConfig, multiplyConfig, negConfig,
                          realDivConfig, sqrtConfig, squareConfig, subConfig, sumConfig, transposeConfig,
                          zerosLikeConfig];
const TRAINING_GRADIENTS = [addGradConfig, batchMatMulGradConfig, divGradConfig, sumGradConfig];
let registered = false;

// Registered after the backend started (the classifier starts it): each kernel's set-up, which binds
// its WebAssembly function, runs here, as the backend would have run it at its start.
function registerTraining() {
  if (registered) return;
  registered = true;
  for (const config of TRAINING_KERNELS) {
    registerKernel(config);
    config.setupFunc?.(backend());
  }
  for (const config of TRAINING_GRADIENTS) registerGradient(config);
}

// How the examples are varied, and how the new layer learns: the numbers the page explains.
export const TEACHING = {
  copies: 8,  // varied copies of each example, besides the example itself
  maxShift: 2,  // pixels, each way
  maxTurn: 12,  // degrees
  scale: [0.9, 1.1],
  epochs: 60,
  learningRate: 0.01,
};

// A seeded random source (mulberry32), so that a test or a benchmark sees the same copies twice.
export function randomSource(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// One varied copy of a side x side input: turned, scaled and moved about its centre (each output
// pixel samples the input bilinearly), then its strokes thickened or thinned a little (a blend
// with the largest or smallest value of each 3x3 neighbourhood).
export function varied(input, side, random, settings = TEACHING) {
  const turn = (random() * 2 - 1) * settings.maxTurn * Math.PI / 180;
  const scale = settings.scale[0] + random() * (settings.scale[1] - settings.scale[0]);
  const dx = (random() * 2 - 1) * settings.maxShift, dy = (random() * 2 - 1) * settings.maxShift;
  const cos = Math.cos(turn) / scale, sin = Math.sin(turn) / scale, centre = (side - 1) / 2;
  const at = (x, y) => (x < 0 || y < 0 || x >= side || y >= side ? 0 : input[y * side + x]);
  const moved = new Float64Array(side * side);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const u = cos * (x - centre - dx) + sin * (y - centre - dy) + centre;
      const v = -sin * (x - centre - dx) + cos * (y - centre - dy) + centre;
      const x0 = Math.floor(u), y0 = Math.floor(v), fx = u - x0, fy = v - y0;
      moved[y * side + x] = (at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx) * (1 - fy) +
        (at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx) * fy;
    }
  }
  const stroke = random() * 2 - 1;  // below 0 thinner, above 0 thicker
  const out = new Float64Array(side * side);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      let extreme = moved[y * side + x];
      for (let j = -1; j <= 1; j++) {
        for (let i = -1; i <= 1; i++) {
          const value = x + i < 0 || y + j < 0 || x + i >= side || y + j >= side ? 0 : moved[(y + j) * side + x + i];
          extreme = stroke > 0 ? Math.max(extreme, value) : Math.min(extreme, value);
        }
      }
      const own = moved[y * side + x];
      out[y * side + x] = own + Math.abs(stroke) * 0.5 * (extreme - own);
    }
  }
  return out;
}

// The new last layer: weights (features x classes) and biases, learnt by Adam on the features of
// the examples and their copies. Every tensor it makes is freed when training or a prediction
// ends, and its own four when it is disposed.
export class NewLayer {
  constructor(featureSize, classCount) {
    registerTraining();
    this.classCount = classCount;
    // In tidy: the zeros a variable starts from are tensors of their own, freed once copied.
    this.weights = tidy(() => variable(zeros([featureSize, classCount])));
    this.biases = tidy(() => variable(zeros([classCount])));
  }

  // features: count x featureSize values; labels: count class indices. Calls onEpoch({epoch,
  // loss, accuracy}) after each epoch and waits for the next frame, so that the page stays
  // responsive; resolves when done.
  async train(features, labels, count, {epochs = TEACHING.epochs, learningRate = TEACHING.learningRate,
                                        onEpoch = () => {}, nextFrame = () => new Promise(requestAnimationFrame)} = {}) {
    const featureSize = features.length / count;
    const targets = new Float32Array(count * this.classCount);
    labels.forEach((label, index) => { targets[index * this.classCount + label] = 1; });
    const x = tensor2d(features, [count, featureSize]), y = tensor2d(targets, [count, this.classCount]);
    const optimiser = train.adam(learningRate);
    try {
      for (let epoch = 1; epoch <= epochs; epoch++) {
        const loss = optimiser.minimize(() => losses.softmaxCrossEntropy(y, add(matMul(x, this.weights), this.biases)),
                                        true);
        const value = loss.dataSync()[0];
        loss.dispose();
        const probabilities = this.probabilities(features, count);
        let right = 0;
        labels.forEach((label, index) => {
          const row = probabilities.subarray(index * this.classCount, (index + 1) * this.classCount);
          right += row.indexOf(Math.max(...row)) === label;
        });
        onEpoch({epoch, epochs, loss: value, accuracy: right / count});
        await nextFrame();
      }
    } finally {
      dispose([x, y]);
      optimiser.dispose();
    }
  }

  // count x classes probabilities for count x featureSize features.
  probabilities(features, count) {
    const output = tidy(() => softmax(add(matMul(tensor2d(features, [count, features.length / count]), this.weights),
                                          this.biases)));
    const values = output.dataSync();
    output.dispose();
    return values;
  }

  get parameterCount() {
    return this.weights.size + this.biases.size;
  }

  dispose() {
    dispose([this.weights, this.biases]);
  }
}
