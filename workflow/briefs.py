"""Editors choose the brief: which sentences of an article form it (the star on the article page).

A choice is a revision like a correction (item ``choice``, language ``en``; before and after are the chosen
sentence numbers), made on the version the editor saw: if someone changed the choice since, it is refused with a
:class:`~workflow.review.Conflict`. The briefs in every language are rebuilt from the current texts of the chosen
sentences, in article order, and languages already approved go back to review. Budgets are shown, not enforced.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from workflow import events, languages, texts
from workflow.errors import N_
from workflow.review import Conflict, ReviewError
from workflow.store import Article, Review, Revision, Sentence, Store

CHOICE_ITEM = "choice"


def choose(store: Store, external_id: str, sentence_id: int, in_brief: bool, base_revision: int,
           username: str) -> int:
    """Put a sentence in the brief or take it out; returns the new revision id (the base if nothing changed)."""
    try:
        with store.session() as session:
            article = session.scalar(select(Article).where(Article.external_id == external_id))
            if article is None:
                raise ReviewError(N_("no article %(id)r"), id=external_id)
            sentence = session.get(Sentence, sentence_id)
            if sentence is None or sentence.article_id != article.id or sentence.position < 0:
                raise ReviewError(N_("sentence %(sentence)s is not a sentence of %(id)s"), sentence=sentence_id,
                                  id=external_id)
            current = texts.latest_revision(session, article.id, languages.SOURCE, CHOICE_ITEM)
            if current is None and base_revision:
                raise ReviewError(N_("this page refers to a choice that no longer exists; reload the page"))
            before = chosen(article)
            if current is not None and current.id != base_revision:
                wanted = before | {sentence.position} if in_brief else before - {sentence.position}
                raise Conflict(current, _numbers(wanted))
            sentence.in_brief = in_brief
            after = chosen(article)
            if after == before:
                return base_revision
            revision = Revision(article_id=article.id, lang=languages.SOURCE, item=CHOICE_ITEM,
                                parent_id=base_revision, before=_numbers(before), after=_numbers(after),
                                username=username)
            session.add(revision)
            session.flush()  # the unique (item, parent) constraint fires here when another choice won
            rebuild(session, article, username)
            return revision.id
    except IntegrityError:
        with store.read() as session:
            article_id = session.scalar(select(Article.id).where(Article.external_id == external_id))
            raise Conflict(texts.latest_revision(session, article_id, languages.SOURCE, CHOICE_ITEM),
                           "") from None


def chosen(article: Article) -> set[int]:
    return {s.position for s in article.sentences if s.in_brief}


def rebuild(session, article: Article, username: str) -> None:
    """Every language's brief from the current texts of the chosen sentences; approved ones back to review. A
    brief an editor wrote by hand is replaced too, as a revision in ``username``'s name (its text stays in the
    history)."""
    texts.write_brief(session, article, languages.SOURCE)
    for review in session.scalars(select(Review).where(Review.article_id == article.id)):
        current = texts.current_texts(session, article, review.lang, review.model)
        built = languages.join(review.lang, [current[s.id] for s in article.sentences
                                             if s.in_brief and s.id in current])
        written = texts.latest_revision(session, article.id, review.lang, texts.BRIEF_ITEM)
        if written is not None and written.after != built:
            session.add(Revision(article_id=article.id, lang=review.lang, item=texts.BRIEF_ITEM, parent_id=written.id,
                                 before=written.after, after=built, username=username))
        texts.write_brief(session, article, review.lang, text=built)
        events.move(session, review, "brief choice", username)


def _numbers(positions: set[int]) -> str:
    """Sentence numbers as editors see them (1 is the first sentence)."""
    return ", ".join(str(p + 1) for p in sorted(positions))
