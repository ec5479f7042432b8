"""Glossary terms on the article page: the English and the translations with their terms marked, each mark
carrying its entry as a popover shown on hover and on keyboard focus.

Built once per request in Python, only for the sentences that name a term (most name none): the article page is
the most opened page. Everything goes through ``markupsafe``, so text is escaped once, here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import count

from flask_babel import gettext as _
from markupsafe import Markup

from web.i18n import interface
from web.words import language_name
from workflow import glossary, languages
from workflow.review import ArticleView

_MARK = Markup('<mark class="{0}" tabindex="0" data-term="{1}" aria-describedby="tip-{2}">{3}'
               '<span class="term-tip" role="tooltip" id="tip-{2}" lang="{5}">{4}</span></mark>')


@dataclass
class Marked:
    english: dict[int, Markup] = field(default_factory=dict)
    """Sentence id → its English with the terms marked (only sentences naming a term)."""
    cells: dict[tuple[str, int], Markup] = field(default_factory=dict)
    """(language, sentence id) → the translation with approved forms (and flagged forbidden ones) marked."""
    first_issue: dict[str, int] = field(default_factory=dict)
    """Language → the first sentence with an open term issue (the panel's count links there)."""


def mark(view: ArticleView) -> Marked:
    """The marked-up English and translations of every sentence in ``view`` that names a glossary term."""
    marked = Marked()
    # The entries this article names, compiled once for finding their forms in the translations.
    named = glossary.Glossary(dict.fromkeys(o.entry for row in view.rows for o in row.terms))
    numbers = count(1)  # popover ids, unique on the page
    tips: dict[glossary.Entry, Markup] = {}
    interface_lang = interface().bcp47  # the popover's words are the interface's

    def tip(entry: glossary.Entry) -> Markup:
        if entry not in tips:
            tips[entry] = describe(entry)
        return tips[entry]

    for row in view.rows:
        for code, cell in row.cells.items():
            if cell.term_issues and code not in marked.first_issue:
                marked.first_issue[code] = row.sentence_id
        if not row.terms:
            continue
        marked.english[row.sentence_id] = _join(row.english, [(o.start, o.end, o.entry, "term") for o in row.terms],
                                                tip, numbers, interface_lang)
        entries = list(dict.fromkeys(o.entry for o in row.terms))
        for code, cell in row.cells.items():
            # Forbidden variants an editor wrote are marked too, as stand-in entries mapped back to the real one.
            stand_ins = {glossary.Entry(note.entry.en, {code: glossary.Form(note.detail)}): note.entry
                         for note in cell.term_issues if note.kind == "forbidden" and note.detail}
            spans = named.spans(cell.text, code, [*entries, *stand_ins])
            if spans:
                marked.cells[(code, row.sentence_id)] = _join(
                    cell.text, [(start, end, stand_ins.get(entry, entry),
                                 "term forbidden" if entry in stand_ins else "term") for start, end, entry in spans],
                    tip, numbers, interface_lang)
    return marked


def describe(entry: glossary.Entry) -> Markup:
    """The popover's content: the English (and other spellings), each language's approved and forbidden forms,
    the note."""
    parts = [Markup('<strong lang="en">{0}</strong>').format(entry.en)]
    if entry.variants:
        parts.append(Markup('<span class="tip-line muted">{0} <span lang="en">{1}</span></span>').format(
            _("also"), ", ".join(entry.variants)))
    for code, form in sorted(entry.forms.items()):
        tag = languages.bcp47(code)
        line = Markup('<span class="tip-line">{0}: <span lang="{1}">{2}</span>').format(
            language_name(code), tag, form.approved)
        if form.forbidden:
            line += Markup(' <span class="tip-not">{0}</span> ').format(_("not")) + Markup(", ").join(
                Markup('<del lang="{0}">{1}</del>').format(tag, f) for f in form.forbidden)
        parts.append(line + Markup("</span>"))
    if entry.note:
        parts.append(Markup('<span class="tip-line tip-note">{0}</span>').format(entry.note))
    return Markup("").join(parts)


def _join(text: str, spans: list[tuple[int, int, glossary.Entry, str]], tip, numbers, tip_lang: str) -> Markup:
    pieces, position = [], 0
    for start, end, entry, css in spans:
        pieces.append(Markup.escape(text[position:start]))
        pieces.append(_MARK.format(css, entry.id, next(numbers), text[start:end], tip(entry), tip_lang))
        position = end
    pieces.append(Markup.escape(text[position:]))
    return Markup("").join(pieces)
