"""The tables, as SQLAlchemy models (the schema itself is owned by the Alembic migrations in
``workflow/migrations``; ``tests/test_store.py`` checks they build exactly these).

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
* ``term_issues``: what the glossary check found in a sentence's current translation: a ``missing`` approved
  form, a ``forbidden`` variant an editor wrote, or a forbidden variant the pipeline ``fixed``
* ``check_issues``: what a translation check (numbers, untranslated…) found in a sentence's current translation,
  and who dismissed it when
* ``jobs``: a story waiting for (or given to) a ``briefdesk worker``: which languages, who submitted it, which
  worker holds it and since when, its last error
* ``api_tokens``: a CMS's key to the API (hash of its random token), its user, when it was made, last used and
  revoked, and its rate-limit window
* ``queue_counts``: the queue's counts as +1/−1 rows per (language, status), and per article (language and status
  empty), written by database triggers on ``reviews`` and ``articles``; summed, they answer the queue's counts
  without reading every review
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


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


class CheckIssue(Base):
    """What a translation check found in a sentence's current translation (``workflow.checks``); an editor may
    dismiss one ("3 = three is right"), kept with who and when."""

    __tablename__ = "check_issues"
    __table_args__ = (Index("ix_check_issues_article_lang", "article_id", "lang"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    sentence_id: Mapped[int] = mapped_column(ForeignKey("sentences.id", ondelete="CASCADE"), index=True)
    lang: Mapped[str] = mapped_column(String(8))
    check: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(Text, default="")
    dismissed_by: Mapped[str | None] = mapped_column(String(80), nullable=True)
    dismissed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
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


class ApiToken(Base):
    """A key for the CMS API, acting as its user (with the user's current role). Only the token's SHA-256 is
    stored. Revoking keeps the row (when it was made, last used, revoked); removing the user deletes it. The
    rate limit is counted here, so every server process shares it."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    window_start: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    """When the current rate-limit window began (a fixed window, counted in ``window_count``)."""
    window_count: Mapped[int] = mapped_column(Integer, default=0)


class QueueCount(Base):
    """A change in the number of reviews with a (language, status), or of articles (both empty). Database
    triggers (migration 0012) add a row for every insert, delete and status change, so every writer, this code or
    not, keeps the counts exact; summing the rows gives the counts. Rows only ever get added (no row is a point
    of contention between writers); ``workflow.queue`` folds them into one row per pair now and then."""

    __tablename__ = "queue_counts"

    id: Mapped[int] = mapped_column(primary_key=True)
    lang: Mapped[str] = mapped_column(String(8), default="")
    status: Mapped[str] = mapped_column(String(16), default="")
    n: Mapped[int] = mapped_column(Integer)
