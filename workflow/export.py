"""Export: stored articles as one record per (article, language), for JSONL, the download formats
(``workflow.documents``) and the bulk ZIP of approved briefs."""

from __future__ import annotations

import io
import json
import stat
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from workflow import documents, languages, review_states, texts
from workflow.articles import HEADLINE
from workflow.documents import Imprint, Record
from workflow.review_states import APPROVED
from workflow.store import Article, Brief, Decision, Review, Store


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


def approvals(session, *, limit: int, lang: str | None = None, since: datetime | None = None,
              after: tuple[datetime, int] | None = None) -> list[tuple[Review, Article, Decision]]:
    """Languages approved now, in the order of their latest approval (time, then decision id), from ``since``
    or after the approval ``after`` (time, decision id: a keyset cursor), at most ``limit``."""
    query = (select(Review, Article, Decision).join(Article, Article.id == Review.article_id)
             .join(Decision, (Decision.article_id == Review.article_id) & (Decision.lang == Review.lang))
             .where(Review.status == APPROVED, Decision.id.in_(review_states.latest_approvals()))
             .options(selectinload(Article.sentences)).order_by(Decision.created_at, Decision.id).limit(limit))
    if lang:
        query = query.where(Review.lang == lang)
    if since:
        query = query.where(Decision.created_at >= since)
    if after:
        query = query.where((Decision.created_at > after[0])
                            | ((Decision.created_at == after[0]) & (Decision.id > after[1])))
    return [tuple(row) for row in session.execute(query)]


@dataclass(frozen=True)
class Listing:
    """An approved brief as the downloads page lists it (no full text: that is built only when downloaded)."""

    article_id: str
    title: str
    lang: str
    brief: str
    demo: bool


def approved_page(store: Store, page: int = 1, per_page: int = 50) -> tuple[list[Listing], int]:
    """One page of approved briefs (by article id, then language) and how many there are in all."""
    approved = Review.status == APPROVED
    with store.read() as session:
        total = session.scalar(select(func.count()).select_from(Review).where(approved))
        rows = session.execute(
            select(Article.external_id, Article.title, Review.lang, Brief.text, Review.demo)
            .join(Article, Article.id == Review.article_id)
            .outerjoin(Brief, (Brief.article_id == Review.article_id) & (Brief.lang == Review.lang))
            .where(approved).order_by(Article.external_id, Review.lang)
            .limit(per_page).offset((max(1, page) - 1) * per_page)).all()
    return [Listing(r.external_id, r.title, r.lang, r.text or "", r.demo) for r in rows], total


def record(session, article: Article, review: Review) -> Record:
    translations = texts.current_texts(session, article, review.lang, review.model)
    paragraphs: dict[int, list[str]] = {}
    title = article.title
    for sentence in article.sentences:
        if sentence.id not in translations:
            continue
        if sentence.position == HEADLINE:
            title = translations[sentence.id]
        else:
            paragraphs.setdefault(sentence.paragraph, []).append(translations[sentence.id])
    text = "\n\n".join(languages.join(review.lang, group) for _, group in sorted(paragraphs.items()))
    return Record(article_id=article.external_id, title=title, lang=review.lang, text=text,
                  brief=texts.brief_text(session, article.id, review.lang), status=review.status,
                  model=review.model, demo=review.demo, published_at=review.published_at,
                  updated_at=review.corrected_at or review.updated_at)


def sources(store: Store, article_ids: Iterable[str]) -> list[Record]:
    """The English originals of these articles (title, English brief, full text), for a download beside the
    translations; unknown ids are left out."""
    wanted = sorted(set(article_ids))
    found = []
    with store.read() as session:
        for start in range(0, len(wanted), 500):
            query = (select(Article).where(Article.external_id.in_(wanted[start:start + 500]))
                     .options(selectinload(Article.sentences)).order_by(Article.external_id))
            for article in session.scalars(query):
                paragraphs: dict[int, list[str]] = {}
                for sentence in article.sentences:
                    if sentence.position != HEADLINE:
                        paragraphs.setdefault(sentence.paragraph, []).append(sentence.text)
                text = "\n\n".join(" ".join(group) for _, group in sorted(paragraphs.items()))
                found.append(Record(article_id=article.external_id, title=article.title, lang=languages.SOURCE,
                                    text=text, brief=texts.brief_text(session, article.id, languages.SOURCE),
                                    status="source", model="", demo=False, updated_at=article.created_at))
    return found


# --- the bulk ZIP --------------------------------------------------------------------------------------------


def approved_zip(store: Store, formats: Iterable[str] | None = None, *, english: bool = True,
                 lang: str | None = None, status: str = APPROVED,
                 imprint: Imprint = documents.BRIEFDESK) -> tuple[bytes, int]:
    """The approved briefs (of ``lang``, or all; an operator may ask for another ``status``) in ``formats``
    (default: every one), with their English originals unless ``english`` is False, as the downloads page and
    ``briefdesk export --format zip`` give them; and how many briefs it holds."""
    items = list(records(store, status=status, lang=lang))
    originals = sources(store, [i.article_id for i in items]) if english else []
    return bulk_zip(items, formats or documents.names(), originals, imprint), len(items)


def bulk_zip(items: list[Record], formats: Iterable[str] = ("md",), originals: Iterable[Record] = (),
             imprint: Imprint = documents.BRIEFDESK) -> bytes:
    """Each (article, language) in each of ``formats``, the English ``originals`` likewise, plus index.json and
    index.md. File names are made safe and then unique within the archive (``-2``, ``-3``… on a collision);
    index.json maps each id and language to its files (``file``: the first format's)."""
    chosen = [documents.find(ext) for ext in dict.fromkeys(formats)]
    if not chosen:
        raise ValueError(f"choose at least one format of {', '.join(documents.names())}")
    buffer = io.BytesIO()
    index = []
    used: set[str] = set()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in [*items, *originals]:
            stem = _unique(f"{documents.safe_stem(item.article_id)}.{item.lang}", used)
            files = {}
            for fmt in chosen:
                files[fmt.ext] = f"briefs/{stem}.{fmt.ext}"
                _write(archive, files[fmt.ext], fmt.render(item, imprint), item.updated_at or item.published_at)
            index.append({"file": files[chosen[0].ext], "files": files, "article_id": item.article_id,
                          "title": item.title, "lang": item.lang, "status": item.status, "model": item.model,
                          "demo": item.demo})
        _write(archive, "index.json", json.dumps(index, ensure_ascii=False, indent=2).encode())
        _write(archive, "index.md", ("# Approved briefs\n\n" + "".join(
            f"- [{documents.literal(e['title'])} ({e['lang']})]({e['file']})\n" for e in index)).encode())
    return buffer.getvalue()


def _write(archive: zipfile.ZipFile, name: str, data: bytes, when=None) -> None:
    # writestr() with a bare name stores mode 0600 and the time of writing: unzip would give the reader
    # private files. Ordinary files are rw-r--r--, dated when the brief last changed.
    stamp = (when or datetime.now(timezone.utc).replace(tzinfo=None)).timetuple()[:6]
    info = zipfile.ZipInfo(name, date_time=max(stamp, (1980, 1, 1, 0, 0, 0)))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = (stat.S_IFREG | 0o644) << 16
    archive.writestr(info, data)


def _unique(stem: str, used: set[str]) -> str:
    """``stem`` is ``<safe id>.<lang>``; a second one gets ``-2`` before the language."""
    base, lang = stem.rsplit(".", 1)
    candidate, number = stem, 1
    while candidate.lower() in used:  # case-insensitive: archives get unpacked on macOS and Windows too
        number += 1
        candidate = f"{base}-{number}.{lang}"
    used.add(candidate.lower())
    return candidate
