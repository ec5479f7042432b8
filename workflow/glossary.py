"""The newsroom glossary: English terms, the form each language must use, and the check of every translation.

* **Finding terms in English**: on word boundaries, longest term first (``Cambodian People's Party`` wins over
  ``Cambodian``), with an English plural or possessive after it (``Cambodian People's Party's``), each entry
  with its own case rule. A term never matches inside another word (``Sen`` is not in ``Senate``).
* **Checking a translation**: for each entry found in the English, the approved form in the target is fine; a
  forbidden variant is replaced by the approved form (machine output, ``fix=True``) or flagged (an editor's
  text); neither is a ``missing`` issue. Khmer zero-width spaces and runs of spaces do not hide a form.
* **Storing what was found**: ``term_issues`` rows per (sentence, language), rewritten by each check, so the
  queue can filter on them; every change of an entry is kept in ``term_changes``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from workflow import languages, texts
from workflow.errors import BriefdeskError
from workflow.store import Article, Review, Sentence, Term, TermChange, TermIssue

ISSUES = ("missing", "forbidden")
"""Kinds of open term issue; ``fixed`` records an automatic replacement."""
MAX_TERM = 200


class GlossaryError(BriefdeskError):
    """An entry that cannot be stored (no English, a form that is also forbidden, a duplicate…)."""


@dataclass(frozen=True)
class Form:
    approved: str
    forbidden: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False)  # one object per entry; compared and hashed by identity
class Entry:
    en: str
    forms: dict[str, Form]
    variants: tuple[str, ...] = ()
    case_sensitive: bool = True
    note: str = ""
    id: int = 0
    username: str = ""

    @property
    def key(self) -> str:
        return self.en.casefold()

    def data(self) -> dict:
        """The entry as stored in the history (JSON)."""
        return {"en": self.en, "variants": list(self.variants), "case_sensitive": self.case_sensitive,
                "forms": {lang: {"approved": f.approved, "forbidden": list(f.forbidden)}
                          for lang, f in sorted(self.forms.items())}, "note": self.note}


@dataclass(frozen=True)
class Occurrence:
    """A glossary term found in an English sentence."""

    entry: Entry
    start: int
    end: int


@dataclass(frozen=True)
class Finding:
    entry: Entry
    kind: str
    """``ok``, ``fixed``, ``missing`` or ``forbidden``."""
    detail: str = ""
    """The forbidden variant found (``forbidden``) or replaced (``fixed``)."""


@dataclass
class Checked:
    text: str
    """The translation, with forbidden variants replaced when fixing."""
    findings: list[Finding] = field(default_factory=list)

    @property
    def issues(self) -> list[Finding]:
        return [f for f in self.findings if f.kind in ISSUES]


def validate(entry: Entry) -> Entry:
    """The entry with its text tidied, or a GlossaryError saying what is wrong."""
    en = _tidy(entry.en)
    if not en:
        raise GlossaryError("the English term is empty")
    if len(en) > MAX_TERM:
        raise GlossaryError(f"the English term is longer than {MAX_TERM} characters")
    variants = tuple(dict.fromkeys(v for v in map(_tidy, entry.variants) if v and v.casefold() != en.casefold()))
    forms = {}
    for lang, form in entry.forms.items():
        if languages.find(lang) is None or lang == languages.SOURCE:
            raise GlossaryError(f"unknown target language {lang!r}; Briefdesk translates into "
                                f"{', '.join(languages.targets())}")
        approved = _tidy(form.approved)
        forbidden = tuple(dict.fromkeys(v for v in map(_tidy, form.forbidden) if v))
        if not approved:
            if forbidden:
                raise GlossaryError(f"forbidden {lang} forms without an approved one")
            continue
        if approved in forbidden:
            raise GlossaryError(f"{approved!r} is both the approved and a forbidden {lang} form")
        forms[lang] = Form(approved, forbidden)
    if not forms:
        raise GlossaryError(f"{en!r} has no approved form in any language")
    return Entry(en, forms, variants, entry.case_sensitive, _tidy(entry.note), entry.id, entry.username)


class Glossary:
    """A set of entries, compiled once for matching English and checking translations."""

    def __init__(self, entries: Iterable[Entry]):
        self.entries = list(entries)
        spellings = sorted(((spelling, entry) for entry in self.entries for spelling in (entry.en, *entry.variants)),
                           key=lambda pair: -len(pair[0]))
        self._by_group: dict[str, Entry] = {}
        parts = []
        for number, (spelling, entry) in enumerate(spellings):
            group = f"t{number}"
            self._by_group[group] = entry
            body = _english_pattern(spelling)
            parts.append(f"(?P<{group}>{body})" if entry.case_sensitive else f"(?P<{group}>(?i:{body}))")
        # A plural or possessive may follow a term; a letter or digit may not (no match inside words).
        self._english = re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?:['’]s|s['’]|['’]|e?s)?(?!\w)") \
            if parts else None

    def __len__(self) -> int:
        return len(self.entries)

    def find(self, english: str) -> list[Occurrence]:
        """The terms in an English sentence, left to right, never overlapping, the longest at each place."""
        if self._english is None:
            return []
        return [Occurrence(self._by_group[match.lastgroup], match.start(), match.end())
                for match in self._english.finditer(english)]

    def check(self, english: str, translation: str, lang: str, *, fix: bool = False) -> Checked:
        """Check ``translation`` of ``english`` into ``lang`` against every entry found in the English."""
        checked = Checked(translation)
        for entry in dict.fromkeys(o.entry for o in self.find(english)):
            form = entry.forms.get(lang)
            if form is None:
                continue
            found = [f for f in form.forbidden if _outside(f, form.approved, checked.text)]
            if found and not fix:
                checked.findings.extend(Finding(entry, "forbidden", f) for f in found)
                continue
            for forbidden in found:
                checked.text = _replace_outside(forbidden, form.approved, checked.text)
                checked.findings.append(Finding(entry, "fixed", forbidden))
            if not found:
                checked.findings.append(Finding(entry, "ok" if has_form(checked.text, entry, lang) else "missing"))
        return checked

    def spans(self, translation: str, lang: str, entries: Iterable[Entry]) -> list[tuple[int, int, Entry]]:
        """Where the approved forms of ``entries`` stand in a translation (for highlighting), in order."""
        found = []
        for entry in entries:
            form = entry.forms.get(lang)
            if form is not None:
                found.extend((m.start(), m.end(), entry) for m in _form_pattern(form.approved).finditer(translation))
        found.sort(key=lambda span: (span[0], -span[1]))
        kept, end = [], -1
        for span in found:
            if span[0] >= end:
                kept.append(span)
                end = span[1]
        return kept


def has_form(translation: str, entry: Entry, lang: str) -> bool:
    """Whether the approved ``lang`` form of ``entry`` stands in ``translation``."""
    form = entry.forms.get(lang)
    return form is not None and _form_pattern(form.approved).search(translation) is not None


# --- the store -----------------------------------------------------------------------------------------------


def entries(session: Session) -> list[Entry]:
    return [_entry(term) for term in session.scalars(select(Term).order_by(Term.key))]


def load(session: Session) -> Glossary:
    """The stored glossary, compiled; reused while no entry changed (every change adds a ``term_changes`` row)."""
    version = session.execute(select(select(func.count(Term.id)).scalar_subquery(),
                                     select(func.max(TermChange.id)).scalar_subquery())).one()
    key = (session.get_bind().engine.url.render_as_string(), *version)
    if _compiled.get("key") != key:
        _compiled.update(key=key, glossary=Glossary(entries(session)))
    return _compiled["glossary"]


_compiled: dict = {}


def save(session: Session, entry: Entry, username: str) -> tuple[str, Entry]:
    """Add an entry, or change the one with ``entry.id`` (or, without an id, the one with the same English);
    returns the action (``add``, ``edit``, ``same``) and the stored entry. Every change is recorded."""
    entry = validate(entry)
    term = session.get(Term, entry.id) if entry.id else session.scalar(select(Term).where(Term.key == entry.key))
    if entry.id and term is None:
        raise GlossaryError(f"no glossary entry {entry.id}")
    other = session.scalar(select(Term).where(Term.key == entry.key))
    if other is not None and term is not None and other.id != term.id:
        raise GlossaryError(f"{entry.en!r} is already in the glossary")
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
    session.add(TermChange(term_id=term.id, en=entry.en, action=action, before=before, after=after,
                           username=username))
    return action, _entry(term)


def remove(session: Session, term_id: int, username: str) -> Entry:
    term = session.get(Term, term_id)
    if term is None:
        raise GlossaryError(f"no glossary entry {term_id}")
    entry = _entry(term)
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
    for article_id, lang, model in reviews:
        article = session.get(Article, article_id)
        current = texts.current_texts(session, article, lang, model)
        fixed = {(i.sentence_id, i.term_id): i.detail for i in session.scalars(select(TermIssue).where(
            TermIssue.article_id == article_id, TermIssue.lang == lang, TermIssue.kind == "fixed"))}
        session.execute(delete(TermIssue).where(TermIssue.article_id == article_id, TermIssue.lang == lang))
        seen.add(article_id)
        for sentence in session.scalars(select(Sentence).where(Sentence.article_id == article_id)):
            if sentence.id not in current or not glossary.find(sentence.text):
                continue
            report.sentences += 1
            findings = glossary.check(sentence.text, current[sentence.id], lang).findings
            findings += [Finding(f.entry, "fixed", fixed[(sentence.id, f.entry.id)]) for f in findings
                         if f.kind == "ok" and (sentence.id, f.entry.id) in fixed]
            record(session, article_id, sentence.id, lang, findings)
            report.issues[lang] = report.issues.get(lang, 0) + sum(f.kind in ISSUES for f in findings)
        report.issues.setdefault(lang, 0)
    report.articles = len(seen)
    return report


# --- helpers -------------------------------------------------------------------------------------------------

_INVISIBLE = "[\u200b\u200c\u200d\u2060\ufeff]*"
"""Zero-width characters Khmer text carries between words (and editors paste by accident)."""


def _tidy(text: str) -> str:
    return " ".join((text or "").split())


def _english_pattern(spelling: str) -> str:
    words = [re.sub("['’]", "['’]", re.escape(word)) for word in spelling.split()]
    return r"\s+".join(words)


@lru_cache(maxsize=4096)
def _form_pattern(form: str) -> re.Pattern:
    """A target form, found across zero-width characters and any run of spaces inside it."""
    parts = [r"[\s\u200b]+" if part.isspace() else re.escape(part) for part in re.findall(r"\s+|\S", form)]
    return re.compile(_INVISIBLE.join(parts))


def _outside(forbidden: str, approved: str, text: str) -> bool:
    """Whether ``forbidden`` occurs in ``text`` other than as part of the approved form."""
    return next(_forbidden_matches(forbidden, approved, text), None) is not None


def _forbidden_matches(forbidden: str, approved: str, text: str):
    inside = [(m.start(), m.end()) for m in _form_pattern(approved).finditer(text)]
    for match in _form_pattern(forbidden).finditer(text):
        if not any(start <= match.start() and match.end() <= end for start, end in inside):
            yield match


def _replace_outside(forbidden: str, approved: str, text: str) -> str:
    for match in reversed(list(_forbidden_matches(forbidden, approved, text))):
        text = text[:match.start()] + approved + text[match.end():]
    return text


def _entry(term: Term) -> Entry:
    return Entry(term.en, {lang: Form(f["approved"], tuple(f.get("forbidden", ()))) for lang, f in term.forms.items()},
                 tuple(term.variants), term.case_sensitive, term.note, term.id, term.username)

