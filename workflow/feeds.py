"""Atom feeds of the published briefs, one per language, newest first (rendered by ``web/templates/feed.xml``).

A target language's entry is its published brief: the translated headline and brief, ``published`` at the
first approval, ``updated`` at the latest correction. The English feed has one entry per story with a
published language: the English headline and brief, updated when any language was. Feeds are read with a
login or an API token, or by anyone once an admin turns ``public_feeds`` on.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from workflow import events, languages, texts
from workflow.review_states import APPROVED
from workflow.store import Article, Review, Setting, Store, utcnow

LIMIT = 50
PUBLIC = "public_feeds"


@dataclass(frozen=True)
class Entry:
    id: str
    article_id: str
    lang: str
    title: str
    brief: str
    published: datetime
    updated: datetime
    correction: str


def public(store: Store) -> bool:
    with store.read() as session:
        return session.scalar(select(Setting.value).where(Setting.key == PUBLIC)) == "on"


def set_public(store: Store, on: bool) -> None:
    with store.session() as session:
        session.merge(Setting(key=PUBLIC, value="on" if on else "off"))


def langs() -> list[str]:
    return [languages.SOURCE, *languages.targets()]


def entries(store: Store, lang: str, limit: int = LIMIT) -> list[Entry]:
    """The newest published briefs in ``lang`` (``en``: the stories with any language published)."""
    updated = func.coalesce(Review.corrected_at, Review.published_at)
    with store.read() as session:
        if lang == languages.SOURCE:
            rows = session.execute(
                select(Article, func.min(Review.published_at), func.max(updated))
                .join(Review, Review.article_id == Article.id)
                .where(Review.status == APPROVED, Review.published_at.is_not(None))
                .group_by(Article.id).order_by(func.max(updated).desc(), Article.id.desc()).limit(limit)
                .options(selectinload(Article.sentences))).all()
            return [Entry(_id(lang, a.external_id), a.external_id, lang, xml_text(a.title),
                          xml_text(texts.brief_text(session, a.id, lang)), first, last, "") for a, first, last in rows]
        rows = session.execute(
            select(Review, Article).join(Article, Article.id == Review.article_id)
            .where(Review.status == APPROVED, Review.lang == lang, Review.published_at.is_not(None))
            .order_by(updated.desc(), Article.id.desc()).limit(limit).options(selectinload(Article.sentences))).all()
        found = []
        for review, article in rows:
            headline, brief = events.published_text(session, article, review)
            found.append(Entry(_id(lang, article.external_id), article.external_id, lang, xml_text(headline),
                               xml_text(brief), review.published_at, review.corrected_at or review.published_at,
                               xml_text(review.correction)))
        return found


def updated(found: list[Entry]) -> datetime:
    """The feed's own ``updated``: its newest entry's, or now when it has none."""
    return max((e.updated for e in found), default=utcnow())


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text: str) -> str:
    """Text an XML document may hold: the control characters XML 1.0 forbids dropped (one would break the feed
    for every reader)."""
    return _NOT_XML.sub("", text or "")


def _id(lang: str, article_id: str) -> str:
    """A stable IRI per (language, story): the same entry id however the desk is reached."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"briefdesk:{lang}:{article_id}").urn
