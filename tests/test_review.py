"""The review queue's SQL against a plain Python reading of the same rows, for every filter combination."""

import functools
import itertools
import random
import re
import threading
from datetime import timedelta

import pytest
from nltk.stem.snowball import SnowballStemmer
from sqlalchemy import Engine, event, func, select, text, update

from workflow import glossary, queue, queue_counts, queue_statements
from workflow.bench.fill import fill
from workflow.queue_search import search_params
from workflow.review_states import STATUSES
from workflow.store import Article, QueueCount, Review, Sentence, Store, TermIssue


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
        # Some old articles edited since: the queue's order is not the ids' (the walk must not assume it is).
        newest = session.scalar(select(func.max(Article.updated_at)))
        session.execute(update(Article).where(Article.id.in_([2, 40, 77])).values(updated_at=newest + timedelta(1)))
        # A batch's stories sharing one time, across where a walk of 64 ends (ties go by id).
        tied = session.scalar(select(Article.updated_at).where(Article.id == 125))
        session.execute(update(Article).where(Article.id.between(110, 130)).values(updated_at=tied))
    with store.session() as session:  # open term issues on some articles, automatic fixes (not issues) on others
        term = glossary.save(session, glossary.Entry("Hun Sen", {"km": glossary.Form("ហ៊ុន សែន"),
                                                                  "zh": glossary.Form("洪森", ("洪生",))}), "ada")[1]
        first = dict(session.execute(select(Sentence.article_id, Sentence.id).where(Sentence.position == 0)).all())
        issues = [(a, "km", "missing") for a in range(1, 181, 7)] + \
            [(a, "zh", "forbidden") for a in range(3, 181, 11)] + [(a, "zh", "fixed") for a in range(2, 181, 5)] + \
            [(a, "km", "forbidden") for a in (14, 42, 42)] + [(6, "zh", "missing")]  # 6 has no zh review
        session.add_all(TermIssue(article_id=a, sentence_id=first[a], lang=code, term_id=term.id, kind=kind,
                                  detail="洪生" if kind != "missing" else "") for a, code, kind in issues)
    return store


@functools.cache  # a pure function of the text: the 300 readings below see the same 180 articles again and again
def _words(text: str, stem: bool = False) -> frozenset[str]:
    words = {word.lower() for word in re.findall(r"[^\W_]+", text)}
    # PostgreSQL searches with the 'english' configuration: Snowball stems, the same as NLTK's.
    return frozenset({_STEMMER.stem(word) for word in words} if stem else words)


_STEMMER = SnowballStemmer("english")


def _open_issues(store: Store) -> list[tuple[int, str, str]]:
    with store.read() as session:
        return [i for i in session.execute(select(TermIssue.article_id, TermIssue.lang, TermIssue.kind)).all()
                if i.kind in glossary.ISSUES]


def _expected(store: Store, status, lang, search, issues=None) -> tuple[list[str], dict[str, int], int]:
    """The queue's article ids in order, the counts per status, and how many articles the search alone
    matches."""
    with store.read() as session:
        articles = session.execute(select(Article.id, Article.external_id, Article.title, Article.text,
                                          Article.updated_at)).all()
        reviews = session.execute(select(Review.article_id, Review.lang, Review.status)).all()
    stem = store.engine.dialect.name == "postgresql"
    wanted = _words(search or "", stem)
    found = {a.id for a in articles if wanted <= _words(f"{a.external_id} {a.title} {a.text}", stem)}
    matched = len(found)
    if issues == "terms":
        found &= {article_id for article_id, code, _ in _open_issues(store) if lang is None or code == lang}
    counts = dict.fromkeys(STATUSES, 0)
    for article_id, code, state in reviews:
        if article_id in found and (lang is None or code == lang):
            counts[state] += 1
    if status or lang:
        found &= {r.article_id for r in reviews if (lang is None or r.lang == lang)
                  and (status is None or r.status == status)}
    order = sorted((a for a in articles if a.id in found), key=lambda a: (a.updated_at, a.id), reverse=True)
    return [a.external_id for a in order], counts, matched


@pytest.mark.parametrize("status,lang,search,issues", list(itertools.product(
    (None, *STATUSES), (None, "km", "zh"), (None, "Phnom Penh", "bench 00042", "garment", "nothing-matches"),
    (None, "terms"))))
def test_queue_matches_a_plain_reading(filled, status, lang, search, issues):
    expected, counts, _ = _expected(filled, status, lang, search, issues)
    if issues:
        assert expected or search or status  # the filter is tested on something
    per_article: dict[str, dict[str, int]] = {}
    for article_id, code, _ in _open_issues(filled):
        per_article.setdefault(f"bench-{article_id - 1:05d}", {}).setdefault(code, 0)
        per_article[f"bench-{article_id - 1:05d}"][code] += 1
    seen = []
    for page in range(1, 6):
        result = queue.queue(filled, status=status, lang=lang, search=search, issues=issues, page=page,
                             per_page=50)
        assert result.total == len(expected) and result.counts == counts
        if page > result.pages:  # a page past the end shows the last one
            assert result.page == result.pages
            assert [row.article_id for row in result.rows] == expected[(result.pages - 1) * 50:]
            break
        seen += [row.article_id for row in result.rows]
        assert all(row.term_issues == per_article.get(row.article_id, {}) for row in result.rows)
    assert seen == expected


@pytest.mark.parametrize("status,lang,search", list(itertools.product(
    (None, "new", "approved"), (None, "km"), ("Phnom Penh", "garment", "bench 00042", "nothing-matches"))))
@pytest.mark.parametrize("walk", [queue.WALK, 64])
def test_a_search_matching_many_lists_the_same_pages_uncounted(filled, status, lang, search, walk):
    """Past the count limit a search is not counted, and its pages hold the same articles in the same order,
    whether the walk of the newest articles fills a page, fills it partly (walk 64: the matches are read then) or
    is not tried (pages past a quarter of the walk)."""
    expected, counts, matched = _expected(filled, status, lang, search)
    limit = 20
    seen, page = [], 1
    while True:
        result = queue.queue(filled, status=status, lang=lang, search=search, page=page, per_page=15,
                             count_limit=limit, walk=walk)
        assert result.exact == (matched <= limit)
        if result.exact:
            assert (result.total, result.counts) == (len(expected), counts)
        else:
            assert (result.total, result.counts, result.page) == (limit, {}, page)
        seen += [row.article_id for row in result.rows]
        if not result.has_next:
            break
        page += 1
    assert seen == expected and page == max(1, -(-len(expected) // 15))


def test_a_common_word_s_first_page_is_read_from_the_walk_alone(filled):
    """The walk is the path taken (the test above shows its rows are right): a common word's first page comes
    from the newest articles without probing the matches, and a page past a quarter of the walk is probed."""
    statements = []

    def record(conn, cursor, statement, *args) -> None:
        statements.append(statement)

    event.listen(Engine, "before_cursor_execute", record)  # (the store reads through an engine of its own)
    try:
        for page, walked in ((1, True), (5, False)):
            statements.clear()
            result = queue.queue(filled, search="Phnom Penh", page=page, per_page=15, count_limit=20, walk=64)
            assert not result.exact and len(result.rows) == 15
            # (both walks name what they read from the newest rows "recent…": a subquery, SQLite's floor)
            listed = [s for s in statements if "ORDER BY" in s and "recent" in s] if walked else []
            probed = [s for s in statements if "ORDER BY" in s and "recent" not in s and "articles.id IN" in s]
            assert (len(listed), len(probed)) == ((1, 0) if walked else (0, 1)), statements
    finally:
        event.remove(Engine, "before_cursor_execute", record)


@pytest.mark.parametrize("walk", [10, 64, 2000])
def test_the_walk_reads_the_rows_probing_reads(filled, walk):
    """The walk's rows are the first of the page the probing statement reads, at every offset and length,
    with and without a review filter: a prefix of the queue, checked row by row below its floor, from the
    floor up through the matches."""
    dialect = filled.engine.dialect.name
    filled_pages = dict.fromkeys(["Phnom Penh", "garment", "Phnom", "bench-0004"], 0)
    for search, lang, status in (("Phnom Penh", None, None), ("garment", None, None), ("Phnom", "km", "new"),
                                 ("bench-0004", None, None)):  # (the last: ids only, ten of them)
        statements = queue_statements.statements(dialect, bool(lang), bool(status), True, None, True)
        params = {**search_params(dialect, search), "lang": lang, "status": status, "walk": walk}
        with filled.reading(transaction=True) as connection:
            for offset, limit in itertools.product((0, 1, 7, 20, 45, 90), (1, 5, 16)):
                window = {**params, "offset": offset, "limit": limit}
                walked = connection.execute(statements.walked, window).all()
                assert walked == connection.execute(statements.page, window).all()[:len(walked)]
                filled_pages[search] += len(walked) == limit
    # (a walk that never fills a page would test nothing; the ten ids are among the newest only in a long walk)
    assert all(filled_pages[search] for search in ("Phnom Penh", "garment", "Phnom")), filled_pages
    assert bool(filled_pages["bench-0004"]) == (walk == 2000), filled_pages


@pytest.mark.parametrize("per_page", [15, 60, 90])
@pytest.mark.parametrize("status,lang", [(None, None), ("new", None), (None, "zh"), ("approved", "km")])
def test_every_page_size_lists_the_queue_once(filled, per_page, status, lang):
    """Pages read from either end of the queue (the older half from the oldest end) meet exactly, whether the
    total is a multiple of the page size or not."""
    expected, _, _ = _expected(filled, status, lang, None)
    seen = []
    for page in range(1, -(-len(expected) // per_page) + 1):
        result = queue.queue(filled, status=status, lang=lang, page=page, per_page=per_page)
        assert result.page == page
        seen += [row.article_id for row in result.rows]
    assert seen == expected


def test_a_large_fold_vacuums_the_counts_on_postgresql(database_url):
    """A night's batch leaves many rows to fold; on PostgreSQL the fold vacuums them away at once, as every page
    reads the table whole (a smaller fold leaves that to autovacuum)."""
    store = Store(database_url)
    fill(store, 60)  # (it folds the fill's own rows)
    postgresql = store.engine.dialect.name == "postgresql"
    vacuumed = []

    def record(conn, cursor, statement, *args) -> None:
        if statement.startswith("VACUUM"):
            vacuumed.append(statement)

    event.listen(Engine, "after_cursor_execute", record)  # (after: only a VACUUM that ran without error)
    try:
        for threshold, vacuums in ((10_000, False), (100, True)):
            vacuumed.clear()
            for state in ("in_review", "new"):
                with store.engine.begin() as connection:
                    connection.execute(text("UPDATE reviews SET status = :state"), {"state": state})
            with store.read() as session:
                rows = session.scalar(select(func.count()).select_from(QueueCount))
            assert rows > 100 and queue_counts.fold(store, shrink_after=threshold) == rows
            assert vacuumed == (["VACUUM queue_counts", "VACUUM (INDEX_CLEANUP ON) queue_counts"]
                                if vacuums and postgresql else [])
    finally:
        event.remove(Engine, "after_cursor_execute", record)
    if postgresql:  # the space is given back, also from a table of over a hundred pages
        with store.engine.begin() as connection:  # (changes that sum to nothing, as the triggers would write)
            connection.execute(text("INSERT INTO queue_counts (lang, status, n) SELECT 'km', 'new', 1 - 2 * (g % 2) "
                                    "FROM generate_series(1, 20000) AS g"))
        assert queue_counts.fold(store, shrink_after=queue_counts.SHRINK_AFTER) > 20_000
        with store.engine.connect() as connection:  # (the nine rows left fit the first page)
            assert connection.execute(text("SELECT pg_relation_size('queue_counts')")).scalar() == 8192
    _assert_counts_exact(store)
    store.close()


def test_a_batch_leaves_its_counts_folded(reviewed_store):
    """A batch folds its own count rows at its end, so the first page after a night's batch need not."""
    with reviewed_store.read() as session:
        rows = session.execute(select(QueueCount.lang, QueueCount.status)).all()
    assert len(rows) == len(set(rows)) <= 2 * len(STATUSES) + 1
    _assert_counts_exact(reviewed_store)


def _failing_into(failures: list, work):
    """``work`` for a thread, its exception kept in ``failures`` (a thread's exception is only a warning)."""
    def run(*args) -> None:
        try:
            work(*args)
        except Exception as error:
            failures.append(error)
    return run


def _assert_counts_exact(store: Store) -> None:
    for status, lang in itertools.product((None, *STATUSES), (None, "km", "zh")):
        expected, counts, _ = _expected(store, status, lang, None)
        result = queue.queue(store, status=status, lang=lang)
        assert (result.total, result.counts) == (len(expected), counts), (status, lang)


def test_queue_counts_stay_exact_whoever_writes(database_url):
    """The counts come from rows that triggers write: SQL from outside the app, cascades, concurrent writers and
    folds running beside them all keep them exact."""
    store = Store(database_url)
    fill(store, 60)
    _assert_counts_exact(store)
    with store.engine.begin() as connection:  # not through workflow's code
        connection.execute(text("UPDATE reviews SET status = 'approved' WHERE article_id <= 10"))
        connection.execute(text("UPDATE reviews SET model = 'other' WHERE article_id > 50"))  # not a count
        connection.execute(text("DELETE FROM articles WHERE id IN (11, 12)"))  # their reviews go by cascade
        connection.execute(text("DELETE FROM reviews WHERE article_id = 13 AND lang = 'zh'"))
    _assert_counts_exact(store)

    failures = []

    def writer(seed: int) -> None:
        rng = random.Random(seed)
        for _ in range(40):
            with store.session() as session:
                # In id order: each get() flushes the change before it, so rows are locked as they are visited,
                # and writers visiting them in different orders could deadlock each other.
                for article_id in sorted(rng.sample(range(14, 61), 3)):
                    review = session.get(Review, (article_id, rng.choice(["km", "zh"])))
                    review.status = rng.choice(STATUSES)

    def folder(stop: threading.Event) -> None:
        while not stop.is_set():
            queue_counts.fold(store)

    stop = threading.Event()
    folding = threading.Thread(target=_failing_into(failures, folder), args=(stop,))
    writers = [threading.Thread(target=_failing_into(failures, writer), args=(seed,)) for seed in range(4)]
    for thread in [folding, *writers]:
        thread.start()
    for thread in writers:
        thread.join()
    stop.set()
    folding.join()
    assert not failures
    _assert_counts_exact(store)
    for state in ("in_review", "new"):  # a batch's worth of changes: more rows than a read leaves unfolded
        with store.engine.begin() as connection:
            connection.execute(text("UPDATE reviews SET status = :state"), {"state": state})
    with store.read() as session:
        assert session.scalar(select(func.count()).select_from(QueueCount)) > queue_counts.FOLD_AFTER
    queue.queue(store)  # reads the counts, then folds them
    with store.read() as session:  # one row per (language, status) in use, and one for the articles
        rows = session.execute(select(QueueCount.lang, QueueCount.status)).all()
    assert len(rows) == len(set(rows)) <= 2 * len(STATUSES) + 1
    _assert_counts_exact(store)


def test_queue_refuses_an_unknown_issue_filter(filled):
    with pytest.raises(ValueError, match="issues is one of terms"):
        queue.queue(filled, issues="spelling")


def test_next_article_walks_the_pending_ones_in_queue_order(filled):
    pending, _, _ = _expected(filled, "new", None, None)
    in_review, _, _ = _expected(filled, "in_review", None, None)
    order, _, _ = _expected(filled, None, None, None)
    waiting = [a for a in order if a in set(pending) | set(in_review)]
    walked = [queue.next_article(filled)]
    while (following := queue.next_article(filled, walked[-1])) and following != walked[0]:
        walked.append(following)
        assert len(walked) <= len(waiting)
    assert walked == waiting
