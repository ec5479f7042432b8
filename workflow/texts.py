"""The texts an editor sees, the one writer of briefs, and the translation memory.

Shared by the batch pipeline, the review actions and export, so that none of them depends on another:

* the current text of a sentence is its latest correction (a ``Revision``), else the machine translation;
* a brief is the current texts of the article's brief sentences, joined as the language writes them
  (``write_brief`` is the only code that writes a ``briefs`` row);
* the memory maps an exact English sentence to an editor's latest correction of it, per language.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow import languages
from workflow.store import Article, Brief, Memory, Revision, Sentence, Translation, utcnow

BRIEF_ITEM = "brief"
"""The revision item of a whole brief; a sentence's item is ``s<sentence id>``."""


def sentence_item(sentence_id: int) -> str:
    return f"s{sentence_id}"


def translations(session: Session, article_id: int, lang: str, model: str) -> list[Translation]:
    """The machine translations of an article's sentences by one model."""
    return list(session.scalars(select(Translation).join(Sentence, Sentence.id == Translation.sentence_id).where(
        Sentence.article_id == article_id, Translation.lang == lang, Translation.model == model)))


def machine_text(session: Session, sentence_id: int, lang: str, model: str) -> str:
    return session.scalar(select(Translation.text).where(
        Translation.sentence_id == sentence_id, Translation.lang == lang, Translation.model == model)) or ""


def current_texts(session: Session, article: Article, lang: str, model: str) -> dict[int, str]:
    """What an editor sees for each sentence: the latest correction, else the machine translation."""
    texts = {t.sentence_id: t.text for t in translations(session, article.id, lang, model)}
    edits = session.execute(select(Revision.item, Revision.after).where(
        Revision.article_id == article.id, Revision.lang == lang, Revision.item != BRIEF_ITEM)
        .order_by(Revision.id)).all()
    for item, after in edits:
        texts[int(item[1:])] = after
    return texts


def latest_revision(session: Session, article_id: int, lang: str, item: str) -> Revision | None:
    return session.scalar(select(Revision).where(Revision.article_id == article_id, Revision.lang == lang,
                                                 Revision.item == item).order_by(Revision.id.desc()).limit(1))


def brief_text(session: Session, article_id: int, lang: str) -> str:
    return session.scalar(select(Brief.text).where(Brief.article_id == article_id, Brief.lang == lang)) or ""


def write_brief(session: Session, article: Article, lang: str, *, model: str | None = None,
                text: str | None = None) -> str:
    """Store the brief of ``article`` in ``lang``: ``text`` as given (an editor's version), else built from the
    current texts of the brief sentences (the English sentences themselves for ``en``; ``model``'s
    translations, with corrections, otherwise). A built brief never replaces one an editor wrote: that stays
    until an editor changes it. Returns the text stored."""
    if text is None and latest_revision(session, article.id, lang, BRIEF_ITEM) is not None:
        return brief_text(session, article.id, lang)
    if text is None:
        if lang == languages.SOURCE:
            text = " ".join(s.text for s in article.sentences if s.in_brief)
        else:
            current = current_texts(session, article, lang, model or "")
            text = languages.join(lang, [current[s.id] for s in article.sentences if s.in_brief and s.id in current])
    brief = session.scalar(select(Brief).where(Brief.article_id == article.id, Brief.lang == lang))
    if brief is None:
        session.add(Brief(article_id=article.id, lang=lang, text=text))
    elif brief.text != text:
        brief.text, brief.created_at = text, utcnow()
    return text


# --- translation memory --------------------------------------------------------------------------------------


def remember(session: Session, source: str, lang: str, text: str, username: str) -> None:
    """Keep an editor's translation of an English sentence for the next time it occurs."""
    digest = source_hash(source)
    entry = session.scalar(select(Memory).where(Memory.source_hash == digest, Memory.lang == lang))
    if entry is None:
        session.add(Memory(source_hash=digest, source=source, lang=lang, text=text, username=username))
    else:
        entry.text, entry.username, entry.updated_at = text, username, utcnow()


def recall(session: Session, sources: list[str], lang: str) -> dict[str, str]:
    """Corrected translations of exactly these English sentences, if editors made any."""
    if not sources:
        return {}
    hashes = {source_hash(t): t for t in sources}
    found: dict[str, str] = {}
    keys = list(hashes)
    for start in range(0, len(keys), 500):
        rows = session.execute(select(Memory.source_hash, Memory.source, Memory.text).where(
            Memory.lang == lang, Memory.source_hash.in_(keys[start:start + 500])))
        found.update({source: text for digest, source, text in rows if hashes.get(digest) == source})
    return found


def source_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
