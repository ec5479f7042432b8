"""Brief speed: articles per second of the default brief method over the sample corpus, one very long article,
and the splitting of the texts that were slowest to split (one paragraph of many sentences, one run of words
without punctuation): time that grows with their length, not its square."""

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
    split = {}
    for count in (1_000, 8_000):
        text = " ".join(f"This is sentence number {i} about the talks." for i in range(count))
        start = time.perf_counter()
        split_sentences(text)
        split[f"split_{count}_sentences_one_paragraph_s"] = round(time.perf_counter() - start, 3)
    start = time.perf_counter()
    split_sentences(" ".join(f"word{i % 5000}" for i in range(60_000)))
    split["split_60000_words_unpunctuated_s"] = round(time.perf_counter() - start, 3)
    return {"articles": len(documents), "seconds": round(corpus_seconds, 2),
            "articles_per_second": round(len(documents) / corpus_seconds, 1),
            "long_article_sentences": long_sentences, "long_article_seconds": round(long_seconds, 3), **split,
            "peak_rss_mb": round(peak_rss_mb()), "algorithm": summarize.DEFAULT_ALGORITHM, "cpu": cpu()}
