"""Export: stored articles as one record per (article, language), for JSONL and the download formats."""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from workflow import languages, texts
from workflow.articles import HEADLINE
from workflow.store import Article, Brief, Review, Store


@dataclass(frozen=True)
class Record:
    article_id: str
    title: str
    """The translated headline (the English title when the article has none translated)."""
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
    approved = Review.status == "approved"
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
                  model=review.model, demo=review.demo)


# --- files for people: Markdown, plain text, Word, and bulk ZIP -----------------------------------------------

FORMATS = ("md", "txt", "docx")


def filename(item: Record, ext: str) -> str:
    """A safe file name: article id and language, nothing a path could be built from."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", item.article_id).strip(".-")[:100] or "article"
    return f"{stem}.{item.lang}.{ext}"


def render(item: Record, ext: str) -> bytes:
    if ext == "md":
        return _markdown(item).encode()
    if ext == "txt":
        return _plain(item).encode()
    if ext == "docx":
        return _docx(item)
    raise ValueError(f"unknown format {ext!r}; choose one of {', '.join(FORMATS)}")


def _heading(item: Record) -> str:
    note = " — DEMO model output" if item.demo else ""
    return f"{languages.name(item.lang)} brief{note}"


def _markdown(item: Record) -> str:
    title, brief, text = (_literal(part) for part in (item.title, item.brief, item.text))
    return (f"# {title}\n\n*{_heading(item)} · {item.article_id} · {item.status}*\n\n## Brief\n\n{brief}\n\n"
            f"## Full text\n\n{text}\n")


def _literal(text: str) -> str:
    # What an editor typed is text, never markup: a CMS rendering the Markdown would otherwise run raw HTML
    # ("<img onerror=…>") and follow links and images ("[here](javascript:…)", "![](http://tracker)"). An entity
    # keeps "<" and a backslash keeps the characters that make links, code and emphasis; so does one before a
    # line's heading, quote or list mark.
    text = _MARKUP.sub(r"\\\g<0>", text).replace("<", "&lt;")
    return _BLOCK_START.sub(_escape_block_start, text)


_MARKUP = re.compile(r"[\\`*_\[\]!]")
_BLOCK_START = re.compile(r"(^|\n)([ \t]*)(?:([#>+\-=|~])|(\d+)([.)]))")


def _escape_block_start(match: re.Match) -> str:
    start, indent, mark, number, dot = match.groups()
    return start + indent + (f"\\{mark}" if mark else f"{number}\\{dot}")


def _plain(item: Record) -> str:
    return f"{item.title}\n{_heading(item)} ({item.article_id})\n\nBRIEF\n{item.brief}\n\nFULL TEXT\n{item.text}\n"


def _docx(item: Record) -> bytes:
    from docx import Document
    from docx.oxml.ns import qn

    document = Document()
    # Word picks a font per script slot (eastAsia for Chinese, cs for Khmer…): the document's own language
    # gets its font, the other slots the first registered language's.
    script = languages.find(item.lang).docx_font if languages.find(item.lang) else None
    slots: dict[str, str] = {}
    for language in languages.every():
        if language.docx_font:
            slots.setdefault(language.docx_font[0], language.docx_font[1])
    if script:
        slots[script[0]] = script[1]
    for style_name in ("Normal", "Title", "Heading 1", "Heading 2"):
        rpr = document.styles[style_name].element.get_or_add_rPr()
        fonts = rpr.get_or_add_rFonts()
        for slot, font in slots.items():
            fonts.set(qn(f"w:{slot}"), font)
        if script:
            lang = rpr.find(qn("w:lang"))
            if lang is None:
                lang = rpr.makeelement(qn("w:lang"), {})
                rpr.append(lang)
            lang.set(qn("w:eastAsia" if script[0] == "eastAsia" else "w:bidi"), script[2])
    document.add_heading(item.title, level=0)
    document.add_paragraph(f"{_heading(item)} · {item.article_id} · {item.status}")
    document.add_heading("Brief", level=1)
    for paragraph in item.brief.split("\n\n"):
        _cs_paragraph(document, paragraph, item.lang)
    document.add_heading("Full text", level=1)
    for paragraph in item.text.split("\n\n"):
        _cs_paragraph(document, paragraph, item.lang)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _cs_paragraph(document, text: str, lang: str) -> None:
    run = document.add_paragraph().add_run(text)
    script = languages.find(lang).docx_font if languages.find(lang) else None
    if script and script[0] == "cs":  # mark the run as complex script so Word uses the Khmer font
        run._element.get_or_add_rPr().get_or_add_cs()


def bulk_zip(items: list[Record]) -> bytes:
    """One Markdown file per (article, language) plus index.json and index.md. File names are made safe and then
    unique within the archive (``-2``, ``-3``… on a collision), and index.json maps each id to its file."""
    buffer = io.BytesIO()
    index = []
    used: set[str] = set()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in items:
            name = _unique(filename(item, "md"), used)
            archive.writestr(f"briefs/{name}", _markdown(item))
            index.append({"file": f"briefs/{name}", "article_id": item.article_id, "title": item.title,
                          "lang": item.lang, "status": item.status, "model": item.model, "demo": item.demo})
        archive.writestr("index.json", json.dumps(index, ensure_ascii=False, indent=2))
        archive.writestr("index.md", "# Approved briefs\n\n" + "".join(
            f"- [{_literal(e['title'])} ({e['lang']})]({e['file']})\n" for e in index))
    return buffer.getvalue()


def _unique(name: str, used: set[str]) -> str:
    stem, lang, ext = name.rsplit(".", 2)
    rest = f"{lang}.{ext}"
    candidate, number = name, 1
    while candidate.lower() in used:  # case-insensitive: archives get unpacked on macOS and Windows too
        number += 1
        candidate = f"{stem}-{number}.{rest}"
    used.add(candidate.lower())
    return candidate
