"""The review queue's SQL against a plain Python reading of the same rows, for every filter combination."""

import itertools
import re

import pytest
from nltk.stem.snowball import SnowballStemmer
from sqlalchemy import select

from workflow import queue
from workflow.bench.fill import fill
from workflow.store import Article, Review, Store
from workflow.vocabulary import STATUSES


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def filled(request, tmp_path_factory) -> Store:
    if request.param == "sqlite":
        store = Store(f"sqlite:///{tmp_path_factory.mktemp('queue') / 'briefdesk.db'}")
    else:
        store = Store(request.getfixturevalue("postgres_server").create_database())
    fill(store, 180)  # 41 VOA stories repeated, statuses in a fixed rotation
    with store.session() as session:  # some articles with one language only, some with none
        for article_id in (5, 6, 7):
            session.delete(session.get(Review, (article_id, "zh")))
        session.delete(session.get(Review, (9, "km")))
        session.delete(session.get(Review, (9, "zh")))
    return store


def _words(text: str, stem: bool = False) -> set[str]:
    words = {word.lower() for word in re.findall(r"[^\W_]+", text)}
    # PostgreSQL searches with the 'english' configuration: Snowball stems, the same as NLTK's.
    return {_STEMMER.stem(word) for word in words} if stem else words


_STEMMER = SnowballStemmer("english")


def _expected(store: Store, status, lang, search) -> tuple[list[str], dict[str, int]]:
    with store.read() as session:
        articles = session.execute(select(Article.id, Article.external_id, Article.title, Article.text,
                                          Article.updated_at)).all()
        reviews = session.execute(select(Review.article_id, Review.lang, Review.status)).all()
    stem = store.engine.dialect.name == "postgresql"
    wanted = _words(search or "", stem)
    found = {a.id for a in articles if wanted <= _words(f"{a.external_id} {a.title} {a.text}", stem)}
    counts = dict.fromkeys(STATUSES, 0)
    for article_id, code, state in reviews:
        if article_id in found and (lang is None or code == lang):
            counts[state] += 1
    if status or lang:
        found &= {r.article_id for r in reviews if (lang is None or r.lang == lang)
                  and (status is None or r.status == status)}
    order = sorted((a for a in articles if a.id in found), key=lambda a: (a.updated_at, a.id), reverse=True)
    return [a.external_id for a in order], counts


@pytest.mark.parametrize("status,lang,search", list(itertools.product(
    (None, *STATUSES), (None, "km", "zh"), (None, "Phnom Penh", "bench 00042", "garment", "nothing-matches"))))
def test_queue_matches_a_plain_reading(filled, status, lang, search):
    expected, counts = _expected(filled, status, lang, search)
    seen = []
    for page in range(1, 6):
        result = queue.queue(filled, status=status, lang=lang, search=search, page=page, per_page=50)
        assert result.total == len(expected) and result.counts == counts
        if page > result.pages:
            break
        seen += [row.article_id for row in result.rows]
    assert seen == expected


def test_next_article_walks_the_pending_ones_in_queue_order(filled):
    pending, _ = _expected(filled, "new", None, None)
    in_review, _ = _expected(filled, "in_review", None, None)
    order, _ = _expected(filled, None, None, None)
    waiting = [a for a in order if a in set(pending) | set(in_review)]
    walked = [queue.next_article(filled)]
    while (following := queue.next_article(filled, walked[-1])) and following != walked[0]:
        walked.append(following)
        assert len(walked) <= len(waiting)
    assert walked == waiting
