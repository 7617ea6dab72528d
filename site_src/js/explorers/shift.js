// The digit moved by whole pixels (right and down are positive): what leaves the frame is lost,
// what enters is background. model_build/arithmetic.py is the reference.

export function shiftDigit(digit, side, right, down) {
  const shifted = new Float64Array(side * side);
  for (let row = 0; row < side; row++) {
    for (let col = 0; col < side; col++) {
      const from = [row - down, col - right];
      if (from[0] >= 0 && from[0] < side && from[1] >= 0 && from[1] < side) {
        shifted[row * side + col] = digit[from[0] * side + from[1]];
      }
    }
  }
  return shifted;
}
