"""The build's output contract: its folder, its record, and what a reader gets from a bad one."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sample_record import sample_record

from model_build.output import (
    ENVIRONMENT_VARIABLE,
    RECORD_FILE,
    RECORD_VERSION,
    REPOSITORY,
    ModelInterface,
    RecordError,
    from_metadata,
    model_dir,
    published_files,
    read_record,
    to_metadata,
    write_record,
)


def test_a_record_reads_back_as_it_was_written(tmp_path):
    record = sample_record()
    write_record(tmp_path, record)
    assert read_record(tmp_path) == record
    assert json.loads((tmp_path / RECORD_FILE).read_text())["interface"]["structure"]["stages"][0]["size"] == [3, 3]


def test_the_folder_comes_from_the_environment_variable(monkeypatch, tmp_path):
    monkeypatch.delenv(ENVIRONMENT_VARIABLE, raising=False)
    assert model_dir() == REPOSITORY / "build" / "model"
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, str(tmp_path))
    assert model_dir() == tmp_path
    write_record(tmp_path, sample_record())
    assert read_record() == sample_record()


def test_without_a_record_the_reader_is_told_to_run_make_site(tmp_path):
    with pytest.raises(RecordError, match=r"No trained model in .*: run `make site`"):
        read_record(tmp_path)


def rewritten(folder: Path, change) -> None:
    data = json.loads((folder / RECORD_FILE).read_text())
    change(data)
    (folder / RECORD_FILE).write_text(json.dumps(data))


@pytest.mark.parametrize(("change", "complaint"), [
    (lambda data: data.pop("version"), rf"record format 1; this code reads {RECORD_VERSION}\): run `make site`"),
    (lambda data: data.update(version=99), r"record format 99"),
    (lambda data: data.pop("interface"), r"record lacks interface\): run `make site`"),
    (lambda data: data.update(surprise=1), r"record has unknown surprise"),
    (lambda data: data["model"].update(quantization="int4"), r"record.model.quantization is 'int4', not one of"),
    (lambda data: data["layers"][0].update(parameters="80"), r"record.layers\[0\].parameters is '80', not of type int"),
    (lambda data: data["interface"]["structure"]["stages"][0].update(size=[3]), r"size should have 2 items"),
])
def test_a_record_from_another_version_or_malformed_names_the_problem_and_make_site(tmp_path, change, complaint):
    write_record(tmp_path, sample_record())
    rewritten(tmp_path, change)
    with pytest.raises(RecordError, match=complaint) as raised:
        read_record(tmp_path)
    assert "make site" in str(raised.value)


def test_a_file_that_is_not_json_names_make_site(tmp_path):
    (tmp_path / RECORD_FILE).write_text("{not json")
    with pytest.raises(RecordError, match=r"cannot be read .*run `make site`"):
        read_record(tmp_path)


def test_the_browser_metadata_is_the_interface_in_camel_case():
    interface = sample_record().interface
    metadata = to_metadata(interface)
    assert metadata["inputShape"] == [28, 28, 1] and metadata["claimThreshold"] == 0.75
    assert metadata["preprocessing"]["framing"]["digitBox"] == 20
    assert metadata["preprocessing"]["grouping"]["cutWidths"] == [0.25, 1.2]
    assert metadata["structure"]["logitsLayer"] == "softmax"
    assert metadata["structure"]["stages"][0]["outputShape"] == [26, 26, 8]
    assert from_metadata(json.loads(json.dumps(metadata))) == interface
    assert isinstance(from_metadata(json.loads(json.dumps(metadata))), ModelInterface)


def test_only_the_browser_model_the_record_and_the_pictures_are_published(tmp_path):
    for name in ("tfjs-abc/model.json", "tfjs-abc/group1-shard1of1.bin", RECORD_FILE, "samples/00001.png",
                 "misclassified/00002.png", "figures/filters.png", "keras/digit_cnn.keras"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    assert published_files(tmp_path) == [
        "figures/filters.png", RECORD_FILE, "misclassified/00002.png", "samples/00001.png",
        "tfjs-abc/group1-shard1of1.bin", "tfjs-abc/model.json",
    ]


def test_every_reader_honours_the_environment_variable(tmp_path):
    """The build writes where it says, and a site build reads from there too (and says so when empty)."""
    environment = {**os.environ, ENVIRONMENT_VARIABLE: str(tmp_path / "elsewhere")}
    default = subprocess.run([sys.executable, "-c", "from model_build.__main__ import parse_args; "
                              "print(parse_args([]).out)"], env=environment, capture_output=True, text=True, check=True)
    assert default.stdout.strip() == str(tmp_path / "elsewhere")
    site = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--site-dir", str(tmp_path / "site")],
                          cwd=REPOSITORY, env=environment, capture_output=True, text=True)
    assert site.returncode != 0
    assert f"No trained model in {tmp_path / 'elsewhere'}: run `make site`" in site.stderr

