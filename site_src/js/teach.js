// The teaching page: the visitor defines symbols of their own, draws a few examples of each, and a
// new last layer learns them on top of the trained CNN (transfer.js), here in the browser. The
// classes and examples are kept in this browser's local storage, and can be exported and imported
// as a file; nothing is sent anywhere.
//
// Contract for tests: #teach with data-state (loading, ready, training, trained, error),
// data-classes, data-examples (a JSON array of counts per class), data-prediction (the index of the
// class read, empty when unsure) and data-confidence; #teach-canvas, #teach-clear, #teach-train,
// #teach-reset, and a button [data-teach-add="i"] per class.

import {Sketch} from './drawing.js';
import {element, grid, paintGrid} from './explorers/view.js';
import {classifierFor} from './models.js';
import {readPicture} from './preprocess.js';
import {NewLayer, TEACHING, randomSource, varied} from './transfer.js';

const STORAGE_KEY = 'cnn-qa-teach';
const FORMAT = 1;  // of what is stored and exported
const FIRST_NAMES = ['tick', 'cross', 'circle', 'fourth', 'fifth'];
const MOST_CLASSES = 5;
const PERCENT = new Intl.NumberFormat('en', {style: 'percent', maximumFractionDigits: 0});

// Examples are stored as bytes: 784 of them per 28 x 28 input.
const toBytes = (input) => btoa(String.fromCharCode(...Array.from(input, (value) => Math.round(value * 255))));
const fromBytes = (text) => Float64Array.from(atob(text), (character) => character.charCodeAt(0) / 255);

function startingClasses() {
  return FIRST_NAMES.slice(0, 3).map((name) => ({name, examples: []}));
}

// A saved or imported set of classes, checked: throws with the reason when it is not one.
export function parseClasses(text, side) {
  let data;
  try {
    data = JSON.parse(text);
  } catch {
    throw new Error('the file is not JSON; export a set from this page to see the format');
  }
  if (!data || data.format !== FORMAT || !Array.isArray(data.classes) || !data.classes.length ||
      data.classes.length > MOST_CLASSES) {
    throw new Error(`it is not a set of 1 to ${MOST_CLASSES} classes exported by this page (format ${FORMAT})`);
  }
  return data.classes.map(({name, examples}, index) => {
    if (typeof name !== 'string' || !Array.isArray(examples)) throw new Error(`class ${index + 1} has no name or examples`);
    return {name: name.slice(0, 40), examples: examples.map((bytes) => {
      const input = fromBytes(bytes);
      if (input.length !== side * side) throw new Error(`an example of "${name}" is not ${side} x ${side} pixels`);
      return input;
    })};
  });
}

export function serialiseClasses(classes) {
  return JSON.stringify({format: FORMAT, classes: classes.map(({name, examples}) =>
    ({name, examples: examples.map(toBytes)}))});
}

export async function mount(root) {
  const status = root.querySelector('#teach-status');
  const list = root.querySelector('#teach-classes');
  const curve = root.querySelector('#teach-curve');
  const summary = root.querySelector('#teach-summary');
  // The explanation sits under the pad, outside the tool: found in the page, and optional.
  const explain = document.getElementById('teach-explain') ?? document.createElement('p');
  const setState = (state) => {
    root.dataset.state = state;
    root.setAttribute('aria-busy', String(state === 'loading' || state === 'training'));
  };
  const say = (text) => { status.textContent = text; };
  let classifier;
  try {
    classifier = await classifierFor(new URL(root.dataset.model, document.baseURI).href);
  } catch (error) {
    setState('error');
    say(error.message);
    return;
  }
  const {preprocessing, claimThreshold} = classifier.metadata;
  const side = preprocessing.framing.imageSize;
  const featureSize = classifier.featuresOf(new Float64Array(side * side), 1).size;
  root.tensorCount = () => classifier.tensorCount;

  let classes;
  try {
    classes = localStorage.getItem(STORAGE_KEY) ? parseClasses(localStorage.getItem(STORAGE_KEY), side)
      : startingClasses();
  } catch {
    classes = startingClasses();  // what was kept cannot be read: start afresh rather than fail
  }
  let layer = null;
  let drawing = null;  // the current drawing's input, or null when the pad is blank

  const save = () => {
    try {
      localStorage.setItem(STORAGE_KEY, serialiseClasses(classes));
    } catch {
      say('This browser would not keep the examples (its storage is full or turned off); export them to keep them.');
    }
  };
  const forget = () => {  // the layer learnt other examples: it goes
    layer?.dispose();
    layer = null;
    summary.textContent = '';
    showReading(null);
    setState('ready');
  };

  const sketch = new Sketch(root.querySelector('#teach-canvas'), {
    brushFraction: Number(root.dataset.brushWidth),
    onStrokeEnd: () => read(),
  });

  function currentInput() {
    const {grey, width, height} = sketch.greyLevels();
    const {digits} = readPicture(grey, width, height, preprocessing, true, true);
    return digits.length ? digits[0].input : null;
  }

  function probabilitiesOf(inputs) {
    const batch = new Float64Array(inputs.length * side * side);
    inputs.forEach((input, index) => batch.set(input, index * side * side));
    const {features} = classifier.featuresOf(batch, inputs.length);
    return layer.probabilities(features, inputs.length);
  }

  function read() {
    drawing = currentInput();
    if (!layer || !drawing) {
      showReading(null);
      return;
    }
    showReading(Array.from(probabilitiesOf([drawing])));
  }

  function showReading(probabilities) {
    const top = probabilities ? probabilities.indexOf(Math.max(...probabilities)) : -1;
    const sure = top >= 0 && probabilities[top] >= claimThreshold;
    root.dataset.prediction = sure ? String(top) : '';
    root.dataset.confidence = top >= 0 ? probabilities[top].toFixed(4) : '';
    list.querySelectorAll('.tc-bar > span').forEach((bar, index) => {
      bar.style.width = `${probabilities ? (probabilities[index] * 100).toFixed(1) : 0}%`;
    });
    list.querySelectorAll('.tc-share').forEach((share, index) => {
      share.textContent = probabilities ? PERCENT.format(probabilities[index]) : '';
    });
    list.querySelectorAll('.tc-class').forEach((item, index) => item.classList.toggle('tc-top', sure && index === top));
    if (layer && probabilities) {
      say(sure ? `It looks like ${classes[top].name} (${PERCENT.format(probabilities[top])} sure).`
        : `Not sure: perhaps ${classes[top].name}, at ${PERCENT.format(probabilities[top])}.`);
    }
  }

  function render() {
    root.dataset.classes = String(classes.length);
    root.dataset.examples = JSON.stringify(classes.map(({examples}) => examples.length));
    list.replaceChildren(...classes.map(({name, examples}, index) => {
      const item = element('li', {class: 'tc-class'});
      const label = element('label', {for: `teach-name-${index}`, class: 'tc-label'}, `Class ${index + 1}`);
      const input = element('input', {id: `teach-name-${index}`, type: 'text', value: name, maxlength: '40'});
      input.addEventListener('change', () => {
        classes[index].name = input.value.trim() || `class ${index + 1}`;
        save();
      });
      const add = element('button', {type: 'button', 'data-teach-add': String(index)}, `Add the drawing to ${name}`);
      add.addEventListener('click', () => addExample(index));
      const remove = element('button', {type: 'button', class: 'tc-remove-class'}, 'Remove this class');
      remove.addEventListener('click', () => {
        classes.splice(index, 1);
        save();
        forget();
        render();
      });
      remove.disabled = classes.length <= 1;
      const thumbnails = element('ul', {class: 'tc-examples', 'aria-label': `Examples of ${name}`});
      examples.forEach((example, number) => {
        const thumbnail = element('li');
        const picture = grid(`Example ${number + 1} of ${name}`, 2);
        paintGrid(picture, example, side);
        const drop = element('button', {type: 'button', 'aria-label': `Remove example ${number + 1} of ${name}`}, '×');
        drop.addEventListener('click', () => {
          classes[index].examples.splice(number, 1);
          save();
          forget();
          render();
        });
        thumbnail.append(picture, drop);
        thumbnails.append(thumbnail);
      });
      const bar = element('span', {class: 'tc-bar'});
      bar.append(element('span'));
      item.append(label, input, add, remove, element('span', {class: 'tc-count'},
                                                      `${examples.length} example${examples.length === 1 ? '' : 's'}`),
                  thumbnails, bar, element('span', {class: 'tc-share'}));
      return item;
    }));
    root.querySelector('#teach-add-class').disabled = classes.length >= MOST_CLASSES;
    const total = classes.reduce((sum, {examples}) => sum + examples.length, 0);
    explain.textContent = `The network's layers up to its last one (${classifier.logitsLayer}) stay as they were ` +
      `trained; for each drawing they give the ${featureSize.toLocaleString('en')} numbers that layer takes in. The new layer weighs each of them for each of your ` +
      `${classes.length} classes, plus a bias per class: ${(featureSize * classes.length + classes.length)
        .toLocaleString('en')} numbers to learn. Your ${total} example${total === 1 ? '' : 's'} ` +
      `${total === 1 ? 'becomes' : 'become'} ${total * (TEACHING.copies + 1)} with ${TEACHING.copies} varied copies ` +
      `of each (moved up to ${TEACHING.maxShift} pixels, turned up to ${TEACHING.maxTurn} degrees, scaled, strokes ` +
      `thinner or thicker), and the layer learns from them for ${TEACHING.epochs} epochs with the Adam optimiser.`;
  }

  function addExample(index) {
    const input = currentInput();
    if (!input) {
      say('Draw something first: a blank pad is not an example.');
      return;
    }
    classes[index].examples.push(input);
    save();
    forget();
    sketch.clear();
    drawing = null;
    render();
    say(`Added an example of ${classes[index].name}. Draw the next one, or press Train.`);
  }

  async function teach() {
    const empty = classes.filter(({examples}) => !examples.length).map(({name}) => name);
    if (classes.length < 2) {
      say('Training needs at least two classes to tell apart: add a class.');
      return;
    }
    if (empty.length) {
      say(`Add at least one example to ${empty.join(', ')} first (or remove ${empty.length === 1 ? 'that class' :
        'those classes'}).`);
      return;
    }
    forget();
    setState('training');
    const random = randomSource(classes.reduce((sum, {examples}) => sum + examples.length, 1));
    const inputs = [], labels = [];
    classes.forEach(({examples}, label) => {
      for (const example of examples) {
        inputs.push(example, ...Array.from({length: TEACHING.copies}, () => varied(example, side, random)));
        labels.push(...Array(TEACHING.copies + 1).fill(label));
      }
    });
    const batch = new Float64Array(inputs.length * side * side);
    inputs.forEach((input, index) => batch.set(input, index * side * side));
    const {features, size} = classifier.featuresOf(batch, inputs.length);
    const history = [];
    const started = performance.now();
    const learning = new NewLayer(size, classes.length);
    try {
      await learning.train(features, labels, inputs.length, {
        onEpoch: (point) => {
          history.push(point);
          drawCurve(curve, history);
          say(`Training: epoch ${point.epoch} of ${point.epochs}, loss ${point.loss.toFixed(3)}, ` +
              `${PERCENT.format(point.accuracy)} of the examples right.`);
        },
      });
    } catch (error) {
      learning.dispose();
      setState('error');
      say(`Training failed (${error.message}). Reload the page; your examples are kept.`);
      return;
    }
    layer = learning;
    const seconds = (performance.now() - started) / 1000;
    root.dataset.trainingSeconds = seconds.toFixed(2);
    setState('trained');
    const last = history.at(-1);
    summary.textContent = `Trained in ${seconds.toFixed(1)} s on ${inputs.length} drawings: loss ` +
      `${last.loss.toFixed(3)}, ${PERCENT.format(last.accuracy)} of them read right.`;
    say('Trained. Draw a symbol to see it read.');
    if (drawing) read();
  }

  root.querySelector('#teach-clear').addEventListener('click', () => {
    sketch.clear();
    drawing = null;
    showReading(null);
  });
  root.querySelector('#teach-train').addEventListener('click', () => teach());
  root.querySelector('#teach-reset').addEventListener('click', () => {
    classes = startingClasses();
    try {
      localStorage.removeItem(STORAGE_KEY);
    } catch {
      // storage turned off: there is nothing kept to forget
    }
    forget();
    sketch.clear();
    curve.getContext('2d').clearRect(0, 0, curve.width, curve.height);
    render();
    say('Everything is forgotten: three empty classes again.');
  });
  root.querySelector('#teach-add-class').addEventListener('click', () => {
    classes.push({name: FIRST_NAMES[classes.length] ?? `class ${classes.length + 1}`, examples: []});
    save();
    forget();
    render();
  });
  root.querySelector('#teach-export').addEventListener('click', () => {
    const link = element('a', {href: URL.createObjectURL(new Blob([serialiseClasses(classes)],
                                                                  {type: 'application/json'})),
                               download: 'my-symbols.json'});
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  });
  root.querySelector('#teach-import').addEventListener('change', async (event) => {
    const [file] = event.target.files;
    event.target.value = '';
    if (!file) return;
    try {
      classes = parseClasses(await file.text(), side);
    } catch (error) {
      say(`"${file.name}" could not be imported: ${error.message}. Nothing was changed.`);
      return;
    }
    save();
    forget();
    render();
    say(`Imported ${classes.length} classes from "${file.name}". Press Train to teach them.`);
  });

  render();
  setState('ready');
  say(classes.some(({examples}) => examples.length) ? 'Your classes and examples are back. Press Train to teach them.'
    : 'Draw a symbol, then add it to a class. Five examples of each are plenty.');
}

// Loss (left axis, from 0 to its largest) and accuracy (right axis, 0 to 100%) per epoch.
function drawCurve(canvas, history) {
  const context = canvas.getContext('2d');
  const {width, height} = canvas;
  const style = getComputedStyle(canvas);
  context.clearRect(0, 0, width, height);
  const largest = Math.max(...history.map(({loss}) => loss), 1e-6);
  const epochs = history[0].epochs;
  const x = (epoch) => 4 + (width - 8) * (epoch - 1) / Math.max(epochs - 1, 1);
  const line = (value, colour) => {
    context.strokeStyle = colour;
    context.lineWidth = 2;
    context.beginPath();
    history.forEach((point, index) => context[index ? 'lineTo' : 'moveTo'](x(point.epoch), 4 + (height - 8) * (1 - value(point))));
    context.stroke();
  };
  line(({loss}) => loss / largest, style.getPropertyValue('--tc-loss') || '#c2185b');
  line(({accuracy}) => accuracy, style.getPropertyValue('--tc-accuracy') || '#1976d2');
}
