"""Editorial review: the queue, the aligned article view, corrections with history, decisions, memory.

Every correction is a ``Revision`` (who, when, before, after). A save names the revision it was based on; if
someone else saved the same item since, the save is refused with a :class:`Conflict` that carries the other
change, never a silent overwrite. Corrections feed the translation memory (exact English sentence → text),
which the pipeline reuses before calling the model. Editing an approved item sends it back to review.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, distinct, func, literal_column, or_, select, text, tuple_
from sqlalchemy.exc import IntegrityError

from workflow.store import (
    STATUSES,
    Article,
    Brief,
    Decision,
    Memory,
    Review,
    Revision,
    Sentence,
    Store,
    Translation,
    utcnow,
)
from workflow.translate import join_sentences

PER_PAGE = 50
LOW_CONFIDENCE = -1.0
"""Mean log-probability per token below which a sentence is flagged for attention."""
DECISIONS = ("approved", "rejected")


class ReviewError(ValueError):
    """A request that cannot be done (unknown article, language without translation...)."""


@dataclass(frozen=True)
class Change:
    """A saved revision, detached from the database (it outlives the failed transaction)."""

    id: int
    username: str
    after: str
    created_at: datetime


class Conflict(Exception):
    """Someone saved the same item since the editor loaded it."""

    def __init__(self, theirs: Revision, yours: str):
        self.theirs = Change(theirs.id, theirs.username, theirs.after, theirs.created_at)
        self.yours = yours
        super().__init__(f"{theirs.username} saved this at {theirs.created_at:%H:%M:%S} UTC")


# --- queue ---------------------------------------------------------------------------------------------------


@dataclass
class QueueRow:
    article_id: str
    title: str
    statuses: dict[str, str]
    demo: bool
    updated_at: datetime


@dataclass
class QueuePage:
    rows: list[QueueRow]
    total: int
    page: int
    pages: int
    counts: dict[str, int]
    languages: list[str]


def queue(store: Store, *, status: str | None = None, lang: str | None = None, search: str | None = None,
          page: int = 1, per_page: int = PER_PAGE) -> QueuePage:
    """Articles with their review status per language, newest first, filtered and paginated.

    Every query here is answered from indexes: the status/language filter from the covering indexes on
    ``reviews``, the order from ``(updated_at, id)``, the search from the full-text index. Only the page's
    own rows are read from ``articles``.
    """
    with store.read() as session:
        matches = _search(session, search) if search else None
        by_review = ([Review.lang == lang] if lang else []) + ([Review.status == status] if status else [])
        counts_query = select(Review.status, func.count()).group_by(Review.status)
        if lang:
            counts_query = counts_query.where(Review.lang == lang)
        if matches is not None:
            counts_query = counts_query.where(Review.article_id.in_(matches))
        counts = dict.fromkeys(STATUSES, 0)
        counts.update(dict(session.execute(counts_query).all()))

        conditions = []
        if by_review:
            total_query = select(func.count(distinct(Review.article_id))).where(*by_review)
            # EXISTS, walked along the page order, stops after one page; IN would read every match first.
            conditions.append(select(Review.article_id).where(Review.article_id == Article.id, *by_review).exists())
            if matches is not None:
                total_query = total_query.where(Review.article_id.in_(matches))
        elif matches is not None:
            total_query = select(func.count()).select_from(matches.subquery())
        else:
            total_query = select(func.count(Article.id))
        if matches is not None:
            # "+ 0": SQLite would otherwise fetch every matching row by id and sort them; walking the order
            # index and probing the match list stops after one page.
            conditions.append((Article.id + 0).in_(matches))
        total = session.scalar(total_query)
        pages = max(1, math.ceil(total / per_page))
        page = min(max(1, page), pages)
        articles = session.execute(
            select(Article.id, Article.external_id, Article.title, Article.updated_at).where(*conditions)
            .order_by(Article.updated_at.desc(), Article.id.desc()).limit(per_page).offset((page - 1) * per_page)
        ).all()
        reviews = session.execute(select(Review.article_id, Review.lang, Review.status, Review.demo).where(
            Review.article_id.in_([a.id for a in articles]))).all()
        languages = sorted(session.scalars(select(Review.lang).distinct()))
    statuses: dict[int, dict[str, str]] = {}
    demo: dict[int, bool] = {}
    for article_id, code, state, is_demo in reviews:
        statuses.setdefault(article_id, {})[code] = state
        demo[article_id] = demo.get(article_id, False) or is_demo
    rows = [QueueRow(a.external_id, a.title, statuses.get(a.id, {}), demo.get(a.id, False), a.updated_at)
            for a in articles]
    return QueuePage(rows=rows, total=total, page=page, pages=pages, counts=counts, languages=languages)


def _search(session, search: str) -> Select:
    """Ids of the articles whose id, title or text contain all the words (SQLite's full-text index; ILIKE
    of the whole phrase elsewhere)."""
    if session.get_bind().dialect.name == "sqlite":
        # Each word literally (quoted), all required; no words means nothing can match.
        query = " ".join('"' + word + '"' for word in re.findall(r"\w+", search)) or '""'
        return select(literal_column("rowid")).select_from(text("articles_fts")).where(
            text("articles_fts MATCH :query").bindparams(query=query))
    pattern = "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return select(Article.id).where(or_(*(column.ilike(pattern, escape="\\")
                                          for column in (Article.external_id, Article.title, Article.text))))


def next_article(store: Store, after: str | None = None) -> str | None:
    """The next article (in queue order: newest first) that still has a language waiting for a decision."""
    with store.read() as session:
        pending = select(Review.article_id).where(Review.article_id == Article.id,
                                                  Review.status.in_(("new", "in_review"))).exists()
        query = select(Article.external_id).where(pending).order_by(Article.updated_at.desc(), Article.id.desc())
        current = session.execute(select(Article.updated_at, Article.id).where(Article.external_id == after)).first()
        if current is not None:
            later = tuple_(Article.updated_at, Article.id) < tuple_(current.updated_at, current.id)
            found = session.scalar(query.where(later).limit(1))
            if found:
                return found
        first = session.scalar(query.limit(1))
        return first if first != after else None


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

    @property
    def low_confidence(self) -> bool:
        return self.origin == "model" and self.score is not None and self.score < LOW_CONFIDENCE


@dataclass
class Row:
    sentence_id: int
    position: int
    paragraph: int
    english: str
    in_brief: bool
    cells: dict[str, Cell]


@dataclass
class LanguagePanel:
    lang: str
    status: str
    model: str
    demo: bool
    brief: str
    brief_revision: int
    decisions: list[Decision]
    flagged: int


@dataclass
class ArticleView:
    article_id: str
    title: str
    source: str
    english_brief: str
    rows: list[Row]
    languages: dict[str, LanguagePanel]
    history: list[Revision] = field(default_factory=list)


def article_view(store: Store, external_id: str) -> ArticleView:
    with store.read() as session:
        article = _article(session, external_id)
        reviews = session.scalars(select(Review).where(Review.article_id == article.id).order_by(Review.lang)).all()
        revisions = session.scalars(select(Revision).where(Revision.article_id == article.id)
                                    .order_by(Revision.id.desc())).all()
        latest: dict[tuple[str, str], Revision] = {}
        for revision in revisions:
            latest.setdefault((revision.lang, revision.item), revision)
        cells: dict[str, dict[int, Cell]] = {}
        panels: dict[str, LanguagePanel] = {}
        for review in reviews:
            machine = {t.sentence_id: t for t in _translations(session, article.id, review.lang, review.model)}
            cells[review.lang] = {}
            for sentence in article.sentences:
                translation = machine.get(sentence.id)
                if translation is None:
                    continue
                edit = latest.get((review.lang, f"s{sentence.id}"))
                cells[review.lang][sentence.id] = Cell(
                    text=edit.after if edit else translation.text, machine=translation.text,
                    score=translation.score, origin="edited" if edit else translation.origin,
                    revision_id=edit.id if edit else 0, edited_by=edit.username if edit else None)
            brief = session.scalar(select(Brief.text).where(Brief.article_id == article.id,
                                                            Brief.lang == review.lang)) or ""
            brief_edit = latest.get((review.lang, "brief"))
            decisions = session.scalars(select(Decision).where(
                Decision.article_id == article.id, Decision.lang == review.lang).order_by(Decision.id.desc())).all()
            panels[review.lang] = LanguagePanel(
                lang=review.lang, status=review.status, model=review.model, demo=review.demo, brief=brief,
                brief_revision=brief_edit.id if brief_edit else 0, decisions=list(decisions),
                flagged=sum(c.low_confidence for c in cells[review.lang].values()))
        english_brief = session.scalar(select(Brief.text).where(Brief.article_id == article.id, Brief.lang == "en"))
        rows = [Row(s.id, s.position, s.paragraph, s.text, s.in_brief,
                    {code: cells[code][s.id] for code in cells if s.id in cells[code]}) for s in article.sentences]
        return ArticleView(article.external_id, article.title, article.source, english_brief or "", rows, panels,
                           list(revisions))


# --- corrections and decisions -------------------------------------------------------------------------------


def save_sentence(store: Store, external_id: str, lang: str, sentence_id: int, text: str, base_revision: int,
                  username: str) -> int:
    """Save an editor's translation of one sentence; returns the new revision id (or the base if unchanged)."""
    text = _clean(text)
    if not text:
        raise ReviewError("a translation cannot be empty")
    try:
        with store.session() as session:
            article = _article(session, external_id)
            review = _review(session, article, lang)
            sentence = session.get(Sentence, sentence_id)
            if sentence is None or sentence.article_id != article.id:
                raise ReviewError(f"sentence {sentence_id} is not part of {external_id}")
            item = f"s{sentence_id}"
            current = _current(session, article.id, lang, item)
            _check_base(current, base_revision, text)
            before = current.after if current else _machine_text(session, sentence_id, lang, review.model)
            if text == before:
                return base_revision
            revision = Revision(article_id=article.id, lang=lang, item=item, sentence_id=sentence_id,
                                parent_id=base_revision, before=before, after=text, username=username)
            session.add(revision)
            session.flush()
            _remember(session, sentence.text, lang, text, username)
            if sentence.in_brief and _current(session, article.id, lang, "brief") is None:
                _rebuild_brief(session, article, review)
            _back_to_review(review)
            return revision.id
    except IntegrityError:  # another save on the same base won the race
        with store.read() as session:
            article = _article(session, external_id)
            raise Conflict(_current(session, article.id, lang, f"s{sentence_id}"), text) from None


def save_brief(store: Store, external_id: str, lang: str, text: str, base_revision: int, username: str) -> int:
    """Save an editor's version of a whole brief."""
    text = _clean(text)
    try:
        with store.session() as session:
            article = _article(session, external_id)
            review = _review(session, article, lang)
            current = _current(session, article.id, lang, "brief")
            _check_base(current, base_revision, text)
            brief = session.scalar(select(Brief).where(Brief.article_id == article.id, Brief.lang == lang))
            before = brief.text if brief else ""
            if text == before:
                return base_revision
            revision = Revision(article_id=article.id, lang=lang, item="brief", parent_id=base_revision,
                                before=before, after=text, username=username)
            session.add(revision)
            session.flush()
            if brief is None:
                session.add(Brief(article_id=article.id, lang=lang, text=text))
            else:
                brief.text, brief.created_at = text, utcnow()
            _back_to_review(review)
            return revision.id
    except IntegrityError:
        with store.read() as session:
            article = _article(session, external_id)
            raise Conflict(_current(session, article.id, lang, "brief"), text) from None


def decide(store: Store, external_id: str, lang: str, status: str, username: str, comment: str = "") -> None:
    """Approve or reject an (article, language); recorded with who, when and the comment."""
    if status not in DECISIONS:
        raise ReviewError(f"a decision is one of {', '.join(DECISIONS)}, not {status!r}")
    with store.session() as session:
        article = _article(session, external_id)
        review = _review(session, article, lang)
        review.status = status
        session.add(Decision(article_id=article.id, lang=lang, status=status, comment=_clean(comment)[:2000],
                             username=username))


def memory_lookup(session, texts: list[str], lang: str) -> dict[str, str]:
    """Corrected translations of exactly these English sentences, if editors made any."""
    if not texts:
        return {}
    hashes = {_hash(t): t for t in texts}
    found: dict[str, str] = {}
    keys = list(hashes)
    for start in range(0, len(keys), 500):
        rows = session.execute(select(Memory.source_hash, Memory.source, Memory.text).where(
            Memory.lang == lang, Memory.source_hash.in_(keys[start:start + 500])))
        found.update({source: text for digest, source, text in rows if hashes.get(digest) == source})
    return found


def current_texts(session, article: Article, lang: str, model: str) -> dict[int, str]:
    """What an editor sees for each sentence: the latest correction, else the machine translation."""
    texts = {t.sentence_id: t.text for t in _translations(session, article.id, lang, model)}
    edits = session.execute(select(Revision.item, Revision.after).where(
        Revision.article_id == article.id, Revision.lang == lang, Revision.item != "brief")
        .order_by(Revision.id)).all()
    for item, after in edits:
        texts[int(item[1:])] = after
    return texts


# --- helpers -------------------------------------------------------------------------------------------------


def _article(session, external_id: str) -> Article:
    article = session.scalar(select(Article).where(Article.external_id == external_id))
    if article is None:
        raise ReviewError(f"no article {external_id!r}")
    return article


def _review(session, article: Article, lang: str) -> Review:
    review = session.get(Review, (article.id, lang))
    if review is None:
        raise ReviewError(f"{article.external_id} has no {lang} translation")
    return review


def _translations(session, article_id: int, lang: str, model: str):
    return session.scalars(select(Translation).join(Sentence, Sentence.id == Translation.sentence_id).where(
        Sentence.article_id == article_id, Translation.lang == lang, Translation.model == model)).all()


def _current(session, article_id: int, lang: str, item: str) -> Revision | None:
    return session.scalar(select(Revision).where(Revision.article_id == article_id, Revision.lang == lang,
                                                 Revision.item == item).order_by(Revision.id.desc()).limit(1))


def _check_base(current: Revision | None, base_revision: int, text: str) -> None:
    if current is None and base_revision:
        raise ReviewError("this form refers to a version that no longer exists; reload the page")
    if current is not None and current.id != base_revision:
        raise Conflict(current, text)


def _machine_text(session, sentence_id: int, lang: str, model: str) -> str:
    return session.scalar(select(Translation.text).where(
        Translation.sentence_id == sentence_id, Translation.lang == lang, Translation.model == model)) or ""


def _rebuild_brief(session, article: Article, review: Review) -> None:
    texts = current_texts(session, article, review.lang, review.model)
    joined = join_sentences(review.lang, [texts[s.id] for s in article.sentences if s.in_brief and s.id in texts])
    brief = session.scalar(select(Brief).where(Brief.article_id == article.id, Brief.lang == review.lang))
    if brief is not None:
        brief.text, brief.created_at = joined, utcnow()


def _remember(session, source: str, lang: str, text: str, username: str) -> None:
    digest = _hash(source)
    entry = session.scalar(select(Memory).where(Memory.source_hash == digest, Memory.lang == lang))
    if entry is None:
        session.add(Memory(source_hash=digest, source=source, lang=lang, text=text, username=username))
    else:
        entry.text, entry.username, entry.updated_at = text, username, utcnow()


def _back_to_review(review: Review) -> None:
    review.status = "in_review"


MAX_TEXT = 20_000


def _clean(text: str) -> str:
    text = (text or "").replace("\r\n", "\n").strip()
    if len(text) > MAX_TEXT:
        raise ReviewError(f"text too long ({len(text)} characters, at most {MAX_TEXT})")
    return text


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
