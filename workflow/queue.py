"""The review queue: articles with their review status per language, filtered, searched and paginated.

Every query is answered from indexes: the status/language filter from the covering indexes on ``reviews``, the
order from ``(updated_at, id)``, the search from the full-text index, the term-issue filter from
``(lang, kind, article_id)`` on ``term_issues`` (the check-issue filter from ``(article_id, lang)`` on
``check_issues``). Only the page's own rows are read from ``articles``.
"""

from __future__ import annotations

import math
import re
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
    literal_column,
    null,
    or_,
    select,
    text,
    tuple_,
    union,
    union_all,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import aliased

from workflow import queue_counts
from workflow.glossary import ISSUES
from workflow.review_states import PENDING, STATUSES
from workflow.store import Article, CheckIssue, Job, Review, Store, TermIssue

PER_PAGE = 50
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
    languages: list[str]


def queue(store: Store, *, status: str | None = None, lang: str | None = None, search: str | None = None,
          issues: str | None = None, page: int = 1, per_page: int = PER_PAGE) -> QueuePage:
    """Articles with their review status per language, newest first, filtered and paginated. ``issues="terms"``
    keeps the articles with open glossary issues in ``lang`` (in any language without one); the counts then
    count those articles' reviews."""
    if issues is not None and issues not in ISSUE_FILTERS:
        raise ValueError(f"issues is one of {', '.join(ISSUE_FILTERS)}, not {issues!r}")
    dialect = store.engine.dialect.name
    statements = _statements(dialect, bool(lang), bool(status), bool(search), issues)
    params = {"lang": lang, "status": status, "kinds": list(ISSUES),
              **(_search_params(dialect, search) if search else {})}
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
        counts, articles, asked = dict.fromkeys(STATUSES, 0), None, max(1, page)
        if statements.combined is not None:  # counts, total and the asked page in one statement
            rows = connection.execute(statements.combined, {**params, **_window(asked, per_page)}).all()
            counts.update({row.status: row.n for row in rows if row.part == "count"})
            total = next(row.n for row in rows if row.part == "total")
            articles = sorted((row for row in rows if row.part == "page"), key=lambda row: (row.updated_at, row.id),
                              reverse=True)
        elif search or issues:  # counts of the matching articles only: counted from their reviews
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
        reviews_of, issues_of, jobs_of = _details(dialect)
        ids = [a.id for a in articles]
        reviews = connection.execute(reviews_of, {"ids": ids}).all() if articles else []
        languages = tally.languages()
        open_issues = connection.execute(issues_of, {"ids": ids, "langs": languages, "kinds": list(ISSUES)}).all() \
            if articles and languages else []
        unfinished = {row.article_id: (row.status, row.error) for row in connection.execute(
            jobs_of, {"ids": ids})} if articles else {}
    if tally.rows > queue_counts.FOLD_AFTER:
        queue_counts.fold(store)
    statuses: dict[int, dict[str, str]] = {}
    demo: dict[int, bool] = {}
    for article_id, code, state, is_demo in reviews:
        statuses.setdefault(article_id, {})[code] = state
        demo[article_id] = demo.get(article_id, False) or is_demo
    issues_of: dict[int, dict[str, int]] = {}
    for article_id, code, count in open_issues:
        issues_of.setdefault(article_id, {})[code] = count
    rows = [QueueRow(a.external_id, a.title, statuses.get(a.id, {}), demo.get(a.id, False), a.updated_at,
                     issues_of.get(a.id, {}), unfinished.get(a.id)) for a in articles]
    return QueuePage(rows=rows, total=total, page=page, pages=pages, counts=counts, languages=languages)


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
    combined: Select | None = None
    """A PostgreSQL search's counts, total and page in one statement (rows marked "count", "total", "page"), so
    the words are matched once (a CTE) instead of three times: 8,000 matches cost ~7 ms each time here."""


@lru_cache(maxsize=32)
def _statements(dialect: str, by_lang: bool, by_status: bool, searching: bool, issues: str | None) -> _Statements:
    by_issues = issues is not None
    matches = _matches(dialect) if searching else None
    combine = dialect == "postgresql" and searching and not by_issues
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
        counts = counts.where(_probing(dialect, Review.article_id, matches))
    conditions = []
    if by_review:
        # EXISTS, walked along the page order, stops after one page; IN would read every match first.
        conditions.append(select(Review.article_id).where(Review.article_id == Article.id, *by_review).exists())
    if matches is not None:
        # Walking the order index and probing the match list stops after one page; fetching every match by id
        # and sorting them would not.
        conditions.append(_probing(dialect, Article.id, matches))
    # The page's ids from the (updated_at, id) index alone, then only their rows: an OFFSET of thousands skips
    # index entries, not table rows (PostgreSQL: 16 ms for page 180 reading rows, 3 ms from the index).
    ids = (select(Article.id).where(*conditions).order_by(Article.updated_at.desc(), Article.id.desc())
           .limit(bindparam("limit", type_=Integer)).offset(bindparam("offset", type_=Integer)))
    page = (select(Article.id, Article.external_id, Article.title, Article.updated_at)
            .where(Article.id.in_(ids.scalar_subquery()))
            .order_by(Article.updated_at.desc(), Article.id.desc()))
    total = _total(by_review, by_lang, by_issues, matches)
    return _Statements(counts, total, page, _combined(counts, total, page) if combine else None)


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


def _total(by_review: list, by_lang: bool, by_issues: bool, matches: Select | None) -> Select:
    """How many articles the filters keep."""
    if by_review:
        # One review per (article, language): with a language filter every row is a distinct article.
        total = select(func.count() if by_lang else func.count(distinct(Review.article_id))).where(*by_review)
        return total.where(Review.article_id.in_(matches)) if matches is not None else total
    if matches is not None:
        return select(func.count()).select_from((matches.distinct() if by_issues else matches).subquery())
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


def _probing(dialect: str, column, matches: Select):
    """``column IN matches``, as a probe of the match list while the outer query walks its own index. SQLite:
    "+ 0" keeps it from reading the matches' rows by id instead. PostgreSQL: "IS TRUE" keeps the IN from being
    turned into a join, whose plan for thousands of matches (a nested loop over them, 55 ms) is far slower than
    probing them hashed once (10 ms)."""
    if dialect == "postgresql":
        return column.in_(matches).is_(True)
    return (column + 0).in_(matches)


def _matches(dialect: str) -> Select:
    """Ids of the articles whose id, title or text contain all the words (SQLite's FTS5 table, PostgreSQL's
    tsvector), or whose id starts with the search (a btree range); ILIKE of the whole phrase elsewhere."""
    if dialect == "sqlite":
        words = select(literal_column("rowid")).select_from(text("articles_fts")).where(
            text("articles_fts MATCH :query"))
        # A range on the unique index: SQLite's LIKE is case-insensitive and cannot use it.
        return union(words, select(Article.id).where(Article.external_id >= bindparam("prefix"),
                                                     Article.external_id < bindparam("prefix_end")))
    if dialect == "postgresql":
        # Two sides, not an OR: each on its own index, and the words answered by the GIN bitmap alone (an OR
        # re-reads every matching row's tsvector: 80 ms for 8,000 matches). UNION ALL, not UNION: the id side
        # leaves out what the words found, so no id comes twice and nothing has to remove duplicates.
        words = "articles.search @@ plainto_tsquery('english', :words)"
        return union_all(select(Article.id).where(text(words)), select(Article.id).where(
            Article.external_id.like(bindparam("prefix"), escape="\\"), text(f"({words}) IS NOT TRUE")))
    pattern = bindparam("pattern")
    return select(Article.id).where(or_(*(column.ilike(pattern, escape="\\")
                                          for column in (Article.external_id, Article.title, Article.text))))


def _search_params(dialect: str, search: str) -> dict[str, str]:
    if dialect == "sqlite":
        # Each word literally (quoted), all required; no words means nothing can match.
        prefix = search.strip() or "\uffff"
        return {"query": " ".join('"' + word + '"' for word in re.findall(r"\w+", search)) or '""',
                "prefix": prefix, "prefix_end": prefix + "\U0010ffff"}
    escaped = search.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    if dialect == "postgresql":
        return {"words": search, "prefix": escaped + "%"}
    return {"pattern": "%" + escaped + "%"}


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
