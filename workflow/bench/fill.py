"""A store full of reviewed articles, for the review-app benchmark (``web.bench``) and the queue tests."""

from __future__ import annotations

import time

from sqlalchemy import func, insert, select, text

from workflow import accounts, queue_counts
from workflow.bench import articles
from workflow.review_states import APPROVED, IN_REVIEW, NEW, REJECTED
from workflow.segment import split_sentences
from workflow.store import Article, Brief, Review, Sentence, Store, Translation


def fill(store: Store, count: int) -> float:
    """Insert ``count`` articles ``bench-00000``… (VOA text, 12 sentences each, km and zh translations, reviews
    with statuses in a fixed rotation) in bulk, and an editor ``bench`` (password ``bench-password``). Does
    nothing when the store already holds ``count`` articles. Returns the seconds it took."""
    with store.read() as session:
        if session.scalar(select(func.count(Article.id))) == count:
            return 0.0
    start = time.perf_counter()
    stories = articles(41)
    segmented = [split_sentences(story["text"])[:12] for story in stories]  # once per story, not per copy
    with store.session() as session:
        for offset in range(0, count, 500):
            for table, rows in _rows(range(offset, min(count, offset + 500)), stories, segmented):
                session.execute(insert(table), rows)
        if store.engine.dialect.name == "postgresql":  # ids were given: move the sequences past them
            for table in ("articles", "sentences"):
                session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                     f"(SELECT max(id) FROM {table}))"))
    try:
        accounts.add_user(store, "bench", "bench-password", "editor")
    except accounts.AccountError:
        pass
    queue_counts.fold(store, shrink_after=queue_counts.SHRINK_AFTER)  # the triggers' rows, not left to a page
    if store.engine.dialect.name == "postgresql":
        _settle(store)
    return time.perf_counter() - start


_STATUSES = [NEW, NEW, IN_REVIEW, APPROVED, REJECTED]


def _rows(ids: range, stories: list[dict], segmented: list[list]) -> list[tuple[type, list[dict]]]:
    """The rows of articles ``ids``, table by table in the order they can be inserted."""
    sentences, translations, reviews, briefs = [], [], [], []
    for i in ids:
        for position, sentence in enumerate(segmented[i % 41]):
            sentence_id = i * 12 + position + 1
            sentences.append({"id": sentence_id, "article_id": i + 1, "position": position,
                              "paragraph": sentence.paragraph, "text": sentence.text, "in_brief": position < 3})
            translations += [{"sentence_id": sentence_id, "lang": lang, "model": "bench",
                              "text": f"[{lang}] {sentence.text}", "score": -0.5, "origin": "model"}
                             for lang in ("km", "zh")]
        for lang in ("km", "zh"):
            reviews.append({"article_id": i + 1, "lang": lang, "status": _STATUSES[(i + len(lang)) % 5],
                            "model": "bench", "demo": True, "fingerprint": "bench"})
            briefs.append({"article_id": i + 1, "lang": lang, "text": f"[{lang}] brief"})
    stored = [{"id": i + 1, "external_id": f"bench-{i:05d}", "title": f"{stories[i % 41]['title']} #{i}",
               "source": "bench", "text": stories[i % 41]["text"], "content_hash": f"{i:064d}", "summary_key": ""}
              for i in ids]
    return [(Article, stored), (Sentence, sentences), (Translation, translations), (Review, reviews),
            (Brief, briefs)]


_READ_BY_THE_APP = ("articles", "reviews", "sentences", "translations", "briefs")


def _settle(store: Store, attempts: int = 50) -> None:
    """Statistics and the visibility map now, as autovacuum would give a live database soon after: without
    them the planner guesses, and index-only scans read the table. One VACUUM right after the fill often
    marks nothing all-visible (pages whose rows are still locked by the foreign-key checks, hint bits not yet
    settable, an autovacuum's snapshot), so it is repeated until every page is marked."""
    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM ANALYZE")
        for _ in range(attempts):
            pending = connection.execute(text(
                "SELECT relname FROM pg_class WHERE relname = ANY(:tables) AND relallvisible < relpages"),
                {"tables": list(_READ_BY_THE_APP)}).scalars().all()
            if not pending:
                return
            time.sleep(0.2)
            connection.exec_driver_sql(f"VACUUM {', '.join(sorted(pending))}")
