"""The values of the page markers that describe the trained model, all taken from its build record:
numbers, phrases, tables and figures.

Each value is plain Markdown or HTML. Phrases are kept short and factual: the prose around them
lives in the pages.
"""

from __future__ import annotations

import html
from collections.abc import Callable

from mkdocs.exceptions import PluginError

from model_build.output import BuildRecord, Encoding, Layer, TestDigit, Training
from model_build.structure import Stage, Structure, convolutions_only
from site_hooks.drawing_pad import BRUSH_WIDTH

# Where the build's published files land in the site.
MODEL_URL = "model"
ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")
ENCODINGS = {"float32": ("32-bit floats", 32), "float16": ("16-bit floats", 16), "uint8": ("8-bit integers", 8)}
SHARES = {16: "half", 8: "a quarter"}
WEIGHTED_LAYERS = {"Conv2D": "convolutional", "Dense": "dense"}

ImageUrl = Callable[[str], str]  # a path in the build's folder -> its address from the current page


def model_values(record: BuildRecord, image_url: ImageUrl) -> dict[str, str]:
    """Every marker about the model, by name."""
    interface, training, config = record.interface, record.training, record.training.config
    structure = interface.structure
    height, width, _ = interface.input_shape
    box = interface.preprocessing.framing.digit_box
    return {
        "test_accuracy": f"{record.test_accuracy:.2%}",
        "test_errors": f"{record.test_errors:,}",
        "test_error_rate": f"{1 - record.test_accuracy:.2%}",
        "test_images": f"{record.data.test_images:,}",
        "train_images": f"{record.data.train_images:,}",
        "validation_images": f"{config.validation_size:,}",
        "parameters": f"{record.parameters:,}",
        "baseline_parameters": f"{record.baseline_parameters:,}",
        "depth": depth(record.layers),
        "epochs": str(len(training.history["loss"])),
        "batch_size": str(config.batch_size),
        "negative_share": f"{config.negative_share:.0%}",
        "learning_rate": f"{config.learning_rate:g}",
        "warmup": warmup(config.warmup_epochs),
        "training_minutes": f"{training.seconds / 60:.1f}",
        "training_hardware": hardware(training),
        "accuracy_floor": f"{config.accuracy_floor:.1%}",
        "claim_threshold": f"{interface.claim_threshold:.0%}",
        "input_side": str(width),
        "input_pixels": f"{height * width * interface.input_shape[2]:,}",
        "augmentation_shift": f"{config.augmentation.max_shift:g}",
        "brush_width": f"{BRUSH_WIDTH:g}",
        "augmentation_rotation": f"{config.augmentation.max_rotation:g}",
        "best_validation_epoch": str(1 + min(range(len(training.history["val_loss"])),
                                             key=training.history["val_loss"].__getitem__)),
        "input_size": f"{height}×{width}",
        "digit_box": f"{box}×{box}",
        "weights_storage": weights_storage(record.model.quantization),
        "quantization_tolerance": f"{record.quantization_tolerance * 100:g} points",
        "convolution_count": str(len(structure.convolutions)),
        "kernel_sizes": series([size_text(stage.size) for stage in structure.convolutions]),
        "convolution_padding": convolution_padding(structure.convolutions),
        "poolings": poolings(structure),
        "receptive_field": size_text((receptive_field(structure.stages, 0), receptive_field(structure.stages, 1))),
        "smallest_input": size_text((smallest_input(structure.stages, 0), smallest_input(structure.stages, 1))),
        "pooling_count": times(sum(not stage.is_convolution for stage in structure.stages)),
        "filter_counts": series([str(stage.output_shape[-1]) for stage in structure.convolutions]),
        **convolution_values(structure),
        **pooling_arithmetic(record),
        "layer_table": layer_table(record.layers),
        "history_table": history_table(training.history),
        "learning_curves": learning_curves(training.history),
        "per_class_table": per_class_table(record.per_class_accuracy, record.confusion_matrix),
        "quantization_table": quantization_table(record.encodings, record.model.quantization),
        "confusion_matrix": confusion_table(record.confusion_matrix, interface.class_names),
        "samples": digit_gallery(record.samples, image_url),
        "misclassified": digit_gallery(record.misclassified, image_url),
        "first_layer_filters": filters_figure(record, image_url),
        "feature_maps": feature_map_figures(record, image_url),
        **fully_connected_values(record),
        **layer_values(record),
    }


def layer_values(record: BuildRecord) -> dict[str, str]:
    """The layers that are not convolutions or poolings, for their pages: ReLU, batch
    normalisation, dropout, flatten and the dense output. A marker of a layer the model lacks is
    left out, so a page that uses it fails the build."""
    layers, values = record.layers, {}
    by_type = {kind: [layer for layer in layers if layer.type == kind] for kind in {layer.type for layer in layers}}
    relus = by_type.get("ReLU", [])
    values["relu_count"] = str(len(relus))
    for number, maps in enumerate(record.figures.feature_maps, start=1):
        values[f"conv{number}_zero_share"] = f"{maps.zero_share:.0%}"
    values["figure_digit"] = f"test digit {record.figures.digit.index}, a {record.figures.digit.label}"
    if norms := by_type.get("BatchNormalization"):
        total = sum(layer.parameters for layer in norms)
        values |= {"batch_norm_count": str(len(norms)), "batch_norm_parameters": f"{total:,}",
                   "batch_norm_trained": f"{total // 2:,}",
                   "batch_norm_momentum": f"{norms[0].settings['momentum']:g}",
                   "batch_norm_memory": f"{1 / (1 - norms[0].settings['momentum']):.0f}",
                   "batch_norm_epsilon": f"{norms[0].settings['epsilon']:g}"}
    if drops := by_type.get("Dropout"):
        rate, inputs = drops[0].settings["rate"], drops[0].output_shape[-1]
        values |= {"dropout_rate": f"{rate:.0%}", "dropout_inputs": f"{inputs:,}",
                   "dropout_dropped": f"{round(rate * inputs):,}", "dropout_scale": f"{1 / (1 - rate):.2f}"}
    if flats := by_type.get("Flatten"):
        index = layers.index(flats[0])
        output = next(layer for layer in layers if layer.name == record.structure.logits_layer)
        values |= {"flatten_input": shape_text(layers[index - 1].output_shape),
                   "flatten_output": f"{flats[0].output_shape[-1]:,}",
                   "output_units": str(output.output_shape[-1]),
                   "output_parameters": f"{output.parameters:,}",
                   "output_share": f"{output.parameters / record.parameters:.0%}"}
    return values


# --- Phrases -------------------------------------------------------------------------------------

def series(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def times(count: int) -> str:
    """'once', 'twice', '3 times'."""
    return {1: "once", 2: "twice"}.get(count, f"{count} times")


def size_text(size: tuple[int, int]) -> str:
    return f"{size[0]}×{size[1]}"


def stride_text(strides: tuple[int, int]) -> str:
    return str(strides[0]) if strides[0] == strides[1] else f"{strides[0]} down and {strides[1]} across"


def shape_text(shape: tuple[int, ...]) -> str:
    return " × ".join(map(str, shape))


def volume_text(shape: tuple[int, ...]) -> str:
    """'4 × 4 × 56 = 896'."""
    total = 1
    for side in shape:
        total *= side
    return f"{shape_text(shape)} = {total:,}"


def depth(layers: tuple[Layer, ...]) -> str:
    """The layers with weights, as papers count depth: '4 (3 convolutional, 1 dense)'."""
    counts = {kind: sum(layer.type == type_ for layer in layers) for type_, kind in WEIGHTED_LAYERS.items()}
    return f"{sum(counts.values())} ({', '.join(f'{count} {kind}' for kind, count in counts.items() if count)})"


def warmup(epochs: float) -> str:
    return "the first epoch" if epochs == 1 else f"the first {epochs:g} epochs"


def hardware(training: Training) -> str:
    gpus = "without a GPU" if not training.gpu_count else f"with {training.gpu_count} GPU(s)"
    return f"{training.cpu_count} CPU cores, {gpus}"


def weights_storage(quantization: str) -> str:
    """'8-bit integers, a quarter of their 32-bit size'."""
    name, bits = ENCODINGS[quantization]
    return f"{name}, their full size" if bits == 32 else f"{name}, {SHARES[bits]} of their 32-bit size"


def convolution_padding(convolutions: tuple[Stage, ...]) -> str:
    """'no padding and a stride of 1', for each convolution or, when they agree, for all."""
    def setting(stage: Stage) -> str:
        padding = "no padding" if stage.padding == "valid" else '"same" padding'
        return f"{padding} and a stride of {stride_text(stage.strides)}"

    settings = [setting(stage) for stage in convolutions]
    if len(set(settings)) == 1:
        return settings[0]
    return series([f"{each} in {stage.name}" for each, stage in zip(settings, convolutions, strict=True)])


def poolings(structure: Structure) -> str:
    """'a 2×2 max pooling with a stride of 2 after the first and after the third convolution'."""
    places: dict[tuple, list[str]] = {}
    for index, stage in enumerate(structure.stages):
        if stage.is_convolution:
            continue
        before = sum(earlier.is_convolution for earlier in structure.stages[:index])
        places.setdefault((stage.kind, stage.size, stage.strides), []).append(before)
    if not places:
        raise PluginError("The model has no pooling layer, and a page describes its pooling: "
                          "reword the page or give the model a pooling layer.")
    phrases = []
    for (kind, size, strides), befores in places.items():
        where = series([f"after the {ORDINALS[count - 1]}" if count else "before the first" for count in befores])
        phrases.append(f"a {size_text(size)} {kind.replace('-', ' ')} with a stride of {stride_text(strides)} "
                       f"{where} convolution")
    return series(phrases)


def convolution_values(structure: Structure) -> dict[str, str]:
    """conv1_filters, conv1_kernel, conv1_input_depth, conv1_kernel_weights, conv1_output, and so on
    for each convolution, numbered from 1 in the order the network applies them."""
    values = {}
    for number, stage in enumerate(structure.convolutions, start=1):
        height, width = stage.size
        values |= {
            f"conv{number}_filters": str(stage.output_shape[-1]),
            f"conv{number}_kernel": size_text(stage.size),
            f"conv{number}_input_depth": str(stage.input_shape[-1]),
            f"conv{number}_kernel_weights":
                f"{height} × {width} × {stage.input_shape[-1]} = {stage.weights_per_filter:,}",
            f"conv{number}_output": shape_text(stage.output_shape),
        }
    return values


def receptive_field(stages: tuple[Stage, ...], axis: int) -> int:
    """How many input pixels, along ``axis`` (0: height, 1: width), one value of the last stage sees."""
    field, step = 1, 1
    for stage in stages:
        span = (stage.size[axis] - 1) * stage.dilation[axis] + 1
        field += (span - 1) * step
        step *= stage.strides[axis]
    return field


def smallest_input(stages: tuple[Stage, ...], axis: int) -> int:
    """The smallest input side, along ``axis``, for which every stage still has an output."""
    def last_side(side: int) -> int:
        for stage in stages:
            span = (stage.size[axis] - 1) * stage.dilation[axis] + 1
            stride = stage.strides[axis]
            side = -(-side // stride) if stage.padding == "same" else (side - span) // stride + 1
            if side < 1:
                return 0
        return side

    return next(side for side in range(1, 10_000) if last_side(side) >= 1)


def pooling_arithmetic(record: BuildRecord) -> dict[str, str]:
    """What pooling saves the output layer: its inputs and weights with and without the poolings."""
    structure = record.structure
    output = next(layer for layer in record.layers if layer.name == structure.logits_layer)
    units = output.output_shape[-1]
    pooled = structure.stages[-1].output_shape
    unpooled = convolutions_only(structure, record.interface.input_shape)
    inputs, unpooled_inputs = (shape[0] * shape[1] * shape[2] for shape in (pooled, unpooled))
    if output.parameters != inputs * units + units:
        raise PluginError(f"{output.name} does not take the last stage's {inputs:,} values directly, as the "
                          "pooling page's arithmetic assumes: reword docs/concepts/pooling.md.")
    unpooled_parameters = unpooled_inputs * units + units
    return {
        "pooled_volume": volume_text(pooled),
        "dense_parameters": f"{inputs:,} × {units} + {units} = {output.parameters:,}",
        "unpooled_volume": volume_text(unpooled),
        "unpooled_dense_parameters": f"{unpooled_parameters:,}",
        "unpooled_ratio": f"{unpooled_parameters / output.parameters:.0f}",
    }


def fully_connected_values(record: BuildRecord) -> dict[str, str]:
    """The fully connected network set beside the CNN, and how both read shifted digits."""
    dense = record.dense
    hidden = [layer for layer in dense.layers if layer.type == "Dense"][:-1]
    points = record.shift_accuracy
    return {
        "fc_parameters": f"{dense.parameters:,}",
        "fc_test_accuracy": f"{dense.test_accuracy:.2%}",
        "fc_weights_size": f"{dense.model.weights_gzip_bytes / 1000:.1f} KB",
        "fc_hidden": series([str(layer.output_shape[-1]) for layer in hidden]) if hidden else "no",
        "fc_training_seconds": f"{dense.training.seconds:.0f}",
        "shift_largest": str(points[-1].pixels),
        "shift_images": f"{record.shift_images:,}",
        "shift_table": markdown_table(
            ["moved by (pixels)", "CNN", "fully connected"],
            [[str(point.pixels), f"{point.cnn:.1%}", f"{point.dense:.1%}"] for point in points], ["r", "r", "r"]),
        "shift_figure": shift_figure(points),
        "shift_finding": shift_finding(points),
    }


def shift_finding(points) -> str:
    """What the shift measurement says, in a sentence that follows the numbers."""
    ahead = [str(point.pixels) for point in points if point.cnn > point.dense]
    behind = [str(point.pixels) for point in points if point.cnn <= point.dense]
    if not behind:
        verdict = "The CNN reads more of the moved digits than the fully connected network at every shift measured"
    elif not ahead:
        verdict = "The fully connected network reads as many of the moved digits as the CNN, or more, at every shift"
    else:
        verdict = (f"The CNN reads more of the moved digits at shifts of {series(ahead)} pixels, the fully "
                   f"connected network at least as many at {series(behind)}")
    halves = []
    for name, label in (("cnn", "the CNN"), ("dense", "the fully connected network")):
        below = next((point.pixels for point in points if getattr(point, name) < 0.5), None)
        halves.append(f"{label} from {below} pixels on" if below is not None else f"{label} at no shift measured")
    return f"{verdict}. Fewer than half are read right by {series(halves)}."


def shift_figure(points) -> str:
    """Test accuracy against the shift, both networks, as an inline SVG line chart."""
    title = ("Test accuracy of the CNN and of the fully connected network against the shift of the test digits in "
             "pixels; the table beside gives the numbers")
    series = [(f"shift-{name}", label, [getattr(point, name) for point in points])
              for name, label in (("cnn", "CNN"), ("dense", "fully connected"))]
    chart = svg_chart("shift-figure", title, "shift-figure-chart", (360, 220, 48), [point.pixels for point in points],
                      "shift (pixels)", series, (0, 1), "{:.0%}")
    return f'<figure class="shift-figure">{chart}</figure>\n'


def learning_curves(history: dict[str, tuple[float, ...]]) -> str:
    """The training run's loss and accuracy per epoch, training against validation, as two inline
    SVG line charts; each chart's axis spans its own values, so the table gives the exact ones."""
    charts = []
    for metric, label, shown in (("loss", "Loss", "{:.2f}"), ("accuracy", "Accuracy", "{:.0%}")):
        series = {"training": history[metric], "validation": history[f"val_{metric}"]}
        values = [value for run in series.values() for value in run]
        low, high = (0.0, max(values) * 1.05) if metric == "loss" else (min(values) - 0.02, 1.0)
        charts.append(line_chart(f"curves-{metric}", f"{label} per epoch, training and validation", series,
                                 (low, high), shown))
    return '<div class="curves">' + "".join(charts) + "</div>\n"


def line_chart(name: str, title: str, series: dict[str, tuple[float, ...]], span: tuple[float, float],
               shown: str) -> str:
    """Two series over the epochs as an inline SVG chart, labelled at their last point."""
    epochs = list(range(1, max(len(values) for values in series.values()) + 1))
    chart = svg_chart(name, f"{html.escape(title)}; the table of the training history gives the exact figures",
                      "line-chart", (300, 200, 44), epochs, "epoch",
                      [(f"series-{number}", label, values) for number, (label, values) in enumerate(series.items())],
                      span, shown)
    return f'<figure class="line-chart-figure">{chart}<figcaption>{html.escape(title)}</figcaption></figure>'


def svg_chart(name: str, title: str, chart_class: str, size: tuple[int, int, int], ticks: list[float],
              axis: str, series: list[tuple[str, str, list[float]]], span: tuple[float, float], shown: str) -> str:
    """Lines over ``ticks`` as an inline SVG: five grid lines across ``span`` labelled with
    ``shown``, each series (its class, its label, its values) with a dot per value and its label at
    the last. ``size``: width, height and the room left of the plot for the labels."""
    width, height, left = size
    bottom, top, right = 36, 12, 12
    first, last = ticks[0], ticks[-1]
    low, high = span

    def x(tick: float) -> float:
        return left + (width - left - right) * (tick - first) / ((last - first) or 1)

    def y(value: float) -> float:
        return top + (height - top - bottom) * (high - value) / (high - low)

    parts = [f'<svg viewBox="0 0 {width} {height}" role="img" aria-labelledby="{name}-title" class="{chart_class}">'
             f'<title id="{name}-title">{title}</title>']
    for step in range(5):
        value = low + (high - low) * step / 4
        parts.append(f'<line class="grid" x1="{left}" x2="{width - right}" y1="{y(value):.1f}" y2="{y(value):.1f}"/>'
                     f'<text x="{left - 6}" y="{y(value) + 4:.1f}" text-anchor="end">{shown.format(value)}</text>')
    parts += [f'<text x="{x(tick):.1f}" y="{height - bottom + 16}" text-anchor="middle">{tick}</text>'
              for tick in ticks]
    parts.append(f'<text x="{(left + width - right) / 2:.0f}" y="{height - 4}" text-anchor="middle">{axis}</text>')
    for css_class, label, values in series:
        points = [(x(tick), y(value)) for tick, value in zip(ticks, values, strict=False)]
        parts.append(f'<polyline class="{css_class}" points="{" ".join(f"{a:.1f},{b:.1f}" for a, b in points)}"/>')
        parts += [f'<circle class="{css_class}" cx="{a:.1f}" cy="{b:.1f}" r="3"/>' for a, b in points]
        parts.append(f'<text class="{css_class}-label" x="{points[-1][0] - 4:.1f}" y="{points[-1][1] - 8:.1f}" '
                     f'text-anchor="end">{label}</text>')
    parts.append("</svg>")
    return "".join(parts)


# --- Tables --------------------------------------------------------------------------------------

def markdown_table(header: list[str], rows: list[list[str]], align: list[str]) -> str:
    """A Markdown table; ``align`` holds 'l' or 'r' per column."""
    rule = ["---:" if side == "r" else "---" for side in align]
    lines = [header, rule, *rows]
    return "\n".join("| " + " | ".join(cells) + " |" for cells in lines) + "\n"


def layer_table(layers: tuple[Layer, ...]) -> str:
    rows = [[f"`{layer.name}`", layer.type, shape_text(layer.output_shape), f"{layer.parameters:,}"]
            for layer in layers]
    return markdown_table(["layer", "type", "output (height × width × depth)", "parameters"], rows,
                          ["l", "l", "l", "r"])


def confusion_table(matrix: tuple[tuple[int, ...], ...], class_names: tuple[str, ...]) -> str:
    """Rows are the true digits, columns what the model read; the diagonal is in bold."""
    rows = [[f"**{name}**", *(f"**{count}**" if i == j else (str(count) if count else "·")
                              for j, count in enumerate(row))]
            for i, (name, row) in enumerate(zip(class_names, matrix, strict=True))]
    return markdown_table(["true ↓ read →", *class_names], rows, ["l"] + ["r"] * len(class_names))


def history_table(history: dict[str, tuple[float, ...]]) -> str:
    rows = [[str(epoch + 1), f"{loss:.4f}", f"{accuracy:.2%}", f"{val_loss:.4f}", f"{val_accuracy:.2%}"]
            for epoch, (loss, accuracy, val_loss, val_accuracy) in enumerate(zip(
                history["loss"], history["accuracy"], history["val_loss"], history["val_accuracy"], strict=True))]
    return markdown_table(["epoch", "training loss", "training accuracy", "validation loss", "validation accuracy"],
                          rows, ["r"] * 5)


def per_class_table(per_class: dict[str, float], matrix: tuple[tuple[int, ...], ...]) -> str:
    rows = [[name, f"{sum(matrix[i]):,}", f"{sum(matrix[i]) - matrix[i][i]}", f"{accuracy:.2%}"]
            for i, (name, accuracy) in enumerate(per_class.items())]
    return markdown_table(["digit", "test images", "errors", "accuracy"], rows, ["l", "r", "r", "r"])


def quantization_table(encodings: tuple[Encoding, ...], chosen: str) -> str:
    rows = [[f"**{e.quantization}** (published)" if e.quantization == chosen else e.quantization,
             f"{e.test_accuracy:.2%}", f"{e.weights_gzip_bytes / 1000:.1f} KB"] for e in encodings]
    return markdown_table(["weights", "test accuracy", "size, gzipped"], rows, ["l", "r", "r"])


# --- Figures -------------------------------------------------------------------------------------

def digit_gallery(digits: tuple[TestDigit, ...], image_url: ImageUrl) -> str:
    """Test digits as a row of small captioned figures."""
    figures = []
    for digit in digits:
        read = f"read {digit.prediction} ({digit.confidence:.0%})"
        caption = f"{digit.label}: {read}" if digit.label != digit.prediction else read
        figures.append(f'<figure><img src="{image_url(digit.image)}" width="56" height="56" '
                       f'alt="Test digit {digit.index}, a {digit.label}, {read}">'
                       f"<figcaption>{caption}</figcaption></figure>")
    return '<div class="digit-gallery">\n' + "\n".join(figures) + "\n</div>\n"


def filters_figure(record: BuildRecord, image_url: ImageUrl) -> str:
    first = record.structure.convolutions[0]
    averaged = f", averaged over its {first.input_shape[-1]} input channels" if first.input_shape[-1] > 1 else ""
    return figure(image_url(record.figures.filters),
                  f"The {first.output_shape[-1]} learned {size_text(first.size)} filters of {first.name}, the first "
                  f"convolutional layer{averaged}: mid-grey is zero, lighter weights add the pixel under them, "
                  "darker ones subtract it.")


def feature_map_figures(record: BuildRecord, image_url: ImageUrl) -> str:
    digit = record.figures.digit
    parts = [figure(image_url(digit.image), f"Test digit {digit.index}, a {digit.label}, as the network gets it.")]
    stages = {stage.name: stage for stage in record.structure.convolutions}
    for maps in record.figures.feature_maps:
        parts.append(figure(image_url(maps.image), maps_caption(stages[maps.stage])))
    return "".join(parts)


def maps_caption(stage: Stage) -> str:
    height, width, channels = stage.output_shape
    after = f", after {series(list(stage.layers[1:]))}" if len(stage.layers) > 1 else ""
    return f"{stage.name}: {channels} feature maps of {height} × {width}{after}."


def figure(url: str, caption: str) -> str:
    return (f'<figure><img src="{url}" alt="{html.escape(caption)}">'
            f"<figcaption>{html.escape(caption)}</figcaption></figure>\n")
