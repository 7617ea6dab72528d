// Preprocessing: a picture of a digit, or of a number, to the inputs MNIST would have made of its
// digits. A port of model_build/preprocess.py, step for step and loop for loop, so that both
// give the same numbers; the parameters come from the model's metadata. Images are row-major
// arrays of values in [0, 1].

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

// Grey levels to ink, whichever way round the picture is: a bright border means dark ink. Under
// even light the paper's level and grain (median and spread along the border) are taken off;
// under uneven light, ink is how much darker a pixel is than the paper around it, and the grain
// is measured over the whole picture. Anything within noiseSpreads standard deviations of the
// paper's level is paper.
export function toInk(grey, width, height, {noiseSpreads, paperBlocks, darkestPaper, unevenLight}) {
  const light = median(border(grey, width, height)) > 0.5 ? Float64Array.from(grey) : grey.map((value) => 1 - value);
  const paper = paperLevel(light, width, height, paperBlocks, darkestPaper);
  let lowest = Infinity, highest = -Infinity;
  for (const value of paper) {
    lowest = Math.min(lowest, value);
    highest = Math.max(highest, value);
  }
  let ink, sample;
  if (highest - lowest <= unevenLight) {
    ink = light.map((value) => 1 - value);
    sample = border(ink, width, height);
  } else {
    ink = light.map((value, i) => Math.min(Math.max(1 - value / Math.max(paper[i], 1e-6), 0), 1));
    sample = ink;
  }
  const level = median(sample);
  const floor = level + noiseSpreads * MAD_TO_SIGMA * median(Array.from(sample, (value) => Math.abs(value - level)));
  const range = Math.max(1 - floor, 1e-6);
  return ink.map((value) => Math.min(Math.max((value - floor) / range, 0), 1));
}

// The paper's brightness around each pixel (paper light, ink dark): the brightest pixel of each
// block, the brightest of each 3x3 neighbourhood of blocks averaged over its neighbourhood, and
// spread smoothly from block centre to block centre.
export function paperLevel(light, width, height, blocks, darkest) {
  const size = Math.max(4, Math.ceil(Math.max(height, width) / blocks));
  const rows = Math.ceil(height / size), cols = Math.ceil(width / size);
  const brightest = new Float64Array(rows * cols).fill(-Infinity);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const cell = Math.floor(y / size) * cols + Math.floor(x / size);
      brightest[cell] = Math.max(brightest[cell], light[y * width + x]);
    }
  }
  // Paper is never darker than `darkest` times the brightest paper: darker is ink, however wide.
  const brightestPaper = neighbourhood(brightest, rows, cols, 'max');
  const floor = darkest * brightestPaper.reduce((top, value) => Math.max(top, value), -Infinity);
  const grid = neighbourhood(brightestPaper.map((value) => Math.max(value, floor)), rows, cols, 'mean');
  const paper = new Float64Array(width * height);
  const axis = (count, cells) => Array.from({length: count}, (_, i) => {
    const position = Math.min(Math.max((i + 0.5) / size - 0.5, 0), cells - 1);
    const low = Math.floor(position);
    return [low, Math.min(low + 1, cells - 1), position - low];
  });
  const down = axis(height, rows), across = axis(width, cols);
  for (let y = 0; y < height; y++) {
    const [top, bottom, d] = down[y];
    for (let x = 0; x < width; x++) {
      const [left, right, a] = across[x];
      const upper = grid[top * cols + left] * (1 - a) + grid[top * cols + right] * a;
      const lower = grid[bottom * cols + left] * (1 - a) + grid[bottom * cols + right] * a;
      paper[y * width + x] = upper * (1 - d) + lower * d;
    }
  }
  return paper;
}

// Each cell replaced by the largest, or the mean, of its 3x3 neighbourhood, edges repeated.
function neighbourhood(grid, rows, cols, reduce) {
  const result = new Float64Array(rows * cols);
  for (let row = 0; row < rows; row++) {
    for (let col = 0; col < cols; col++) {
      let value = reduce === 'max' ? -Infinity : 0;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const cell = grid[Math.min(Math.max(row + dy, 0), rows - 1) * cols + Math.min(Math.max(col + dx, 0), cols - 1)];
          value = reduce === 'max' ? Math.max(value, cell) : value + cell;
        }
      }
      result[row * cols + col] = reduce === 'max' ? value : value / 9;
    }
  }
  return result;
}

// 8-connected pieces of the pixels above `threshold`, numbered from 1 in the order their first
// pixel comes, row by row (0: background); with each piece's box [top, left, bottom, right),
// area, ink and darkest pixel.
export function labelPieces(ink, width, height, threshold) {
  const labels = new Int32Array(width * height);
  const stack = new Int32Array(width * height);
  let count = 0;
  for (let start = 0; start < labels.length; start++) {
    if (!(ink[start] > threshold) || labels[start]) continue;
    labels[start] = ++count;
    let depth = 0;
    stack[depth++] = start;
    while (depth) {
      const index = stack[--depth];
      const row = Math.floor(index / width), col = index % width;
      for (let y = Math.max(row - 1, 0); y < Math.min(row + 2, height); y++) {
        for (let x = Math.max(col - 1, 0); x < Math.min(col + 2, width); x++) {
          const neighbour = y * width + x;
          if (ink[neighbour] > threshold && !labels[neighbour]) {
            labels[neighbour] = count;
            stack[depth++] = neighbour;
          }
        }
      }
    }
  }
  const pieces = Array.from({length: count}, (_, i) => ({
    label: i + 1, box: [height, width, 0, 0], area: 0, mass: 0, peak: 0,
  }));
  for (let index = 0; index < labels.length; index++) {
    if (!labels[index]) continue;
    const piece = pieces[labels[index] - 1];
    const row = Math.floor(index / width), col = index % width;
    piece.box = [Math.min(piece.box[0], row), Math.min(piece.box[1], col),
                 Math.max(piece.box[2], row + 1), Math.max(piece.box[3], col + 1)];
    piece.area++;
    piece.mass += ink[index];
    piece.peak = Math.max(piece.peak, ink[index]);
  }
  return {labels, pieces};
}

const merged = (a, b) => [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[2], b[2]), Math.max(a[3], b[3])];
const gap = (a, b) => Math.max(b[0] - a[2], a[0] - b[2], b[1] - a[3], a[1] - b[3], 0);

// The pieces that make the writing: in a picture (not drawn on the pad), what spans it (a ruled
// line, the paper's edge) left out, and what touches its border (the table beyond) too unless
// nothing else is there; then the heaviest strong piece, and every piece near what is taken.
// The ink with the ruled lines that cross it taken out, and what touches them kept; null when
// no line crosses it. A line spans the picture one way (not both, as a grid does) and is, across
// most of its length, a single thin run of ink; where a digit sits on it or crosses it, its course
// is the straight path between the nearest places where it runs alone.
export function withoutLines(ink, labels, pieces, width, height, {spanning, lineWidth}) {
  let cleared = null;
  for (const {label, box} of pieces) {
    const [top, left, bottom, right] = box;
    const across = right - left >= spanning * width, down = bottom - top >= spanning * height;
    if (across === down) continue;
    // Along a line that runs down the picture, rows play the part of columns.
    const at = across ? (row, column) => (top + row) * width + left + column
      : (row, column) => (top + column) * width + left + row;
    const band = lineBand((row, column) => labels[at(row, column)] === label,
                          across ? bottom - top : right - left, across ? right - left : bottom - top,
                          lineWidth * (across ? height : width));
    if (!band) continue;
    cleared ??= Float64Array.from(ink);
    for (const [row, column] of band) cleared[at(row, column)] = 0;
  }
  return cleared;
}

// The [row, column] pixels of a line running across a piece (own tells which pixels are the
// piece's, in its box of rows x columns), or null when the piece is not mostly a single run of ink
// per column, at most `thickest` pixels thick.
function lineBand(own, rows, columns, thickest) {
  const runs = [];
  for (let column = 0; column < columns; column++) {
    let first = -1, last = -1, count = 0;
    for (let row = 0; row < rows; row++) {
      if (!own(row, column)) continue;
      if (first < 0) first = row;
      last = row;
      count++;
    }
    runs.push(count && last - first + 1 === count ? [first, last] : null);
  }
  const lengths = runs.filter((run) => run).map(([first, last]) => last - first + 1).sort((a, b) => a - b);
  if (2 * lengths.length < columns || lengths[(lengths.length - 1) >> 1] > thickest) return null;
  const thickness = lengths[(lengths.length - 1) >> 1];
  const alone = runs.map((run) => run !== null && run[1] - run[0] + 1 <= thickness + 2);
  // The nearest column, on either side, where the line runs alone.
  const before = new Int32Array(columns).fill(-1), after = new Int32Array(columns).fill(-1);
  for (let column = 0; column < columns; column++) {
    before[column] = alone[column] ? column : column ? before[column - 1] : -1;
  }
  for (let column = columns - 1; column >= 0; column--) {
    after[column] = alone[column] ? column : column < columns - 1 ? after[column + 1] : -1;
  }
  const centre = (column) => (runs[column][0] + runs[column][1]) / 2;
  const band = [];
  for (let column = 0; column < columns; column++) {
    const left = before[column], right = after[column];
    const middle = left < 0 || right < 0 || left === right ? centre(left < 0 ? right : left)
      : centre(left) + (centre(right) - centre(left)) * (column - left) / (right - left);
    for (let row = 0; row < rows; row++) {
      if (own(row, column) && Math.abs(row - middle) <= thickness / 2 + 1) band.push([row, column]);
    }
  }
  return band;
}

export function writing(pieces, width, height, {spanning, strong, near}, drawn) {
  const short = pieces.filter(({box}) => drawn || (box[2] - box[0] < spanning * height &&
                                                   box[3] - box[1] < spanning * width));
  const inside = short.filter(({box}) => drawn || (box[0] > 0 && box[1] > 0 && box[2] < height && box[3] < width));
  const candidates = inside.length ? inside : short;
  if (!candidates.length) return [];
  const darkest = candidates.reduce((top, piece) => Math.max(top, piece.peak), 0);
  let first = null;
  for (const piece of candidates) {
    if (piece.peak >= strong * darkest && (first === null || piece.mass > first.mass)) first = piece;
  }
  const taken = new Set([first.label]);
  let box = first.box;
  let grew = true;
  while (grew) {
    grew = false;
    for (const piece of candidates) {
      const reach = near * Math.max(box[2] - box[0], box[3] - box[1]);
      if (!taken.has(piece.label) && gap(box, piece.box) <= reach) {
        taken.add(piece.label);
        box = merged(box, piece.box);
        grew = true;
      }
    }
  }
  return candidates.filter((piece) => taken.has(piece.label)).sort((a, b) => a.label - b.label);
}

// The pieces grouped into digits, left to right: a piece joins the first digit it overlaps
// across by at least half of the narrower one's width. Groups much shorter or lighter than the
// tallest and the heaviest, and specks, are left out; one much wider than tall is taken for
// digits that touch, one whose ink fills its box (unless a thin bar) for a blot or a block.
export function digitsOf(pieces, width, height, {touching, small, speck, filled}) {
  const groups = [];
  const massOf = new Map(pieces.map(({label, mass}) => [label, mass]));
  const areaOf = new Map(pieces.map(({label, area}) => [label, area]));
  const ordered = [...pieces].sort((a, b) => a.box[1] - b.box[1] || a.label - b.label);
  for (const piece of ordered) {
    const group = groups.find(({box}) =>
      2 * (Math.min(box[3], piece.box[3]) - Math.max(box[1], piece.box[1])) >=
      Math.min(box[3] - box[1], piece.box[3] - piece.box[1]));
    if (group) {
      group.labels.push(piece.label);
      group.box = merged(group.box, piece.box);
    } else {
      groups.push({labels: [piece.label], box: piece.box});
    }
  }
  // Each group's ink, added up in the order its pieces joined it.
  groups.forEach((group) => { group.mass = group.labels.reduce((total, label) => total + massOf.get(label), 0); });
  const heaviest = groups.reduce((top, {mass}) => Math.max(top, mass), 0);
  // The tallest among the groups heavy enough to be digits: specks far apart can make a tall group.
  const heavy = groups.map((group, index) => ({...group, index}))
    .filter(({mass}) => mass >= small * small * small * heaviest);
  const tallest = heavy.reduce((top, {box}) => Math.max(top, box[2] - box[0]), 0);
  return heavy
    .filter(({box}) => box[2] - box[0] >= small * tallest && box[2] - box[0] >= speck * Math.min(height, width))
    .sort((a, b) => a.box[1] - b.box[1] || a.index - b.index)
    .map(({labels, box}) => {
      const [top, left, bottom, right] = box;
      const area = labels.reduce((total, label) => total + areaOf.get(label), 0);
      return {labels: labels.sort((a, b) => a - b), box, touching: right - left > touching * (bottom - top),
              filled: area > filled * (bottom - top) * (right - left) && 2 * (right - left) > bottom - top};
    });
}

// Why a picture holds no digit: nothing in it, only lines or edges across it, only specks, or
// more marks in a row than a number has.
export const BLANK = 'blank', LINES = 'lines', SPECKS = 'specks', MANY = 'many';

// The digits in the ink (drawn on the pad, or a picture), left to right, each with its own ink
// cropped to its box (inkWidth x inkHeight); and, when there are none, why.
export function readDigits(ink, width, height, preprocessing, drawn) {
  let {labels, pieces} = labelPieces(ink, width, height, preprocessing.inkThreshold);
  const foundInk = pieces.length > 0;
  const cleared = drawn ? null : withoutLines(ink, labels, pieces, width, height, preprocessing);
  if (cleared) {
    ink = cleared;
    ({labels, pieces} = labelPieces(ink, width, height, preprocessing.inkThreshold));
  }
  const kept = writing(pieces, width, height, preprocessing, drawn);
  const found = digitsOf(kept, width, height, preprocessing);
  if (found.length > preprocessing.mostDigits) return {digits: [], reason: MANY};
  const digits = found.map((digit) => {
    // Its own ink in its box (the rest of the picture holds none of it): for a number on the
    // wide pad, eight copies of the whole picture would cost more than reading it.
    const [top, left, bottom, right] = digit.box;
    const own = new Set(digit.labels), boxWidth = right - left, boxHeight = bottom - top;
    const crop = new Float64Array(boxWidth * boxHeight);
    for (let y = 0; y < boxHeight; y++) {
      for (let x = 0; x < boxWidth; x++) {
        const index = (top + y) * width + left + x;
        if (own.has(labels[index])) crop[y * boxWidth + x] = ink[index];
      }
    }
    return {...digit, ink: crop, inkWidth: boxWidth, inkHeight: boxHeight};
  });
  const reason = digits.length ? '' : !foundInk ? BLANK : !kept.length ? LINES : SPECKS;
  return {digits, reason};
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

// A picture's grey levels to its digits, left to right, each with the input MNIST would have made
// of it ({digits: [{box, touching, filled, input}], reason}: reason says why there are none).
export function readPicture(grey, width, height, preprocessing, drawn = false) {
  const {digits, reason} = readDigits(toInk(grey, width, height, preprocessing), width, height, preprocessing, drawn);
  return {reason, digits: digits.map(({box, touching, filled, ink, inkWidth, inkHeight}) =>
    ({box, touching, filled, input: mnistLike(ink, inkWidth, inkHeight, preprocessing)}))};
}
