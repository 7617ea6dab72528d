// The convolution explorer (#conv-explorer): a digit, a kernel learned by the model's first layer
// or made by hand, and every setting of the output-size formula; the output map, the input cells
// behind one output cell and the sum that gives it.

import {HAND_MADE, convolve, handMadeKernel, receptiveCells, resizeDigit} from './convolution.js';
import {integer, oneOf} from './settings.js';
import {ExplorerView, allNumbers, display, element, grid, loadInputs, paintGrid} from './view.js';

const HAND_MADE_NAMES = {
  'vertical-edges': 'Vertical edges (hand-made)', 'horizontal-edges': 'Horizontal edges (hand-made)',
  blur: 'Blur (hand-made)', sharpen: 'Sharpen (hand-made)', identity: 'Identity (hand-made)',
};

export async function mount(root) {
  const {classifier, choices} = await loadInputs(root);
  const first = classifier.convolutions[0];
  const [learnedSize, , learnedDepth, learnedCount] = first.kernelShape;
  const learned = Array.from({length: learnedCount}, (_, index) => `learned-${index}`);
  const side = classifier.metadata.preprocessing.framing.imageSize;
  const view = new ExplorerView(root, [
    {name: 'digit', label: 'Digit', kind: 'select', options: [], parse: oneOf(choices.map(({name}) => name))},
    {name: 'input-size', label: 'Input size W', kind: 'number', min: 3, max: side, parse: integer(3, side)},
    {name: 'filter-size', label: 'Filter size F', kind: 'number', min: 1, max: 7, parse: integer(1, 7)},
    {name: 'stride', label: 'Stride S', kind: 'number', min: 1, max: 4, parse: integer(1, 4)},
    {name: 'padding', label: 'Padding P (pixels on every side)', kind: 'number', min: 0, max: 3, parse: integer(0, 3)},
    {name: 'dilation', label: 'Dilation D', kind: 'number', min: 1, max: 4, parse: integer(1, 4)},
    {name: 'kernel', label: 'Kernel', kind: 'select', parse: oneOf([...HAND_MADE, ...learned]),
     options: [...HAND_MADE.map((name) => ({value: name, text: HAND_MADE_NAMES[name]})),
               ...learned.map((name, index) => ({
                 value: name, text: `Filter ${index + 1} of ${learnedCount} learned by ${first.name}`}))]},
  ]);
  view.setOptions('digit', choices.map(({name, text}) => ({value: name, text})));

  const figures = element('div', {class: 'explorer-figures'});
  const inputGrid = grid('The input grid, with its padding and the cells behind the chosen output cell outlined');
  const outputGrid = grid('The output map, with the chosen cell outlined');
  const kernelHolder = element('div', {class: 'explorer-kernel'});
  const captions = [element('figcaption'), element('figcaption'), element('figcaption')];
  for (const [index, content] of [inputGrid, kernelHolder, outputGrid].entries()) {
    const figure = element('figure');
    figure.append(content, captions[index]);
    figures.append(figure);
  }
  const cellPicker = element('fieldset', {class: 'explorer-cell'});
  cellPicker.append(element('legend', {}, 'The output cell whose sum is shown'));
  const rowInput = element('input', {type: 'number', name: 'row', min: '1', step: '1', 'aria-label': 'Output row'});
  const colInput = element('input', {type: 'number', name: 'col', min: '1', step: '1', 'aria-label': 'Output column'});
  cellPicker.append(element('span', {}, 'Row '), rowInput, element('span', {}, ' column '), colInput);
  const formula = element('p', {class: 'explorer-formula'});
  const note = element('p', {class: 'explorer-note', 'aria-live': 'polite'});
  const sum = element('p', {class: 'explorer-sum'});
  const numbers = allNumbers();
  root.append(figures, formula, note, cellPicker, sum, numbers.element);

  let chosen = null;  // [row, col] picked by the visitor; null: the strongest cell
  let current;
  const digitOf = (name) => (choices.find((choice) => choice.name === name) || choices[0]).pixels;

  const update = (settings) => {
    const learnedIndex = learned.indexOf(settings.kernel);
    const size = learnedIndex >= 0 ? learnedSize : settings['filter-size'];
    view.input('filter-size').disabled = learnedIndex >= 0;
    if (learnedIndex >= 0) view.input('filter-size').value = String(size);
    const kernel = learnedIndex >= 0 ? learnedKernel(first, learnedIndex) : handMadeKernel(settings.kernel, size);
    const width = settings['input-size'];
    const input = resizeDigit(digitOf(settings.digit), side, width);
    const options = {stride: settings.stride, padding: settings.padding, dilation: settings.dilation};
    const output = convolve(input, width, kernel, size, options);
    current = {settings, size, kernel, width, input, output, options};
    view.publish({source: settings.digit, input, kernel, output: output.values, 'output-size': String(output.side)});
    draw();
  };

  const draw = () => {
    const {size, kernel, width, input, output, options, settings} = current;
    const cell = output.side ? (chosen && chosen[0] < output.side && chosen[1] < output.side
      ? chosen : strongest(output)) : null;
    rowInput.max = colInput.max = String(output.side);
    rowInput.value = cell ? String(cell[0] + 1) : '';
    colInput.value = cell ? String(cell[1] + 1) : '';
    rowInput.disabled = colInput.disabled = !cell;
    const cells = cell ? receptiveCells(cell[0], cell[1], size, options) : [];
    inputGrid.cell = outputGrid.cell = Math.max(4, Math.floor(240 / (width + 2 * options.padding)));
    paintGrid(inputGrid, input, width, {margin: options.padding, marks: cells});
    paintGrid(outputGrid, output.values, output.side, {signed: true, marks: cell ? [cell] : []});
    kernelHolder.replaceChildren(kernelTable(kernel, size));
    captions[0].textContent = `Input: ${width} × ${width}` + (options.padding ? `, padded by ${options.padding}` : '');
    captions[1].textContent = `Kernel: ${size} × ${size}` +
      (settings.kernel.startsWith('learned') && learnedDepth > 1 ? `, averaged over ${learnedDepth} channels` : '');
    captions[2].textContent = output.side ? `Output: ${output.side} × ${output.side}` : 'No output';
    formula.textContent = formulaText(width, size, options, output.side);
    note.textContent = sizeNote(width, size, options, output.side);
    sum.textContent = cell ? sumText(cell, cells, input, width, kernel, output) : '';
    numbers.show([[`The input, ${width} × ${width}`, input, width],
                  [`The output, ${output.side} × ${output.side}`, output.values, output.side]]);
  };

  const pick = () => {
    const row = Number(rowInput.value) - 1, col = Number(colInput.value) - 1;
    if (Number.isInteger(row) && Number.isInteger(col) && row >= 0 && col >= 0) chosen = [row, col];
    draw();
  };
  rowInput.addEventListener('input', pick);
  colInput.addEventListener('input', pick);
  outputGrid.addEventListener('click', (event) => {
    const box = outputGrid.getBoundingClientRect();
    const side = current.output.side;
    chosen = [Math.floor((event.clientY - box.top) / box.height * side),
              Math.floor((event.clientX - box.left) / box.width * side)];
    draw();
  });

  view.onChange(update);
  update(view.start({
    digit: choices[0].name, 'input-size': side, 'filter-size': 3, stride: 1, padding: 0, dilation: 1,
    kernel: 'vertical-edges',
  }));
  view.setState('ready');
}

// A learned filter, averaged over its input channels (the first layer has one).
function learnedKernel({kernel, kernelShape: [size, , depth, count]}, index) {
  const values = new Float64Array(size * size);
  for (let cell = 0; cell < size * size; cell++) {
    for (let channel = 0; channel < depth; channel++) values[cell] += kernel[(cell * depth + channel) * count + index] / depth;
  }
  return values;
}

function strongest(output) {
  let best = 0;
  output.values.forEach((value, index) => { if (value > output.values[best]) best = index; });
  return [Math.floor(best / output.side), best % output.side];
}

function kernelTable(kernel, size) {
  const extent = Math.max(...Array.from(kernel, Math.abs), 1e-9);
  const table = element('table', {class: 'explorer-kernel-table'});
  table.append(element('caption', {class: 'explorer-hidden'}, 'The kernel\'s weights'));
  const centre = Math.floor((size - 1) / 2);
  for (let row = 0; row < size; row++) {
    const line = element('tr');
    for (let col = 0; col < size; col++) {
      const value = kernel[row * size + col];
      const cell = element('td', {}, display(value));
      cell.style.setProperty('--weight', String(value / extent));
      if (row === centre && col === centre) cell.classList.add('explorer-centre');
      line.append(cell);
    }
    table.append(line);
  }
  return table;
}

function formulaText(width, size, {stride, padding, dilation}, side) {
  const inside = `(${width} + 2×${padding} − ${dilation}×(${size} − 1) − 1) / ${stride}`;
  return `O = ⌊(W + 2P − D(F − 1) − 1) / S⌋ + 1 = ⌊${inside}⌋ + 1 = ${side}` +
    (side ? '' : ' (nothing fits: no output)');
}

function sizeNote(width, size, {stride, padding, dilation}, side) {
  const span = dilation * (size - 1) + 1;
  if (!side) {
    return `No output: the filter spans D(F − 1) + 1 = ${span} pixels, more than the W + 2P = ` +
      `${width + 2 * padding} pixels of the padded input.`;
  }
  const parts = [];
  if (size % 2 === 0) {
    parts.push(`A ${size} × ${size} filter has no centre pixel: its middle falls between four pixels, so each ` +
      `output belongs to a point between input pixels. Keeping the input's size ("same" padding) takes ` +
      `${span - 1} pixels of padding in all, which cannot be shared equally: Keras puts ${Math.floor((span - 1) / 2)} ` +
      `before and ${Math.ceil((span - 1) / 2)} after, and counts the outlined cell as the centre. With the same ` +
      `padding on every side, as here, the output is ${width + 2 * padding - span + 1} wide.`);
  } else if (stride === 1 && side === width) {
    parts.push(`"Same" padding: P = D(F − 1) / 2 = ${padding} keeps the output as wide as the input.`);
  }
  if (stride > 1) parts.push(`A stride of ${stride} keeps one position in ${stride} each way.`);
  if (dilation > 1) parts.push(`A dilation of ${dilation} spreads the ${size} × ${size} weights over ${span} × ${span} pixels.`);
  return parts.join(' ');
}

function sumText([row, col], cells, input, width, kernel, output) {
  const terms = cells.map(([r, c], index) => {
    const value = r >= 0 && r < width && c >= 0 && c < width ? input[r * width + c] : 0;
    return `${display(value)} × ${display(kernel[index])}`;
  });
  return `Output cell (row ${row + 1}, column ${col + 1}) = ${terms.join(' + ')} = ` +
    `${display(output.values[row * output.side + col])}`;
}
