// The occlusion map's arithmetic: a copy of the digit per pixel with the patch centred on that
// pixel set to the background, and how much the class's probability drops for each. A patch
// that covers only background changes nothing, so its drop is 0 without running the network.
// model_build/arithmetic.py is the reference.

function patchRange(centre, half, side) {
  return [Math.max(centre - half, 0), Math.min(centre + half, side - 1)];
}

// The pixels whose patch covers any ink.
export function coveringCentres(digit, side, patch) {
  const half = Math.floor(patch / 2);
  const centres = [];
  for (let centre = 0; centre < side * side; centre++) {
    const [top, bottom] = patchRange(Math.floor(centre / side), half, side);
    const [left, right] = patchRange(centre % side, half, side);
    let ink = false;
    for (let r = top; r <= bottom && !ink; r++) {
      for (let c = left; c <= right && !ink; c++) ink = digit[r * side + c] > 0;
    }
    if (ink) centres.push(centre);
  }
  return centres;
}

// One copy of the digit per centre, with the patch around that centre set to 0.
export function occlusionInputs(digit, side, patch, centres) {
  const half = Math.floor(patch / 2);
  const copies = new Float32Array(centres.length * side * side);
  centres.forEach((centre, index) => {
    const copy = copies.subarray(index * side * side, (index + 1) * side * side);
    copy.set(digit);
    const [top, bottom] = patchRange(Math.floor(centre / side), half, side);
    const [left, right] = patchRange(centre % side, half, side);
    for (let r = top; r <= bottom; r++) copy.fill(0, r * side + left, r * side + right + 1);
  });
  return copies;
}

// base: the class's probability for the whole digit; covered: its probability for each centre's
// copy. The drop for every pixel, 0 where the patch covers no ink.
export function saliency(side, base, centres, covered) {
  const drops = new Float64Array(side * side);
  centres.forEach((centre, index) => { drops[centre] = base - covered[index]; });
  return drops;
}
