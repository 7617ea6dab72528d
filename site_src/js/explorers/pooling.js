// The pooling explorer's arithmetic: max or average pooling of one map, without padding, and how
// much of a map stays the same when the drawing moves. model_build/arithmetic.py is the
// reference.

import {outputSide} from './convolution.js';

export function poolMap(input, side, size, stride, kind) {
  const out = outputSide(side, size, {stride});
  const values = new Float64Array(out * out);
  for (let row = 0; row < out; row++) {
    for (let col = 0; col < out; col++) {
      let result = kind === 'max' ? -Infinity : 0;
      for (let i = 0; i < size; i++) {
        for (let j = 0; j < size; j++) {
          const value = input[(row * stride + i) * side + col * stride + j];
          result = kind === 'max' ? Math.max(result, value) : result + value / (size * size);
        }
      }
      values[row * out + col] = result;
    }
  }
  return {side: out, values};
}

// The share of cells whose value is the same in both maps, to within a millionth of the largest.
export function sameShare(a, b) {
  const scale = Math.max(...a.map(Math.abs), ...b.map(Math.abs)) || 1;
  let same = 0;
  for (let i = 0; i < a.length; i++) same += Math.abs(a[i] - b[i]) <= 1e-6 * scale;
  return a.length ? same / a.length : 1;
}
