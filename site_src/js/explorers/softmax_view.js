// The softmax explorer (#softmax-explorer): the model's ten logits for the digit, turned into
// probabilities at a temperature, the loss for a label the reader picks, and two classes alone,
// where softmax is the sigmoid.

import {argmax, crossEntropy, sigmoid, softmax} from './softmax.js';
import {decimal, integer, oneOf} from './settings.js';
import {ExplorerView, display, element, loadInputs} from './view.js';

const PERCENT = new Intl.NumberFormat('en', {style: 'percent', maximumFractionDigits: 1});
const PRECISE = new Intl.NumberFormat('en', {maximumSignificantDigits: 7});

export async function mount(root) {
  // Without a drawing, the test digit the model is least sure of: its probabilities spread.
  const {classifier, choices} = await loadInputs(root, (samples) =>
    samples.reduce((least, sample) => (sample.confidence < least.confidence ? sample : least)));
  const {classNames} = classifier.metadata;
  const view = new ExplorerView(root, [
    {name: 'digit', label: 'Digit', kind: 'select', options: [], parse: oneOf(choices.map(({name}) => name))},
    {name: 'temperature', label: 'Temperature T', kind: 'range', min: 0.1, max: 10, step: 0.1, parse: decimal(0.1, 10)},
    {name: 'label', label: 'The right answer, for the loss', kind: 'select', parse: integer(0, classNames.length - 1),
     options: classNames.map((name, index) => ({value: String(index), text: name}))},
  ]);
  view.setOptions('digit', choices.map(({name, text}) => ({value: name, text})));

  const table = element('table', {class: 'explorer-softmax'});
  const head = element('tr');
  for (const title of ['class', 'logit z', 'z / T', 'probability']) head.append(element('th', {scope: 'col'}, title));
  const thead = element('thead');
  thead.append(head);
  const body = element('tbody');
  table.append(element('caption', {}, 'Each class\'s score, and the probability softmax gives it'), thead, body);
  const answer = element('p', {class: 'explorer-note', 'aria-live': 'polite'});
  const loss = element('p', {class: 'explorer-formula'});
  const pair = element('p', {class: 'explorer-formula'});
  root.append(table, answer, loss, pair);

  const logitsOf = new Map();
  const logits = (name) => {
    if (!logitsOf.has(name)) {
      const digit = (choices.find((choice) => choice.name === name) || choices[0]).pixels;
      logitsOf.set(name, classifier.predict(digit).logits);
    }
    return logitsOf.get(name);
  };

  const update = ({digit, temperature, label}) => {
    const z = logits(digit);
    const p = softmax(z, temperature);
    const top = argmax(p);
    const lost = crossEntropy(p, label);
    view.publish({source: digit, logits: z, probabilities: p, loss: String(Number(lost.toPrecision(7)))});
    body.replaceChildren(...z.map((value, index) => {
      const line = element('tr', index === top ? {class: 'explorer-top'} : {});
      const bar = element('span', {class: 'explorer-bar'});
      bar.style.setProperty('--share', String(p[index]));
      const probability = element('td');
      probability.append(bar, element('span', {}, PERCENT.format(p[index])));
      line.append(element('th', {scope: 'row'}, classNames[index]), element('td', {}, display(value)),
                  element('td', {}, display(value / temperature)), probability);
      return line;
    }));
    answer.textContent = `The largest logit, and so the largest probability, is ${classNames[top]}'s: ` +
      `${PERCENT.format(p[top])} at T = ${temperature}. ` +
      (temperature > 1 ? 'A temperature above 1 flattens the probabilities; their order stays.' :
        temperature < 1 ? 'A temperature below 1 sharpens them; their order stays.' : '');
    loss.textContent = `Cross-entropy loss if the answer is ${classNames[label]}: −ln p(${classNames[label]}) = ` +
      `−ln ${PRECISE.format(p[label])} = ${display(lost)} (natural log, in nats).`;
    const second = argmax(p.map((value, index) => (index === top ? -1 : value)));
    const between = sigmoid((z[top] - z[second]) / temperature);
    const [a, b] = [classNames[top], classNames[second]];
    pair.textContent = `Two classes alone, ${a} and ${b}: p(${a}) = e^(z${a}/T) / (e^(z${a}/T) + e^(z${b}/T)) = ` +
      `σ((z${a} − z${b}) / T) = σ((${display(z[top])} − ${display(z[second])}) / ${temperature}) = ` +
      `${display(between)}, the sigmoid of the difference of the two logits.`;
  };

  const start = choices[0].name;
  view.onChange(update);
  update(view.start({digit: start, temperature: 1, label: argmax(logits(start))}));
  view.setState('ready');
}
