// Why this answer (#why-map, on the demo): an occlusion map over the input the network received.
// For each pixel, a square patch centred on it is set to the background, and the map shows how
// much the predicted digit's probability falls.

import {coveringCentres, occlusionInputs, saliency} from './occlusion.js';
import {integer} from './settings.js';
import {ExplorerView, allNumbers, display, element, grid, paintGrid} from './view.js';

const PATCHES = [1, 3, 5, 7, 9];
const BATCH = 256;  // occluded copies per pass through the network

export function whyMap(root, classifier) {
  if (!root) return {show() {}};
  const {classNames, preprocessing: {framing: {imageSize: side}}} = classifier.metadata;
  const view = new ExplorerView(root, [
    {name: 'patch', label: 'Patch (pixels a side)', kind: 'select', parse: (raw) =>
      (PATCHES.includes(integer(1, 9)(raw)) ? Number(raw) : null),
     options: PATCHES.map((size) => ({value: String(size), text: `${size} × ${size}`}))},
  ]);
  const input = grid('The input the network received', 6);
  const map = grid('The occlusion map: how much covering each pixel lowers the answer\'s probability', 6);
  const figures = element('div', {class: 'explorer-figures'});
  for (const [canvas, text] of [[input, 'The input'], [map, 'Drop in probability when covered']]) {
    const figure = element('figure');
    figure.append(canvas, element('figcaption', {}, text));
    figures.append(figure);
  }
  const summary = element('p', {class: 'explorer-note', 'aria-live': 'polite'});
  const numbers = allNumbers();
  root.append(figures, summary, numbers.element);

  let digit = null;
  let settings = view.start({patch: 5});
  const compute = () => {
    if (!digit) {
      view.publish({source: 'drawing', input: '', class: '', saliency: ''});
      paintGrid(input, new Float64Array(side * side), side);
      paintGrid(map, new Float64Array(side * side), side);
      numbers.show([]);
      summary.textContent = 'Draw a digit to see which of its pixels the answer rests on.';
      view.setState('ready');
      return;
    }
    const base = classifier.probabilitiesOf(digit, 1);
    const top = base.indexOf(Math.max(...base));
    const centres = coveringCentres(digit, side, settings.patch);
    const copies = occlusionInputs(digit, side, settings.patch, centres);
    const covered = new Float64Array(centres.length);
    for (let start = 0; start < centres.length; start += BATCH) {
      const count = Math.min(BATCH, centres.length - start);
      const probabilities = classifier.probabilitiesOf(copies.subarray(start * side * side, (start + count) * side * side), count);
      for (let i = 0; i < count; i++) covered[start + i] = probabilities[i * classNames.length + top];
    }
    const drops = saliency(side, base[top], centres, covered);
    view.publish({source: 'drawing', input: digit, class: classNames[top], saliency: drops});
    paintGrid(input, digit, side);
    paintGrid(map, drops, side, {signed: true});
    numbers.show([['The input', digit, side], [`The drop in the probability of ${classNames[top]}`, drops, side]]);
    const largest = drops.indexOf(Math.max(...drops));
    summary.textContent = `Red pixels hold up the answer ${classNames[top]}: blanking the ${settings.patch} × ` +
      `${settings.patch} square around one lowers its probability, by up to ${display(drops[largest])} ` +
      `(row ${Math.floor(largest / side) + 1}, column ${largest % side + 1}). Blue ones count against it: ` +
      'covering them raises it. The map tells where this answer comes from, not why, nor what the network would do with ' +
      'another drawing; and a blanked square is itself a drawing no one made, which the network may read ' +
      'in its own way.';
    view.setState('ready');
  };
  view.onChange((values) => {
    settings = values;
    compute();
  });
  // Nothing is computed while the map is out of sight: it runs the network several hundred times.
  const holder = root.closest('details');
  let pending = true;
  const computeWhenSeen = () => {
    if (holder && !holder.open) {
      pending = true;
      view.setState('loading');
      return;
    }
    pending = false;
    compute();
  };
  if (holder) holder.addEventListener('toggle', () => holder.open && pending && computeWhenSeen());
  return {
    show(next) {
      digit = next ? Float32Array.from(next) : null;
      computeWhenSeen();
    },
  };
}
