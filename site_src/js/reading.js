// What the page reads from the network's probabilities: a port of model_build/reading.py, held
// to it by a test. Each mark is read whole or as the digits of a way of cutting it, whichever the
// network is surer of; the page claims the number those digits make only when every one of them
// reaches the claim threshold, and otherwise names the first in doubt.

// Whether the network reads a wide mark better as one digit (-1) or as the digits of a way of
// cutting it (its index): the reading whose digits' top probabilities make the largest product
// wins, the one with fewer cuts when equal. whole: the probabilities of the mark read whole;
// parts: those of its parts; splits: each way's parts (cuttings).
export function splitChoice(whole, parts, splits) {
  let best = Math.max(...whole), chosen = -1;
  splits.forEach((split, index) => {
    let product = 1;
    for (const part of split) product *= Math.max(...parts[part]);
    if (product > best) {
      best = product;
      chosen = index;
    }
  });
  return chosen;
}

// The digits a mark is read as: itself, or the parts of the way of cutting it that splitChoice
// picks, left to right (whatever each item is: probabilities, or readings that hold them).
export function chosenDigits(whole, parts, splits, probabilitiesOf = (item) => item) {
  const choice = splitChoice(probabilitiesOf(whole), parts.map(probabilitiesOf), splits);
  return choice < 0 ? [whole] : splits[choice].map((part) => parts[part]);
}

// The index of the first digit whose top probability is under the threshold; -1 when none is.
export function firstDoubtful(digits, threshold) {
  return digits.findIndex((probabilities) => Math.max(...probabilities) < threshold);
}

// The number the page claims: every digit's most likely class, in order, when each reaches the
// threshold; null when there is no digit or one is in doubt.
export function claim(digits, threshold, classNames) {
  if (!digits.length || firstDoubtful(digits, threshold) >= 0) return null;
  return digits.map((probabilities) => classNames[probabilities.indexOf(Math.max(...probabilities))]).join('');
}
