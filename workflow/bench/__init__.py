"""Benchmarks that print numbers, one module per benchmark; what they share lives here.

* ``bench.translate``: argostranslate vs Briefdesk's pipeline vs raw CTranslate2 on one real-size model
  (``bench.model``), each side in its own process;
* ``bench.summarize``: articles per second of the default brief method;
* ``bench.convert``: CPU speed of a converted NLLB-600M-shaped checkpoint;
* ``bench.cluster``: the pipeline decoding in-process vs on a Dask LocalCluster, on the same cores;
* ``bench.glossary``: what the glossary check adds to a run of the sample corpus;
* ``bench.fill``: a store filled with many reviewed articles (the review-app benchmark, ``web.bench``, and the
  queue tests use it).

Figures depend on the CPU (2-3x between machines here): each result names the machine it ran on.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys

from workflow.corpus import sample_dir
from workflow.tuning import cpu  # noqa: F401 - every benchmark names its CPU

THREADS = 2
BEST = {"inter_threads": 2, "intra_threads": 1, "max_batch_tokens": 2048}
"""Settings found best on 2 cores: two translation workers of one thread each, 2048-token batches."""


def corpus_file():
    return sample_dir() / "voa-cambodia-2018.en.jsonl"


def stories() -> list[dict]:
    """The VOA stories of the sample corpus (id, title, text)."""
    return [json.loads(line) for line in corpus_file().read_text().splitlines() if line.strip()]


def articles(count: int) -> list[dict]:
    """The VOA stories, repeated (with new ids) to reach ``count``."""
    pool = stories()
    chosen = []
    for index in range(count):
        story = pool[index % len(pool)]
        suffix = f"-{index // len(pool)}" if index >= len(pool) else ""
        chosen.append({"id": story["id"] + suffix, "title": story["title"], "text": story["text"]})
    return chosen


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def in_child(code: str, env: dict[str, str], what: str) -> dict:
    """Run ``code`` in a fresh Python process (fair imports, its own peak RSS) and return the JSON object it
    prints last."""
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{what} failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])
