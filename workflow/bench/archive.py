"""A batch at archive scale: ``briefdesk bench archive --stories 2000``.

A synthetic archive built from the bundled VOA stories: copy *k* of a story has every sentence marked with *k*
(" (k)" before its full stop), so no copy's sentence is found in another's translations, the memory or the run's
de-duplication, and each copy costs what a new story costs. It goes through the whole pipeline (ingest, split,
brief, translate into Khmer and Chinese, store, one commit per article) with the demo models into a fresh
SQLite store in the data dir, removed afterwards. Reported: per stage, seconds and items per second; and
whether the cost stays flat as the store grows, as the seconds per item of the first and the last 10 % of each
stage.

The demo models are tiny, so decoding is a small share here: this measures what grows with the store
(ingest, commits, the glossary and checks, the indexes), not a real model's decoding (``bench translate``).
"""

from __future__ import annotations

import json
import re
import shutil
import time
from pathlib import Path

from workflow.bench import cpu, stories
from workflow.config import Config
from workflow.segment import split_sentences


def build(count: int, folder: Path) -> Path:
    """``count`` stories in one JSON-lines file, each copy's sentences marked with its copy number."""
    pool = stories()
    split = [split_sentences(story["text"]) for story in pool]  # once per story, not per copy
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"archive-{count}.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for index in range(count):
            story, copy = pool[index % len(pool)], index // len(pool)
            text = _marked(split[index % len(pool)], copy) if copy else story["text"]
            out.write(json.dumps({"id": f"{story['id']}-{copy}", "title": story["title"], "text": text},
                                 ensure_ascii=False) + "\n")
    return path


def _marked(sentences: list, copy: int) -> str:
    """The story again, " (copy)" before each sentence's final punctuation (or at its end)."""
    paragraphs: dict[int, list[str]] = {}
    for sentence in sentences:
        body, end = re.fullmatch(r"(.*?)([.!?…]*[”\"’)]*)", sentence.text.strip(), re.S).groups()
        paragraphs.setdefault(sentence.paragraph, []).append(f"{body} ({copy}){end}")
    return "\n\n".join(" ".join(group) for _, group in sorted(paragraphs.items()))


class Clock:
    """``pipeline.run``'s progress callback that keeps when each count was reached, per stage. A stage starts
    when the one before it last reported (the first when the run started): a translate stage's first batch and
    its model's loading are its own."""

    def __init__(self) -> None:
        self.last = time.perf_counter()
        self.marks: dict[str, list[tuple[int, float]]] = {}
        self.totals: dict[str, int] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.perf_counter()
        self.marks.setdefault(stage, [(0, self.last)])
        # ingest reports an item as it begins it; translate a batch's sentences once they are decoded
        self.marks[stage].append((done - 1 if stage == "ingest" else done, now))
        self.totals[stage], self.last = total, now

    def stage(self, name: str) -> dict:
        marks, total = self.marks[name], self.totals[name]
        tenth = max(1, total // 10)
        return {"items": total, "seconds": round(marks[-1][1] - marks[0][1], 2),
                "items_per_second": round(total / max(marks[-1][1] - marks[0][1], 1e-9), 1),
                "first_10pct_ms_per_item": _ms_per_item(marks, 0, tenth),
                # (ingest's last item ends unreported: its last tenth ends where its last item begins)
                "last_10pct_ms_per_item": _ms_per_item(marks, marks[-1][0] - tenth, marks[-1][0])}


def _ms_per_item(marks: list[tuple[int, float]], start: int, end: int) -> float:
    """Milliseconds per item from the last mark at or before ``start`` to the first at or past ``end``."""
    at_start = next((m for m in reversed(marks) if m[0] <= start), marks[0])
    at_end = next((m for m in marks if m[0] >= end), marks[-1])
    items = max(at_end[0] - at_start[0], 1)
    return round((at_end[1] - at_start[1]) * 1000 / items, 3)


def run(config: Config, count: int = 2000) -> dict:
    """Build the archive, run it through the pipeline into a fresh store, report per stage."""
    from workflow import pipeline
    from workflow.models import Registry
    from workflow.store import Store

    home = config.home / "bench" / f"archive-{time.time_ns()}"
    try:
        source = build(count, home / "input")
        registry = Registry(Config.at(home))
        registry.install_demo()
        store = Store(f"sqlite:///{home / 'briefdesk.db'}")
        clock = Clock()
        started = time.perf_counter()
        report = pipeline.run([source], store, registry, pipeline.Options(targets=("km", "zh")), progress=clock)
        seconds = time.perf_counter() - started
        store.close()
    finally:  # (its store is about 1 MB a story)
        shutil.rmtree(home, ignore_errors=True)
    stages = {name: clock.stage(name) for name in clock.marks}
    return {"stories": count, "stored": len(report.articles), "errors": len(report.errors),
            "seconds": round(seconds, 1), "stories_per_second": round(count / seconds, 1),
            "sentences_decoded": report.decoded, "stages": stages, "model": "demo", "cpu": cpu()}
