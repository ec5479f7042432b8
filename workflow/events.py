"""What a CMS is told of: a brief approved, updated (a correction) or withdrawn, a story failed.

An event is written in the transaction that made it happen, with one ``deliveries`` row per webhook that wants
it (the outbox: ``workflow.webhooks`` sends them later, from the worker, never inside an editor's request). Its
body is fixed then: what was approved is what is sent, even if the text changes before the delivery goes out.

Publication, per (article, language): the first approval publishes it (``published_at``, event
``brief.approved``); a move away from ``approved`` (``workflow.review_states``: an edit, a brief choice, a new
translation, a rejection) withdraws it (``brief.withdrawn``, with the move's reason); approving again with
other text is a correction (``corrected_at`` and the editor's note, event ``brief.updated``); approving again
with the same text publishes it again (``brief.approved``).
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow import review_states, texts
from workflow.errors import ReviewError
from workflow.review_states import APPROVED
from workflow.store import Article, Delivery, Event, Review, Webhook, utcnow
from workflow.vocabulary import EVENTS

KINDS = EVENTS


def published_text(session: Session, article: Article, review: Review) -> tuple[str, str]:
    """The headline and brief as they would be published now (the current texts, corrections included)."""
    current = texts.current_texts(session, article, review.lang, review.model)
    headline = next((current[s.id] for s in article.sentences if s.position < 0 and s.id in current), article.title)
    return headline, texts.brief_text(session, article.id, review.lang)


def text_hash(headline: str, brief: str) -> str:
    return hashlib.sha256(json.dumps([headline, brief]).encode()).hexdigest()


class CorrectionNoteNeeded(ReviewError):
    """Approving again, with other text, a language already published: readers are told what changed."""


def approve(session: Session, article: Article, review: Review, by: str, note: str = "") -> None:
    """``review`` becomes approved: publish it, or record the correction (which needs ``note``, else
    :class:`CorrectionNoteNeeded`), and tell the webhooks."""
    headline, brief = published_text(session, article, review)
    digest, now = text_hash(headline, brief), utcnow()
    # (no hash: published before corrections were tracked, migration 0014; its text is taken as it stands)
    corrected = review.published_at is not None and bool(review.published_hash) and digest != review.published_hash
    if corrected and not note:
        raise CorrectionNoteNeeded(f"{review.lang} was published before and its text changed: write a correction "
                                   "note for readers (what was wrong, what it says now)")
    was_approved = review.status == APPROVED
    review.status = review_states.after(review.status, "approved")
    if review.published_at is None:
        review.published_at, kind = now, "brief.approved"
    elif corrected:
        review.corrected_at, review.correction, kind = now, note, "brief.updated"
    elif was_approved:
        return  # approved again as it was: nothing new to tell
    else:
        kind = "brief.approved"
    review.published_hash = digest
    record(session, kind, article.external_id, review.lang, {
        **brief_data(article, review, headline, brief), "approved_at": iso(now), "approved_by": by})


def move(session: Session, review: Review, name: str, by: str) -> None:
    """Make the move ``name`` (one of ``review_states.MOVES``, not approval): an approved language it leads away from
    ``approved`` is withdrawn, with the move's reason."""
    was_approved = review.status == APPROVED
    review.status = review_states.after(review.status, name)
    reason = review_states.MOVES[name].reason
    if was_approved and review.status != APPROVED:
        external_id = session.scalar(select(Article.external_id).where(Article.id == review.article_id))
        record(session, "brief.withdrawn", external_id, review.lang, {
            "id": external_id, "lang": review.lang, "reason": reason, "withdrawn_at": iso(utcnow()),
            "withdrawn_by": by})


def failed(session: Session, article_id: int, error: str, attempts: int) -> None:
    """A story's translation failed (the worker gave it up)."""
    article = session.get(Article, article_id)
    if article is not None:
        record(session, "article.failed", article.external_id, "", {
            "id": article.external_id, "title": article.title, "error": error, "attempts": attempts})


def brief_data(article: Article, review: Review, headline: str, brief: str) -> dict:
    """A published brief as the API and the webhooks give it."""
    return {"id": article.external_id, "lang": review.lang, "title": headline, "brief": brief,
            "sentences": [s.position for s in article.sentences if s.in_brief],
            "published_at": iso(review.published_at), "corrected_at": iso(review.corrected_at),
            "correction": review.correction or None, "model": review.model, "demo": review.demo}


def record(session: Session, kind: str, external_id: str, lang: str, data: dict) -> Event:
    """Write an event and a pending delivery for each webhook that wants this kind."""
    # One article's events are numbered in the order they commit (the order they are sent in): a second writer
    # waits here for the first (PostgreSQL row lock; SQLite has one writer anyway).
    session.execute(select(Article.id).where(Article.external_id == external_id).with_for_update())
    event = Event(kind=kind, external_id=external_id, lang=lang, created_at=utcnow())
    event.payload = json.dumps({"type": kind, "timestamp": iso(event.created_at), "data": data},
                               ensure_ascii=False)
    session.add(event)
    session.flush()
    for webhook in session.scalars(select(Webhook)):
        if kind in webhook.events:
            session.add(Delivery(event_id=event.id, webhook_id=webhook.id, external_id=external_id,
                                 next_at=event.created_at))
    return event


def iso(when: datetime | None) -> str | None:
    return None if when is None else when.replace(tzinfo=timezone.utc).isoformat().replace("+00:00", "Z")
