// The softmax explorer's arithmetic. model_build/arithmetic.py is the reference.

// exp(z / T), normalised; the largest score is taken off first, so that nothing overflows.
export function softmax(logits, temperature = 1) {
  const scaled = logits.map((value) => value / temperature);
  const top = Math.max(...scaled);
  const powers = scaled.map((value) => Math.exp(value - top));
  const total = powers.reduce((a, b) => a + b, 0);
  return powers.map((value) => value / total);
}

// -ln p(label), in nats.
export function crossEntropy(probabilities, label) {
  return -Math.log(probabilities[label]);
}

export function sigmoid(value) {
  return 1 / (1 + Math.exp(-value));
}

export function argmax(values) {
  return values.indexOf(Math.max(...values));
}
