"""The review queue: articles with their review status per language, filtered, searched and paginated.

Every query is answered from indexes: the status/language filter from the covering indexes on ``reviews``, the
order from ``(updated_at, id)``, the search from the full-text index, the term-issue filter from
``(lang, kind, article_id)`` on ``term_issues`` (the check-issue filter from ``(article_id, lang)`` on
``check_issues``). Only the page's own rows are read from ``articles``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from sqlalchemy import (
    DateTime,
    Integer,
    Select,
    String,
    any_,
    bindparam,
    distinct,
    func,
    literal,
    null,
    select,
    tuple_,
    union_all,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import aliased

from workflow import queue_counts, queue_search
from workflow.glossary import ISSUES
from workflow.queue_search import capped, looked_up, matches_of, probing, search_params
from workflow.review_states import PENDING, STATUSES
from workflow.store import Article, CheckIssue, Job, Review, Store, TermIssue

PER_PAGE = 50
SEARCH_COUNT_LIMIT = 1_000
"""A search that matches more articles is not counted: its page shows "more than" the limit, no counts per
status, and a next page while there are more rows (counting 75,000 matches of 100,000 articles cost 75 ms)."""
WALK = 2_000
"""The newest articles a search matching many walks for its first pages (``queue_search.walked``), at 100,000
articles: PostgreSQL 0.5-2.6 ms for a page of common words (probing the hashed matches: 50 ms), SQLite 0.6-1.0 ms
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
        listing = (_uncounted if dense else _counted)(connection, _statements(*key), tally,
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


def _counted(connection, statements: _Statements, tally: queue_counts.Tally, params: dict, lang: str | None,
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
        articles = connection.execute(statements.page, {**params, **_window(page, per_page)}).all()
    return _Listing(articles, total, page, pages, counts)


def _uncounted(connection, statements: _Statements, tally: queue_counts.Tally, params: dict, lang: str | None,
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
    reviews_of, issues_of, jobs_of = _details(dialect)
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


# The statements are built once per kind of filter and reused with new values: building SQLAlchemy expressions
# anew on every page cost more CPU than running them.
@lru_cache(maxsize=4)
def _details(dialect: str) -> tuple[Select, Select, Select]:
    """The statements that read the page's reviews, open term issues and unfinished jobs, given its ids."""
    ids = _one_of(dialect, "ids", Integer)
    reviews = select(Review.article_id, Review.lang, Review.status, Review.demo).where(ids(Review.article_id))
    # "lang IN (every language)": the index starts with lang, so each (lang, kind) pair is one range probed for
    # the page's ids, instead of a scan of every open issue.
    issues = select(TermIssue.article_id, TermIssue.lang, func.count()).where(
        _one_of(dialect, "langs", String)(TermIssue.lang), _one_of(dialect, "kinds", String)(TermIssue.kind),
        ids(TermIssue.article_id)).group_by(TermIssue.article_id, TermIssue.lang)
    # The page's stories whose newest job a worker has not finished (or that failed): newest job per article
    # first, then "done" ones dropped, so an old failure never shows once a later job succeeded.
    newest_jobs = select(func.max(Job.id)).where(ids(Job.article_id)).group_by(Job.article_id)
    jobs = select(Job.article_id, Job.status, Job.error).where(Job.id.in_(newest_jobs), Job.status != "done")
    return reviews, issues, jobs


def _one_of(dialect: str, name: str, type_):
    """``column IN (the list bound as name)``. On PostgreSQL one array parameter (``= ANY``): the statement's
    text stays the same whatever the list's length, so psycopg prepares it once, where an expanded IN is
    rendered, parsed and planned anew on every page (measured: half the queue's CPU in the app)."""
    if dialect == "postgresql":
        return lambda column: column == any_(bindparam(name, type_=ARRAY(type_)))
    return lambda column: column.in_(bindparam(name, expanding=True))


def _window(page: int, per_page: int) -> dict[str, int]:
    return {"limit": per_page, "offset": (page - 1) * per_page}


@dataclass(frozen=True)
class _Statements:
    counts: Select
    total: Select
    page: Select
    filtered: bool
    """By a search or the issues: counted from the matching articles' reviews, not from ``queue_counts``."""
    combined: Select | None = None
    """A PostgreSQL search's counts, total and page in one statement (rows marked "count", "total", "page"), so
    the words are matched once (a CTE) instead of three times: 8,000 matches cost ~7 ms each time here."""
    walked: Select | None = None
    """A search matching many (PostgreSQL, SQLite): the page from the newest ``:walk`` articles
    (``queue_search.walked``)."""


@lru_cache(maxsize=32)
def _statements(dialect: str, by_lang: bool, by_status: bool, searching: bool, issues: str | None,
                dense: bool) -> _Statements:
    """``dense``: a search matching many articles, whose page probes them while walking the queue's order;
    otherwise the matches are few and are looked up by id."""
    by_issues = issues is not None
    matches = matches_of(dialect) if searching else None
    combine = dialect == "postgresql" and searching and not by_issues and not dense
    probe = probing if dense or by_issues else looked_up
    if combine:
        matches = select(matches.cte("matches").c.id)
    if by_issues:
        matches = _flagged(dialect, issues, by_lang, matches)
    by_review = ([Review.lang == bindparam("lang")] if by_lang else []) + \
        ([Review.status == bindparam("status")] if by_status else [])
    counts = select(Review.status, func.count()).group_by(Review.status)
    if by_lang:
        counts = counts.where(Review.lang == bindparam("lang"))
    if matches is not None:
        # Scan the covering (status, article_id) index probing the match list, rather than look up each match's
        # reviews (measured 10 ms instead of 17 for 7,500 matches).
        counts = counts.where(probe(dialect, Review.article_id, matches))
    conditions = []
    if by_review:
        # EXISTS, walked along the page order, stops after one page; IN would read every match first.
        conditions.append(select(Review.article_id).where(Review.article_id == Article.id, *by_review).exists())
    if matches is not None:
        # Walking the order index and probing the match list stops after one page; fetching every match by id
        # and sorting them would not.
        conditions.append(probe(dialect, Article.id, matches))
    # The page's ids from the (updated_at, id) index alone, then only their rows: an OFFSET of thousands skips
    # index entries, not table rows (PostgreSQL: 16 ms for page 180 reading rows, 3 ms from the index).
    ids = (select(Article.id).where(*conditions).order_by(Article.updated_at.desc(), Article.id.desc())
           .limit(bindparam("limit", type_=Integer)).offset(bindparam("offset", type_=Integer)))
    page = (select(Article.id, Article.external_id, Article.title, Article.updated_at)
            .where(Article.id.in_(ids.scalar_subquery()))
            .order_by(Article.updated_at.desc(), Article.id.desc()))
    total = _total(by_review, by_lang, matches)
    walked = queue_search.walked(dialect, by_review) if dense and dialect in ("postgresql", "sqlite") else None
    return _Statements(counts, total, page, matches is not None, _combined(counts, total, page) if combine else None,
                       walked)


def _flagged(dialect: str, issues: str, by_lang: bool, matches: Select | None) -> Select:
    """Articles with open issues, straight from the (lang, kind, article_id) index: few, so they are read whole
    and combined with the other filters like the search's matches (an id per issue: IN does not mind, the total
    counts distinct ones)."""
    table = TermIssue if issues == "terms" else CheckIssue
    flagged = select(table.article_id).where(_one_of(dialect, "kinds", String)(TermIssue.kind)
                                             if issues == "terms" else CheckIssue.dismissed_at.is_(None))
    if by_lang:
        flagged = flagged.where(table.lang == bindparam("lang"))
    if matches is not None:  # the issues' index read probing the search's matches, not the other way round
        flagged = flagged.where(table.article_id.in_(matches))
    return flagged


def _total(by_review: list, by_lang: bool, matches: Select | None) -> Select:
    """How many articles the filters keep."""
    if by_review:
        # One review per (article, language): with a language filter every row is a distinct article.
        total = select(func.count() if by_lang else func.count(distinct(Review.article_id))).where(*by_review)
        return total.where(Review.article_id.in_(matches)) if matches is not None else total
    if matches is not None:  # (an id can come twice: an issue per language, a search's two sides)
        listed = matches.subquery()
        return select(func.count(distinct(listed.c[0])))
    return select(func.count()).select_from(Article)  # count(*): SQLite answers it without a scan


def _combined(counts: Select, total: Select, page: Select):
    """Rows of three kinds, told apart by "part": (count, status, n), (total, n) and (page, an article)."""
    counted, totalled, paged = counts.subquery(), total.subquery(), page.subquery()
    no_status, no_n = null().cast(String), null().cast(Integer)
    no_article = [null().cast(type_).label(name) for name, type_ in
                  (("id", Integer), ("external_id", String), ("title", String), ("updated_at", DateTime))]
    return union_all(
        select(literal("count").label("part"), counted.c[0].label("status"), counted.c[1].label("n"), *no_article),
        select(literal("total"), no_status, totalled.c[0], *no_article),
        select(literal("page"), no_status, no_n, paged.c.id, paged.c.external_id, paged.c.title, paged.c.updated_at))


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
