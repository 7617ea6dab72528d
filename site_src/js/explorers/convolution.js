// The convolution explorer's arithmetic: a cross-correlation as Keras computes it (the kernel is
// not flipped), with zero padding on every side, a stride and a dilation. Pure functions of
// flat, row-major arrays; model_build/arithmetic.py is the reference they are held to.

import {areaResize} from '../preprocess.js';

export const HAND_MADE = ['vertical-edges', 'horizontal-edges', 'blur', 'sharpen', 'identity'];

// floor((W + 2P - D(F - 1) - 1) / S) + 1, or 0 when the dilated filter does not fit.
export function outputSide(side, size, {stride = 1, padding = 0, dilation = 1} = {}) {
  const span = dilation * (size - 1) + 1;
  if (side + 2 * padding < span) return 0;
  return Math.floor((side + 2 * padding - span) / stride) + 1;
}

export function convolve(input, side, kernel, size, settings) {
  const {stride = 1, padding = 0, dilation = 1} = settings;
  const out = outputSide(side, size, settings);
  const values = new Float64Array(out * out);
  for (let row = 0; row < out; row++) {
    for (let col = 0; col < out; col++) {
      let sum = 0;
      for (const [index, [r, c]] of receptiveCells(row, col, size, settings).entries()) {
        if (r >= 0 && r < side && c >= 0 && c < side) sum += input[r * side + c] * kernel[index];
      }
      values[row * out + col] = sum;
    }
  }
  return {side: out, values};
}

// The input cells (row, column; negative or past the edge in the padding) that output cell
// (row, col) multiplies, in the kernel's order.
export function receptiveCells(row, col, size, {stride = 1, padding = 0, dilation = 1} = {}) {
  const cells = [];
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) {
      cells.push([row * stride - padding + dilation * i, col * stride - padding + dilation * j]);
    }
  }
  return cells;
}

// The digit (side x side) shrunk or kept to `to` x `to` by area averaging.
export function resizeDigit(digit, side, to) {
  return to === side ? Float64Array.from(digit) : areaResize(digit, side, side, to, to);
}

// A classic hand-made kernel of `size` x `size`. Where an even size has no centre, the centre
// is taken as the cell up and left of the middle, where Keras's "same" padding puts it.
export function handMadeKernel(name, size) {
  const centre = Math.floor((size - 1) / 2);
  const middle = (size - 1) / 2;
  const kernel = new Float64Array(size * size);
  const at = (i, j, value) => { kernel[i * size + j] = value; };
  if (name === 'identity') {
    at(centre, centre, 1);
  } else if (name === 'blur') {
    kernel.fill(1 / (size * size));
  } else if (name === 'sharpen') {
    kernel.fill(-1 / (size * size));
    at(centre, centre, 2 - 1 / (size * size));
  } else if (name === 'vertical-edges' || name === 'horizontal-edges') {
    // Dark to light from left to right (or top to bottom), weights growing away from the middle
    // and scaled so that a step from 0 to 1 gives 1. A 1x1 filter sees no edge: it is all zero.
    for (let i = 0; i < size; i++) {
      for (let j = 0; j < size; j++) at(i, j, (name === 'vertical-edges' ? j : i) - middle);
    }
    const positive = kernel.reduce((sum, value) => sum + Math.max(value, 0), 0);
    if (positive) kernel.forEach((value, index) => { kernel[index] = value / positive; });
  } else {
    throw new Error(`no hand-made kernel is called "${name}"`);
  }
  return kernel;
}
