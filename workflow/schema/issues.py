"""The glossary and what the checks found: terms, their history, term issues, translation-check issues."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from workflow.schema.base import Base, utcnow


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
