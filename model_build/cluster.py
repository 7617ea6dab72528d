"""Training on several machines at once: the workers that ``TF_CONFIG`` names, as cluster
launchers set it (spark-tensorflow-distributor's MirroredStrategyRunner on Spark and Databricks,
Kubeflow's TFJob on Kubernetes, or a shell loop).

Every worker runs the same command. Each trains on its share of every batch and the gradients
are summed across them (``tf.distribute.MultiWorkerMirroredStrategy``), so all end with the same
weights; worker 0, the chief, checks and exports them, and the others write nothing.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass

VARIABLE = "TF_CONFIG"
EXAMPLE = '{"cluster": {"worker": ["host1:12345", "host2:12345"]}, "task": {"type": "worker", "index": 0}}'


class ClusterError(ValueError):
    """TF_CONFIG does not describe a cluster this build can train on."""


@dataclass(frozen=True)
class Cluster:
    workers: tuple[str, ...]  # host:port of each worker, the chief first
    index: int  # this process's place among them

    @property
    def is_chief(self) -> bool:
        return self.index == 0

    def strategy(self):
        """The strategy that trains across the workers. Made before TensorFlow runs anything else,
        as it must be: it starts this worker's server and waits for the others."""
        import tensorflow as tf

        # Ring all-reduce over gRPC: what machines without accelerators use.
        options = tf.distribute.experimental.CommunicationOptions(
            implementation=tf.distribute.experimental.CommunicationImplementation.RING)
        return tf.distribute.MultiWorkerMirroredStrategy(communication_options=options)


def cluster_from_environment(environ: Mapping[str, str] = os.environ) -> Cluster | None:
    """The cluster ``TF_CONFIG`` describes; None when it is unset or names a single worker."""
    text = environ.get(VARIABLE, "").strip()
    if not text:
        return None
    fix = f"Set it as, for example, {VARIABLE}='{EXAMPLE}' on the first worker, with index 1 on the second."
    try:
        described = json.loads(text)
        workers = described["cluster"]["worker"]
        task = described["task"]
    except (ValueError, KeyError, TypeError) as error:
        raise ClusterError(f"{VARIABLE} is not a cluster description ({type(error).__name__}: {error}). {fix}") \
            from None
    if not isinstance(workers, list) or not workers or not all(isinstance(w, str) and ":" in w for w in workers):
        raise ClusterError(f"{VARIABLE}'s cluster.worker must list each worker as host:port. {fix}")
    if other_roles := sorted(set(described["cluster"]) - {"worker"}):
        raise ClusterError(f"{VARIABLE} names roles other than workers ({', '.join(other_roles)}); this build has "
                           f"workers only, worker 0 acting as the chief. {fix}")
    index = task.get("index") if isinstance(task, dict) else None
    if not isinstance(task, dict) or task.get("type") != "worker" or not isinstance(index, int) \
            or not 0 <= index < len(workers):
        raise ClusterError(f"{VARIABLE}'s task must be a worker with an index from 0 to {len(workers) - 1}, "
                           f"not {task!r}. {fix}")
    return Cluster(tuple(workers), index) if len(workers) > 1 else None
