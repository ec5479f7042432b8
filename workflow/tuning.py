"""Decoding settings tuned on this machine: ``briefdesk bench translate --tune`` measures a few thread splits
and batch sizes on the benchmark model and saves the fastest here; ``run`` and ``translate`` use it when no
``--threads`` is given. Machines differ 2-3x (AVX2 vs AVX-512, cores), so the file names the CPU it came from
and is ignored on another one."""

from __future__ import annotations

import json
import os
import platform
from functools import lru_cache
from pathlib import Path

from workflow.config import Config

FILE = "tuning.json"


def path(config: Config) -> Path:
    return config.home / FILE


def load(config: Config) -> dict | None:
    """The saved settings (``inter_threads``, ``intra_threads``, ``max_batch_tokens``, ``cpu``, ``seconds``) if
    they were measured on this CPU, else None."""
    try:
        saved = json.loads(path(config).read_text())
    except (OSError, ValueError):
        return None
    wanted = {"inter_threads", "intra_threads", "max_batch_tokens"}
    if not isinstance(saved, dict) or saved.get("cpu") != cpu() or not wanted <= saved.keys() or not all(
            isinstance(saved[key], int) and saved[key] > 0 for key in wanted):
        return None
    return saved


def save(config: Config, settings: dict) -> Path:
    target = path(config)
    partial = target.with_suffix(".partial")
    partial.write_text(json.dumps(settings, indent=2))
    partial.replace(target)
    return target


FORCED_ISA = {"AVX512": "AVX-512", "AVX2": "AVX2", "AVX": "AVX", "NEON": "NEON", "GENERIC": "generic"}
"""``CT2_FORCE_CPU_ISA`` values and how figures name them."""


def cpu() -> str:
    """This machine's CPU and the vector instructions decoding uses: its widest, or the ones CTranslate2 is
    told to use (``CT2_FORCE_CPU_ISA=AVX2`` on an AVX-512 machine decodes with AVX2, and says so)."""
    name, isa = _cpu()
    forced = os.environ.get("CT2_FORCE_CPU_ISA", "").strip().upper()
    return f"{name} ({FORCED_ISA.get(forced, forced)}, forced by CT2_FORCE_CPU_ISA)" if forced else f"{name} ({isa})"


@lru_cache(maxsize=1)
def _cpu() -> tuple[str, str]:
    name, flags = platform.processor() or platform.machine(), set()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                key, _, value = line.partition(":")
                if key.strip() == "model name":
                    name = value.strip()
                elif key.strip() == "flags":
                    flags = set(value.split())
                    break
    except OSError:
        pass
    return name, "AVX-512" if "avx512f" in flags else "AVX2" if "avx2" in flags else "no AVX2" if flags else "?"
