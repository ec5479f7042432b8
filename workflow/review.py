"""Review actions: the aligned article view, corrections with history, and decisions.

Every correction is a ``Revision`` (who, when, before, after). A save names the revision it was based on; if
someone else saved the same item since, the save is refused with a :class:`Conflict` that carries the other
change, never a silent overwrite. Corrections feed the translation memory (``workflow.texts``), which the
pipeline reuses before calling the model. Editing an approved item sends it back to review.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Row as SqlRow
from sqlalchemy import bindparam, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from workflow import glossary, texts
from workflow.errors import BriefdeskError
from workflow.glossary import edits
from workflow.store import Article, Brief, Decision, Review, Revision, Sentence, Store, TermIssue, Translation
from workflow.vocabulary import DECISIONS

LOW_CONFIDENCE = -1.0
"""Mean log-probability per token below which a sentence is flagged for attention."""
MAX_TEXT = 20_000


class ReviewError(BriefdeskError):
    """A request that cannot be done (unknown article, language without translation...)."""


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


class StaleDecision(BriefdeskError):
    """The text changed (an edit, or a new machine translation) since the editor loaded the page: a decision is
    only ever taken on the version the editor saw."""

    def __init__(self, lang: str, latest: Revision | None):
        self.lang = lang
        self.latest = Change(latest.id, latest.username, latest.after, latest.created_at) if latest else None
        who = (f"{latest.username} saved a change at {latest.created_at:%H:%M:%S} UTC" if latest
               else "a new translation arrived")
        super().__init__(f"{who} after you opened this page; read the current {lang} text and decide again")


# --- article view --------------------------------------------------------------------------------------------


@dataclass
class Cell:
    text: str
    machine: str
    score: float | None
    origin: str
    """``model``, ``memory`` (reused correction) or ``edited``."""
    revision_id: int
    edited_by: str | None = None
    terms: list[TermNote] = field(default_factory=list)
    """What the glossary check stored for this text: open issues and automatic fixes."""

    @property
    def low_confidence(self) -> bool:
        return self.origin == "model" and self.score is not None and self.score < LOW_CONFIDENCE

    @property
    def term_issues(self) -> list[TermNote]:
        return [t for t in self.terms if t.kind in glossary.ISSUES]


@dataclass(frozen=True)
class TermNote:
    entry: glossary.Entry
    kind: str
    """``missing``, ``forbidden`` or ``fixed`` (see ``workflow.glossary``)."""
    detail: str


@dataclass
class Row:
    sentence_id: int
    position: int
    paragraph: int
    english: str
    in_brief: bool
    cells: dict[str, Cell]
    terms: list[glossary.Occurrence] = field(default_factory=list)
    """Glossary terms in the English, left to right (for highlighting)."""


@dataclass
class LanguagePanel:
    lang: str
    status: str
    model: str
    demo: bool
    brief: str
    brief_revision: int
    decisions: list[SqlRow]
    """Newest first: status, username, created_at, comment."""
    flagged: int
    state: str
    """What a decision is taken on: the latest revision and the translation's fingerprint."""
    term_issues: int = 0
    """Open glossary issues (missing approved forms, forbidden variants) in this language."""


@dataclass
class ArticleView:
    article_id: str
    title: str
    source: str
    english_brief: str
    rows: list[Row]
    languages: dict[str, LanguagePanel]
    history: list[SqlRow] = field(default_factory=list)
    """Every revision, newest first: lang, item, before, after, username, created_at."""


def article_view(store: Store, external_id: str) -> ArticleView:
    """Everything the article page shows, read in one transaction with statements built once (this page is
    opened more than any other)."""
    with store.reading() as connection:
        article = connection.execute(_ARTICLE, {"external_id": external_id}).first()
        if article is None:
            raise ReviewError(f"no article {external_id!r}")
        key = {"article_id": article.id}
        sentences = connection.execute(_SENTENCES, key).all()
        reviews = connection.execute(_REVIEWS, key).all()
        revisions = connection.execute(_REVISIONS, key).all()
        translations = connection.execute(_TRANSLATIONS, key).all()
        decisions = connection.execute(_DECISIONS, key).all()
        briefs = dict(connection.execute(_BRIEFS, key).all())
        issues = connection.execute(_TERM_ISSUES, key).all()
        terms = glossary.load(Session(bind=connection))
    by_id = {entry.id: entry for entry in terms.entries}
    notes: dict[tuple[str, int], list[TermNote]] = {}
    for issue in issues:
        if issue.term_id in by_id:
            notes.setdefault((issue.lang, issue.sentence_id), []).append(
                TermNote(by_id[issue.term_id], issue.kind, issue.detail))
    latest: dict[tuple[str, str], SqlRow] = {}
    for revision in revisions:  # newest first
        latest.setdefault((revision.lang, revision.item), revision)
    cells: dict[str, dict[int, Cell]] = {}
    panels: dict[str, LanguagePanel] = {}
    for review in reviews:
        machine = {t.sentence_id: t for t in translations if t.lang == review.lang and t.model == review.model}
        cells[review.lang] = {}
        for sentence in sentences:
            translation = machine.get(sentence.id)
            if translation is None:
                continue
            edit = latest.get((review.lang, texts.sentence_item(sentence.id)))
            cells[review.lang][sentence.id] = Cell(
                text=edit.after if edit else translation.text, machine=translation.text,
                score=translation.score, origin="edited" if edit else translation.origin,
                revision_id=edit.id if edit else 0, edited_by=edit.username if edit else None,
                terms=notes.get((review.lang, sentence.id), []))
        brief_edit = latest.get((review.lang, texts.BRIEF_ITEM))
        # A brief's sentence choice (workflow.briefs) is an English revision: it changes every language's brief.
        newest = next((r.id for r in revisions if r.lang in (review.lang, "en")), 0)
        panels[review.lang] = LanguagePanel(
            lang=review.lang, status=review.status, model=review.model, demo=review.demo,
            brief=briefs.get(review.lang, ""), brief_revision=brief_edit.id if brief_edit else 0,
            decisions=[d for d in decisions if d.lang == review.lang],
            flagged=sum(c.low_confidence for c in cells[review.lang].values()),
            state=_state_of(newest, review.fingerprint),
            term_issues=sum(len(c.term_issues) for c in cells[review.lang].values()))
    rows = [Row(s.id, s.position, s.paragraph, s.text, s.in_brief,
                {code: cells[code][s.id] for code in cells if s.id in cells[code]}, terms.find(s.text))
            for s in sentences]
    return ArticleView(article.external_id, article.title, article.source, briefs.get("en", ""), rows, panels,
                       list(revisions))


_BY_ARTICLE = bindparam("article_id")
_ARTICLE = select(Article.id, Article.external_id, Article.title, Article.source).where(
    Article.external_id == bindparam("external_id"))
_SENTENCES = select(Sentence.id, Sentence.position, Sentence.paragraph, Sentence.text, Sentence.in_brief).where(
    Sentence.article_id == _BY_ARTICLE).order_by(Sentence.position)
_REVIEWS = select(Review.lang, Review.status, Review.model, Review.demo, Review.fingerprint).where(
    Review.article_id == _BY_ARTICLE).order_by(Review.lang)
_REVISIONS = select(Revision.id, Revision.lang, Revision.item, Revision.before, Revision.after, Revision.username,
                    Revision.created_at).where(Revision.article_id == _BY_ARTICLE).order_by(Revision.id.desc())
_TRANSLATIONS = select(Translation.sentence_id, Translation.lang, Translation.model, Translation.text,
                       Translation.score, Translation.origin).join(
    Sentence, Sentence.id == Translation.sentence_id).where(Sentence.article_id == _BY_ARTICLE)
_DECISIONS = select(Decision.lang, Decision.status, Decision.comment, Decision.username, Decision.created_at).where(
    Decision.article_id == _BY_ARTICLE).order_by(Decision.id.desc())
_BRIEFS = select(Brief.lang, Brief.text).where(Brief.article_id == _BY_ARTICLE)
_TERM_ISSUES = select(TermIssue.lang, TermIssue.sentence_id, TermIssue.term_id, TermIssue.kind,
                      TermIssue.detail).where(TermIssue.article_id == _BY_ARTICLE).order_by(TermIssue.id)


# --- corrections and decisions -------------------------------------------------------------------------------


def save_sentence(store: Store, external_id: str, lang: str, sentence_id: int, text: str, base_revision: int,
                  username: str) -> int:
    """Save an editor's translation of one sentence; returns the new revision id (or the base if unchanged)."""
    text = _clean(text)
    if not text:
        raise ReviewError("a translation cannot be empty")
    item = texts.sentence_item(sentence_id)
    try:
        with store.session() as session:
            article = _article(session, external_id)
            review = _review(session, article, lang)
            sentence = session.get(Sentence, sentence_id)
            if sentence is None or sentence.article_id != article.id:
                raise ReviewError(f"sentence {sentence_id} is not part of {external_id}")
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
            if sentence.in_brief:
                texts.write_brief(session, article, lang, model=review.model)  # (an edited brief stays as edited)
            review.status = "in_review"
            return revision.id
    except IntegrityError:  # another save on the same base won the race
        raise _conflict(store, external_id, lang, item, text) from None


def save_brief(store: Store, external_id: str, lang: str, text: str, base_revision: int, username: str) -> int:
    """Save an editor's version of a whole brief (it stays as written, through reruns, until edited again)."""
    text = _clean(text)
    if not text:
        raise ReviewError("a brief cannot be empty")
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
            review.status = "in_review"
            return revision.id
    except IntegrityError:
        raise _conflict(store, external_id, lang, texts.BRIEF_ITEM, text) from None


def decide(store: Store, external_id: str, lang: str, status: str, username: str, comment: str = "",
           state: str | None = None, confirm_terms: bool = False) -> None:
    """Approve or reject an (article, language); recorded with who, when and the comment. ``state`` is the
    ``LanguagePanel.state`` the editor saw: if the text changed since, :class:`StaleDecision` (None: decide on what
    is current). Approving with open glossary issues needs ``confirm_terms``, else :class:`TermIssuesOpen`."""
    if status not in DECISIONS:
        raise ReviewError(f"a decision is one of {', '.join(DECISIONS)}, not {status!r}")
    with store.session() as session:
        article = _article(session, external_id)
        review = _review(session, article, lang)
        if state is not None and state != _state(session, article.id, review):
            raise StaleDecision(lang, session.scalar(select(Revision).where(
                Revision.article_id == article.id, Revision.lang == lang).order_by(Revision.id.desc()).limit(1)))
        if status == "approved" and not confirm_terms and (count := edits.open_issues(session, article.id, lang)):
            raise TermIssuesOpen(f"{lang} has {count} open term issue{'s' * (count != 1)}; fix them or confirm")
        review.status = status
        session.add(Decision(article_id=article.id, lang=lang, status=status, comment=_clean(comment)[:2000],
                             username=username))


# --- helpers -------------------------------------------------------------------------------------------------


def _article(session: Session, external_id: str) -> Article:
    article = session.scalar(select(Article).where(Article.external_id == external_id))
    if article is None:
        raise ReviewError(f"no article {external_id!r}")
    return article


def _review(session: Session, article: Article, lang: str) -> Review:
    review = session.get(Review, (article.id, lang))
    if review is None:
        raise ReviewError(f"{article.external_id} has no {lang} translation")
    return review


def _state(session: Session, article_id: int, review: Review) -> str:
    latest = session.scalar(select(func.max(Revision.id)).where(
        Revision.article_id == article_id, Revision.lang.in_([review.lang, "en"]))) or 0
    return _state_of(latest, review.fingerprint)


def _state_of(latest_revision: int, fingerprint: str) -> str:
    return f"{latest_revision}-{fingerprint[:16]}"


def _revise(session: Session, article: Article, lang: str, item: str, parent: int, before: str, after: str,
            username: str, sentence_id: int | None = None) -> Revision:
    revision = Revision(article_id=article.id, lang=lang, item=item, sentence_id=sentence_id, parent_id=parent,
                        before=before, after=after, username=username)
    session.add(revision)
    session.flush()  # the unique (item, parent) constraint fires here when another save won
    return revision


def _check_base(current: Revision | None, base_revision: int, text: str) -> None:
    if current is None and base_revision:
        raise ReviewError("this form refers to a version that no longer exists; reload the page")
    if current is not None and current.id != base_revision:
        raise Conflict(current, text)


def _conflict(store: Store, external_id: str, lang: str, item: str, text: str) -> Conflict:
    with store.read() as session:
        article = _article(session, external_id)
        return Conflict(texts.latest_revision(session, article.id, lang, item), text)


def _clean(text: str) -> str:
    text = (text or "").replace("\r\n", "\n").strip()
    if len(text) > MAX_TEXT:
        raise ReviewError(f"text too long ({len(text)} characters, at most {MAX_TEXT})")
    return text
