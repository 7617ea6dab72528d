// The pooling explorer (#pool-explorer): one of the first convolution's feature maps of the
// digit, pooled; and the same after the digit moves a pixel or two, to show how much of the
// pooled map stays as it was.

import {poolMap, sameShare} from './pooling.js';
import {integer, oneOf} from './settings.js';
import {shiftDigit} from './shift.js';
import {ExplorerView, allNumbers, element, grid, loadInputs, paintGrid} from './view.js';

const PERCENT = new Intl.NumberFormat('en', {style: 'percent', maximumFractionDigits: 0});

export async function mount(root) {
  const {classifier, choices} = await loadInputs(root);
  const stage = classifier.convolutions[0];
  const [height, width, channels] = stage.outputShape;
  const side = classifier.metadata.preprocessing.framing.imageSize;
  const view = new ExplorerView(root, [
    {name: 'digit', label: 'Digit', kind: 'select', options: [], parse: oneOf(choices.map(({name}) => name))},
    {name: 'pool', label: 'Pooling', kind: 'select', parse: oneOf(['max', 'average']),
     options: [{value: 'max', text: 'Max'}, {value: 'average', text: 'Average'}]},
    {name: 'pool-size', label: 'Window', kind: 'number', min: 1, max: 4, parse: integer(1, 4)},
    {name: 'stride', label: 'Stride', kind: 'number', min: 1, max: 4, parse: integer(1, 4)},
    {name: 'map', label: `Feature map of ${stage.name}`, kind: 'select', parse: integer(0, channels - 1),
     options: Array.from({length: channels}, (_, index) => ({value: String(index), text: `${index + 1} of ${channels}`}))},
    {name: 'nudge', label: 'Move the digit right by (pixels)', kind: 'number', min: 1, max: 3, parse: integer(1, 3)},
  ]);
  view.setOptions('digit', choices.map(({name, text}) => ({value: name, text})));

  const mapGrid = grid(`The feature map, ${height} × ${width}`, 8);
  const pooledGrid = grid('The pooled map', 8);
  const movedGrid = grid('The pooled map of the moved digit, with the cells that changed outlined', 8);
  const captions = [element('figcaption'), element('figcaption'), element('figcaption')];
  const figures = element('div', {class: 'explorer-figures'});
  for (const [index, canvas] of [mapGrid, pooledGrid, movedGrid].entries()) {
    const figure = element('figure');
    figure.append(canvas, captions[index]);
    figures.append(figure);
  }
  const summary = element('p', {class: 'explorer-note', 'aria-live': 'polite'});
  const numbers = allNumbers();
  root.append(figures, summary, numbers.element);

  // Feature maps by digit and move, computed once each.
  const maps = new Map();
  const featureMaps = (digitName, right) => {
    const key = `${digitName}/${right}`;
    if (!maps.has(key)) {
      const digit = (choices.find((choice) => choice.name === digitName) || choices[0]).pixels;
      maps.set(key, classifier.predict(right ? shiftDigit(digit, side, right, 0) : digit).maps[0]);
    }
    return maps.get(key);
  };
  const channel = (values, index) => Float64Array.from({length: height * width}, (_, p) => values[p * channels + index]);

  const update = (settings) => {
    const input = channel(featureMaps(settings.digit, 0), settings.map);
    const moved = channel(featureMaps(settings.digit, settings.nudge), settings.map);
    const pooled = poolMap(input, width, settings['pool-size'], settings.stride, settings.pool);
    const movedPooled = poolMap(moved, width, settings['pool-size'], settings.stride, settings.pool);
    view.publish({source: settings.digit, input, output: pooled.values, 'output-size': String(pooled.side)});
    const changed = [];
    for (let cell = 0; cell < pooled.values.length; cell++) {
      if (pooled.values[cell] !== movedPooled.values[cell]) changed.push([Math.floor(cell / pooled.side), cell % pooled.side]);
    }
    pooledGrid.cell = movedGrid.cell = Math.max(6, Math.floor(192 / Math.max(pooled.side, 1)));
    paintGrid(mapGrid, input, width);
    paintGrid(pooledGrid, pooled.values, pooled.side);
    paintGrid(movedGrid, movedPooled.values, movedPooled.side, {marks: changed});
    captions[0].textContent = `Feature map ${settings.map + 1}: ${height} × ${width}`;
    captions[1].textContent = `${settings.pool === 'max' ? 'Max' : 'Average'} pooled: ${pooled.side} × ${pooled.side}`;
    captions[2].textContent = `After moving the digit ${settings.nudge} pixel${settings.nudge > 1 ? 's' : ''} right`;
    const kept = sameShare(input, moved), keptPooled = sameShare(pooled.values, movedPooled.values);
    summary.textContent = `Pooling keeps ${pooled.side * pooled.side} of ${height * width} values ` +
      `(${PERCENT.format(pooled.side ** 2 / (height * width))}). When the digit moves ${settings.nudge} ` +
      `pixel${settings.nudge > 1 ? 's' : ''} right, ${PERCENT.format(kept)} of the feature map's lit cells keep ` +
      `their value, and ${PERCENT.format(keptPooled)} of the pooled map's.`;
    numbers.show([['The feature map', input, width], ['The pooled map', pooled.values, pooled.side],
                  ['The pooled map of the moved digit', movedPooled.values, movedPooled.side]]);
  };

  const startDigit = choices[0].name;
  const strongestMap = (() => {
    const values = featureMaps(startDigit, 0);
    const totals = new Float64Array(channels);
    values.forEach((value, index) => { totals[index % channels] += value; });
    return totals.indexOf(Math.max(...totals));
  })();
  view.onChange(update);
  update(view.start({digit: startDigit, pool: 'max', 'pool-size': 2, stride: 2, map: strongestMap, nudge: 1}));
  view.setState('ready');
}
