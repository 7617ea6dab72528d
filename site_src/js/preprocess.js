// Preprocessing: a picture of a digit, or of a number, to the inputs MNIST would have made of its
// digits, stage by stage (paper, pieces, grouping, rejection, framing). A port of
// model_build/preprocess.py, step for step and loop for loop, so that both give the same numbers;
// each stage's parameters come from the model's metadata (preprocessing.paper, .pieces, .grouping,
// .rejection, .framing), described in model_build/output.py. Images are row-major arrays of values
// in [0, 1].

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
// is measured over the whole picture. Anything within grainSpreads standard deviations of the
// paper's level is paper.
export function toInk(grey, width, height, {grainSpreads, lightBlocks, darkestPaper, unevenLight}) {
  // Plain loops over typed arrays throughout: a wide pad has over 300,000 pixels per stroke, and
  // TypedArray.map costs several times as much.
  const count = width * height;
  const light = new Float64Array(count);
  if (median(border(grey, width, height)) > 0.5) {
    light.set(grey);
  } else {
    for (let i = 0; i < count; i++) light[i] = 1 - grey[i];
  }
  const blocks = blockPaper(light, width, height, lightBlocks, darkestPaper);
  // The paper between block centres is a blend of theirs, within their range: blocks that differ
  // by less than `unevenLight` (a drawing pad, a scan) settle the question without spreading them
  // over every pixel. (The margin covers the blend's rounding.)
  let paper = null;
  if (blocks.highest - blocks.lowest > unevenLight - 1e-9) {
    paper = spreadBlocks(blocks, width, height);
    let lowest = Infinity, highest = -Infinity;
    for (let i = 0; i < count; i++) {
      lowest = Math.min(lowest, paper[i]);
      highest = Math.max(highest, paper[i]);
    }
    if (highest - lowest <= unevenLight) paper = null;
  }
  const ink = new Float64Array(count);
  if (paper) {
    for (let i = 0; i < count; i++) ink[i] = Math.min(Math.max(1 - light[i] / Math.max(paper[i], 1e-6), 0), 1);
  }
  // Even light: ink is 1 - light, its grain measured along the border, and both steps made in one
  // pass over the pixels.
  const sample = paper ? ink : border(light, width, height).map((value) => 1 - value);
  const level = median(sample);
  const spread = new Float64Array(sample.length);
  for (let i = 0; i < sample.length; i++) spread[i] = Math.abs(sample[i] - level);
  const floor = level + grainSpreads * MAD_TO_SIGMA * median(spread);
  const range = Math.max(1 - floor, 1e-6);
  if (paper) {
    for (let i = 0; i < count; i++) ink[i] = Math.min(Math.max((ink[i] - floor) / range, 0), 1);
  } else {
    for (let i = 0; i < count; i++) ink[i] = Math.min(Math.max((1 - light[i] - floor) / range, 0), 1);
  }
  return ink;
}

// The paper's brightness (paper light, ink dark) at each block's centre, with the lowest and
// highest of them: the brightest pixel of each block, the brightest of each 3x3 neighbourhood of
// blocks averaged over its neighbourhood. spreadBlocks carries it smoothly from block centre to
// block centre, to every pixel.
function blockPaper(light, width, height, blocks, darkest) {
  const size = Math.max(4, Math.ceil(Math.max(height, width) / blocks));
  const rows = Math.ceil(height / size), cols = Math.ceil(width / size);
  const brightest = new Float64Array(rows * cols).fill(-Infinity);
  const cellOfColumn = new Int32Array(width);
  for (let x = 0; x < width; x++) cellOfColumn[x] = Math.floor(x / size);
  for (let y = 0; y < height; y++) {
    const rowCells = Math.floor(y / size) * cols, offset = y * width;
    for (let x = 0; x < width; x++) {
      const cell = rowCells + cellOfColumn[x];
      if (light[offset + x] > brightest[cell]) brightest[cell] = light[offset + x];
    }
  }
  // Paper is never darker than `darkest` times the brightest paper: darker is ink, however wide.
  const brightestPaper = neighbourhood(brightest, rows, cols, 'max');
  const floor = darkest * brightestPaper.reduce((top, value) => Math.max(top, value), -Infinity);
  const grid = neighbourhood(brightestPaper.map((value) => Math.max(value, floor)), rows, cols, 'mean');
  let lowest = Infinity, highest = -Infinity;
  for (const value of grid) {
    lowest = Math.min(lowest, value);
    highest = Math.max(highest, value);
  }
  return {grid, rows, cols, size, lowest, highest};
}

function spreadBlocks({grid, rows, cols, size}, width, height) {
  const paper = new Float64Array(width * height);
  const axis = (count, cells) => {
    const low = new Int32Array(count), high = new Int32Array(count), share = new Float64Array(count);
    for (let i = 0; i < count; i++) {
      const position = Math.min(Math.max((i + 0.5) / size - 0.5, 0), cells - 1);
      low[i] = Math.floor(position);
      high[i] = Math.min(low[i] + 1, cells - 1);
      share[i] = position - low[i];
    }
    return {low, high, share};
  };
  const down = axis(height, rows), across = axis(width, cols);
  for (let y = 0; y < height; y++) {
    const top = down.low[y] * cols, bottom = down.high[y] * cols, d = down.share[y], offset = y * width;
    for (let x = 0; x < width; x++) {
      const left = across.low[x], right = across.high[x], a = across.share[x];
      const upper = grid[top + left] * (1 - a) + grid[top + right] * a;
      const lower = grid[bottom + left] * (1 - a) + grid[bottom + right] * a;
      paper[offset + x] = upper * (1 - d) + lower * d;
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
// ink and darkest pixel.
export function labelPieces(ink, width, height, threshold) {
  const labels = new Int32Array(width * height);
  const stack = new Int32Array(width * height);
  // Each piece's box and darkest pixel, gathered as it is flooded.
  const tops = [], lefts = [], bottoms = [], rights = [], peaks = [];
  let count = 0;
  for (let start = 0; start < labels.length; start++) {
    if (!(ink[start] > threshold) || labels[start]) continue;
    labels[start] = ++count;
    let top = height, left = width, bottom = 0, right = 0, peak = 0;
    let depth = 0;
    stack[depth++] = start;
    while (depth) {
      const index = stack[--depth];
      const row = Math.floor(index / width), col = index - row * width;
      if (row < top) top = row;
      if (row + 1 > bottom) bottom = row + 1;
      if (col < left) left = col;
      if (col + 1 > right) right = col + 1;
      if (ink[index] > peak) peak = ink[index];
      const lastRow = Math.min(row + 1, height - 1), firstColumn = Math.max(col - 1, 0);
      const lastColumn = Math.min(col + 1, width - 1);
      for (let y = Math.max(row - 1, 0); y <= lastRow; y++) {
        for (let neighbour = y * width + firstColumn, end = y * width + lastColumn; neighbour <= end; neighbour++) {
          if (ink[neighbour] > threshold && !labels[neighbour]) {
            labels[neighbour] = count;
            stack[depth++] = neighbour;
          }
        }
      }
    }
    tops.push(top); lefts.push(left); bottoms.push(bottom); rights.push(right); peaks.push(peak);
  }
  // Each piece's ink, summed in reading order (as the reference does), over its own box; over
  // the whole picture at once when the boxes overlap so much that that is cheaper.
  const mass = new Float64Array(count);
  let boxed = 0;
  for (let i = 0; i < count; i++) boxed += (bottoms[i] - tops[i]) * (rights[i] - lefts[i]);
  if (boxed <= width * height) {
    for (let i = 0; i < count; i++) {
      let sum = 0;
      for (let row = tops[i]; row < bottoms[i]; row++) {
        for (let index = row * width + lefts[i], end = row * width + rights[i]; index < end; index++) {
          if (labels[index] === i + 1) sum += ink[index];
        }
      }
      mass[i] = sum;
    }
  } else {
    for (let index = 0; index < labels.length; index++) if (labels[index]) mass[labels[index] - 1] += ink[index];
  }
  const pieces = Array.from({length: count}, (_, i) => ({
    label: i + 1, box: [tops[i], lefts[i], bottoms[i], rights[i]], mass: mass[i], peak: peaks[i],
  }));
  return {labels, pieces};
}

const merged = (a, b) => [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[2], b[2]), Math.max(a[3], b[3])];
const gap = (a, b) => Math.max(b[0] - a[2], a[0] - b[2], b[1] - a[3], a[1] - b[3], 0);

// The ink with the ruled lines that cross it taken out, and what touches them kept; null when
// no line crosses it. A line spans the picture one way (not both, as a grid does) and is, across
// most of its length, a single thin run of ink; where a digit sits on it or crosses it, its course
// is the straight path between the nearest places where it runs alone.
export function withoutLines(ink, labels, pieces, width, height, {lineSpan, lineThickness}) {
  let cleared = null;
  for (const {label, box} of pieces) {
    const [top, left, bottom, right] = box;
    const across = right - left >= lineSpan * width, down = bottom - top >= lineSpan * height;
    if (across === down) continue;
    // Along a line that runs down the picture, rows play the part of columns.
    const at = across ? (row, column) => (top + row) * width + left + column
      : (row, column) => (top + column) * width + left + row;
    const band = lineBand((row, column) => labels[at(row, column)] === label,
                          across ? bottom - top : right - left, across ? right - left : bottom - top,
                          lineThickness * (across ? height : width));
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

// The pieces that make the writing: in a picture (not drawn on the pad), what spans it (a ruled
// line, the paper's edge) left out, and what touches its border (the table beyond) too unless
// nothing else is there; of the rest, the strong pieces: the heaviest, and every one near what is
// taken.
export function writing(pieces, width, height, {lineSpan, faintest, reach: nearness}, drawn) {
  const short = pieces.filter(({box}) => drawn || (box[2] - box[0] < lineSpan * height &&
                                                   box[3] - box[1] < lineSpan * width));
  const inside = short.filter(({box}) => drawn || (box[0] > 0 && box[1] > 0 && box[2] < height && box[3] < width));
  const kept = inside.length ? inside : short;
  if (!kept.length) return [];
  // Only strong pieces: a soft shadow or the fold of a page is paper, however large.
  const darkest = kept.reduce((top, piece) => Math.max(top, piece.peak), 0);
  const candidates = kept.filter((piece) => piece.peak >= faintest * darkest);
  let first = null;
  for (const piece of candidates) {
    if (first === null || piece.mass > first.mass) first = piece;
  }
  const taken = new Set([first.label]);
  let box = first.box;
  let grew = true;
  while (grew) {
    grew = false;
    for (const piece of candidates) {
      const reach = nearness * Math.max(box[2] - box[0], box[3] - box[1]);
      if (!taken.has(piece.label) && gap(box, piece.box) <= reach) {
        taken.add(piece.label);
        box = merged(box, piece.box);
        grew = true;
      }
    }
  }
  return candidates.filter((piece) => taken.has(piece.label)).sort((a, b) => a.label - b.label);
}

// Why a digit is read as it is: one digit, or a mark so much wider than tall that it may be digits
// that touch (read whole and cut).
export const ONE = 'one', TOUCHING = 'touching';

// The pieces grouped into digits, left to right: a piece joins the first digit it overlaps
// across by `overlap` of the narrower one's width, or that it comes within partGap of the
// taller's height of across when one of the two is at most partHeight times as tall as the other.
// Groups much shorter or lighter than the tallest and the heaviest, and specks, are rejected.
export function digitsOf(pieces, width, height, {overlap: overlapShare, partHeight, partGap, touchingAspect},
                         {leastHeight: small, speckHeight}) {
  const groups = [];
  const massOf = new Map(pieces.map(({label, mass}) => [label, mass]));
  const ordered = [...pieces].sort((a, b) => a.box[1] - b.box[1] || a.label - b.label);
  for (const piece of ordered) {
    const group = groups.find(({box}) => {
      const overlap = Math.min(box[3], piece.box[3]) - Math.max(box[1], piece.box[1]);
      const tall = Math.max(box[2] - box[0], piece.box[2] - piece.box[0]);
      const other = Math.min(box[2] - box[0], piece.box[2] - piece.box[0]);
      return overlap >= overlapShare * Math.min(box[3] - box[1], piece.box[3] - piece.box[1]) ||
        (overlap >= -partGap * tall && other <= partHeight * tall);
    });
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
    .filter(({box}) => box[2] - box[0] >= small * tallest && box[2] - box[0] >= speckHeight * Math.min(height, width))
    .sort((a, b) => a.box[1] - b.box[1] || a.index - b.index)
    .map(({labels, box}) => ({labels: labels.sort((a, b) => a - b), box,
                              verdict: box[3] - box[1] > touchingAspect * (box[2] - box[0]) ? TOUCHING : ONE}));
}

// Why a picture holds no digit: nothing in it, only lines or edges across it, only specks, or
// more marks in a row than a number has.
export const BLANK = 'blank', LINES = 'lines', SPECKS = 'specks', MANY = 'many';

// The pieces, the writing among them, and the digits it makes, left to right, each with its own
// ink cropped to its box (inkWidth x inkHeight); and, when there are none, why.
function findDigits(ink, width, height, preprocessing, drawn) {
  const {framing: {inkThreshold}, pieces: piecesStage, grouping, rejection} = preprocessing;
  let {labels, pieces} = labelPieces(ink, width, height, inkThreshold);
  const foundInk = pieces.length > 0;
  const cleared = drawn ? null : withoutLines(ink, labels, pieces, width, height, piecesStage);
  if (cleared) {
    ink = cleared;
    ({labels, pieces} = labelPieces(ink, width, height, inkThreshold));
  }
  const kept = writing(pieces, width, height, piecesStage, drawn);
  const found = digitsOf(kept, width, height, grouping, rejection);
  if (found.length > rejection.mostDigits) return {digits: [], reason: MANY};
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
  // To nine decimals first, as the reference does: a centre on a half pixel rounds the same way in both.
  const placement = (offset) => roundHalfUp(Math.floor(offset * 1e9 + 0.5) / 1e9);
  const placeTop = Math.min(Math.max(placement(massCentre - row), 0), imageSize - patchHeight);
  const placeLeft = Math.min(Math.max(placement(massCentre - col), 0), imageSize - patchWidth);
  const digit = new Float64Array(imageSize * imageSize);
  for (let y = 0; y < patchHeight; y++) {
    for (let x = 0; x < patchWidth; x++) {
      digit[(placeTop + y) * imageSize + placeLeft + x] = patch[y * patchWidth + x];
    }
  }
  return digit;
}

// Where a wide mark's ink (inkWidth x inkHeight, its box) may be cut between two digits: the
// cutCandidates columns with the least ink (summed top to bottom), the leftmost first among
// equals, at least cutSpacing of its height (and two columns) apart, and far enough from its ends
// to leave a digit there; left to right. A cut gives the columns before it to the digit on its left.
export function cutColumns(ink, inkWidth, inkHeight, {cutCandidates, cutSpacing, cutWidths}) {
  const narrowest = Math.max(1, roundHalfUp(cutWidths[0] * inkHeight));
  const apart = Math.max(2, roundHalfUp(cutSpacing * inkHeight));
  const totals = [];
  for (let column = narrowest; column <= inkWidth - narrowest; column++) {
    let total = 0;
    for (let y = 0; y < inkHeight; y++) total += ink[y * inkWidth + column];
    totals.push({column, total});
  }
  totals.sort((a, b) => a.total - b.total || a.column - b.column);
  const chosen = [];
  for (const {column} of totals) {
    if (chosen.length < cutCandidates && chosen.every((other) => Math.abs(column - other) >= apart)) {
      chosen.push(column);
    }
  }
  return chosen.sort((a, b) => a - b);
}

// All ways of choosing `count` of `items`, in lexicographic order (as Python's combinations).
function* combinations(items, count, from = 0, chosen = []) {
  if (chosen.length === count) {
    yield chosen;
    return;
  }
  for (let index = from; index < items.length; index++) yield* combinations(items, count, index + 1, [...chosen, items[index]]);
}

// The ways to cut a wide mark's ink into two to 1 + mostCuts digits at its cutColumns, each with
// ink and between cutWidths times its height wide: {parts: [[from, to)], ways: [[part index]]},
// fewer cuts first, then in the order of the columns.
export function cuttings(ink, inkWidth, inkHeight, grouping, inkThreshold) {
  const {cutWidths, mostCuts} = grouping;
  const narrowest = cutWidths[0] * inkHeight, widest = cutWidths[1] * inkHeight;
  const parts = new Map(), fits = new Map(), ways = [];
  const columns = cutColumns(ink, inkWidth, inkHeight, grouping);
  for (let count = 1; count <= mostCuts; count++) {
    for (const cuts of combinations(columns, count)) {
      const edges = [0, ...cuts, inkWidth];
      const spans = edges.slice(1).map((end, index) => [edges[index], end]);
      for (const [from, to] of spans) {
        const key = `${from},${to}`;
        if (!fits.has(key)) {
          fits.set(key, narrowest <= to - from && to - from <= widest &&
                   inkBox(columnsOf(ink, inkWidth, inkHeight, from, to), to - from, inkHeight, inkThreshold) !== null);
        }
      }
      if (spans.every(([from, to]) => fits.get(`${from},${to}`))) {
        ways.push(spans.map(([from, to]) => {
          const key = `${from},${to}`;
          if (!parts.has(key)) parts.set(key, {index: parts.size, span: [from, to]});
          return parts.get(key).index;
        }));
      }
    }
  }
  return {parts: [...parts.values()].map(({span}) => span), ways};
}

// The columns [from, to) of a mark's ink, as an image of their own.
function columnsOf(ink, inkWidth, inkHeight, from, to) {
  const part = new Float64Array((to - from) * inkHeight);
  for (let y = 0; y < inkHeight; y++) part.set(ink.subarray(y * inkWidth + from, y * inkWidth + to), y * (to - from));
  return part;
}

// A picture's grey levels to its digits, left to right, each with the input MNIST would have made
// of it ({digits: [{box, verdict, input, parts, splits}], reason}: reason says why there are none;
// for a mark that may be digits that touch, parts holds the inputs of the parts it may be cut
// into, and splits each way of cutting it, as its parts' indices from left to right). drawn: the
// pad's picture; single: all its ink is one digit, as on the ordinary pad. The page's one entry.
export function readPicture(grey, width, height, preprocessing, drawn = false, single = false) {
  const {paper, grouping, framing} = preprocessing;
  const ink = toInk(grey, width, height, paper);
  let found;
  if (single) {
    const box = inkBox(ink, width, height, framing.inkThreshold);
    found = {reason: box ? '' : BLANK, digits: box ? [{box, verdict: ONE, ink, inkWidth: width, inkHeight: height}] : []};
  } else {
    found = findDigits(ink, width, height, preprocessing, drawn);
  }
  const framed = (own, ownWidth, ownHeight) => mnistLike(own, ownWidth, ownHeight, framing);
  return {reason: found.reason, digits: found.digits.map(({box, verdict, ink: own, inkWidth, inkHeight}) => {
    const {parts, ways} = verdict === TOUCHING ? cuttings(own, inkWidth, inkHeight, grouping, framing.inkThreshold)
      : {parts: [], ways: []};
    return {box, verdict, input: framed(own, inkWidth, inkHeight), splits: ways,
            parts: parts.map(([from, to]) => framed(columnsOf(own, inkWidth, inkHeight, from, to), to - from, inkHeight))};
  })};
}
