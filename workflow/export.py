"""Export: stored articles as one record per (article, language), for JSONL and the download formats."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from workflow.review import current_texts
from workflow.store import Article, Brief, Review, Store
from workflow.translate import join_sentences


@dataclass(frozen=True)
class Record:
    article_id: str
    title: str
    lang: str
    text: str
    """The whole translated article, paragraphs separated by a blank line."""
    brief: str
    status: str
    model: str
    demo: bool

    def to_json(self) -> dict:
        return asdict(self)


def records(store: Store, *, status: str | None = None, lang: str | None = None,
            article_ids: list[str] | None = None) -> Iterator[Record]:
    """Every (article, language) with a translation, filtered by review status, language or article ids."""
    with store.read() as session:
        query = (select(Review, Article).join(Article, Article.id == Review.article_id)
                 .options(selectinload(Article.sentences)).order_by(Article.external_id, Review.lang))
        if status:
            query = query.where(Review.status == status)
        if lang:
            query = query.where(Review.lang == lang)
        if article_ids is not None:
            query = query.where(Article.external_id.in_(article_ids))
        for review, article in session.execute(query):
            yield record(session, article, review)


def record(session, article: Article, review: Review) -> Record:
    translations = current_texts(session, article, review.lang, review.model)
    paragraphs: dict[int, list[str]] = {}
    for sentence in article.sentences:
        if sentence.id in translations:
            paragraphs.setdefault(sentence.paragraph, []).append(translations[sentence.id])
    text = "\n\n".join(join_sentences(review.lang, group) for _, group in sorted(paragraphs.items()))
    brief = session.scalar(select(Brief.text).where(Brief.article_id == article.id, Brief.lang == review.lang))
    return Record(article_id=article.external_id, title=article.title, lang=review.lang, text=text,
                  brief=brief or "", status=review.status, model=review.model, demo=review.demo)
