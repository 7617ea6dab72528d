"""The drawing pad's facts, for the demo page (through its markers), the tests and the benchmarks
that draw on it as a visitor would."""

BRUSH_WIDTH = 0.08  # the brush's width, a share of the pad's height (the page's data-brush-width)
