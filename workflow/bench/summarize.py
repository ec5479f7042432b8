"""Brief speed: articles per second of the default brief method over the sample corpus, and one very long
article."""

from __future__ import annotations

import time

from workflow import corpus, summarize
from workflow.bench import cpu, peak_rss_mb
from workflow.corpus import sample_dir
from workflow.segment import split_sentences


def run(long_sentences: int = 500) -> dict:
    """Articles per second for the default brief method over the corpus, and one very long article."""
    documents = [d for d in corpus.read([sample_dir()]) if isinstance(d, corpus.Document)]
    start = time.perf_counter()
    for document in documents:
        sentences = split_sentences(document.text)
        summarize.summarize([s.text for s in sentences], paragraphs=[s.paragraph for s in sentences])
    corpus_seconds = time.perf_counter() - start
    pool = [s.text for d in documents for s in split_sentences(d.text)]
    long = (pool * (long_sentences // len(pool) + 1))[:long_sentences]
    start = time.perf_counter()
    summarize.summarize(long)
    long_seconds = time.perf_counter() - start
    return {"articles": len(documents), "seconds": round(corpus_seconds, 2),
            "articles_per_second": round(len(documents) / corpus_seconds, 1),
            "long_article_sentences": long_sentences, "long_article_seconds": round(long_seconds, 3),
            "peak_rss_mb": round(peak_rss_mb()), "algorithm": summarize.DEFAULT_ALGORITHM, "cpu": cpu()}
