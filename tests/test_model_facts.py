"""The markers that describe the model, worked out from a hand-made record of a small CNN."""

from __future__ import annotations

import dataclasses
import re

import pytest
from mkdocs.exceptions import PluginError
from sample_record import sample_record

from model_build.structure import Structure
from site_hooks.model_facts import confusion_table, model_values


@pytest.fixture(scope="module")
def values() -> dict[str, str]:
    return model_values(sample_record(), lambda path: f"../model/{path}")


def test_numbers_and_phrases_come_from_the_record(values):
    assert values["parameters"] == "5,258"
    assert values["baseline_parameters"] == "34,826"
    assert values["depth"] == "3 (2 convolutional, 1 dense)"
    assert values["claim_threshold"] == "75%"
    assert values["input_size"] == "28×28" and values["input_side"] == "28" and values["digit_box"] == "20×20"
    assert values["weights_storage"] == "16-bit floats, half of their 32-bit size"
    assert values["quantization_tolerance"] == "0.1 points"
    assert values["warmup"] == "the first 0.5 epochs"
    assert values["training_hardware"] == "8 CPU cores, with 1 GPU(s)"
    assert values["epochs"] == "2" and values["training_minutes"] == "1.5"


def test_the_convolutions_and_poolings_are_described_from_the_structure(values):
    assert values["convolution_count"] == "2"
    assert values["kernel_sizes"] == "3×3 and 3×3"
    assert values["convolution_padding"] == "no padding and a stride of 1"
    assert values["poolings"] == "a 2×2 max pooling with a stride of 2 after the first and after the second convolution"
    assert values["conv1_filters"] == "8" and values["conv1_kernel_weights"] == "3 × 3 × 1 = 9"
    assert values["conv2_input_depth"] == "8" and values["conv2_kernel_weights"] == "3 × 3 × 8 = 72"
    assert values["conv2_output"] == "11 × 11 × 16"
    assert values["filter_counts"] == "8 and 16" and values["pooling_count"] == "twice"
    # 3 + 1 + 2 × 2 + 1 × 2: each layer widens what one output sees by its span less one, times
    # the strides before it; an input narrower than that leaves the last pooling nothing.
    assert values["receptive_field"] == "10×10" and values["smallest_input"] == "10×10"
    assert "conv3_filters" not in values


def test_what_pooling_saves_the_dense_layer(values):
    # Without pooling: 28 -> 26 -> 24, so 24 x 24 x 16 values reach the dense layer.
    assert values["pooled_volume"] == "5 × 5 × 16 = 400"
    assert values["dense_parameters"] == "400 × 10 + 10 = 4,010"
    assert values["unpooled_volume"] == "24 × 24 × 16 = 9,216"
    assert values["unpooled_dense_parameters"] == "92,170"
    assert values["unpooled_ratio"] == "23"


def test_figures_are_captioned_from_the_structure(values):
    assert 'src="../model/figures/filters.png"' in values["first_layer_filters"]
    assert "The 8 learned 3×3 filters of conv1" in values["first_layer_filters"]
    assert "conv2: 16 feature maps of 11 × 11, after conv2_relu." in values["feature_maps"]
    assert 'alt="Test digit 8, a 5, read 6 (51%)"' in values["misclassified"]


def test_the_fully_connected_network_and_the_shift_measurement(values):
    assert values["fc_parameters"] == "25,450" and values["fc_test_accuracy"] == "91.00%"
    assert values["fc_hidden"] == "32" and values["fc_weights_size"] == "23.0 KB"
    assert values["input_pixels"] == "784" and values["augmentation_shift"] == "2"
    assert values["shift_finding"] == (
        "The CNN reads more of the moved digits at shifts of 0, 1 and 2 pixels, the fully connected network at least "
        "as many at 3. Fewer than half are read right by the CNN from 3 pixels on and the fully connected network "
        "from 3 pixels on.")
    assert "| 3 | 40.0% | 45.0% |" in values["shift_table"]
    figure = values["shift_figure"]
    assert figure.startswith('<figure class="shift-figure"><svg') and figure.count("<circle") == 8
    assert 'aria-labelledby="shift-figure-title"' in figure


def test_a_model_the_pages_cannot_describe_fails_the_build():
    record = sample_record()
    unpooled = Structure(record.structure.convolutions, record.structure.logits_layer)
    with pytest.raises(PluginError, match="no pooling layer"):
        model_values(dataclasses.replace(record, interface=dataclasses.replace(record.interface, structure=unpooled)),
                     str)


def test_the_confusion_matrix_bolds_the_diagonal_and_dots_the_zeros():
    table = confusion_table(((5, 0), (1, 7)), ("0", "1"))
    assert table.splitlines() == [
        "| true ↓ read → | 0 | 1 |",
        "| --- | ---: | ---: |",
        "| **0** | **5** | · |",
        "| **1** | 1 | **7** |",
    ]


def test_the_layers_beside_convolution_and_pooling_are_described_from_the_record(values):
    assert values["relu_count"] == "2"
    assert values["conv1_zero_share"] == "62%" and values["conv2_zero_share"] == "71%"
    assert values["flatten_input"] == "5 × 5 × 16" and values["flatten_output"] == "400"
    assert values["output_units"] == "10" and values["output_parameters"] == "4,010"
    assert values["output_share"] == "76%"  # 4,010 of 5,258
    assert values["best_validation_epoch"] == "1", "the first of equal losses"
    # The sample model has neither batch normalisation nor dropout: a page about them cannot be
    # filled from its record, and says so by failing the build on the unknown marker.
    assert "dropout_rate" not in values and "batch_norm_momentum" not in values


def test_batch_normalisation_and_dropout_settings_come_from_the_layers():
    from model_build.output import Layer

    record = sample_record()
    layers = (*record.layers[:1], Layer("conv1_bn", "BatchNormalization", (26, 26, 8), 32,
                                        {"momentum": 0.9, "epsilon": 0.001}),
              *record.layers[1:-1], Layer("dropout", "Dropout", (400,), 0, {"rate": 0.25}), record.layers[-1])
    values = model_values(dataclasses.replace(record, layers=layers), lambda path: path)
    assert values["batch_norm_count"] == "1" and values["batch_norm_parameters"] == "32"
    assert values["batch_norm_trained"] == "16" and values["batch_norm_momentum"] == "0.9"
    assert values["batch_norm_memory"] == "10" and values["batch_norm_epsilon"] == "0.001"
    assert values["dropout_rate"] == "25%" and values["dropout_inputs"] == "400"
    assert values["dropout_dropped"] == "100" and values["dropout_scale"] == "1.33"


def test_the_learning_curves_draw_each_metric_for_training_and_validation():
    from site_hooks.model_facts import learning_curves

    history = {"loss": (0.8, 0.5, 0.4), "val_loss": (0.06, 0.05, 0.04),
               "accuracy": (0.77, 0.86, 0.89), "val_accuracy": (0.985, 0.99, 0.994)}
    chart = learning_curves(history)
    assert chart.count("<svg") == 2 and chart.count("<polyline") == 4 and chart.count("<circle") == 12
    assert "Loss per epoch, training and validation" in chart and "Accuracy per epoch" in chart
    assert ">training</text>" in chart and ">validation</text>" in chart
    # Accuracy spans its own values: the lowest point sits on the axis's lower part, not off it.
    accuracy = chart[chart.index("curves-accuracy"):]
    heights = [float(y) for y in re.findall(r'cy="([\d.]+)"', accuracy)]
    assert all(12 <= y <= 164 for y in heights)
