// The digit classifier: draw a digit, and the CNN trained on MNIST reads it in the browser.

import {Sketch} from './drawing.js';
import {rememberDrawing} from './explorers/digits.js';
import {whyMap} from './explorers/why_view.js';
import {classifierFor} from './models.js';
import {pictureGreyLevels} from './picture.js';
import {mnistLike, toInk} from './preprocess.js';

// claimThreshold: below this top probability the page says it is unsure instead of naming a digit.
function describe(probabilities, classNames, claimThreshold) {
  const top = probabilities.indexOf(Math.max(...probabilities));
  const confidence = probabilities[top];
  if (confidence < claimThreshold) {
    return {claim: null, confidence,
            message: `Not sure: perhaps ${classNames[top]}, at ${Math.round(confidence * 100)}%.`};
  }
  return {claim: classNames[top], confidence,
          message: `It looks like ${classNames[top]} (${Math.round(confidence * 100)}% sure).`};
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
  const {convolutions} = classifier;
  view.showClasses(classNames);
  view.showConvolutions(convolutions);
  view.exposeTensorCount(() => classifier.tensorCount);
  const why = whyMap(view.whyMapRoot, classifier);
  view.openInsideFor(location.hash);

  const classify = ({grey, width, height}) => {
    const ink = toInk(grey, width, height, preprocessing.noiseSpreads);
    const digit = mnistLike(ink, width, height, preprocessing);
    view.showInput(digit, preprocessing.imageSize);
    if (!digit) {
      view.showMaps(convolutions.map(() => null), convolutions);
      view.showPrediction({claim: null, confidence: null, probabilities: null, classNames, milliseconds: null,
                           message: 'Draw a digit from 0 to 9 in the box.'});
    } else {
      const {probabilities, maps, milliseconds} = classifier.predict(digit);
      view.showMaps(maps, convolutions);
      view.showPrediction({...describe(probabilities, classNames, claimThreshold), probabilities, classNames,
                           milliseconds, backend: classifier.backend});
      rememberDrawing(digit);  // for the explorers on the concept pages, in this tab only
    }
    view.setState('ready');
    why.show(digit);
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

