// The digit classifier: draw a digit, and the CNN trained on MNIST reads it in the browser.

import {Sketch} from './drawing.js';
import {rememberDrawing} from './explorers/digits.js';
import {whyMap} from './explorers/why_view.js';
import {classifierFor} from './models.js';
import {pictureGreyLevels} from './picture.js';
import {BLANK, LINES, MANY, readPicture} from './preprocess.js';
import {chosenDigits, claim, firstDoubtful} from './reading.js';

const ORDINALS = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth'];

// Why there is nothing to read, in plain words.
function nothingToRead(reason, drawn, numberMode) {
  if (reason === BLANK) {
    return drawn ? `Draw a digit from 0 to 9${numberMode ? ', or a number,' : ''} in the box.`
      : 'There is no ink in this picture to read: it looks blank.';
  }
  if (reason === LINES) return 'No digit here: only lines or edges that run across the whole picture.';
  if (reason === MANY) {
    return 'No number here: more marks in a row than the eight digits a number may have, as on ruled or ' +
      'squared paper, or in writing.';
  }
  return 'No digit here: only specks or dots, too small to be a digit.';
}
const WIDE = 4;  // the pad for a number is this many times as wide as it is high: room for eight digits

// What the page says of the digits read, left to right: the number it claims (reading.js's rule),
// the lowest confidence, and a sentence that says which digit is in doubt.
export function describe(readings, classNames, claimThreshold) {
  const digits = readings.map(({probabilities}) => probabilities);
  const claimed = claim(digits, claimThreshold, classNames);
  const doubtful = firstDoubtful(digits, claimThreshold);
  const read = digits.map((probabilities) => {
    const top = probabilities.indexOf(Math.max(...probabilities));
    return {name: classNames[top], confidence: probabilities[top], sure: firstDoubtful([probabilities], claimThreshold) < 0};
  });
  const confidence = Math.min(...read.map((digit) => digit.confidence));
  const percent = (value) => `${Math.round(value * 100)}%`;
  if (read.length === 1) {
    const [{name}] = read;
    return claimed !== null ? {claim: claimed, confidence, message: `It looks like ${name} (${percent(confidence)} sure).`}
      : {claim: null, confidence, message: `Not sure: perhaps ${name}, at ${percent(confidence)}. A digit from 0 to ` +
         '9 drawn large and alone reads best; the network is taught to be unsure of letters, drawings and blots.'};
  }
  if (claimed !== null) {
    return {claim: claimed, confidence,
            message: `It reads ${claimed}: ${read.length} digits, each at least ${Math.floor(confidence * 100)}% sure.`};
  }
  const which = `the ${ORDINALS[doubtful] || `${doubtful + 1}th`} of ${read.length} digits`;
  const guess = read.map((digit) => (digit.sure ? digit.name : '?')).join('');
  const doubt = read[doubtful];
  return {claim: null, confidence,
          message: `Not sure of ${which}: perhaps ${doubt.name}, at ${percent(doubt.confidence)} (${guess}).`};
}

export async function mount(view) {
  view.setState('loading');
  let classifier, brushWidth;
  try {
    brushWidth = view.brushWidth;
    classifier = await classifierFor(view.modelUrl);
  } catch (error) {
    view.showError(error.message);
    return;
  }
  const {classNames, preprocessing, claimThreshold} = classifier.metadata;
  const {imageSize} = preprocessing.framing;
  const {convolutions} = classifier;
  view.showClasses(classNames);
  view.showConvolutions(convolutions);
  view.exposeTensorCount(() => classifier.tensorCount);
  const why = whyMap(view.whyMapRoot, classifier);
  view.openInsideFor(location.hash);

  let readings = [];
  let selected = 0;
  // The digits' probabilities, a number's in one batch with the parts of every wide mark, which is
  // read whole or as the digits of a way of cutting it, whichever the network is surer of; the
  // feature maps only of the digit shown.
  const read = (digits) => {
    if (!digits.length) return [];
    if (digits.length === 1 && !digits[0].splits.length) {
      const [{input}] = digits;
      return [{input, ...classifier.predict(input)}];
    }
    const inputs = digits.flatMap(({input, parts}) => [input, ...parts]);
    const size = imageSize * imageSize, classes = classNames.length;
    const batch = new Float64Array(inputs.length * size);
    inputs.forEach((input, index) => batch.set(input, index * size));
    const probabilities = classifier.probabilitiesOf(batch, inputs.length);
    let next = 0;
    const take = () => {
      const input = inputs[next];
      const mine = Array.from(probabilities.subarray(next * classes, ++next * classes));
      return {input, probabilities: mine};
    };
    return digits.flatMap(({parts, splits}) => {
      const whole = take();
      return chosenDigits(whole, parts.map(() => take()), splits, (reading) => reading.probabilities);
    });
  };

  // The digit the bars, the input and the network's insides show: one of a number's, or the only one.
  const showSelected = () => {
    const reading = readings[selected];
    view.showInput(reading ? reading.input : null, imageSize);
    // The feature maps take a pass of their own through the network: made when they are shown.
    view.showMaps(reading ? () => (reading.maps ??= classifier.predict(reading.input).maps) : () => null,
                  convolutions);
    view.showReadings(readings, classNames, selected, (index) => {
      selected = index;
      showSelected();
    });
    if (reading) view.showProbabilities(reading.probabilities, firstDoubtful([reading.probabilities], claimThreshold) < 0);
    why.show(reading ? reading.input : null);
  };

  // drawn: the picture is the pad's, where a blank pad asks for a drawing.
  const classify = ({grey, width, height}, drawn = true) => {
    const started = performance.now();
    // The ordinary pad holds one digit, whatever its pieces; the wide pad and pictures may hold a number.
    const {digits, reason} = readPicture(grey, width, height, preprocessing, drawn, drawn && !view.numberMode);
    readings = read(digits);
    const milliseconds = performance.now() - started;
    if (!readings.length) {
      view.showPrediction({claim: null, confidence: null, probabilities: null, milliseconds: null,
                           message: nothingToRead(reason, drawn, view.numberMode)});
    } else {
      const described = describe(readings, classNames, claimThreshold);
      // The digit in doubt if there is one, else the first.
      selected = Math.max(0, firstDoubtful(readings.map(({probabilities}) => probabilities), claimThreshold));
      view.showPrediction({...described, probabilities: readings[selected].probabilities, milliseconds,
                           backend: classifier.backend});
      rememberDrawing(readings[0].input);  // for the explorers on the concept pages, in this tab only
    }
    showSelected();
    view.setState('ready');
  };

  const sketch = new Sketch(view.canvas, {
    brushFraction: brushWidth,
    // The prediction takes a few milliseconds: it runs at once, to be shown in the same frame
    // as the stroke's end.
    onStrokeEnd: () => {
      view.setState('busy');
      classify(sketch.greyLevels());
    },
  });
  view.on('digit-undo', 'click', () => {
    sketch.undo();
    classify(sketch.greyLevels());
  });
  view.on('digit-clear', 'click', () => {
    sketch.clear();
    classify(sketch.greyLevels());
  });
  view.on('digit-number', 'click', () => {
    const wide = !view.numberMode;
    view.showNumberMode(wide);
    sketch.setWidth(sketch.canvas.height * (wide ? WIDE : 1));
    classify(sketch.greyLevels());
  });

  const classifyFile = async (file) => {
    if (!file) return;
    view.setState('busy');
    try {
      const picture = await pictureGreyLevels(file);
      sketch.showPicture(picture.bitmap);
      classify(picture, false);
    } catch (error) {
      view.showPrediction({claim: null, confidence: null, probabilities: null, classNames, milliseconds: null,
                           message: error.message});
      view.setState('ready');
    }
  };
  view.on('digit-upload', 'change', (event) => {
    classifyFile(event.target.files[0]);
    event.target.value = '';  // choosing the same file again is a new upload
  });
  view.on('digit-classifier', 'dragover', (event) => event.preventDefault());
  view.on('digit-classifier', 'drop', (event) => {
    event.preventDefault();
    classifyFile(event.dataTransfer.files[0]);
  });
  document.addEventListener('paste', (event) => {
    const file = event.clipboardData && event.clipboardData.files[0];
    if (file && view.root.isConnected) classifyFile(file);
  });
  classify(sketch.greyLevels());
}

