"""Stories and their review: articles, sentences, translations, briefs, review states, runs, revisions, decisions
and the translation memory."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Enum, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflow.review_states import DECISIONS, NEW, STATUSES
from workflow.schema.base import Base, utcnow


def _one_of(values: tuple[str, ...]) -> Enum:
    """A ``VARCHAR(16)`` that refuses, when written, a value not in ``values`` (no database constraint: a state
    added to ``workflow.review_states`` needs no migration)."""
    return Enum(*values, native_enum=False, create_constraint=False, validate_strings=True, length=16)


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
    status: Mapped[str] = mapped_column(_one_of(STATUSES), default=NEW)
    model: Mapped[str] = mapped_column(String(200))
    demo: Mapped[bool] = mapped_column(Boolean, default=False)
    fingerprint: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    """When this language was first approved (published); kept through withdrawals and corrections."""
    published_hash: Mapped[str] = mapped_column(String(64), default="")
    """SHA-256 of the headline and brief last approved: a re-approval with other text is a correction."""
    corrected_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    correction: Mapped[str] = mapped_column(Text, default="")
    """The editor's note on the latest correction, for readers ("The death toll was 12, not 21.")."""


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
    status: Mapped[str] = mapped_column(_one_of(DECISIONS))
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
