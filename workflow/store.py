"""The store: SQLAlchemy models and the database they live in.

SQLite in the data dir by default (WAL, a busy timeout, foreign keys on), any ``DATABASE_URL`` otherwise. The
schema is owned by Alembic migrations (``workflow/migrations``); opening a store upgrades it to the latest.

Tables (one row per…):

* ``articles``: ingested story (external id, title, source, cleaned text, content hash)
* ``sentences``: sentence of an article, in order, with its paragraph and whether the brief uses it
* ``translations``: machine translation of a sentence per (language, model); the text an editor sees is the
  latest ``revisions`` row if any, else this
* ``briefs``: brief per (article, language), ``en`` included: the brief sentences joined as the language writes
* ``reviews``: review state per (article, language): status, model, the fingerprint of the inputs that made it
* ``runs``: batch run with its settings, counts and per-item errors
* ``users``: people who log in to the review app, with a role (reader, editor, admin) and a password hash
* ``sessions``: logged-in browser (hash of its random token), ended by logout, password or role change, removal
* ``login_failures``: failed login per client address and username, for the login throttle (shared by all
  server processes)
* ``revisions``: editor's correction of a sentence translation or of a brief: who, when, before, after
* ``decisions``: approval or rejection of an (article, language), with who, when and a comment
* ``memory``: translation memory: the latest corrected translation of an English sentence per language
* ``terms``: glossary entry: an English term and its variants, the case rule, per language the approved form and
  forbidden variants, a note, who changed it last
* ``term_changes``: every add, edit or delete of a glossary entry: who, when, before, after (kept after a delete)
* ``jobs``: a story waiting for (or given to) a ``briefdesk worker``: which languages, who submitted it, which
  worker holds it and since when, its last error
* ``term_issues``: what the glossary check found in a sentence's current translation: a ``missing`` approved
  form, a ``forbidden`` variant an editor wrote, or a forbidden variant the pipeline ``fixed``
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    event,
)
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship, sessionmaker

from workflow.errors import BriefdeskError


class StoreError(BriefdeskError):
    """The database cannot do what was asked (a backup over an existing file, a file that is no backup...)."""


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class Article(Base):
    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(200), unique=True)
    title: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    summary_key: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    __table_args__ = (Index("ix_articles_updated_at", "updated_at", "id"),)  # the queue's order

    sentences: Mapped[list[Sentence]] = relationship(
        back_populates="article", order_by="Sentence.position", cascade="all, delete-orphan",
        passive_deletes=True)


class Sentence(Base):
    __tablename__ = "sentences"
    __table_args__ = (UniqueConstraint("article_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    paragraph: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    in_brief: Mapped[bool] = mapped_column(Boolean, default=False)

    article: Mapped[Article] = relationship(back_populates="sentences")


class Translation(Base):
    __tablename__ = "translations"
    __table_args__ = (UniqueConstraint("sentence_id", "lang", "model"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sentence_id: Mapped[int] = mapped_column(ForeignKey("sentences.id", ondelete="CASCADE"), index=True)
    lang: Mapped[str] = mapped_column(String(8))
    model: Mapped[str] = mapped_column(String(200))
    """The model key and decoding settings that produced it, e.g. ``en-km@1.0-demo#ab12…/beam4/auto``."""
    text: Mapped[str] = mapped_column(Text)
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    origin: Mapped[str] = mapped_column(String(16), default="model")
    """``model``, or ``memory`` when an editor's earlier correction of the same sentence was reused."""
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Brief(Base):
    __tablename__ = "briefs"
    __table_args__ = (UniqueConstraint("article_id", "lang"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    lang: Mapped[str] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Review(Base):
    __tablename__ = "reviews"
    # Cover the queue's filters and counts: article ids come from the index, never from table rows.
    __table_args__ = (Index("ix_reviews_lang_status", "lang", "status", "article_id"),
                      Index("ix_reviews_status_article", "status", "article_id"))

    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True)
    lang: Mapped[str] = mapped_column(String(8), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), default="new")
    model: Mapped[str] = mapped_column(String(200))
    demo: Mapped[bool] = mapped_column(Boolean, default=False)
    fingerprint: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class Run(Base):
    __tablename__ = "runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    status: Mapped[str] = mapped_column(String(16), default="running")
    settings: Mapped[str] = mapped_column(Text, default="{}")
    articles: Mapped[int] = mapped_column(Integer, default=0)
    sentences_translated: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[str] = mapped_column(Text, default="[]")


class User(Base):
    __tablename__ = "users"
    __table_args__ = {"sqlite_autoincrement": True}  # an id is never given to another user

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class LoginSession(Base):
    """A logged-in browser. The cookie holds a random token; only its SHA-256 is stored, so the table alone
    cannot be used to log in. Deleting the row ends the session at once."""

    __tablename__ = "sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    seen_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class LoginFailure(Base):
    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(300))
    """``ip:ADDRESS`` or ``user:NAME``."""
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Revision(Base):
    """One save of a translated sentence or of a brief. ``parent_id`` is the revision it replaced (0: the
    machine text); it is unique per item, so two editors saving over the same version cannot both win."""

    __tablename__ = "revisions"
    __table_args__ = (UniqueConstraint("article_id", "lang", "item", "parent_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    lang: Mapped[str] = mapped_column(String(8))
    item: Mapped[str] = mapped_column(String(32))
    """``s<sentence id>`` for a sentence, ``brief`` for the brief."""
    sentence_id: Mapped[int | None] = mapped_column(ForeignKey("sentences.id", ondelete="CASCADE"), nullable=True)
    parent_id: Mapped[int] = mapped_column(Integer, default=0)
    before: Mapped[str] = mapped_column(Text)
    after: Mapped[str] = mapped_column(Text)
    username: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Decision(Base):
    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    lang: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16))
    comment: Mapped[str] = mapped_column(Text, default="")
    username: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Memory(Base):
    __tablename__ = "memory"
    __table_args__ = (UniqueConstraint("source_hash", "lang"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_hash: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(Text)
    lang: Mapped[str] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(Text)
    username: Mapped[str] = mapped_column(String(80))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class Term(Base):
    __tablename__ = "terms"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    """The English term case-folded: one entry per term, whatever its capitals."""
    en: Mapped[str] = mapped_column(String(200))
    variants: Mapped[list] = mapped_column(JSON, default=list)
    """Other English spellings that mean the same entry (``Namhong`` for ``Hor Namhong``)."""
    case_sensitive: Mapped[bool] = mapped_column(Boolean, default=True)
    forms: Mapped[dict] = mapped_column(JSON, default=dict)
    """Per language: ``{"approved": "贺南洪", "forbidden": ["洪南宏"]}``."""
    note: Mapped[str] = mapped_column(Text, default="")
    username: Mapped[str] = mapped_column(String(80), default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class TermChange(Base):
    __tablename__ = "term_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    term_id: Mapped[int] = mapped_column(Integer, index=True)
    """No foreign key: the history of a deleted entry stays."""
    en: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(16))
    """``add``, ``edit`` or ``delete``."""
    before: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    after: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    username: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class TermIssue(Base):
    __tablename__ = "term_issues"
    __table_args__ = (Index("ix_term_issues_lang_kind_article", "lang", "kind", "article_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    sentence_id: Mapped[int] = mapped_column(ForeignKey("sentences.id", ondelete="CASCADE"), index=True)
    lang: Mapped[str] = mapped_column(String(8))
    term_id: Mapped[int] = mapped_column(ForeignKey("terms.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    """``missing``, ``forbidden`` (open issues) or ``fixed`` (replaced by the pipeline; a record)."""
    detail: Mapped[str] = mapped_column(Text, default="")
    """The forbidden variant found (or replaced)."""
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Job(Base):
    """A story added through the web or the API, to be translated by a worker. A worker claims it (status
    ``running``) and keeps ``heartbeat_at`` fresh; a claim whose heartbeat is older than the lease is taken
    over, so a killed worker's story is picked up again."""

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_status_id", "status", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    targets: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16), default="queued")
    """``queued``, ``running``, ``done`` or ``failed``."""
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    worker: Mapped[str] = mapped_column(String(200), default="")
    error: Mapped[str] = mapped_column(Text, default="")
    submitted_by: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


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
        with self._sessions() as session, session.begin():
            yield session

    def close(self) -> None:
        self.engine.dispose()


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

        return engine
    return create_engine(url, pool_pre_ping=True)


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
