// The shift explorer (#shift-explorer): the digit moved across the input without centring it
// again, read by the CNN and by a fully connected network trained on the same data.

import {argmax} from './softmax.js';
import {integer, oneOf} from './settings.js';
import {shiftDigit} from './shift.js';
import {ExplorerView, allNumbers, element, grid, loadInputs, paintGrid} from './view.js';

const PERCENT = new Intl.NumberFormat('en', {style: 'percent', maximumFractionDigits: 0});
const COUNT = new Intl.NumberFormat('en');

export async function mount(root) {
  const {classifier, dense, choices} = await loadInputs(root);
  const {classNames, preprocessing: {framing: {imageSize: side}}} = classifier.metadata;
  const reach = Math.floor(side / 2);
  const view = new ExplorerView(root, [
    {name: 'digit', label: 'Digit', kind: 'select', options: [], parse: oneOf(choices.map(({name}) => name))},
    {name: 'shift-x', label: 'Move right (pixels)', kind: 'range', min: -reach, max: reach, parse: integer(-reach, reach)},
    {name: 'shift-y', label: 'Move down (pixels)', kind: 'range', min: -reach, max: reach, parse: integer(-reach, reach)},
  ]);
  view.setOptions('digit', choices.map(({name, text}) => ({value: name, text})));

  const input = grid(`The ${side} × ${side} input both networks receive`, 8);
  const figure = element('figure');
  const caption = element('figcaption');
  figure.append(input, caption);
  const readings = element('div', {class: 'explorer-readings'});
  const networks = [['cnn', 'The CNN', classifier], ['dense', 'The fully connected network', dense]];
  const panels = networks.map(([, title, network]) => {
    const panel = element('section', {class: 'explorer-reading'});
    const heading = element('h3', {}, title);
    const note = element('p', {}, `${COUNT.format(network.parameterCount)} parameters`);
    const verdict = element('p', {class: 'explorer-verdict'});
    const bars = element('ol', {class: 'explorer-bars', 'aria-label': `${title}: probability of each digit`});
    panel.append(heading, note, verdict, bars);
    readings.append(panel);
    return {verdict, bars};
  });
  const layout = element('div', {class: 'explorer-figures'});
  layout.append(figure, readings);
  const numbers = allNumbers();
  root.append(layout, numbers.element);

  const update = (settings) => {
    const digit = (choices.find((choice) => choice.name === settings.digit) || choices[0]).pixels;
    const moved = shiftDigit(digit, side, settings['shift-x'], settings['shift-y']);
    const results = networks.map(([, , network]) => network.predict(moved).probabilities);
    view.publish({
      source: settings.digit, input: moved,
      'cnn-prediction': classNames[argmax(results[0])], 'dense-prediction': classNames[argmax(results[1])],
      'cnn-probabilities': results[0], 'dense-probabilities': results[1],
    });
    paintGrid(input, moved, side);
    numbers.show([[`The moved input, ${side} × ${side}`, moved, side]]);
    caption.textContent = `Moved ${settings['shift-x']} right and ${settings['shift-y']} down`;
    results.forEach((probabilities, index) => {
      const top = argmax(probabilities);
      panels[index].verdict.textContent = `Reads ${classNames[top]} (${PERCENT.format(probabilities[top])})`;
      panels[index].bars.replaceChildren(...probabilities.map((share, digitIndex) => {
        const item = element('li', digitIndex === top ? {class: 'explorer-top'} : {});
        const bar = element('span', {class: 'explorer-bar'});
        bar.style.setProperty('--share', String(share));
        item.append(element('span', {}, classNames[digitIndex]), bar, element('span', {}, PERCENT.format(share)));
        return item;
      }));
    });
  };

  view.onChange(update);
  // Untouched, the digit sits five pixels right of where MNIST would centre it: far enough for
  // the two networks to part ways on most digits, near enough for a CNN to still read it.
  update(view.start({digit: choices[0].name, 'shift-x': 5, 'shift-y': 0}));
  view.setState('ready');
}
