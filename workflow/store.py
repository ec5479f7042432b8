"""The store: the database the tables (``workflow.schema``) live in.

SQLite in the data dir by default (WAL, a busy timeout, foreign keys on), any ``DATABASE_URL`` otherwise
(PostgreSQL through psycopg 3). The schema is owned by Alembic migrations (``workflow/migrations``); opening a
store upgrades it to the latest. The tables are importable from here too, as every module does.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from time import monotonic

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DisconnectionError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from workflow.errors import BriefdeskError
from workflow.schema import (  # noqa: F401 - the tables, re-exported: ``from workflow.store import Article``
    Article,
    Base,
    Brief,
    CheckIssue,
    Decision,
    Delivery,
    DeliveryAttempt,
    Event,
    Job,
    LoginFailure,
    LoginSession,
    Memory,
    QueueCount,
    Review,
    Revision,
    Run,
    Sentence,
    Setting,
    Term,
    TermChange,
    TermIssue,
    Translation,
    User,
    Webhook,
    utcnow,
)


class StoreError(BriefdeskError):
    """The database cannot do what was asked (a backup over an existing file, a file that is no backup...)."""


class Store:
    """A database connection pool plus sessions; the schema is migrated to the latest on open."""

    def __init__(self, url: str, *, migrate: bool = True):
        self.url = url
        self.engine = make_engine(self.url)
        if migrate:
            try:
                upgrade(self.engine)
            except OperationalError as error:
                raise StoreError(f"cannot open the database {_safe(url)}: {error.orig}") from error
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._writer = self.engine.execution_options(sqlite_begin="IMMEDIATE")
        self._reader = _reading_engine(self.engine)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A short write transaction: committed on success, rolled back on error.

        On SQLite it starts with BEGIN IMMEDIATE, so concurrent writers queue on the busy timeout instead of
        failing when a read transaction cannot be upgraded to a write one.
        """
        with self._sessions(bind=self._writer) as session, session.begin():
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only transaction (never blocks, never blocked by the writer under WAL)."""
        with self._sessions(bind=self._reader) as session, session.begin():
            yield session

    @contextmanager
    def reading(self, *, transaction: bool = False) -> Iterator[Connection]:
        """A connection for reads with prebuilt Core statements (the pages opened most: queue, article, the
        session check), isolated as ``read()``; ``transaction``: in a transaction on every database, for
        settings that last until its end (``SET LOCAL``)."""
        with self._reader.connect() as connection:
            if transaction and self._reader is not self.engine:
                # Out of autocommit for this checkout only: a flag on the driver's connection (no round trip),
                # set back when it returns to the pool.
                connection.execution_options(isolation_level=self._reader.dialect.default_isolation_level)
            with connection.begin():
                yield connection

    def close(self) -> None:
        """Close every pooled connection (the store still works after: it reconnects on demand)."""
        self.engine.dispose()
        if self._reader is not self.engine:
            self._reader.dispose()


def make_engine(url: str) -> Engine:
    """An engine for ``url``, or a StoreError that says what is wrong with it. A plain ``postgresql://`` (or
    Heroku-style ``postgres://``) URL means psycopg 3, the driver the ``postgres`` extra installs."""
    for plain in ("postgresql://", "postgres://"):
        if url.startswith(plain):
            url = "postgresql+psycopg://" + url.removeprefix(plain)
    try:
        return _engine(url)
    except ArgumentError as error:
        raise StoreError(f"DATABASE_URL {_safe(url)!r} is not a database URL (e.g. sqlite:///path/briefdesk.db or "
                         "postgresql+psycopg://user@host/briefdesk)") from error
    except (NoSuchModuleError, ModuleNotFoundError) as error:
        hint = ("install the PostgreSQL driver: pip install 'briefdesk[postgres]', and use a postgresql+psycopg:// "
                "URL" if url.startswith("postgres") else "its driver is not installed")
        raise StoreError(f"DATABASE_URL {_safe(url)}: {hint} ({error})") from error


def _safe(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url[:80]


def _engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(connection, _record) -> None:
            connection.isolation_level = None  # we issue BEGIN ourselves (below)
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")  # readers never block the batch writer
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin(connection) -> None:
            connection.exec_driver_sql(f"BEGIN {connection.get_execution_options().get('sqlite_begin', '')}")

        @event.listens_for(engine, "handle_error")
        def _close_cursor(context) -> None:
            # Ctrl-C inside a statement: SQLAlchemy closes the connection but not its cursor, and a connection
            # closed with a statement still open lives on, write lock and all, until that cursor is collected;
            # recording the interrupted run then waited 30 s for the lock and failed. Closing it lets go.
            cursor = getattr(context.execution_context, "cursor", None)
            if cursor is not None and not isinstance(context.original_exception, Exception):
                cursor.close()

        return engine
    return _pinged_when_idle(create_engine(url))


def _reading_engine(engine: Engine) -> Engine:
    """The engine reads go through. On SQLite, the store's own: a read transaction there is one snapshot, which
    a page's several statements rely on. On PostgreSQL, a second pool in autocommit: under its default READ
    COMMITTED each statement takes its own snapshot, in a transaction or not, so the BEGIN and COMMIT around a
    page's reads were two round trips (of four for the session check) that bought nothing."""
    if engine.dialect.name != "postgresql":
        return engine
    with engine.connect():  # the server's default isolation is known once connected
        if engine.dialect.default_isolation_level != "READ COMMITTED":
            return engine  # a database set to REPEATABLE READ or stricter: a page's reads stay one snapshot
    return _pinged_when_idle(create_engine(engine.url, isolation_level="AUTOCOMMIT"))


def _pinged_when_idle(engine: Engine, idle_seconds: float = 1.0) -> Engine:
    """Check that a pooled connection is alive when it has sat unused for a while (a server restart or an idle
    timeout drops those), not on every checkout as ``pool_pre_ping`` does: under load that ping was one more
    round trip per page read. A dead one is replaced before use (the pool retries on DisconnectionError)."""

    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_connection, record) -> None:
        record.info["checked_in"] = monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection, record, _proxy) -> None:
        since = record.info.pop("checked_in", None)
        if since is not None and monotonic() - since > idle_seconds:
            try:
                engine.dialect.do_ping(dbapi_connection)
            except engine.dialect.loaded_dbapi.Error as error:
                raise DisconnectionError(f"a pooled connection was dead: {error}") from error

    return engine


def migrations():
    """Alembic's view of Briefdesk's migrations (``workflow/migrations``)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", "workflow:migrations")
    return config, ScriptDirectory.from_config(config)


def upgrade(engine: Engine) -> None:
    """Bring the schema to the latest Alembic revision (a no-op when it already is)."""
    from alembic import command
    from alembic.runtime.migration import MigrationContext

    config, scripts = migrations()
    head = scripts.get_current_head()
    with engine.begin() as connection:
        if MigrationContext.configure(connection).get_current_revision() == head:
            return
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
