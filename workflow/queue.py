"""The review queue: articles with their review status per language, filtered, searched and paginated; the
statements it runs are built in ``queue_statements``, the search's in ``queue_search``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import bindparam, select, tuple_
from sqlalchemy.orm import aliased

from workflow import queue_counts, queue_statements
from workflow.glossary import ISSUES
from workflow.queue_search import capped, search_params
from workflow.queue_statements import Statements
from workflow.review_states import PENDING, STATUSES
from workflow.store import Article, Review, Store

PER_PAGE = 50
SEARCH_COUNT_LIMIT = 1_000
"""A search that matches more articles is not counted: its page shows "more than" the limit, no counts per
status, and a next page while there are more rows (counting 75,000 matches of 100,000 articles cost 75 ms)."""
WALK = 2_000
"""The newest articles a search matching many walks for its first pages (``queue_search.walked``), at 100,000
articles: PostgreSQL 0.5-2.6 ms for a page of common words (probing the hashed matches: 50 ms), SQLite 0.5-0.7 ms
(probing: 7-10 ms)."""
ISSUE_FILTERS = ("terms", "checks")
"""``terms``: only articles with open glossary issues (a missing approved form, a forbidden variant);
``checks``: only those with open translation-check issues (``workflow.checks``)."""

@dataclass
class QueueRow:
    article_id: str
    title: str
    statuses: dict[str, str]
    demo: bool
    updated_at: datetime
    term_issues: dict[str, int] = field(default_factory=dict)
    """Open glossary issues per language (languages without any are left out)."""
    job: tuple[str, str] | None = None
    """``(status, error)`` of a story added through the web or the API that a worker has not finished."""


@dataclass
class QueuePage:
    rows: list[QueueRow]
    total: int
    page: int
    pages: int
    counts: dict[str, int]
    """Reviews per status among the listed articles' (empty when ``exact`` is False)."""
    languages: list[str]
    exact: bool = True
    """False: a search matched more than ``SEARCH_COUNT_LIMIT`` articles; ``total`` is that limit and ``pages``
    the pages known so far (this one, and the next if there is one)."""

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def queue(store: Store, *, status: str | None = None, lang: str | None = None, search: str | None = None,
          issues: str | None = None, page: int = 1, per_page: int = PER_PAGE,
          count_limit: int = SEARCH_COUNT_LIMIT, walk: int = WALK) -> QueuePage:
    """Articles with their review status per language, newest first, filtered and paginated. ``issues="terms"``
    keeps the articles with open glossary issues in ``lang`` (in any language without one); the counts then
    count those articles' reviews. A search matching more than ``count_limit`` articles is not counted
    (``QueuePage.exact``); its first pages are read from the newest ``walk`` articles where they fill."""
    if issues is not None and issues not in ISSUE_FILTERS:
        raise ValueError(f"issues is one of {', '.join(ISSUE_FILTERS)}, not {issues!r}")
    dialect = store.engine.dialect.name
    params = {"lang": lang, "status": status, "kinds": list(ISSUES),
              **(search_params(dialect, search) if search else {})}
    planned = bool(search) and dialect == "postgresql"
    with store.reading(transaction=planned) as connection:
        tally = queue_counts.read(connection)
        if planned:
            # The planner does not count decompressing each row's tsvector (~5 KB, TOASTed): for a common word
            # it picks a scan that reads them all (100 ms for 10,000 articles) over the GIN index (7 ms).
            # Disabling scans inflates plan costs past the JIT threshold: compiling took 140-240 ms here, so JIT
            # goes too. Both for this transaction only (SET LOCAL), in one round trip.
            connection.exec_driver_sql("SELECT set_config('enable_seqscan', 'off', true), "
                                       "set_config('jit', 'off', true)")
        # Few matches are looked up by id and counted; many are probed while walking the queue's order, which
        # stops after a page, and not counted (counting is what grows with the archive).
        dense = bool(search) and issues is None and connection.execute(
            capped(dialect), {**params, "cap": count_limit + 1}).scalar() > count_limit
        key = (dialect, bool(lang), bool(status), bool(search), issues, dense)
        listing = (_uncounted if dense else _counted)(connection, queue_statements.statements(*key), tally,
                                                      {**params, "walk": walk}, lang, status, max(1, page),
                                                      per_page)
        rows = _rows(connection, dialect, listing.articles, tally.languages())
    if tally.rows > queue_counts.FOLD_AFTER:
        queue_counts.fold(store)
    return QueuePage(rows=rows, total=count_limit if dense else listing.total, page=listing.page,
                     pages=listing.pages, counts=listing.counts, languages=tally.languages(), exact=not dense)


@dataclass(frozen=True)
class _Listing:
    articles: list
    total: int
    page: int
    pages: int
    counts: dict[str, int]


def _counted(connection, statements: Statements, tally: queue_counts.Tally, params: dict, lang: str | None,
             status: str | None, asked: int, per_page: int) -> _Listing:
    """The asked page (the last one if it is past the end), with the total and the counts per status."""
    counts, articles = dict.fromkeys(STATUSES, 0), None
    if statements.combined is not None:  # counts, total and the asked page in one statement
        rows = connection.execute(statements.combined, {**params, **_window(asked, per_page)}).all()
        counts.update({row.status: row.n for row in rows if row.part == "count"})
        total = next(row.n for row in rows if row.part == "total")
        articles = sorted((row for row in rows if row.part == "page"), key=lambda row: (row.updated_at, row.id),
                          reverse=True)
    elif statements.filtered:  # counts of the matching articles only: counted from their reviews
        counts.update(dict(connection.execute(statements.counts, params).all()))
        total = connection.execute(statements.total, params).scalar()
    else:
        counts, total = tally.statuses(lang), tally.total(lang, status)
        if total is None:
            total = connection.execute(statements.total, params).scalar()
    pages = max(1, math.ceil(total / per_page))
    page = min(asked, pages)
    if articles is None or page != asked:
        skipped = (page - 1) * per_page
        if skipped > total // 2:  # nearer the oldest end: an OFFSET skips index entries one by one, so from there
            window = {"limit": min(per_page, total - skipped), "offset": max(0, total - skipped - per_page)}
            articles = connection.execute(statements.tail, {**params, **window}).all()
        else:
            articles = connection.execute(statements.page, {**params, **_window(page, per_page)}).all()
    return _Listing(articles, total, page, pages, counts)


def _uncounted(connection, statements: Statements, tally: queue_counts.Tally, params: dict, lang: str | None,
               status: str | None, asked: int, per_page: int) -> _Listing:
    """The asked page, and whether there is a next one (one row more is read to know)."""
    window = {"limit": per_page + 1, "offset": (asked - 1) * per_page}
    articles = []
    if statements.walked is not None and window["offset"] + window["limit"] <= params["walk"] // 4:
        articles = connection.execute(statements.walked, {**params, **window}).all()
    if len(articles) <= per_page:  # (not walked, or the walk did not fill the page: the matches, probed)
        articles = connection.execute(statements.page, {**params, **window}).all()
    return _Listing(articles[:per_page], 0, asked, asked + (len(articles) > per_page), {})


def _rows(connection, dialect: str, articles: list, languages: list[str]) -> list[QueueRow]:
    """The page's articles with their statuses, open term issues and unfinished jobs."""
    if not articles:
        return []
    reviews_of, issues_of, jobs_of = queue_statements.details(dialect)
    ids = [a.id for a in articles]
    reviews = connection.execute(reviews_of, {"ids": ids}).all()
    open_issues = connection.execute(issues_of, {"ids": ids, "langs": languages, "kinds": list(ISSUES)}).all() \
        if languages else []
    unfinished = {row.article_id: (row.status, row.error) for row in connection.execute(jobs_of, {"ids": ids})}
    statuses: dict[int, dict[str, str]] = {}
    demo: dict[int, bool] = {}
    for article_id, code, state, is_demo in reviews:
        statuses.setdefault(article_id, {})[code] = state
        demo[article_id] = demo.get(article_id, False) or is_demo
    term_issues: dict[int, dict[str, int]] = {}
    for article_id, code, count in open_issues:
        term_issues.setdefault(article_id, {})[code] = count
    return [QueueRow(a.external_id, a.title, statuses.get(a.id, {}), demo.get(a.id, False), a.updated_at,
                     term_issues.get(a.id, {}), unfinished.get(a.id)) for a in articles]


def _window(page: int, per_page: int) -> dict[str, int]:
    return {"limit": per_page, "offset": (page - 1) * per_page}


def next_article(store: Store, after: str | None = None) -> str | None:
    """The next article (in queue order: newest first) that still has a language waiting for a decision."""
    with store.reading() as connection:
        found = connection.execute(_PENDING_AFTER, {"external_id": after}).scalar() if after else None
        if found:
            return found
        first = connection.execute(_PENDING_FIRST).scalar()
        return first if first != after else None


_WAITING = select(Review.article_id).where(Review.article_id == Article.id, Review.status.in_(PENDING)).exists()
_PENDING_FIRST = (select(Article.external_id).where(_WAITING)
                  .order_by(Article.updated_at.desc(), Article.id.desc()).limit(1))
_CURRENT = aliased(Article)
_PENDING_AFTER = _PENDING_FIRST.where(  # after the given article's place, found in the same statement
    tuple_(Article.updated_at, Article.id) < select(_CURRENT.updated_at, _CURRENT.id).where(
        _CURRENT.external_id == bindparam("external_id")).scalar_subquery())
