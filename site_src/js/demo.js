// The digit classifier: draw a digit, and the CNN trained on MNIST reads it in the browser.

import {Sketch} from './drawing.js';
import {loadClassifier} from './classifier.js';
import {pictureGreyLevels} from './picture.js';
import {mnistLike, toInk} from './preprocess.js';

// Below this top probability the page says it is unsure instead of naming a digit.
const CLAIM_AT_LEAST = 0.6;
// The brush's width as a share of the canvas: close to MNIST's pen once the digit is scaled down.
const BRUSH_FRACTION = 0.08;

const classifiers = new Map();  // model URL -> promise of its classifier, kept across pages

function classifierFor(url) {
  if (!classifiers.has(url)) {
    const loading = loadClassifier(url);
    loading.catch(() => classifiers.delete(url));  // a later visit tries again
    classifiers.set(url, loading);
  }
  return classifiers.get(url);
}

function describe(probabilities, classNames) {
  const top = probabilities.indexOf(Math.max(...probabilities));
  const confidence = probabilities[top];
  if (confidence < CLAIM_AT_LEAST) {
    return {claim: null, confidence,
            message: `Not sure: perhaps ${classNames[top]}, at ${Math.round(confidence * 100)}%.`};
  }
  return {claim: classNames[top], confidence,
          message: `It looks like ${classNames[top]} (${Math.round(confidence * 100)}% sure).`};
}

export async function mount(view) {
  view.setState('loading');
  let classifier;
  try {
    classifier = await classifierFor(view.modelUrl);
  } catch (error) {
    view.showError(error.message);
    return;
  }
  const {classNames, preprocessing} = classifier.metadata;
  view.showClasses(classNames);
  view.showLayers(classifier.layers);
  view.exposeTensorCount(() => classifier.tensorCount);

  const classify = ({grey, width, height}) => {
    const ink = toInk(grey, width, height, preprocessing.noiseSpreads);
    const digit = mnistLike(ink, width, height, preprocessing);
    view.showInput(digit, preprocessing.imageSize);
    if (!digit) {
      view.showMaps(classifier.layers.map(() => null), classifier.layers);
      view.showPrediction({claim: null, confidence: null, probabilities: null, classNames, milliseconds: null,
                           message: 'Draw a digit from 0 to 9 in the box.'});
    } else {
      const {probabilities, maps, milliseconds} = classifier.predict(digit);
      view.showMaps(maps, classifier.layers);
      view.showPrediction({...describe(probabilities, classNames), probabilities, classNames, milliseconds,
                           backend: classifier.backend});
    }
    view.setState('ready');
  };

  const sketch = new Sketch(view.canvas, {
    brushFraction: BRUSH_FRACTION,
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

  const classifyFile = async (file) => {
    if (!file) return;
    view.setState('busy');
    try {
      const picture = await pictureGreyLevels(file);
      sketch.showPicture(picture.bitmap);
      classify(picture);
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

