"""Review actions: corrections with history, and decisions (the aligned article view is ``article_view``).

Every correction is a ``Revision`` (who, when, before, after). A save names the revision it was based on; if
someone else saved the same item since, the save is refused with a :class:`Conflict` that carries the other
change, never a silent overwrite. Corrections feed the translation memory (``workflow.texts``), which the
pipeline reuses before calling the model. Editing an approved item sends it back to review.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from workflow import check_issues, events, glossary, texts
from workflow.article_view import (  # noqa: F401 - the view is part of the review API
    LOW_CONFIDENCE,
    ArticleView,
    Cell,
    LanguagePanel,
    Row,
    TermNote,
    article_view,
    state_of,
)
from workflow.errors import N_, BriefdeskError, ReviewError
from workflow.events import CorrectionNoteNeeded  # noqa: F401 - raised by decide; part of the review API
from workflow.glossary import edits
from workflow.review_states import APPROVED, DECISIONS
from workflow.store import Article, Decision, Review, Revision, Sentence, Store

MAX_TEXT = 20_000


@dataclass(frozen=True)
class Change:
    """A saved revision, detached from the database (it outlives the failed transaction)."""

    id: int
    username: str
    after: str
    created_at: datetime


class Conflict(BriefdeskError):
    """Someone saved the same item since the editor loaded it."""

    def __init__(self, theirs: Revision, yours: str):
        self.theirs = Change(theirs.id, theirs.username, theirs.after, theirs.created_at)
        self.yours = yours
        super().__init__(f"{theirs.username} saved this at {theirs.created_at:%H:%M:%S} UTC")


class TermIssuesOpen(ReviewError):
    """Approving a language with open glossary issues, unconfirmed (see ``decide``)."""


class CheckIssuesOpen(ReviewError):
    """Approving a language with open translation-check issues, unconfirmed (see ``decide``)."""


class StaleDecision(BriefdeskError):
    """The text changed (an edit, or a new machine translation) since the editor loaded the page: a decision is
    only ever taken on the version the editor saw."""

    def __init__(self, lang: str, latest: Revision | None):
        self.lang = lang
        self.latest = Change(latest.id, latest.username, latest.after, latest.created_at) if latest else None
        who = (f"{latest.username} saved a change at {latest.created_at:%H:%M:%S} UTC" if latest
               else "a new translation arrived")
        super().__init__(f"{who} after you opened this page; read the current {lang} text and decide again")


# --- corrections and decisions -------------------------------------------------------------------------------


def save_sentence(store: Store, external_id: str, lang: str, sentence_id: int, text: str, base_revision: int,
                  username: str) -> int:
    """Save an editor's translation of one sentence; returns the new revision id (or the base if unchanged)."""
    text = _clean(text)
    if not text:
        raise ReviewError(N_("a translation cannot be empty"))
    item = texts.sentence_item(sentence_id)
    try:
        with store.session() as session:
            article = _article(session, external_id)
            review = _review(session, article, lang)
            sentence = session.get(Sentence, sentence_id)
            if sentence is None or sentence.article_id != article.id:
                raise ReviewError(N_("sentence %(sentence)s is not part of %(id)s"), sentence=sentence_id,
                                  id=external_id)
            current = texts.latest_revision(session, article.id, lang, item)
            _check_base(current, base_revision, text)
            before = current.after if current else texts.machine_text(session, sentence_id, lang, review.model)
            if text == before:
                return base_revision
            revision = _revise(session, article, lang, item, base_revision, before, text, username,
                               sentence_id=sentence_id)
            texts.remember(session, sentence.text, lang, text, username)
            # An editor's text is checked like the model's; a forbidden form is flagged, never rewritten.
            checked = glossary.load(session).check(sentence.text, text, lang)
            glossary.record(session, article.id, sentence.id, lang, checked.findings)
            check_issues.record(session, article.id, lang, [(sentence.id, sentence.text, text)])
            if sentence.in_brief:
                texts.write_brief(session, article, lang, model=review.model)  # (an edited brief stays as edited)
            events.move(session, review, "edited", username)
            return revision.id
    except IntegrityError:  # another save on the same base won the race
        raise _conflict(store, external_id, lang, item, text) from None


def save_brief(store: Store, external_id: str, lang: str, text: str, base_revision: int, username: str) -> int:
    """Save an editor's version of a whole brief (it stays as written, through reruns, until edited again)."""
    text = _clean(text)
    if not text:
        raise ReviewError(N_("a brief cannot be empty"))
    try:
        with store.session() as session:
            article = _article(session, external_id)
            review = _review(session, article, lang)
            current = texts.latest_revision(session, article.id, lang, texts.BRIEF_ITEM)
            _check_base(current, base_revision, text)
            before = texts.brief_text(session, article.id, lang)
            if text == before:
                return base_revision
            revision = _revise(session, article, lang, texts.BRIEF_ITEM, base_revision, before, text, username)
            texts.write_brief(session, article, lang, text=text)
            events.move(session, review, "edited", username)
            return revision.id
    except IntegrityError:
        raise _conflict(store, external_id, lang, texts.BRIEF_ITEM, text) from None


def decide(store: Store, external_id: str, lang: str, status: str, username: str, comment: str = "",
           state: str | None = None, confirm_terms: bool = False, confirm_checks: bool = False,
           correction: str = "") -> None:
    """Approve or reject an (article, language); recorded with who, when and the comment. ``state`` is the
    ``LanguagePanel.state`` the editor saw: if the text changed since, :class:`StaleDecision` (None: decide on what
    is current). Approving with open glossary issues needs ``confirm_terms``, else :class:`TermIssuesOpen`; with
    open translation-check issues, ``confirm_checks``, else :class:`CheckIssuesOpen`. Approving a published
    language whose text changed is a correction: ``correction`` is the note readers see (else
    :class:`CorrectionNoteNeeded`)."""
    if status not in DECISIONS:
        raise ReviewError(N_("a decision is one of %(decisions)s, not %(status)r"), decisions=", ".join(DECISIONS),
                          status=status)
    with store.session() as session:
        article = _article(session, external_id)
        review = _review(session, article, lang)
        if state is not None and state != _state(session, article.id, review):
            raise StaleDecision(lang, session.scalar(select(Revision).where(
                Revision.article_id == article.id, Revision.lang == lang).order_by(Revision.id.desc()).limit(1)))
        if status == APPROVED and not confirm_terms and (count := edits.open_issues(session, article.id, lang)):
            raise TermIssuesOpen(f"{lang} has {count} open term issue{'s' * (count != 1)}; fix them or confirm")
        if status == APPROVED and not confirm_checks and (
                count := check_issues.open_count(session, article.id, lang)):
            raise CheckIssuesOpen(f"{lang} has {count} open check issue{'s' * (count != 1)}; fix or dismiss them, "
                                  "or confirm")
        correction = _clean(correction)[:500]
        if status == APPROVED:
            events.approve(session, article, review, username, correction)
        else:
            events.move(session, review, status, username)
        session.add(Decision(article_id=article.id, lang=lang, status=status, comment=_clean(comment)[:2000],
                             username=username))


# --- helpers -------------------------------------------------------------------------------------------------


def _article(session: Session, external_id: str) -> Article:
    article = session.scalar(select(Article).where(Article.external_id == external_id))
    if article is None:
        raise ReviewError(N_("no article %(id)r"), id=external_id)
    return article


def _review(session: Session, article: Article, lang: str) -> Review:
    review = session.get(Review, (article.id, lang))
    if review is None:
        raise ReviewError(N_("%(id)s has no %(lang)s translation"), id=article.external_id, lang=lang)
    return review


def _state(session: Session, article_id: int, review: Review) -> str:
    latest = session.scalar(select(func.max(Revision.id)).where(
        Revision.article_id == article_id, Revision.lang.in_([review.lang, "en"]))) or 0
    return state_of(latest, review.fingerprint)


def _revise(session: Session, article: Article, lang: str, item: str, parent: int, before: str, after: str,
            username: str, sentence_id: int | None = None) -> Revision:
    revision = Revision(article_id=article.id, lang=lang, item=item, sentence_id=sentence_id, parent_id=parent,
                        before=before, after=after, username=username)
    session.add(revision)
    session.flush()  # the unique (item, parent) constraint fires here when another save won
    return revision


def _check_base(current: Revision | None, base_revision: int, text: str) -> None:
    if current is None and base_revision:
        raise ReviewError(N_("this form refers to a version that no longer exists; reload the page"))
    if current is not None and current.id != base_revision:
        raise Conflict(current, text)


def _conflict(store: Store, external_id: str, lang: str, item: str, text: str) -> Conflict:
    with store.read() as session:
        article = _article(session, external_id)
        return Conflict(texts.latest_revision(session, article.id, lang, item), text)


def _clean(text: str) -> str:
    text = (text or "").replace("\r\n", "\n").strip()
    if len(text) > MAX_TEXT:
        raise ReviewError(N_("text too long (%(length)d characters, at most %(max)d)"), length=len(text), max=MAX_TEXT)
    return text
