"""The schema: migrations and models agree, and migrations go down and up again with data in place, on SQLite
and on PostgreSQL."""

import time

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, inspect, select, text
from sqlalchemy.exc import OperationalError

from workflow import queue
from workflow.bench.fill import fill
from workflow.store import Article, Base, Review, Sentence, Store, migrations

# The full-text search lives outside the models on purpose: SQLite's FTS5 table, PostgreSQL's generated
# tsvector column and its indexes (migrations 0003, 0004, 0007).
SEARCH_ONLY = {"articles_fts", "search", "ix_articles_search", "ix_articles_external_id_prefix"}


def _name(difference) -> str:
    if difference[0] == "remove_column":
        return difference[3].name
    return difference[1].name


def test_migrations_build_exactly_the_models(store):
    with store.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert [d for d in differences if not _name(d).startswith(tuple(SEARCH_ONLY))] == []
    if store.engine.dialect.name == "postgresql":
        columns = {c["name"] for c in inspect(store.engine).get_columns("articles")}
        indexes = {i["name"] for i in inspect(store.engine).get_indexes("articles")}
        assert "search" in columns and {"ix_articles_search", "ix_articles_external_id_prefix"} <= indexes


def _migrate(store: Store, action, revision: str) -> None:
    config, _ = migrations()
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        action(config, revision)


def test_migrations_downgrade_and_upgrade_with_data(database_url):
    fill(Store(database_url), 60)
    store = Store(database_url)
    _migrate(store, command.downgrade, "0003")
    if store.engine.dialect.name == "sqlite":
        with store.engine.connect() as connection:  # the old FTS answers (today's queue reads newer tables)
            assert connection.exec_driver_sql("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH "
                                              "'Phnom'").scalar() > 0
    else:
        assert "search" not in {c["name"] for c in inspect(store.engine).get_columns("articles")}
    store = Store(database_url)  # upgrades again
    with store.read() as session:  # the queue's counts start from what is there (migration 0012)
        by_status = dict(session.execute(select(Review.status, func.count()).group_by(Review.status)).all())
    assert queue.queue(store).total == 60 and {s: n for s, n in queue.queue(store).counts.items() if n} == by_status
    assert queue.queue(store, search="bench 00042").total == 1  # ids are in the new full-text index
    assert queue.queue(store, search="bench-00042").rows[0].article_id == "bench-00042"
    assert queue.queue(store, search="bench-0004").total == 10  # an id typed in part


def test_every_migration_goes_down_to_nothing_and_up_again(database_url):
    store = Store(database_url)
    _migrate(store, command.downgrade, "base")
    assert set(inspect(store.engine).get_table_names()) <= {"alembic_version"}
    store = Store(database_url)
    assert {"articles", "sessions", "memory"} <= set(inspect(store.engine).get_table_names())


def test_articles_stored_before_headlines_get_theirs(database_url):
    store = Store(database_url)
    _migrate(store, command.downgrade, "0010")
    with store.engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO articles (external_id, title, source, text, content_hash, summary_key, created_at, "
            "updated_at) VALUES ('old', 'An old headline', 's', 'Text.', 'h', '', '2026-01-01', '2026-01-01'), "
            "('untitled', 'untitled', 's', 'Text.', 'h2', '', '2026-01-01', '2026-01-01')")
        connection.exec_driver_sql("INSERT INTO sentences (article_id, position, paragraph, text, in_brief) "
                                   "SELECT id, 0, 0, 'Text.', true FROM articles")
    store = Store(database_url)  # upgrades again
    with store.read() as session:
        rows = session.execute(select(Article.external_id, Sentence.position, Sentence.text, Sentence.in_brief)
                               .join(Sentence, Sentence.article_id == Article.id)
                               .order_by(Article.external_id, Sentence.position)).all()
    assert [tuple(r) for r in rows] == [("old", -1, "An old headline", False), ("old", 0, "Text.", True),
                                        ("untitled", 0, "Text.", True)]


def test_a_ctrl_c_inside_a_write_leaves_the_database_writable(database_url):
    """Ctrl-C arriving while a statement runs (here raised right after the driver ran it, as the signal handler
    would) must not leave the write lock behind: the interrupted run is recorded at once afterwards. On SQLite
    the connection was closed with its cursor still open and kept the lock until the busy timeout (30 s)."""
    from sqlalchemy import event, insert

    from workflow.store import Run

    store = Store(database_url)
    interrupted = []

    @event.listens_for(store.engine, "do_executemany")
    def interrupt(cursor, statement, parameters, context):
        cursor.executemany(statement, parameters)
        if not interrupted:
            interrupted.append(True)
            raise KeyboardInterrupt
        return True

    try:
        with store.session() as session:
            session.execute(insert(Run), [{"status": "running"}, {"status": "running"}])
    except KeyboardInterrupt:
        started = time.monotonic()
        with store.session() as session:
            session.add(Run(status="interrupted"))
        assert time.monotonic() - started < 5  # not a wait for a lock held by the interrupted statement
    assert interrupted
    with store.read() as session:
        assert session.scalars(select(Run.status)).all() == ["interrupted"]  # the interrupted insert rolled back
    store.close()


def test_postgresql_reads_need_no_transaction_but_get_one_when_asked(postgres_server):
    """PostgreSQL reads run in autocommit: under READ COMMITTED each statement takes its own snapshot either
    way, so the BEGIN and COMMIT around a page's reads were round trips for nothing. A read that needs settings
    for its statements (the search's planner settings, SET LOCAL) asks for a transaction, and they end with it.
    (PostgreSQL only: SQLite's reads are one snapshot transaction, which its pages rely on.)"""
    url = postgres_server.create_database()
    store = Store(url)
    try:
        with store.reading() as connection:
            jit = connection.exec_driver_sql("SHOW jit").scalar()
            ids = [connection.exec_driver_sql("SELECT txid_current()").scalar() for _ in range(2)]
            assert ids[0] != ids[1]  # two statements, two transactions
        with store.reading(transaction=True) as connection:
            ids = [connection.exec_driver_sql("SELECT txid_current()").scalar() for _ in range(2)]
            assert ids[0] == ids[1]  # one transaction
            connection.exec_driver_sql(f"SELECT set_config('jit', '{'off' if jit == 'on' else 'on'}', true)")
            assert connection.exec_driver_sql("SHOW jit").scalar() != jit
        with store.reading() as connection:  # the same pooled connection: the setting did not outlive its reading
            assert connection.exec_driver_sql("SHOW jit").scalar() == jit
        with store.read() as session:  # the ORM's reads too
            assert session.scalar(select(func.txid_current())) != session.scalar(select(func.txid_current()))
        with store.session() as session:  # and writes stay one transaction
            assert session.scalar(select(func.txid_current())) == session.scalar(select(func.txid_current()))
        store.close()
        # A database whose default is stricter than READ COMMITTED: a page's reads stay one snapshot there.
        postgres_server.execute(f"ALTER DATABASE {url.rsplit('/', 1)[1]} "
                                "SET default_transaction_isolation = 'repeatable read'")
        store = Store(url)
        with store.reading() as connection:
            ids = [connection.exec_driver_sql("SELECT txid_current()").scalar() for _ in range(2)]
            assert ids[0] == ids[1]
    finally:
        store.close()
        postgres_server.drop_database(url)


def test_a_dropped_postgresql_connection_is_replaced_before_use_once_idle(postgres_server, monkeypatch):
    """Pooled connections are checked when they have sat idle over a second (a server restart or an idle timeout
    drops those), not on every checkout: under load that ping was one more round trip per read. A connection
    dropped while idle is replaced unseen; one dropped right after its last use fails one read, and the pool
    starts afresh for the next. (The pool's clock is the test's, so no timing decides the outcome.)"""
    import workflow.store

    clock = [1000.0]
    monkeypatch.setattr(workflow.store, "monotonic", lambda: clock[0])
    url = postgres_server.create_database()
    store = Store(url)

    def backend() -> int:
        with store.reading() as connection:
            return connection.exec_driver_sql("SELECT pg_backend_pid()").scalar()

    def drop(pid: int) -> None:  # from the other pool, waiting until that backend has exited
        with store.session() as session:
            assert session.execute(text("SELECT pg_terminate_backend(:pid, 10000)"), {"pid": pid}).scalar()

    try:
        first = backend()
        drop(first)
        clock[0] += 1.5
        second = backend()  # no error: the dead connection was found at checkout and replaced
        assert second != first
        drop(second)
        with pytest.raises(OperationalError):
            backend()  # used a moment ago, so not checked: this read fails...
        assert backend() not in (first, second)  # ...and the next one gets a new connection
    finally:
        store.close()
        postgres_server.drop_database(url)
