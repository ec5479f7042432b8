"""The SQL of the queue's pages, built once per kind of filter and reused with new values: building SQLAlchemy
expressions anew on every page cost more CPU than running them.

Every query is answered from indexes: the status/language filter from the covering indexes on ``reviews``, the
order from ``(updated_at, id)``, the search from the full-text index (``queue_search``), the term-issue filter
from ``(lang, kind, article_id)`` on ``term_issues`` (the check-issue filter from ``(article_id, lang)`` on
``check_issues``). Only the page's own rows are read from ``articles``.
"""

from __future__ import annotations

from dataclasses import dataclass
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
    union_all,
)
from sqlalchemy.dialects.postgresql import ARRAY

from workflow import queue_search
from workflow.queue_search import looked_up, matches_of, probing
from workflow.store import Article, CheckIssue, Job, Review, TermIssue


@lru_cache(maxsize=4)
def details(dialect: str) -> tuple[Select, Select, Select]:
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


@dataclass(frozen=True)
class Statements:
    """The statements of one kind of queue page, with the values bound at each read."""

    counts: Select
    total: Select
    page: Select
    tail: Select
    """``page`` with its ids found from the oldest end: ``:offset`` counts from there."""
    filtered: bool
    """By a search or the issues: counted from the matching articles' reviews, not from ``queue_counts``."""
    combined: Select | None = None
    """A PostgreSQL search's counts, total and page in one statement (rows marked "count", "total", "page"), so
    the words are matched once (a CTE) instead of three times: 8,000 matches cost ~7 ms each time here."""
    walked: Select | None = None
    """A search matching many (PostgreSQL, SQLite): the page from the newest ``:walk`` articles
    (``queue_search.walked``)."""


@lru_cache(maxsize=32)
def statements(dialect: str, by_lang: bool, by_status: bool, searching: bool, issues: str | None,
               dense: bool) -> Statements:
    """``dense``: a search matching many articles, whose first pages are walked from the newest articles
    (``walked``) and the others probe the matches while walking the queue's order; otherwise the matches are few
    and are looked up by id."""
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
    page, tail = _page(conditions, newest_first=True), _page(conditions, newest_first=False)
    total = _total(by_review, by_lang, matches)
    walked = queue_search.walked(dialect, by_review) if dense and dialect in ("postgresql", "sqlite") else None
    return Statements(counts, total, page, tail, matches is not None,
                      _combined(counts, total, page) if combine else None, walked)


def _page(conditions: list, newest_first: bool) -> Select:
    """A page of the articles that meet ``conditions``, newest first; its ids found walking the order index from
    the newest end, or (``newest_first=False``) from the oldest."""
    order = (Article.updated_at.desc(), Article.id.desc()) if newest_first else (Article.updated_at, Article.id)
    ids = (select(Article.id).where(*conditions).order_by(*order)
           .limit(bindparam("limit", type_=Integer)).offset(bindparam("offset", type_=Integer)))
    return (select(Article.id, Article.external_id, Article.title, Article.updated_at)
            .where(Article.id.in_(ids.scalar_subquery()))
            .order_by(Article.updated_at.desc(), Article.id.desc()))


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
