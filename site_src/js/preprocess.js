// Preprocessing: a picture of one digit to the input MNIST would have made of it.
// A port of model_build/preprocess.py, step for step; the parameters come from the model's
// metadata. Images are row-major Float64Arrays of values in [0, 1].

const MAD_TO_SIGMA = 1.4826;

const roundHalfUp = (value) => Math.floor(value + 0.5);

function median(values) {
  const sorted = Float64Array.from(values).sort();
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function border(image, width, height) {
  const values = [];
  for (let x = 0; x < width; x++) values.push(image[x], image[(height - 1) * width + x]);
  for (let y = 1; y < height - 1; y++) values.push(image[y * width], image[y * width + width - 1]);
  return values;
}

// Grey levels to ink, whichever way round the picture is: a bright border means dark ink. The
// paper's level and grain (median and spread along the border) are then taken off: anything
// within noiseSpreads standard deviations of the paper's level is paper.
export function toInk(grey, width, height, noiseSpreads) {
  const invert = median(border(grey, width, height)) > 0.5;
  const ink = invert ? grey.map((value) => 1 - value) : Float64Array.from(grey);
  const paper = border(ink, width, height);
  const level = median(paper);
  const floor = level + noiseSpreads * MAD_TO_SIGMA * median(paper.map((value) => Math.abs(value - level)));
  const range = Math.max(1 - floor, 1e-6);
  return ink.map((value) => Math.min(Math.max((value - floor) / range, 0), 1));
}

// [top, left, bottom, right), bottom and right exclusive, around the ink; null when blank.
export function inkBox(ink, width, height, threshold) {
  let top = height, left = width, bottom = 0, right = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (ink[y * width + x] > threshold) {
        top = Math.min(top, y);
        bottom = Math.max(bottom, y + 1);
        left = Math.min(left, x);
        right = Math.max(right, x + 1);
      }
    }
  }
  return bottom === 0 ? null : [top, left, bottom, right];
}

// weights[j * source + i]: the share of target pixel j that source pixel i covers.
function areaWeights(source, target) {
  const step = source / target;
  const weights = new Float64Array(target * source);
  for (let j = 0; j < target; j++) {
    const start = j * step, end = (j + 1) * step;
    for (let i = Math.floor(start); i < Math.min(Math.ceil(end), source); i++) {
      weights[j * source + i] = (Math.min(end, i + 1) - Math.max(start, i)) / step;
    }
  }
  return weights;
}

export function areaResize(image, width, height, newWidth, newHeight) {
  const rows = areaWeights(height, newHeight), cols = areaWeights(width, newWidth);
  const tall = new Float64Array(newHeight * width);  // rows resized first
  for (let j = 0; j < newHeight; j++) {
    for (let i = 0; i < height; i++) {
      const weight = rows[j * height + i];
      if (weight) for (let x = 0; x < width; x++) tall[j * width + x] += weight * image[i * width + x];
    }
  }
  const resized = new Float64Array(newHeight * newWidth);
  for (let y = 0; y < newHeight; y++) {
    for (let k = 0; k < newWidth; k++) {
      let sum = 0;
      for (let x = 0; x < width; x++) sum += cols[k * width + x] * tall[y * width + x];
      resized[y * newWidth + k] = sum;
    }
  }
  return resized;
}

export function centreOfMass(image, width, height) {
  let total = 0, row = 0, col = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const value = image[y * width + x];
      total += value;
      row += y * value;
      col += x * value;
    }
  }
  return [row / total, col / total];
}

// Ink of any size to the imageSize x imageSize digit MNIST would have made, or null when blank.
export function mnistLike(ink, width, height, {imageSize, digitBox, massCentre, inkThreshold}) {
  const box = inkBox(ink, width, height, inkThreshold);
  if (!box) return null;
  const [top, left, bottom, right] = box;
  const cropWidth = right - left, cropHeight = bottom - top;
  const crop = new Float64Array(cropWidth * cropHeight);
  for (let y = 0; y < cropHeight; y++) {
    crop.set(ink.subarray((top + y) * width + left, (top + y) * width + right), y * cropWidth);
  }
  const scale = digitBox / Math.max(cropWidth, cropHeight);
  const patchWidth = Math.max(1, roundHalfUp(cropWidth * scale));
  const patchHeight = Math.max(1, roundHalfUp(cropHeight * scale));
  const patch = areaResize(crop, cropWidth, cropHeight, patchWidth, patchHeight);
  // Thin strokes fade when shrunk; MNIST's strokes always reach full intensity.
  const peak = patch.reduce((a, b) => Math.max(a, b), 0);
  for (let i = 0; i < patch.length; i++) patch[i] /= peak;
  const [row, col] = centreOfMass(patch, patchWidth, patchHeight);
  const placeTop = Math.min(Math.max(roundHalfUp(massCentre - row), 0), imageSize - patchHeight);
  const placeLeft = Math.min(Math.max(roundHalfUp(massCentre - col), 0), imageSize - patchWidth);
  const digit = new Float64Array(imageSize * imageSize);
  for (let y = 0; y < patchHeight; y++) {
    for (let x = 0; x < patchWidth; x++) {
      digit[(placeTop + y) * imageSize + placeLeft + x] = patch[y * patchWidth + x];
    }
  }
  return digit;
}
