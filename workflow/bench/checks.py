"""Checking speed: milliseconds per sentence for every translation check, over the corpus's reference
translations (Khmer and Chinese), each checked many times."""

from __future__ import annotations

import csv
import time

from workflow import checks
from workflow.bench import cpu
from workflow.corpus import sample_dir


def run(rounds: int = 50) -> dict:
    with (sample_dir() / "parallel" / "reference-translations.tsv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    pairs = [(row["en"], row[lang], lang) for row in rows for lang in ("km", "zh")]
    checks.check(*pairs[0])  # compiled patterns, imports
    start = time.perf_counter()
    for _ in range(rounds):
        for en, text, lang in pairs:
            checks.check(en, text, lang)
    seconds = time.perf_counter() - start
    sentences = rounds * len(pairs)
    return {"sentences": sentences, "seconds": round(seconds, 3),
            "ms_per_sentence": round(1000 * seconds / sentences, 3), "checks": len(checks.CHECKS), "cpu": cpu()}
