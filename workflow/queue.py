"""The review queue: articles with their review status per language, filtered, searched and paginated.

Every query is answered from indexes: the status/language filter from the covering indexes on ``reviews``, the
order from ``(updated_at, id)``, the search from the full-text index. Only the page's own rows are read from
``articles``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, distinct, func, literal_column, or_, select, text, tuple_

from workflow.store import Article, Review, Store
from workflow.vocabulary import PENDING, STATUSES

PER_PAGE = 50

@dataclass
class QueueRow:
    article_id: str
    title: str
    statuses: dict[str, str]
    demo: bool
    updated_at: datetime


@dataclass
class QueuePage:
    rows: list[QueueRow]
    total: int
    page: int
    pages: int
    counts: dict[str, int]
    languages: list[str]


def queue(store: Store, *, status: str | None = None, lang: str | None = None, search: str | None = None,
          page: int = 1, per_page: int = PER_PAGE) -> QueuePage:
    """Articles with their review status per language, newest first, filtered and paginated."""
    with store.read() as session:
        matches = _search(session, search) if search else None
        by_review = ([Review.lang == lang] if lang else []) + ([Review.status == status] if status else [])
        counts_query = select(Review.status, func.count()).group_by(Review.status)
        if lang:
            counts_query = counts_query.where(Review.lang == lang)
        if matches is not None:
            counts_query = counts_query.where(Review.article_id.in_(matches))
        counts = dict.fromkeys(STATUSES, 0)
        counts.update(dict(session.execute(counts_query).all()))

        conditions = []
        if by_review:
            total_query = select(func.count(distinct(Review.article_id))).where(*by_review)
            # EXISTS, walked along the page order, stops after one page; IN would read every match first.
            conditions.append(select(Review.article_id).where(Review.article_id == Article.id, *by_review).exists())
            if matches is not None:
                total_query = total_query.where(Review.article_id.in_(matches))
        elif matches is not None:
            total_query = select(func.count()).select_from(matches.subquery())
        else:
            total_query = select(func.count(Article.id))
        if matches is not None:
            # "+ 0": SQLite would otherwise fetch every matching row by id and sort them; walking the order
            # index and probing the match list stops after one page.
            conditions.append((Article.id + 0).in_(matches))
        total = session.scalar(total_query)
        pages = max(1, math.ceil(total / per_page))
        page = min(max(1, page), pages)
        articles = session.execute(
            select(Article.id, Article.external_id, Article.title, Article.updated_at).where(*conditions)
            .order_by(Article.updated_at.desc(), Article.id.desc()).limit(per_page).offset((page - 1) * per_page)
        ).all()
        reviews = session.execute(select(Review.article_id, Review.lang, Review.status, Review.demo).where(
            Review.article_id.in_([a.id for a in articles]))).all()
        languages = sorted(session.scalars(select(Review.lang).distinct()))
    statuses: dict[int, dict[str, str]] = {}
    demo: dict[int, bool] = {}
    for article_id, code, state, is_demo in reviews:
        statuses.setdefault(article_id, {})[code] = state
        demo[article_id] = demo.get(article_id, False) or is_demo
    rows = [QueueRow(a.external_id, a.title, statuses.get(a.id, {}), demo.get(a.id, False), a.updated_at)
            for a in articles]
    return QueuePage(rows=rows, total=total, page=page, pages=pages, counts=counts, languages=languages)


def _search(session, search: str) -> Select:
    """Ids of the articles whose id, title or text contain all the words (SQLite's full-text index; ILIKE
    of the whole phrase elsewhere)."""
    if session.get_bind().dialect.name == "sqlite":
        # Each word literally (quoted), all required; no words means nothing can match.
        query = " ".join('"' + word + '"' for word in re.findall(r"\w+", search)) or '""'
        return select(literal_column("rowid")).select_from(text("articles_fts")).where(
            text("articles_fts MATCH :query").bindparams(query=query))
    pattern = "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return select(Article.id).where(or_(*(column.ilike(pattern, escape="\\")
                                          for column in (Article.external_id, Article.title, Article.text))))


def next_article(store: Store, after: str | None = None) -> str | None:
    """The next article (in queue order: newest first) that still has a language waiting for a decision."""
    with store.read() as session:
        pending = select(Review.article_id).where(Review.article_id == Article.id,
                                                  Review.status.in_(PENDING)).exists()
        query = select(Article.external_id).where(pending).order_by(Article.updated_at.desc(), Article.id.desc())
        current = session.execute(select(Article.updated_at, Article.id).where(Article.external_id == after)).first()
        if current is not None:
            later = tuple_(Article.updated_at, Article.id) < tuple_(current.updated_at, current.id)
            found = session.scalar(query.where(later).limit(1))
            if found:
                return found
        first = session.scalar(query.limit(1))
        return first if first != after else None
