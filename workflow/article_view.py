"""The aligned article view: everything the article page shows, read in one transaction.

Each sentence with its current text per language (an editor's latest revision, else the review model's
translation), the glossary's notes and the translation checks' open issues on it; per language the status,
brief, decisions and counts of what needs attention.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePath

from sqlalchemy import Row as SqlRow
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from workflow import glossary, texts
from workflow.errors import N_, ReviewError
from workflow.store import (
    Article,
    Brief,
    CheckIssue,
    Decision,
    Review,
    Revision,
    Sentence,
    Store,
    TermIssue,
    Translation,
)

LOW_CONFIDENCE = -1.0
"""Mean log-probability per token below which a sentence is flagged for attention."""


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
    checks: list[CheckNote] = field(default_factory=list)
    """What the translation checks found wrong in this text and nobody dismissed."""

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


@dataclass(frozen=True)
class CheckNote:
    id: int
    check: str
    """The check's name (``workflow.checks``): numbers, untranslated, repetition…"""
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
    check_issues: int = 0
    """Open translation-check issues (a changed number, English left behind…) in this language."""
    published_at: datetime | None = None
    """First approved (published); approving it again with other text is a correction, with a note."""
    corrected_at: datetime | None = None
    correction: str = ""


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

    @property
    def origin(self) -> str:
        """Where the story came from, in editors' words: never a path on the server."""
        kind, name = self.origin_kind
        return {"form": "pasted in the app", "api": "sent through the API", "file": f"file {name}"}.get(
            kind, "unknown source")

    @property
    def origin_kind(self) -> tuple[str, str]:
        """(``form``, ``api``, ``file`` or ``unknown``; the file's name): for pages that say it in other words."""
        if self.source == "the form":
            return "form", ""
        if self.source.startswith("item "):
            return "api", ""
        return ("file", PurePath(self.source.replace(chr(92), "/")).name) if self.source else ("unknown", "")


def article_view(store: Store, external_id: str) -> ArticleView:
    """Everything the article page shows, read in one transaction with statements built once (this page is
    opened more than any other)."""
    with store.reading() as connection:
        article = connection.execute(_ARTICLE, {"external_id": external_id}).first()
        if article is None:
            raise ReviewError(N_("no article %(id)r"), id=external_id)
        key = {"article_id": article.id}
        sentences = connection.execute(_SENTENCES, key).all()
        reviews = connection.execute(_REVIEWS, key).all()
        revisions = connection.execute(_REVISIONS, key).all()
        translations = connection.execute(_TRANSLATIONS, key).all()
        decisions = connection.execute(_DECISIONS, key).all()
        briefs = dict(connection.execute(_BRIEFS, key).all())
        issues = connection.execute(_TERM_ISSUES, key).all()
        found = connection.execute(_CHECK_ISSUES, key).all()
        terms = glossary.load(Session(bind=connection))
    notes, checks = _notes(terms, issues, found)
    latest: dict[tuple[str, str], SqlRow] = {}
    for revision in revisions:  # newest first
        latest.setdefault((revision.lang, revision.item), revision)
    cells: dict[str, dict[int, Cell]] = {}
    panels: dict[str, LanguagePanel] = {}
    for review in reviews:
        cells[review.lang] = _cells(review, sentences, translations, latest, notes, checks)
        brief_edit = latest.get((review.lang, texts.BRIEF_ITEM))
        # A brief's sentence choice (workflow.briefs) is an English revision: it changes every language's brief.
        newest = next((r.id for r in revisions if r.lang in (review.lang, "en")), 0)
        panels[review.lang] = LanguagePanel(
            lang=review.lang, status=review.status, model=review.model, demo=review.demo,
            brief=briefs.get(review.lang, ""), brief_revision=brief_edit.id if brief_edit else 0,
            decisions=[d for d in decisions if d.lang == review.lang],
            flagged=sum(c.low_confidence for c in cells[review.lang].values()),
            state=state_of(newest, review.fingerprint),
            term_issues=sum(len(c.term_issues) for c in cells[review.lang].values()),
            check_issues=sum(len(c.checks) for c in cells[review.lang].values()),
            published_at=review.published_at, corrected_at=review.corrected_at, correction=review.correction)
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
_REVIEWS = select(Review.lang, Review.status, Review.model, Review.demo, Review.fingerprint, Review.published_at,
                  Review.corrected_at, Review.correction).where(
    Review.article_id == _BY_ARTICLE).order_by(Review.lang)
_REVISIONS = select(Revision.id, Revision.lang, Revision.item, Revision.before, Revision.after, Revision.username,
                    Revision.created_at).where(Revision.article_id == _BY_ARTICLE).order_by(Revision.id.desc())
_TRANSLATIONS = select(Translation.sentence_id, Translation.lang, Translation.model, Translation.text,
                       Translation.score, Translation.origin).join(
    Sentence, Sentence.id == Translation.sentence_id).where(Sentence.article_id == _BY_ARTICLE)
_DECISIONS = select(Decision.lang, Decision.status, Decision.comment, Decision.username, Decision.created_at).where(
    Decision.article_id == _BY_ARTICLE).order_by(Decision.id.desc())
_BRIEFS = select(Brief.lang, Brief.text).where(Brief.article_id == _BY_ARTICLE)
_CHECK_ISSUES = select(CheckIssue.id, CheckIssue.lang, CheckIssue.sentence_id, CheckIssue.check,
                       CheckIssue.detail).where(CheckIssue.article_id == _BY_ARTICLE,
                                                CheckIssue.dismissed_at.is_(None)).order_by(CheckIssue.id)
_TERM_ISSUES = select(TermIssue.lang, TermIssue.sentence_id, TermIssue.term_id, TermIssue.kind,
                      TermIssue.detail).where(TermIssue.article_id == _BY_ARTICLE).order_by(TermIssue.id)




def state_of(latest_revision: int, fingerprint: str) -> str:
    """What a decision is taken on: the latest revision and the translation's fingerprint."""
    return f"{latest_revision}-{fingerprint[:16]}"


def _notes(terms: glossary.Glossary, issues: list, found: list) -> tuple[dict, dict]:
    """Glossary notes and open check issues, by (language, sentence id)."""
    by_id = {entry.id: entry for entry in terms.entries}
    notes: dict[tuple[str, int], list[TermNote]] = {}
    for issue in issues:
        if issue.term_id in by_id:
            notes.setdefault((issue.lang, issue.sentence_id), []).append(
                TermNote(by_id[issue.term_id], issue.kind, issue.detail))
    checks: dict[tuple[str, int], list[CheckNote]] = {}
    for issue in found:
        checks.setdefault((issue.lang, issue.sentence_id), []).append(CheckNote(issue.id, issue.check, issue.detail))
    return notes, checks


def _cells(review: SqlRow, sentences: list, translations: list, latest: dict, notes: dict,
           checks: dict) -> dict[int, Cell]:
    """One language's current text of each sentence it has, by sentence id: the latest edit, else the review
    model's translation."""
    machine = {t.sentence_id: t for t in translations if t.lang == review.lang and t.model == review.model}
    cells = {}
    for sentence in sentences:
        translation = machine.get(sentence.id)
        if translation is None:
            continue
        edit = latest.get((review.lang, texts.sentence_item(sentence.id)))
        cells[sentence.id] = Cell(
            text=edit.after if edit else translation.text, machine=translation.text,
            score=translation.score, origin="edited" if edit else translation.origin,
            revision_id=edit.id if edit else 0, edited_by=edit.username if edit else None,
            terms=notes.get((review.lang, sentence.id), []), checks=checks.get((review.lang, sentence.id), []))
    return cells
