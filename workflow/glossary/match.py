"""Finding glossary terms in English and checking a translation against them (no database here).

* On word boundaries, longest term first (``Cambodian People's Party`` wins over ``Cambodian``), with an English
  plural or possessive after it (``Cambodian People's Party's``), each entry with its own case rule. A term
  never matches inside another word (``Sen`` is not in ``Senate``).
* For each entry found in the English, the approved form in the target is fine; a forbidden variant is replaced
  by the approved form (machine output, ``fix=True``) or flagged (an editor's text); neither is a ``missing``
  issue. Khmer zero-width spaces and runs of spaces do not hide a form.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from workflow import languages
from workflow.errors import N_, BriefdeskError

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
        raise GlossaryError(N_("the English term is empty"))
    if len(en) > MAX_TERM:
        raise GlossaryError(N_("the English term is longer than %(max)d characters"), max=MAX_TERM)
    variants = tuple(dict.fromkeys(v for v in map(_tidy, entry.variants) if v and v.casefold() != en.casefold()))
    forms = {}
    for lang, form in entry.forms.items():
        if languages.find(lang) is None or lang == languages.SOURCE:
            raise GlossaryError(N_("unknown target language %(lang)r; Briefdesk translates into %(targets)s"),
                                lang=lang, targets=", ".join(languages.targets()))
        approved = _tidy(form.approved)
        forbidden = tuple(dict.fromkeys(v for v in map(_tidy, form.forbidden) if v))
        if not approved:
            if forbidden:
                raise GlossaryError(N_("forbidden %(lang)s forms without an approved one"), lang=lang)
            continue
        if approved in forbidden:
            raise GlossaryError(N_("%(form)r is both the approved and a forbidden %(lang)s form"), form=approved,
                                lang=lang)
        forms[lang] = Form(approved, forbidden)
    if not forms:
        raise GlossaryError(N_("%(term)r has no approved form in any language"), term=en)
    return Entry(en, forms, variants, entry.case_sensitive, _tidy(entry.note), entry.id, entry.username)


class Glossary:
    """A set of entries, compiled once for matching English and checking translations."""

    def __init__(self, entries: Iterable[Entry]):
        self.entries = list(entries)
        spellings = sorted(((spelling, entry) for entry in self.entries for spelling in (entry.en, *entry.variants)),
                           key=lambda pair: -len(pair[0]))
        # Spellings by their first word (case-folded), longest first: each word of a sentence is looked up
        # once, and only the few spellings that start with it are tried there.
        self._by_first_word: dict[str, list[tuple[re.Pattern, Entry]]] = {}
        for spelling, entry in spellings:
            first = _WORD.search(spelling)
            if first is None:
                continue
            # A plural or possessive may follow a term; a letter or digit may not (no match inside words).
            pattern = re.compile(f"(?:{_english_pattern(spelling)})(?:['’]s|s['’]|['’]|e?s)?(?!\\w)",
                                 0 if entry.case_sensitive else re.IGNORECASE)
            self._by_first_word.setdefault(first.group().casefold(), []).append((pattern, entry))

    def __len__(self) -> int:
        return len(self.entries)

    def find(self, english: str) -> list[Occurrence]:
        """The terms in an English sentence, left to right, never overlapping, the longest at each place."""
        found: list[Occurrence] = []
        end = 0
        for word in _WORD.finditer(english):
            if word.start() < end:
                continue
            key = word.group().casefold()
            candidates = self._by_first_word.get(key, [])
            for plural in ("s", "es"):  # a one-word term with its plural: "Cambodians"
                if key.endswith(plural) and key[:-len(plural)] in self._by_first_word:
                    candidates = candidates + self._by_first_word[key[:-len(plural)]]
            best = None
            for pattern, entry in candidates:
                match = pattern.match(english, word.start())
                if match and (best is None or match.end() > best[0].end()):
                    best = (match, entry)
            if best is not None:
                found.append(Occurrence(best[1], word.start(), best[0].end()))
                end = best[0].end()
        return found

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


# --- helpers ---------------------------------------------------------------------------------------------------

_WORD = re.compile(r"\w+")
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
