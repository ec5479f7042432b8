"""The glossary page: every entry, searchable, for everyone logged in; editors and admins add, change and delete
entries and read each one's history. A change re-checks the stored translations it concerns
(``workflow.glossary.edits``), so the article pages and the queue's "term issues" filter follow at once."""

from __future__ import annotations

import re
from functools import lru_cache

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_babel.speaklater import LazyString
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField

from web import store
from web.auth import role_required
from web.validators import length, required
from web.words import language_name, said
from workflow import glossary, languages
from workflow.glossary import edits
from workflow.vocabulary import REVIEWERS

blueprint = Blueprint("glossary", __name__, url_prefix="/glossary")
SHOWN = 500
"""Entries listed at most; a search narrows the rest."""


class EntryForm(FlaskForm):
    en = StringField(_l("English term"), validators=[required(), length(max=glossary.MAX_TERM)])
    variants = TextAreaField(_l("Other English spellings (one a line)"), validators=[length(max=4000)])
    case_sensitive = BooleanField(_l("Match capitals exactly"), default=True)
    note = TextAreaField(_l("Note"), validators=[length(max=4000)])

    def approved(self, code: str):
        return self[f"approved_{code}"]

    def forbidden(self, code: str):
        return self[f"forbidden_{code}"]


@lru_cache(maxsize=8)
def _form_class(targets: tuple[str, ...]) -> type[EntryForm]:
    """The entry form with an approved and a forbidden field per target language (languages can be added)."""
    fields = {}
    for code in targets:
        name = LazyString(language_name, code)  # in the language of the page that shows the form
        fields[f"approved_{code}"] = StringField(_l("%(language)s: approved form", language=name),
                                                 validators=[length(max=glossary.MAX_TERM)])
        fields[f"forbidden_{code}"] = TextAreaField(_l("%(language)s: forbidden forms (one a line)", language=name),
                                                    validators=[length(max=4000)])
    return type("EntryFormWithLanguages", (EntryForm,), fields)


def _form(entry: glossary.Entry | None = None) -> EntryForm:
    cls = _form_class(tuple(languages.targets()))
    if entry is None or request.method == "POST":
        return cls()
    data = {"en": entry.en, "variants": "\n".join(entry.variants), "case_sensitive": entry.case_sensitive,
            "note": entry.note}
    for code, form in entry.forms.items():
        data[f"approved_{code}"] = form.approved
        data[f"forbidden_{code}"] = "\n".join(form.forbidden)
    return cls(data=data)


def _entry(form: EntryForm, term_id: int = 0) -> glossary.Entry:
    forms = {code: glossary.Form(form.approved(code).data or "", tuple(_lines(form.forbidden(code).data)))
             for code in languages.targets()}
    return glossary.Entry(form.en.data or "", {c: f for c, f in forms.items() if f.approved or f.forbidden},
                          tuple(_lines(form.variants.data)), form.case_sensitive.data, form.note.data or "",
                          id=term_id)


def _lines(text: str | None) -> list[str]:
    """One item a line; ``|`` separates items too (as in the CSV files the CLI reads)."""
    return [item.strip() for item in re.split(r"[\n|]", text or "") if item.strip()]


def matches(entry: glossary.Entry, query: str) -> bool:
    """Whether ``query`` is in the entry's English, its spellings, any approved or forbidden form or its note."""
    texts = [entry.en, *entry.variants, entry.note,
             *(text for form in entry.forms.values() for text in (form.approved, *form.forbidden))]
    needle = query.casefold()
    return any(needle in text.casefold() for text in texts)


def summary(data: dict | None) -> str:
    """A stored version of an entry (``Entry.data()``) on one line, for the history."""
    if not data:
        return "—"
    parts = [data["en"]]
    if data.get("variants"):
        parts.append(_("also %(spellings)s", spellings=", ".join(data["variants"])))
    for code, form in data.get("forms", {}).items():
        forbidden = " (" + _("not %(forms)s", forms=", ".join(form["forbidden"])) + ")" if form.get("forbidden") else ""
        parts.append(f"{code}: {form['approved']}{forbidden}")
    if not data.get("case_sensitive", True):
        parts.append(_("any capitals"))
    if data.get("note"):
        parts.append(_("note: %(note)s", note=data["note"]))
    return " · ".join(parts)


@blueprint.route("", methods=["GET", "POST"])
@login_required
def index():
    form = _form()
    status = 200
    if request.method == "POST":
        if not current_user.can_review:
            abort(403)
        if form.validate_on_submit():
            saved = _save(form)
            if saved is not None:
                return redirect(url_for(".entry", term_id=saved.id), 303)
        status = 400
    query = (request.args.get("q") or "").strip()[:200]
    with store().read() as session:
        entries = glossary.entries(session)
        changes = glossary.history(session, limit=10) if current_user.can_review else []
    found = [e for e in entries if matches(e, query)] if query else entries
    return render_template("glossary.html", form=form, entries=found[:SHOWN], found=len(found), total=len(entries),
                           query=query, changes=changes, targets=languages.targets(), summary=summary), status


@blueprint.route("/<term_id>", methods=["GET", "POST"])
@role_required(*REVIEWERS)
def entry(term_id: str):
    number = _number(term_id)
    with store().read() as session:
        current = next((e for e in glossary.entries(session) if e.id == number), None)
        changes = glossary.history(session, number)
    if current is None and not changes:
        abort(404)
    form = _form(current)
    status = 200
    if request.method == "POST":
        if current is None:
            abort(404)  # deleted meanwhile: its history stays readable, it cannot be edited
        if form.validate_on_submit() and _save(form, number) is not None:
            return redirect(url_for(".entry", term_id=number), 303)
        status = 400
    return render_template("glossary_entry.html", form=form, entry=current, changes=changes,
                           deleted=current is None, targets=languages.targets(), summary=summary), status


@blueprint.route("/<term_id>/delete", methods=["POST"])
@role_required(*REVIEWERS)
def delete(term_id: str):
    try:
        removed, report = edits.remove_entry(store(), _number(term_id), current_user.username)
    except glossary.GlossaryError as error:
        flash(said(error), "error")
        return redirect(url_for(".index"), 303)
    flash(_("Deleted “%(term)s”.", term=removed.en) + " " + _checked(report), "info")
    return redirect(url_for(".index"), 303)


def _save(form: EntryForm, term_id: int = 0) -> glossary.Entry | None:
    """Store the form's entry; on a glossary error the form carries it (shown with the fields) and None."""
    try:
        action, saved, report = edits.save_entry(store(), _entry(form, term_id), current_user.username,
                                                 new=not term_id)
    except glossary.GlossaryError as error:
        form.form_errors.append(said(error))
        return None
    if action == "same":
        flash(_("“%(term)s” is unchanged.", term=saved.en), "info")
    else:
        done = _("Added “%(term)s”.", term=saved.en) if action == "add" else _("Saved “%(term)s”.", term=saved.en)
        flash(done + " " + _checked(report), "info")
    return saved


def _checked(report: glossary.CheckReport) -> str:
    if not report.articles:
        return _("No stored translation names it.")
    issues = ", ".join(f"{code} {count}" for code, count in sorted(report.issues.items()) if count)
    checked = ngettext("Re-checked %(num)d article:", "Re-checked %(num)d articles:", report.articles)
    return checked + " " + (_("open term issues %(issues)s.", issues=issues) if issues else
                            _("no open term issues."))


def _number(term_id: str) -> int:
    if not term_id.isdigit() or len(term_id) > 12:
        abort(404)
    return int(term_id)
