"""The Dask path against the local one: the same stories through ``pipeline.run`` on this machine, once decoding
in-process and once on a ``LocalCluster`` of one-thread worker processes, on the same cores.

* ``efficiency``: local seconds / cluster seconds (1.0: the cluster costs nothing over a local run);
* ``coordinator_articles_per_second``: articles over the time the coordinator spent *not* waiting for decoded
  sentences (ingest, summaries, commits): how many articles a second one coordinator can feed to any number of
  workers;
* the cluster's start-up (worker processes, imports) is reported apart: with ``--cluster tcp://…`` the workers
  are already running.
"""

from __future__ import annotations

import json
import os
import time

from workflow.bench import BEST, cpu, in_child
from workflow.bench.translate import prepare
from workflow.config import Config


def run(config: Config, count: int = 41, workers: int = 2, compute_type: str = "int8") -> dict:
    bench_home, source = prepare(config, count)
    env = {**os.environ, "BRIEFDESK_HOME": str(bench_home)}
    env.pop("DATABASE_URL", None)
    sides = {}
    for name in ("local", "cluster"):
        code = (f"from workflow.bench.cluster import side; side({name!r}, {str(source)!r}, {workers}, "
                f"{compute_type!r})")
        sides[name] = in_child(code, env, name)
    local, cluster = sides["local"], sides["cluster"]
    return {
        "articles": count, "workers": workers, "threads_per_worker": 1,
        "local_seconds": local["seconds"], "cluster_seconds": cluster["seconds"],
        "efficiency": round(local["seconds"] / cluster["seconds"], 3),
        "cluster_startup_seconds": cluster["startup_seconds"],
        "coordinator_seconds": cluster["coordinator_seconds"],
        "coordinator_articles_per_second": round(count / cluster["coordinator_seconds"], 1),
        "local_target_tokens": local["target_tokens"], "cluster_target_tokens": cluster["target_tokens"],
        "same_translations": local["digest"] == cluster["digest"],
        "local_threads": f"{BEST['inter_threads']} inter x {BEST['intra_threads']} intra",
        "compute_type": compute_type, "cpu": cpu(),
    }


def side(name: str, source: str, workers: int, compute_type: str) -> None:
    """One side, in a child process: prints its JSON result."""
    import hashlib

    from sqlalchemy import select

    from workflow import pipeline
    from workflow.models import Registry
    from workflow.store import Store, Translation
    from workflow.translate import Settings

    config = Config.from_env()
    store = Store(f"sqlite:///{config.home / f'bench-cluster-{name}-{time.time_ns()}.db'}")
    options = pipeline.Options(targets=["km"], decoding=Settings(compute_type=compute_type, **BEST))
    startup = 0.0
    if name == "local":
        start = time.perf_counter()
        report = pipeline.run([source], store, Registry(config), options)
        seconds = time.perf_counter() - start
    else:
        from workflow import cluster

        start = time.perf_counter()
        with cluster.connect(f"local:{workers}", config) as connected:
            startup = time.perf_counter() - start
            start = time.perf_counter()
            report = pipeline.run([source], store, Registry(config), options, cluster=connected)
            seconds = time.perf_counter() - start
    assert not report.errors, report.errors
    with store.read() as session:
        texts = session.execute(select(Translation.sentence_id, Translation.text).order_by(Translation.sentence_id))
        digest = hashlib.sha256("\n".join(f"{i}\t{t}" for i, t in texts).encode()).hexdigest()
    print(json.dumps({"seconds": round(seconds, 2), "startup_seconds": round(startup, 2),
                      "coordinator_seconds": round(seconds - report.waiting_seconds, 2),
                      "target_tokens": report.tokens["km"], "digest": digest}))
