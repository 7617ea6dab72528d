"""The budgets: what the site may cost a visitor in time and bytes. The benchmarks report against
them (`make bench-page`, `make bench-explorers`); tests assert only what is not a time."""

STROKE_TO_PREDICTION_MS = 16  # one digit on the pad, median from the end of a stroke
EIGHT_DIGITS_MS = 40  # a number of eight digits on the wide pad, median from its last stroke
UPLOAD_MS = 2_000  # a hostile upload gets its answer within this
EXPLORER_JS_GZIP_KB = 30  # an explorer's own JavaScript, beyond what it shares with the demo
EXPLORER_UPDATE_MS = 16  # an explorer's update after a change of a control, median
OCCLUSION_MS = 300  # the occlusion map for its default patch
FC_WEIGHTS_KB = 80  # the fully connected network's weights, gzipped
WEIGHTS_GZIP_BYTES = 60_000  # the CNN's weights, gzipped: what the demo page can spend on them
TEACH_TRAINING_S = 2  # the teaching page: training on 15 examples
TEACH_JS_GZIP_KB = 20  # the JavaScript the teaching page adds to the demo's
