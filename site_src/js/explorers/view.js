// What the explorers' views share: a form of labelled native controls whose values live in the
// page's address, the testing contract's attributes (data-state, data-source and the numbers),
// the digit to start from, and grids of numbers painted on canvases and written out as text.
// Only view modules touch the page.

import {digitChoices, loadSamples} from './digits.js';
import {classifierFor} from '../models.js';
import {readSettings, writeSettings} from './settings.js';

// Numbers in attributes: comma-separated, row by row, with seven significant digits.
export function formatNumbers(values) {
  return Array.from(values, (value) => String(Number(value.toPrecision(7)))).join(',');
}

const DISPLAY = new Intl.NumberFormat('en', {maximumSignificantDigits: 3});
export const display = (value) => DISPLAY.format(value).replace('-', '−');

export function element(tag, attributes = {}, text = '') {
  const made = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) made.setAttribute(name, value);
  if (text) made.textContent = text;
  return made;
}

export class ExplorerView {
  // fields: [{name, label, kind: 'number' | 'range' | 'select', min, max, step, options, parse}],
  // each field's parse taking the text of its control (settings.js).
  constructor(root, fields) {
    this.root = root;
    this.fields = fields;
    this.form = element('form', {class: 'explorer-controls', 'aria-label': root.dataset.label || 'Settings'});
    this.form.addEventListener('submit', (event) => event.preventDefault());
    for (const field of fields) this.form.append(this.control(field));
    this.root.replaceChildren(this.form);
  }

  control({name, label, kind, min, max, step = 1, options}) {
    const wrapper = element('label', {class: 'explorer-control'});
    wrapper.append(element('span', {}, label));
    let input;
    if (kind === 'select') {
      input = element('select', {name});
      for (const {value, text} of options) input.append(element('option', {value}, text));
    } else {
      input = element('input', {name, type: kind, min: String(min), max: String(max), step: String(step)});
      if (kind === 'range') {
        const shown = element('output', {'aria-hidden': 'true'});  // the slider announces its own value
        input.addEventListener('input', () => { shown.textContent = input.value; });
        wrapper.append(input, shown);
        return wrapper;
      }
    }
    wrapper.append(input);
    return wrapper;
  }

  input(name) {
    return this.form.elements.namedItem(name);
  }

  // Replace a select's options (the digits to choose from depend on the session).
  setOptions(name, options) {
    this.input(name).replaceChildren(...options.map(({value, text}) => element('option', {value}, text)));
  }

  spec(initial) {
    return Object.fromEntries(this.fields.map(({name, parse}) => [name, {initial: initial[name], parse}]));
  }

  // The settings in the address, over `initial`; the controls set to them.
  start(initial) {
    this.initial = initial;
    const values = readSettings(this.spec(initial), location.search);
    this.show(values);
    return values;
  }

  show(values) {
    for (const [name, value] of Object.entries(values)) {
      const input = this.input(name);
      input.value = String(value);
      const shown = input.parentElement.querySelector('output');
      if (shown) shown.textContent = input.value;
    }
  }

  // What the controls say, each value parsed; one the parser refuses keeps its initial value.
  values() {
    return Object.fromEntries(this.fields.map(({name, parse}) => {
      const parsed = parse(this.input(name).value);
      return [name, parsed === null ? this.initial[name] : parsed];
    }));
  }

  // handler(values) runs at once on every change of a control, and the address follows.
  onChange(handler) {
    this.form.addEventListener('input', () => {
      const values = this.values();
      handler(values);
      this.remember(values);
    });
  }

  remember(values) {
    const search = writeSettings(this.spec(this.initial), values, location.search);
    history.replaceState(history.state, '', `${location.pathname}${search}${location.hash}`);
  }

  setState(state) {
    this.root.dataset.state = state;
    this.root.setAttribute('aria-busy', String(state === 'loading'));
  }

  // Numbers of the testing contract, by attribute name without "data-".
  publish(numbers) {
    for (const [name, values] of Object.entries(numbers)) {
      this.root.setAttribute(`data-${name}`, typeof values === 'string' ? values : formatNumbers(values));
    }
  }

  showError(message) {
    this.setState('error');
    const note = element('p', {class: 'explorer-error', role: 'alert'}, message);
    this.root.append(note);
  }
}

// The models and digits an explorer needs, from the addresses the page gives: the CNN
// (data-model), the sample digits (data-samples) and, where the page has one, the fully
// connected network (data-dense-model).
// `preferred` picks the test digit to start from when the visitor has not drawn one.
export async function loadInputs(root, preferred) {
  const absolute = (address) => new URL(address, document.baseURI).href;
  const [classifier, samples, dense] = await Promise.all([
    classifierFor(absolute(root.dataset.model)),
    loadSamples(absolute(root.dataset.samples)),
    root.dataset.denseModel ? classifierFor(absolute(root.dataset.denseModel)) : null,
  ]);
  return {classifier, dense, choices: digitChoices(samples, preferred)};
}

// A canvas of side x side cells, each `cell` pixels, with a caption for screen readers.
export function grid(label, cell = 10) {
  const canvas = element('canvas', {role: 'img', 'aria-label': label, class: 'explorer-grid'});
  canvas.cell = cell;
  return canvas;
}

const MARK = '#f5a623';
const PADDING = '#2b3a55';

// values: side x side numbers. Grey from 0 (black) to the largest (white), or, when signed,
// blue below 0 and orange above, each as deep as the value is large. marks: cells to outline,
// [row, col] in the grid's own coordinates (which may lie in a margin of `margin` cells).
export function paintGrid(canvas, values, side, {signed = false, marks = [], margin = 0} = {}) {
  const cell = canvas.cell;
  const full = side + 2 * margin;
  canvas.width = canvas.height = Math.max(full, 1) * cell;
  const context = canvas.getContext('2d');
  context.fillStyle = PADDING;  // the margin: zeros of padding, set apart from the input's own
  context.fillRect(0, 0, canvas.width, canvas.height);
  const extent = Math.max(...Array.from(values, Math.abs), 1e-9);
  for (let row = 0; row < side; row++) {
    for (let col = 0; col < side; col++) {
      const share = values[row * side + col] / extent;
      context.fillStyle = signed ? divergingColour(share) : greyColour(share);
      context.fillRect((col + margin) * cell, (row + margin) * cell, cell, cell);
    }
  }
  context.lineWidth = Math.max(1, cell / 6);
  context.strokeStyle = MARK;
  for (const [row, col] of marks) {
    context.strokeRect((col + margin) * cell + 0.5, (row + margin) * cell + 0.5, cell - 1, cell - 1);
  }
}

function greyColour(share) {
  const level = Math.round(255 * Math.max(0, share));
  return `rgb(${level},${level},${level})`;
}

function divergingColour(share) {
  const depth = Math.min(1, Math.abs(share));
  const [r, g, b] = share < 0 ? [33, 102, 172] : [214, 96, 77];
  const mix = (channel) => Math.round(255 + (channel - 255) * depth);
  return `rgb(${mix(r)},${mix(g)},${mix(b)})`;
}

// "All the numbers": the grids an explorer paints, as tables, for reading and for screen
// readers. show([[caption, values, side], ...]) after each update; the tables are written only
// while the details are open.
export function allNumbers() {
  const details = element('details', {class: 'explorer-all-numbers'});
  details.append(element('summary', {}, 'All the numbers'));
  const tables = element('div');
  details.append(tables);
  let grids = [];
  const fill = () => tables.replaceChildren(...grids.map((grid) => numberTable(...grid)));
  details.addEventListener('toggle', () => details.open && fill());
  return {
    element: details,
    show(next) {
      grids = next;
      if (details.open) fill();
    },
  };
}

function numberTable(caption, values, side) {
  const table = element('table', {class: 'explorer-numbers'});
  table.append(element('caption', {}, caption));
  for (let row = 0; row < side; row++) {
    const line = element('tr');
    for (let col = 0; col < side; col++) line.append(element('td', {}, display(values[row * side + col])));
    table.append(line);
  }
  return table;
}
