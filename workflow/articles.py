"""Storing a story: its sentences, its brief, and the rule that a different story never silently replaces
editors' work (it is stored under a new id instead, unless ``replace``). The headline is stored as a sentence
before the first (position ``HEADLINE``), so it is translated, checked and reviewed like the others.

Shared by the batch run and by stories added one at a time (``pipeline.submit``), each in its caller's
transaction. A story added one at a time is stored as it came, unsplit: the web request or API call that brought
it does only what is cheap and bounded, and ``briefdesk worker`` splits and summarizes it (``segment``) before
translating it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from dataclasses import replace as with_changes

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from workflow import corpus, segment, source_language, summarize, texts
from workflow.store import Article, Decision, Revision, Sentence

MAX_SENTENCES = 1_000
"""The most sentences one story may have (a 25,000-word feature; the longest of the VOA corpus has 156): a book is
refused, where it would hold a worker for hours and editors for days."""

HEADLINE = -1
"""The position of an article's headline among its sentences: translated, corrected and reviewed like one, first
on the review page, and the title of every download; never part of the brief or the body."""


@dataclass
class ArticleResult:
    external_id: str
    title: str
    sentences: int
    brief_sentences: int
    translated: dict[str, int] = field(default_factory=dict)
    """Sentences newly decoded per language (0: everything was already stored)."""
    note: str = ""
    """Why the story was stored under another id than its own (empty when it was not)."""


@dataclass(frozen=True)
class Summary:
    """How the brief is chosen; ``key`` is stored with the article, so a change redoes the brief."""

    budget: summarize.Budget = summarize.Budget()
    algorithm: str = summarize.DEFAULT_ALGORITHM

    @property
    def key(self) -> str:
        return f"{self.algorithm}/s{self.budget.sentences or 0}/w{self.budget.words or 0}"


@dataclass(frozen=True)
class Stored:
    article_id: int
    result: ArticleResult


def store(document: corpus.Document, session: Session, how: Summary, replace: bool = False,
          submitted: bool = False) -> Stored:
    """Store ``document`` in the caller's transaction: a new article, the same one unchanged (its brief redone
    if the summary settings changed), or its new text (sentences rebuilt, earlier translations gone).

    A ``submitted`` story (one sent from the web or the API) is held to more: unchanged, it keeps the brief it
    has (its request names no brief settings, and a retry must not send approved work back to review); with a
    different text it never takes the place of the stored story unless ``replace`` says so, even where nobody
    has worked on that story yet (a batch run updates such an article in place: its files are the source)."""
    if submitted and not re.search(r"[^\W_]", document.text):  # the rest waits for the worker's split
        raise ValueError("no sentences found")
    article = session.scalar(select(Article).where(Article.external_id == document.id))
    if article is not None and article.content_hash == document.content_hash and (
            submitted or article.summary_key == how.key):
        # The same story with the same brief settings: nothing to redo, not even splitting it (a rerun of a big
        # batch, or one resumed after an interruption, goes straight to what is left to translate).
        return _stored(article, document, "")
    refused = source_language.problem(document.title, document.text)
    if refused:
        raise ValueError(refused)
    document, article, conflict = _place(session, document, article, replace, submitted)
    changed = article is None or article.content_hash != document.content_hash
    if article is None:
        article = Article(external_id=document.id, summary_key="")
        session.add(article)
    elif changed:
        article.sentences.clear()  # their translations and corrections go with them (ON DELETE CASCADE)
        # So do the brief edits and decisions about the old text (reached only when nobody worked on it,
        # or with --replace).
        session.execute(delete(Revision).where(Revision.article_id == article.id))
        session.execute(delete(Decision).where(Decision.article_id == article.id))
        session.flush()
    if changed:
        article.title, article.text, article.source = document.title, document.text, document.source
        article.content_hash = document.content_hash
    if not submitted and (changed or article.summary_key != how.key):
        segment_article(session, article, how)
    session.flush()
    return _stored(article, document, conflict)


def _place(session: Session, document: corpus.Document, article: Article | None, replace: bool,
           submitted: bool) -> tuple[corpus.Document, Article | None, str]:
    """Where a new or different story goes: its own id, or (when that would replace what it must not) a free
    one, with the note that says so. Returns the document (its id maybe changed), the article stored under that
    id (None: a new one) and the note."""
    differs = article is not None and article.content_hash != document.content_hash
    worked_on = differs and _has_editorial_work(session, article)
    # An operator's `run --replace` may replace any story; a story sent in alone (web, API) only when it asks
    # and only one nobody worked on: no API token can wipe editors' corrections and decisions.
    may_replace = replace and not (submitted and worked_on)
    if differs and (worked_on or submitted) and not may_replace:
        # A different story under an id that holds editors' work (or one sent in alone): keep both, never
        # overwrite silently. The note reaches CMS clients through the API too: ids only, no server file path.
        kept = _free_id(session, document)
        if not worked_on:
            held, how_to = "holds another story", f'send it with "replace": true to replace {document.id!r}'
        elif submitted:
            held, how_to = "has corrections or decisions", "editors compare the two in the review app"
        else:
            held, how_to = "has corrections or decisions", f"rerun with --replace to replace {document.id!r}"
        note = f"article {document.id!r} {held}; this different story was stored as {kept!r} instead ({how_to})"
        return (with_changes(document, id=kept), session.scalar(select(Article).where(Article.external_id == kept)),
                note)
    if submitted and differs:
        return document, article, (f"replaced the story stored as {document.id!r} (nobody had worked on it): "
                                   "it is translated anew")
    return document, article, ""


def _stored(article: Article, document: corpus.Document, note: str) -> Stored:
    body = [s for s in article.sentences if s.position != HEADLINE]
    return Stored(article.id, ArticleResult(document.id, document.title, len(body), sum(s.in_brief for s in body),
                                            note=note))


def segment_article(session: Session, article: Article, how: Summary) -> None:
    """Split a stored article into its sentences (if it has none yet) and choose its brief. ValueError when it
    has no sentence or too many."""
    if not article.sentences:
        sentences = segment.split_sentences(article.text, MAX_SENTENCES)
        if not sentences:
            raise ValueError("no sentences found")
        if article.title and article.title != article.external_id:  # translated and reviewed too
            article.sentences.append(Sentence(position=HEADLINE, paragraph=HEADLINE, text=article.title))
        article.sentences.extend(Sentence(position=i, paragraph=s.paragraph, text=s.text)
                                 for i, s in enumerate(sentences))
    body = sorted((s for s in article.sentences if s.position != HEADLINE), key=lambda s: s.position)
    chosen = set(summarize.summarize([s.text for s in body], budget=how.budget, algorithm=how.algorithm,
                                     paragraphs=[s.paragraph for s in body], title=article.title))
    for sentence in article.sentences:
        sentence.in_brief = sentence.position in chosen
    article.summary_key = how.key
    texts.write_brief(session, article, "en")


def _has_editorial_work(session: Session, article: Article) -> bool:
    return bool(session.scalar(select(Revision.id).where(Revision.article_id == article.id).limit(1))
                or session.scalar(select(Decision.id).where(Decision.article_id == article.id).limit(1)))


def _free_id(session: Session, document: corpus.Document) -> str:
    """``ID-2``, ``ID-3``…: the first that is unused or already holds this very story (reruns stay idempotent)."""
    for number in range(2, 10_000):
        candidate = f"{document.id}-{number}"
        existing = session.scalar(select(Article.content_hash).where(Article.external_id == candidate))
        if existing is None or existing == document.content_hash:
            return candidate
    raise ValueError(f"too many stories under the id {document.id!r}")
