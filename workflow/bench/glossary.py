"""What the glossary check costs a run: the sample corpus into Khmer and Chinese with the demo models, without a
glossary and with the starter glossary, each in its own process and data dir.

Two figures: the time the run spent in the check itself (measured inside the pipeline, so free of the 10 %
noise between whole runs here), and the two runs' wall times side by side. The demo models are tiny, so decoding
is cheap and the check's share is larger than with a real model: an upper bound.
"""

from __future__ import annotations

import os
import tempfile
import time

from workflow.bench import cpu, in_child
from workflow.corpus import sample_dir, starter_glossary

STARTER = starter_glossary()


def run(repeats: int = 1) -> dict:
    sides: dict[str, list[dict]] = {"without": [], "with": []}
    for _ in range(repeats):
        for name in sides:
            with tempfile.TemporaryDirectory(prefix="briefdesk-bench-glossary-") as home:
                env = {**os.environ, "BRIEFDESK_HOME": home}
                env.pop("DATABASE_URL", None)
                code = f"from workflow.bench.glossary import side; side({name == 'with'!r})"
                sides[name].append(in_child(code, env, f"run {name} a glossary"))
    without = min(sides["without"], key=lambda r: r["seconds"])
    with_terms = min(sides["with"], key=lambda r: r["seconds"])
    return {
        "articles": with_terms["articles"], "sentences": with_terms["sentences"], "terms": with_terms["terms"],
        "seconds_without_glossary": without["seconds"], "seconds_with_glossary": with_terms["seconds"],
        "checking_seconds": with_terms["checking_seconds"],
        "check_share_percent": round(100 * with_terms["checking_seconds"] / with_terms["seconds"], 2),
        "wall_difference_percent": round(100 * (with_terms["seconds"] / without["seconds"] - 1), 1),
        "fixed": with_terms["fixed"], "term_issues": with_terms["issues"], "repeats": repeats, "cpu": cpu(),
    }


def side(with_glossary: bool) -> None:
    """One run in this process (a child): prints its JSON result."""
    import json

    from workflow import interchange, pipeline
    from workflow.config import Config
    from workflow.models import Registry
    from workflow.store import Store

    config = Config.from_env()
    registry = Registry(config)
    registry.install_demo()
    store = Store(config.database_url)
    terms = 0
    if with_glossary:
        with store.session() as session:
            imported = interchange.import_glossary(session, STARTER, "bench")
        assert not imported.problems, imported.problems
        terms = imported.added
    start = time.perf_counter()
    report = pipeline.run([sample_dir()], store, registry)
    seconds = time.perf_counter() - start
    assert not report.errors, report.errors
    print(json.dumps({"articles": len(report.articles), "sentences": sum(a.sentences for a in report.articles),
                      "terms": terms, "seconds": round(seconds, 2),
                      "checking_seconds": round(report.checking_seconds, 3),
                      "fixed": sum(report.term_fixes.values()), "issues": sum(report.term_issues.values())}))
