"""TensorFlow's start-up without its noise. The CUDA-enabled wheel reports GPU plug-ins
registered twice and hardware this machine lacks, tensorflow_hub (which tensorflowjs imports)
warns that pkg_resources is deprecated, and ydf advertises its successor: all of it before any of
this project's code runs, none of it for the user to act on. Every other line still gets through,
so a real failure is seen."""

from __future__ import annotations

import contextlib
import io
import logging
import os
import re
import sys
import tempfile
import warnings
from collections.abc import Iterator

NOISE = re.compile(
    r"Unable to register cu(DNN|FFT|BLAS) factory|computation placer already registered"
    r"|All log messages before absl::InitializeLog|Try https://ydf\.readthedocs\.io|TF-TRT Warning"
    r"|cpu_feature_guard|oneDNN custom operations|rebuild TensorFlow with the appropriate compiler flags"
)


def quiet_tensorflow() -> None:
    """Import TensorFlow, Keras 2 and the TF.js converter once, keeping what they print at start
    that is not known noise; quieten their later logging below errors."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TFDF_DISABLE_WELCOME_MESSAGE", "1")  # ydf's advertisement, shown even in notebooks
    warnings.filterwarnings("ignore", message="pkg_resources is deprecated", category=UserWarning)
    if "tensorflowjs" not in sys.modules:
        with _filtered(sys.stdout, 1), _filtered(sys.stderr, 2):
            import tensorflow  # noqa: F401
            import tensorflowjs  # noqa: F401
            import tf_keras  # noqa: F401
    # Reloaded models warn that their metrics are not built yet; real failures still raise.
    logging.getLogger("tensorflow").setLevel(logging.ERROR)


@contextlib.contextmanager
def _filtered(stream, descriptor: int) -> Iterator[None]:
    """Hold what Python and native code write to ``stream`` (and its file ``descriptor``), then
    pass on the lines that are not noise."""
    stream.flush()
    saved = os.dup(descriptor)
    with tempfile.TemporaryFile() as native, contextlib.redirect_stdout(held := io.StringIO()) \
            if descriptor == 1 else contextlib.redirect_stderr(held := io.StringIO()):
        os.dup2(native.fileno(), descriptor)
        try:
            yield
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved, descriptor)
            os.close(saved)
            native.seek(0)
            lines = native.read().decode(errors="replace").splitlines() + held.getvalue().splitlines()
    kept = [line for line in lines if line.strip() and not NOISE.search(line)]
    if kept:
        print("\n".join(kept), file=stream, flush=True)
