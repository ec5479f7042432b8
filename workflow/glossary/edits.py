"""Changing the glossary from the review app: an entry added, changed or deleted, and the stored translations it
concerns checked again in the same transaction, so article pages and the queue's "term issues" filter follow at
once. Only the articles naming the entry are read: a LIKE prefilter on each spelling, then the real matcher."""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workflow.errors import N_
from workflow.glossary.match import ISSUES, Entry, Glossary, GlossaryError, validate
from workflow.glossary.stored import CheckReport, load, recheck, remove, save
from workflow.store import Sentence, Store, TermIssue


def save_entry(store: Store, entry: Entry, username: str, new: bool = False) -> tuple[str, Entry, CheckReport]:
    """Add or change an entry (``save``), then check again the translations naming it, before or after the
    change; returns the action (``add``, ``edit``, ``same``), the stored entry and what the check found.
    ``new``: only add (an "add" form never overwrites the entry with the same English)."""
    with store.session() as session:
        key = validate(entry).key
        old = [e for e in load(session).entries if (e.id == entry.id if entry.id else e.key == key)]
        if new and old:
            raise GlossaryError(N_("%(term)r is already in the glossary; edit that entry"), term=old[0].en)
        action, saved = save(session, entry, username)
        if action == "same":
            return action, saved, CheckReport()
        langs = None
        if old and _spellings(old[0]) == _spellings(saved):
            # The same English matches the same sentences: only the languages whose form changed can differ
            # (none when only the note did). A new or renamed term may shadow shorter ones: every language then.
            langs = {code for code in {*old[0].forms, *saved.forms} if old[0].forms.get(code) != saved.forms.get(code)}
        # Old spellings too: sentences naming only those lose their issues.
        return action, saved, _recheck(session, [*old, saved], langs)


def remove_entry(store: Store, term_id: int, username: str) -> tuple[Entry, CheckReport]:
    """Delete an entry (its issues go with it) and check again the translations naming it: a shorter entry may
    now match where it stood."""
    with store.session() as session:
        removed = remove(session, term_id, username)
        session.flush()
        return removed, _recheck(session, [removed], None)


def open_issues(session: Session, article_id: int, lang: str) -> int:
    """Open issues (``ISSUES``) in one language of one article."""
    return session.scalar(select(func.count()).select_from(TermIssue).where(
        TermIssue.lang == lang, TermIssue.kind.in_(ISSUES), TermIssue.article_id == article_id))


def affected(session: Session, changed: list[Entry]) -> set[int]:
    """Ids of the articles with a sentence naming one of ``changed``, or with issues recorded for one."""
    matcher = Glossary(changed)
    candidates: dict[int, set[str]] = {}
    for entry in changed:
        for spelling in (entry.en, *entry.variants):
            query = select(Sentence.article_id, Sentence.text).where(Sentence.text.ilike(_like(spelling), escape="\\"))
            for article_id, text in session.execute(query):
                candidates.setdefault(article_id, set()).add(text)
    ids = {article_id for article_id, texts in candidates.items() if any(map(matcher.find, texts))}
    ids.update(session.scalars(select(TermIssue.article_id).where(
        TermIssue.term_id.in_([e.id for e in changed if e.id]))))
    return ids


def _recheck(session: Session, changed: list[Entry], langs: set[str] | None) -> CheckReport:
    ids = affected(session, changed) if langs is None or langs else set()
    return recheck(session, load(session), langs=langs, article_ids=sorted(ids)) if ids else CheckReport()


def _spellings(entry: Entry) -> tuple:
    return entry.en, entry.variants, entry.case_sensitive


def _like(spelling: str) -> str:
    """A LIKE pattern for an English spelling: its words in order, any spacing between them, either apostrophe
    (the matcher allows both)."""
    words = [word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") for word in spelling.split()]
    return "%" + "%".join(re.sub("['’]", "_", word) for word in words) + "%"
