"""What a queue search matches: the words in SQLite's FTS5 table or PostgreSQL's tsvector, or the start of an
article id; how many, counted up to a limit; and the ways a page is read from them: few matches looked up by
id, many probed while walking the queue's order, and a common word's first pages walked from the newest articles.
"""

from __future__ import annotations

import re
from functools import lru_cache

from sqlalchemy import Integer, Select, and_, bindparam, func, literal_column, or_, select, text, union, union_all

from workflow.store import Article, Review


def probing(dialect: str, column, matches: Select):
    """``column IN matches``, as a probe of the match list while the outer query walks its own index. SQLite:
    "+ 0" keeps it from reading the matches' rows by id instead. PostgreSQL: "IS TRUE" keeps the IN from being
    turned into a join, whose plan for thousands of matches (a nested loop over them, 55 ms) is far slower than
    probing them hashed once (10 ms)."""
    if dialect == "postgresql":
        return column.in_(matches).is_(True)
    return (column + 0).in_(matches)


def looked_up(dialect: str, column, matches: Select):
    """``column IN matches``, the few matches looked up by id (0.1 ms; walking the order index probing them:
    15 ms at 100,000 articles)."""
    return column.in_(matches)


@lru_cache(maxsize=4)
def capped(dialect: str) -> Select:
    """How many articles match the search, counted up to ``:cap``: exact below it, ``:cap`` at or above."""
    cap = bindparam("cap", type_=Integer)
    if dialect == "sqlite":
        # SQLite's UNION removes duplicates only once it has read both sides whole; each side cut at the cap
        # first gives the same answer: while both are under it, nothing was cut.
        words, ids = _sqlite_sides()
        union_of_cut = union(select(words.limit(cap).subquery()), select(ids.limit(cap).subquery())).subquery()
        return select(func.min(func.count(), cap)).select_from(union_of_cut)
    return select(func.count()).select_from(matches_of(dialect).limit(cap).subquery())


def _sqlite_sides() -> tuple[Select, Select]:
    words = select(literal_column("rowid").label("id")).select_from(text("articles_fts")).where(
        text("articles_fts MATCH :query"))
    # A range on the unique index: SQLite's LIKE is case-insensitive and cannot use it.
    ids = select(Article.id).where(Article.external_id >= bindparam("prefix"),
                                   Article.external_id < bindparam("prefix_end"))
    return words, ids


def matches_of(dialect: str) -> Select:
    """Ids of the articles whose id, title or text contain all the words (SQLite's FTS5 table, PostgreSQL's
    tsvector), or whose id starts with the search (a btree range); ILIKE of the whole phrase elsewhere. An id
    may come twice (count distinct ones)."""
    if dialect == "sqlite":
        # UNION ALL: an id found by both sides comes twice, which IN does not mind and a total counts once;
        # UNION would sort out duplicates first (half the time of a search matching 75,000 articles).
        return union_all(*_sqlite_sides())
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


def search_params(dialect: str, search: str) -> dict[str, str]:
    if dialect == "sqlite":
        # Each word literally (quoted), all required; no words means nothing can match.
        prefix = search.strip() or "\uffff"
        return {"query": " ".join('"' + word + '"' for word in re.findall(r"\w+", search)) or '""',
                "prefix": prefix, "prefix_end": prefix + "\U0010ffff"}
    escaped = search.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    if dialect == "postgresql":
        return {"words": search, "prefix": escaped + "%"}
    return {"pattern": "%" + escaped + "%"}


def walked(dialect: str, by_review: list) -> Select:
    """The page among the newest ``:walk`` articles in queue order whose words or id match, stopping once the
    page is full. Common words fill it within a few hundred rows; a page it cannot fill is read from the
    matches instead (``probing``)."""
    if dialect == "sqlite":
        return _walked_sqlite(by_review)
    # PostgreSQL: each row's tsvector is checked as the walk reaches it.
    recent = (select(Article.id, Article.external_id, Article.title, Article.updated_at,
                     literal_column("articles.search").label("search"))
              .order_by(Article.updated_at.desc(), Article.id.desc())
              .limit(bindparam("walk", type_=Integer)).subquery("recent"))
    matching = or_(text("recent.search @@ plainto_tsquery('english', :words)"),
                   recent.c.external_id.like(bindparam("prefix"), escape="\\"))
    conditions = [matching, *_reviewed(recent, by_review)]
    return (select(recent.c.id, recent.c.external_id, recent.c.title, recent.c.updated_at).where(*conditions)
            .order_by(recent.c.updated_at.desc(), recent.c.id.desc())
            .limit(bindparam("limit", type_=Integer)).offset(bindparam("offset", type_=Integer)))


_CHECKED_ONE_BY_ONE = 50
"""SQLite: at most this many walked rows (those below the floor) have their words checked one by one."""


def _walked_sqlite(by_review: list) -> Select:
    """SQLite: checking a row's words is an FTS5 query of its own (25-55 us a row), so the walk reads the FTS5
    matches instead, those from a floor id up (a rowid range FTS5 answers from its index), and checks one by one
    only the few walked rows below the floor. The floor is the walk's 51st lowest id: a story edited since it
    came in moves to the top of the queue with its old id, and a floor at the walk's lowest id would read
    nearly every match again. The walk is a range of the order index, so it stops once the page is full.
    At 100,000 articles: 0.5-0.7 ms for a page of common words, where probing all 75,000 matches took 7-10 ms."""
    articles = Article.__table__  # (Core columns: an ORM one would make the FTS5 side an ORM select, not text)
    newest = select(articles.c.id).order_by(articles.c.updated_at.desc(), articles.c.id.desc())
    walk = bindparam("walk", type_=Integer)
    # The walk's last row ('' and 0 when the archive is shorter than the walk): its time is a range on the order
    # index, and its id leaves out the rows after it that share its time (a batch's stories can).
    last = newest.limit(1).offset(walk - 1)
    edge = func.coalesce(last.with_only_columns(articles.c.updated_at).scalar_subquery(), literal_column("''"))
    edge_id = func.coalesce(last.scalar_subquery(), 0)
    walked_ids = newest.limit(walk).subquery()
    floor = select(func.coalesce(select(walked_ids.c.id).order_by(walked_ids.c.id).limit(1)
                                 .offset(_CHECKED_ONE_BY_ONE).scalar_subquery(), 0).label("id")).cte("recent_floor")
    floor_id = select(floor.c.id).scalar_subquery()
    words, ids = _sqlite_sides()
    matching = or_((articles.c.id + 0).in_(union_all(words.where(literal_column("rowid") >= floor_id), ids)),
                   and_(articles.c.id < floor_id, text("EXISTS (SELECT 1 FROM articles_fts WHERE articles_fts "
                                                       "MATCH :query AND rowid = articles.id)")))
    within = or_(articles.c.updated_at > edge, articles.c.id >= edge_id)
    page_ids = (select(articles.c.id).where(articles.c.updated_at >= edge, within, matching,
                                            *_reviewed(articles, by_review))
                .order_by(articles.c.updated_at.desc(), articles.c.id.desc())
                .limit(bindparam("limit", type_=Integer)).offset(bindparam("offset", type_=Integer)))
    return (select(Article.id, Article.external_id, Article.title, Article.updated_at)
            .where(Article.id.in_(page_ids.scalar_subquery()))
            .order_by(Article.updated_at.desc(), Article.id.desc()))


def _reviewed(rows, by_review: list) -> list:
    """The status/language filter on the walked rows: a review of theirs that meets it."""
    if not by_review:
        return []
    return [select(Review.article_id).where(Review.article_id == rows.c.id, *by_review).exists()]
