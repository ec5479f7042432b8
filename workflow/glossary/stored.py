"""The glossary in the database: entries with their history (``terms``, ``term_changes``) and what the checks
found in stored translations (``term_issues``, rewritten by each check so the queue can filter on them).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from workflow import texts
from workflow.errors import N_
from workflow.glossary.match import ISSUES, Entry, Finding, Form, Glossary, GlossaryError, validate
from workflow.store import Article, Review, Sentence, Term, TermChange, TermIssue


def entries(session: Session) -> list[Entry]:
    return [_entry(term) for term in session.scalars(select(Term).order_by(Term.key))]


def load(session: Session) -> Glossary:
    """The stored glossary, compiled; reused while no entry changed (every change adds a ``term_changes`` row)."""
    if session.info.get(_UNCOMMITTED):
        # Not cached: if this transaction rolls back, SQLite reuses its ids, and a later change could show the
        # same count and newest id with other entries.
        return Glossary(entries(session))
    connection = session.connection()  # Core, not the ORM: this check runs on every article page
    key = (connection.engine.url, *connection.execute(_VERSION).one())
    if _compiled.get("key") != key:
        _compiled.update(key=key, glossary=Glossary(entries(session)))
    return _compiled["glossary"]


_compiled: dict = {}
_UNCOMMITTED = "glossary changed"  # session.info: this transaction changed the glossary
_VERSION = select(select(func.count(Term.id)).scalar_subquery(), select(func.max(TermChange.id)).scalar_subquery())


def save(session: Session, entry: Entry, username: str) -> tuple[str, Entry]:
    """Add an entry, or change the one with ``entry.id`` (or, without an id, the one with the same English);
    returns the action (``add``, ``edit``, ``same``) and the stored entry. Every change is recorded."""
    entry = validate(entry)
    term = session.get(Term, entry.id) if entry.id else session.scalar(select(Term).where(Term.key == entry.key))
    if entry.id and term is None:
        raise GlossaryError(N_("no glossary entry %(id)s"), id=entry.id)
    other = session.scalar(select(Term).where(Term.key == entry.key))
    if other is not None and term is not None and other.id != term.id:
        raise GlossaryError(N_("%(term)r is already in the glossary"), term=entry.en)
    before = _entry(term).data() if term is not None else None
    after = entry.data()
    if before == after:
        return "same", _entry(term)
    if term is None:
        term = Term()
        session.add(term)
    term.key, term.en, term.variants = entry.key, entry.en, after["variants"]
    term.case_sensitive, term.forms = entry.case_sensitive, after["forms"]
    term.note, term.username = entry.note, username
    session.flush()
    action = "add" if before is None else "edit"
    session.info[_UNCOMMITTED] = True
    session.add(TermChange(term_id=term.id, en=entry.en, action=action, before=before, after=after,
                           username=username))
    return action, _entry(term)


def remove(session: Session, term_id: int, username: str) -> Entry:
    term = session.get(Term, term_id)
    if term is None:
        raise GlossaryError(N_("no glossary entry %(id)s"), id=term_id)
    entry = _entry(term)
    session.info[_UNCOMMITTED] = True
    session.add(TermChange(term_id=term.id, en=term.en, action="delete", before=entry.data(), after=None,
                           username=username))
    session.delete(term)  # its term issues go with it (ON DELETE CASCADE)
    return entry


def history(session: Session, term_id: int | None = None, limit: int = 200) -> list[TermChange]:
    query = select(TermChange).order_by(TermChange.id.desc()).limit(limit)
    if term_id is not None:
        query = query.where(TermChange.term_id == term_id)
    return list(session.scalars(query))


def record(session: Session, article_id: int, sentence_id: int, lang: str, findings: Iterable[Finding]) -> None:
    """Replace what is stored about one sentence's translation with these findings (``ok`` ones are not kept)."""
    session.execute(delete(TermIssue).where(TermIssue.sentence_id == sentence_id, TermIssue.lang == lang))
    session.add_all(TermIssue(article_id=article_id, sentence_id=sentence_id, lang=lang, term_id=f.entry.id,
                              kind=f.kind, detail=f.detail) for f in findings if f.kind != "ok" and f.entry.id)


@dataclass
class CheckReport:
    articles: int = 0
    sentences: int = 0
    """Sentences whose translation was checked (those naming a glossary term)."""
    issues: dict[str, int] = field(default_factory=dict)
    """Open issues per language after the check."""


def recheck(session: Session, glossary: Glossary, langs: Iterable[str] | None = None,
            article_ids: Iterable[int] | None = None) -> CheckReport:
    """Check the current text (corrections included) of every stored translation again, e.g. after the glossary
    changed. Automatic fixes are kept as recorded; nothing is rewritten here, new problems are flagged."""
    report = CheckReport()
    query = select(Review.article_id, Review.lang, Review.model).order_by(Review.article_id, Review.lang)
    if langs is not None:
        query = query.where(Review.lang.in_(list(langs)))
    if article_ids is not None:
        query = query.where(Review.article_id.in_(list(article_ids)))
    reviews = session.execute(query).all()
    seen: set[int] = set()
    sentences: dict[int, list[tuple[int, str, list]]] = {}  # article → (id, English, terms found), read once
    for article_id, lang, model in reviews:
        if article_id not in sentences:
            rows = session.execute(select(Sentence.id, Sentence.text).where(Sentence.article_id == article_id))
            sentences = {article_id: [(sid, text, glossary.find(text)) for sid, text in rows]}
        naming = [(sid, text) for sid, text, found in sentences[article_id] if found]
        fixed = {(i.sentence_id, i.term_id): i.detail for i in session.scalars(select(TermIssue).where(
            TermIssue.article_id == article_id, TermIssue.lang == lang, TermIssue.kind == "fixed"))} if naming else {}
        session.execute(delete(TermIssue).where(TermIssue.article_id == article_id, TermIssue.lang == lang))
        seen.add(article_id)
        report.issues.setdefault(lang, 0)
        if not naming:
            continue
        current = texts.current_texts(session, session.get(Article, article_id), lang, model)
        for sentence_id, english in naming:
            if sentence_id not in current:
                continue
            report.sentences += 1
            findings = glossary.check(english, current[sentence_id], lang).findings
            findings += [Finding(f.entry, "fixed", fixed[(sentence_id, f.entry.id)]) for f in findings
                         if f.kind == "ok" and (sentence_id, f.entry.id) in fixed]
            session.add_all(TermIssue(article_id=article_id, sentence_id=sentence_id, lang=lang, term_id=f.entry.id,
                                      kind=f.kind, detail=f.detail) for f in findings if f.kind != "ok" and f.entry.id)
            report.issues[lang] += sum(f.kind in ISSUES for f in findings)
    report.articles = len(seen)
    return report


def _entry(term: Term) -> Entry:
    return Entry(term.en, {lang: Form(f["approved"], tuple(f.get("forbidden", ()))) for lang, f in term.forms.items()},
                 tuple(term.variants), term.case_sensitive, term.note, term.id, term.username)
