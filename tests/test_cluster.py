"""Which cluster TF_CONFIG describes, and the clear errors when it describes none this build can use.
(Two workers training together: tests/test_model_build.py.)"""

from __future__ import annotations

import json

import pytest

from model_build.cluster import Cluster, ClusterError, cluster_from_environment

WORKERS = ["127.0.0.1:20001", "127.0.0.1:20002"]


def tf_config(**described) -> dict[str, str]:
    return {"TF_CONFIG": json.dumps({"cluster": {"worker": WORKERS}, "task": {"type": "worker", "index": 1},
                                     **described})}


def test_a_worker_knows_its_place_and_the_first_is_the_chief():
    assert cluster_from_environment(tf_config()) == Cluster(tuple(WORKERS), 1)
    assert not Cluster(tuple(WORKERS), 1).is_chief and Cluster(tuple(WORKERS), 0).is_chief


def test_no_cluster_or_a_cluster_of_one_is_a_plain_build():
    assert cluster_from_environment({}) is None
    assert cluster_from_environment({"TF_CONFIG": " "}) is None
    assert cluster_from_environment(tf_config(cluster={"worker": WORKERS[:1]}, task={"type": "worker", "index": 0})) \
        is None


@pytest.mark.parametrize(("environ", "message"), [
    ({"TF_CONFIG": "{cluster: workers}"}, r"TF_CONFIG is not a cluster description \(JSONDecodeError"),
    ({"TF_CONFIG": '{"task": {"type": "worker", "index": 0}}'}, r"not a cluster description \(KeyError: 'cluster'\)"),
    (tf_config(cluster={"worker": ["no-port"]}), "must list each worker as host:port"),
    (tf_config(cluster={"worker": WORKERS, "ps": ["127.0.0.1:20003"]}), r"roles other than workers \(ps\)"),
    (tf_config(task={"type": "chief", "index": 0}), "task must be a worker with an index from 0 to 1"),
    (tf_config(task={"type": "worker", "index": 2}), "index from 0 to 1, not"),
])
def test_a_description_this_build_cannot_use_says_how_to_write_one(environ, message):
    with pytest.raises(ClusterError, match=message) as raised:
        cluster_from_environment(environ)
    assert """TF_CONFIG='{"cluster": {"worker": ["host1:12345", "host2:12345"]}""" in str(raised.value)
