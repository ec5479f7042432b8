"""Benchmarks that print numbers, one module per benchmark; what they share lives here.

* ``bench.translate``: argostranslate vs Briefdesk's pipeline vs raw CTranslate2 on one real-size model
  (``bench.model``), each side in its own process;
* ``bench.summarize``: articles per second of the default brief method;
* ``bench.convert``: CPU speed of a converted NLLB-600M-shaped checkpoint;
* ``bench.fill``: a store filled with many reviewed articles (the review-app benchmark, ``web.bench``, and the
  queue tests use it).

Figures depend on the CPU (2-3x between machines here): each result names the machine it ran on.
"""

from __future__ import annotations

import json
import platform
import resource
from functools import lru_cache

from workflow.corpus import sample_dir

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


@lru_cache(maxsize=1)
def cpu() -> str:
    """The CPU the figures come from: model name and its widest vector instructions (machines differ 2-3x)."""
    name, flags = platform.processor() or platform.machine(), set()
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8"):
            key, _, value = line.partition(":")
            if key.strip() == "model name":
                name = value.strip()
            elif key.strip() == "flags":
                flags = set(value.split())
                break
    except OSError:
        pass
    isa = "AVX-512" if "avx512f" in flags else "AVX2" if "avx2" in flags else "no AVX2" if flags else "?"
    return f"{name} ({isa})"
