// The digits an explorer can show: the visitor's last drawing on the demo, kept in this tab's
// session storage (never sent anywhere), or one of the MNIST test digits the build picked.

const DRAWING_KEY = 'cnn-qa:last-drawing';

// digit: the network's input, side x side values in [0, 1], row by row.
export function rememberDrawing(digit) {
  try {
    sessionStorage.setItem(DRAWING_KEY, JSON.stringify(Array.from(digit)));  // exactly: the explorers read it again
  } catch {
    // Storage can be turned off; the explorers then start from a test digit.
  }
}

export function lastDrawing() {
  try {
    const stored = JSON.parse(sessionStorage.getItem(DRAWING_KEY));
    return Array.isArray(stored) ? Float64Array.from(stored) : null;
  } catch {
    return null;
  }
}

// The build's sample digits: [{name: 'test-3', index, label, confidence, pixels}], pixels in [0, 1].
export async function loadSamples(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`the sample digits could not be loaded (${response.status} for ${url})`);
  const {digits} = await response.json();
  return digits.map(({index, label, confidence, pixels}) => ({
    name: `test-${index}`, index, label, confidence,
    pixels: Float64Array.from(atob(pixels), (character) => character.charCodeAt(0) / 255),
  }));
}

const SURE = new Intl.NumberFormat('en', {style: 'percent', maximumFractionDigits: 0});

// The digits to choose from, the visitor's drawing first when there is one. `preferred` picks
// the test digit to start from when there is no drawing (default: the first).
export function digitChoices(samples, preferred = (choices) => choices[0]) {
  const drawing = lastDrawing();
  const choices = samples.map(({name, index, label, confidence, pixels}) => ({
    name, confidence, pixels,
    text: `A ${label}: MNIST test digit ${index}, read at ${SURE.format(confidence)}`,
  }));
  const first = preferred(choices);
  const rest = choices.filter((choice) => choice !== first);
  return drawing ? [{name: 'drawing', pixels: drawing, text: 'Your last drawing'}, first, ...rest] : [first, ...rest];
}
