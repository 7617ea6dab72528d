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

// Of the cells lit in either map (not 0), the share whose value is the same in both, to within
// a millionth of the largest value. Cells dark in both say nothing about a move, and would
// swamp the count on a sparse map.
export function sameShare(a, b) {
  const scale = Math.max(...a.map(Math.abs), ...b.map(Math.abs)) || 1;
  let lit = 0, same = 0;
  for (let i = 0; i < a.length; i++) {
    if (Math.abs(a[i]) <= 1e-6 * scale && Math.abs(b[i]) <= 1e-6 * scale) continue;
    lit++;
    same += Math.abs(a[i] - b[i]) <= 1e-6 * scale;
  }
  return lit ? same / lit : 1;
}
