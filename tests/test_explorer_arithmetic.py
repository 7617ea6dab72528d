"""The explorers' arithmetic in JavaScript, run by Node, against the numpy references of
model_build/arithmetic.py, for random settings: dilations, even filters, settings with no output."""

from __future__ import annotations

import json
import subprocess

import numpy as np
import pytest

from model_build import arithmetic
from model_build.framing import area_resize
from model_build.output import REPOSITORY
from model_build.structure import output_side

EXPLORERS = REPOSITORY / "site_src" / "js" / "explorers"
CASES = 200

# Reads cases from a JSON file, runs each through the module's function, prints the results.
RUN = """
import {readFileSync} from 'node:fs';
const module = await import(%s);
const cases = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const results = cases.map((args) => %s);
console.log(JSON.stringify(results, (key, value) =>
  ArrayBuffer.isView(value) ? Array.from(value) : value));
"""


def run_in_node(tmp_path, module: str, call: str, cases: list) -> list:
    (tmp_path / "cases.json").write_text(json.dumps(cases))
    (tmp_path / "run.mjs").write_text(RUN % (json.dumps((EXPLORERS / module).as_uri()), call))
    result = subprocess.run(["node", str(tmp_path / "run.mjs"), str(tmp_path / "cases.json")],
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def random_convolutions(rng, count: int) -> list[dict]:
    cases = []
    for _ in range(count):
        side, size = int(rng.integers(1, 12)), int(rng.integers(1, 8))
        cases.append({"side": side, "size": size, "input": rng.normal(size=side * side).tolist(),
                      "kernel": rng.normal(size=size * size).tolist(), "stride": int(rng.integers(1, 5)),
                      "padding": int(rng.integers(0, 4)), "dilation": int(rng.integers(1, 5))})
    return cases


def test_convolution_matches_the_reference(tmp_path):
    cases = random_convolutions(np.random.default_rng(10), CASES)
    results = run_in_node(tmp_path, "convolution.js", "module.convolve(args.input, args.side, args.kernel, args.size, "
                          "{stride: args.stride, padding: args.padding, dilation: args.dilation})", cases)
    empty = 0
    for case, result in zip(cases, results, strict=True):
        settings = {name: case[name] for name in ("stride", "padding", "dilation")}
        expected = arithmetic.convolve(np.reshape(case["input"], (case["side"],) * 2),
                                       np.reshape(case["kernel"], (case["size"],) * 2), **settings)
        assert result["side"] == expected.shape[0] == output_side(case["side"], case["size"], **settings), case
        np.testing.assert_allclose(np.reshape(result["values"], expected.shape), expected, atol=1e-9)
        empty += result["side"] == 0
    assert 10 < empty < CASES - 10, "the cases include settings with and without an output"


def test_the_cells_behind_an_output_cell_match_the_reference(tmp_path):
    rng = np.random.default_rng(11)
    cases = [{"row": int(rng.integers(0, 6)), "col": int(rng.integers(0, 6)), "size": int(rng.integers(1, 8)),
              "stride": int(rng.integers(1, 4)), "padding": int(rng.integers(0, 4)),
              "dilation": int(rng.integers(1, 4))} for _ in range(CASES)]
    results = run_in_node(tmp_path, "convolution.js", "module.receptiveCells(args.row, args.col, args.size, args)",
                          cases)
    for case, result in zip(cases, results, strict=True):
        expected = arithmetic.receptive_cells(case["row"], case["col"], case["size"], case["stride"], case["padding"],
                                              case["dilation"])
        assert [tuple(cell) for cell in result] == expected


def test_hand_made_kernels_keep_their_promises(tmp_path):
    cases = [{"name": name, "size": size} for name in ("identity", "blur", "sharpen", "vertical-edges",
                                                       "horizontal-edges") for size in range(1, 8)]
    results = run_in_node(tmp_path, "convolution.js", "module.handMadeKernel(args.name, args.size)", cases)
    step = np.zeros((9, 9))
    step[:, 5:] = 1  # dark to light, left to right
    for case, result in zip(cases, results, strict=True):
        size = case["size"]
        kernel = np.reshape(result, (size, size))
        centre = (size - 1) // 2
        if case["name"] in ("identity", "blur", "sharpen"):
            assert kernel.sum() == pytest.approx(1), "a flat region keeps its level"
        if case["name"] == "identity":
            assert kernel[centre, centre] == 1 and np.count_nonzero(kernel) == 1
        if case["name"] == "vertical-edges" and size > 1:
            assert arithmetic.convolve(step, kernel).max() == pytest.approx(1), "a step of 1 gives 1"
            assert arithmetic.convolve(np.ones((9, 9)), kernel).max() == pytest.approx(0, abs=1e-12)


def test_resizing_the_input_matches_the_reference(tmp_path, mnist):
    digits = mnist.x_test[:20] / 255
    cases = [{"digit": digit.ravel().tolist(), "to": int(to)} for digit, to in zip(digits, range(3, 29), strict=False)]
    results = run_in_node(tmp_path, "convolution.js", "module.resizeDigit(args.digit, 28, args.to)", cases)
    for case, digit, result in zip(cases, digits, results, strict=True):
        np.testing.assert_allclose(np.reshape(result, (case["to"],) * 2), area_resize(digit, case["to"], case["to"]),
                                   atol=1e-12)


def test_pooling_matches_the_reference(tmp_path):
    rng = np.random.default_rng(12)
    cases = [{"side": int(side), "input": rng.normal(size=side * side).tolist(), "size": int(rng.integers(1, 5)),
              "stride": int(rng.integers(1, 5)), "kind": str(rng.choice(["max", "average"]))}
             for side in rng.integers(1, 26, size=CASES)]
    results = run_in_node(tmp_path, "pooling.js", "module.poolMap(args.input, args.side, args.size, args.stride, "
                          "args.kind)", cases)
    for case, result in zip(cases, results, strict=True):
        expected = arithmetic.pool(np.reshape(case["input"], (case["side"],) * 2), case["size"], case["stride"],
                                   case["kind"])
        assert result["side"] == expected.shape[0]
        np.testing.assert_allclose(np.reshape(result["values"], expected.shape), expected, atol=1e-12)


def test_softmax_loss_and_sigmoid_match_the_reference(tmp_path):
    rng = np.random.default_rng(13)
    cases = [{"logits": (rng.normal(size=10) * scale).tolist(), "temperature": float(rng.uniform(0.1, 10)),
              "label": int(rng.integers(0, 10))} for scale in rng.uniform(0.1, 40, size=CASES)]
    results = run_in_node(tmp_path, "softmax.js", "(() => { const p = module.softmax(args.logits, args.temperature); "
                          "return {p, loss: module.crossEntropy(p, args.label), top: module.argmax(p), "
                          "pair: module.sigmoid((args.logits[0] - args.logits[1]) / args.temperature)}; })()", cases)
    for case, result in zip(cases, results, strict=True):
        expected = arithmetic.softmax(np.array(case["logits"]), case["temperature"])
        np.testing.assert_allclose(result["p"], expected, rtol=1e-9, atol=1e-300)
        assert result["loss"] == pytest.approx(arithmetic.cross_entropy(expected, case["label"]), rel=1e-9)
        assert result["top"] == int(np.argmax(case["logits"]))
        two = arithmetic.softmax(np.array(case["logits"][:2]), case["temperature"])[0]
        assert result["pair"] == pytest.approx(two, rel=1e-9), "two classes: softmax is the sigmoid"


def test_shifting_matches_the_reference(tmp_path, mnist):
    rng = np.random.default_rng(14)
    cases = [{"digit": (mnist.x_test[i] / 255).ravel().tolist(), "right": int(rng.integers(-30, 31)),
              "down": int(rng.integers(-30, 31))} for i in range(60)]
    results = run_in_node(tmp_path, "shift.js", "module.shiftDigit(args.digit, 28, args.right, args.down)", cases)
    for case, result in zip(cases, results, strict=True):
        expected = arithmetic.shift(np.reshape(case["digit"], (28, 28)), case["right"], case["down"])
        np.testing.assert_array_equal(np.reshape(result, (28, 28)), expected)


def test_occlusion_inputs_match_the_reference(tmp_path, mnist):
    digit = mnist.x_test[0] / 255
    cases = [{"patch": patch} for patch in (1, 3, 5, 9)]
    pixels = json.dumps(digit.ravel().astype(np.float32).tolist())
    call = ("(() => { const digit = Float32Array.from(" + pixels + "); const centres = module.coveringCentres(digit, "
            "28, args.patch); return {centres, copies: module.occlusionInputs(digit, 28, args.patch, centres)}; })()")
    results = run_in_node(tmp_path, "occlusion.js", call, cases)
    for case, result in zip(cases, results, strict=True):
        reference = arithmetic.occlusion_inputs(digit.astype(np.float32), case["patch"])
        changed = [index for index in range(784) if not np.array_equal(reference[index], digit.astype(np.float32))]
        assert result["centres"] == changed, "the network runs for exactly the patches that cover ink"
        copies = np.reshape(result["copies"], (len(result["centres"]), 28, 28))
        np.testing.assert_array_equal(copies, reference[result["centres"]])
