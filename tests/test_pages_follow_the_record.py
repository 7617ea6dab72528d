"""Every number about the model on the site comes from its build record: the pages, rendered from
the record of another model, show that model's figures where the real model's were, and none of
the real model's."""

from __future__ import annotations

import dataclasses
import re

import pytest

from model_build.output import REPOSITORY, BuildRecord
from site_hooks.markers import fill_page
from site_hooks.qa import QA_FILE, load_qa

DOCS = REPOSITORY / "docs"
OTHER_FILTERS = (16, 40, 48)


def rendered_pages(record: BuildRecord) -> dict[str, str]:
    """Each Markdown page of docs/, its markers filled in from ``record`` as the hooks fill them."""
    qa = load_qa((DOCS / QA_FILE).read_text(encoding="utf-8"))
    pages = {}
    for path in sorted(DOCS.rglob("*.md")):
        name = path.relative_to(DOCS).with_suffix("").as_posix()
        url = "" if name == "index" else name.removesuffix("index") if name.endswith("/index") else f"{name}/"
        pages[name] = fill_page(path.read_text(encoding="utf-8"), url, record, qa)
    return pages


def tell_tales(record: BuildRecord) -> dict[str, str]:
    """The model's facts as prose writes them, worked out here from the record on their own."""
    stages = record.structure.stages
    convolutions = record.structure.convolutions
    output = next(layer for layer in record.layers if layer.name == record.structure.logits_layer)
    height, width, depth = stages[-1].output_shape
    side = record.interface.input_shape[0]
    for stage in convolutions:  # unpadded, stride 1: each trims its border
        side -= stage.size[0] - 1
    unpooled = side * side * convolutions[-1].output_shape[-1]
    bits = {"uint8": "8-bit integers", "float16": "16-bit floats", "float32": "32-bit floats"}
    warmup = record.training.config.warmup_epochs
    return {
        "parameters": f"{record.parameters:,}",
        "last volume": f"{height} × {width} × {depth}",
        "output layer's parameters": f"{output.parameters:,}",
        "volume without pooling": f"{side} × {side} × {convolutions[-1].output_shape[-1]}",
        "output layer without pooling": f"{unpooled * output.output_shape[-1] + output.output_shape[-1]:,}",
        "conv1 filters": f"{convolutions[0].output_shape[-1]} filters",
        "conv2 filters": f"{convolutions[1].output_shape[-1]} filters",
        "conv2 input": f"volume {convolutions[1].input_shape[-1]} deep",
        "claim threshold": f"{record.interface.claim_threshold:.0%}",
        "weight encoding": bits[record.model.quantization],
        "quantization tolerance": f"{record.quantization_tolerance * 100:g} points",
        "warm-up": "the first epoch" if warmup == 1 else f"the first {warmup:g} epochs",
        "hardware": f"{record.training.cpu_count} CPU cores",
    }


def occurs(text: str, page: str) -> bool:
    """``text`` in ``page``, not as part of a longer number, nor in a chart (an axis's 50% is no fact)."""
    prose = re.sub(r"<svg\b.*?</svg>", "", page, flags=re.DOTALL)
    return re.search(rf"(?<!\d)(?<!\d[,.]){re.escape(text)}(?![,.]?\d)", prose) is not None


@pytest.fixture(scope="module")
def other_record(record: BuildRecord) -> BuildRecord:
    """The real record, rewritten for a model with other filter counts (built, not trained), another
    weight encoding and claim threshold, and another training set-up; without its galleries of test digits."""
    from model_build.export import layer_table, structure_of
    from model_build.model import build_model

    model = build_model(filters=OTHER_FILTERS)
    training = record.training
    return dataclasses.replace(
        record,
        interface=dataclasses.replace(record.interface, structure=structure_of(model), claim_threshold=0.75),
        layers=layer_table(model),
        parameters=model.count_params(),
        model=dataclasses.replace(record.model, quantization="float16"),
        quantization_tolerance=0.001,
        samples=(),
        misclassified=(),
        training=dataclasses.replace(training, config=dataclasses.replace(training.config, warmup_epochs=2),
                                     cpu_count=training.cpu_count + 6),
    )


def test_the_pages_show_the_other_model_s_figures_where_the_real_model_s_were(record, other_record):
    real, other = tell_tales(record), tell_tales(other_record)
    assert all(real[name] != other[name] for name in real), "each fact differs between the two models"
    # Both without the galleries of test digits, whose captions could hold any percentage.
    real_pages = rendered_pages(dataclasses.replace(record, samples=(), misclassified=()))
    other_pages = rendered_pages(other_record)
    found = {name: [page for page, text in real_pages.items() if occurs(real[name], text)] for name in real}
    assert all(found.values()), f"facts the pages never state: {[name for name, pages in found.items() if not pages]}"
    stale = [f"{page}: {name} {real[name]!r}" for page, text in other_pages.items() for name in real
             if occurs(real[name], text)]
    assert not stale, "the real model's figures on pages rendered for another model:\n" + "\n".join(stale)
    missing = [f"{page}: {name} {other[name]!r}" for name, pages in found.items() for page in pages
               if not occurs(other[name], other_pages[page])]
    assert not missing, "the other model's figures missing where the real model's were:\n" + "\n".join(missing)
