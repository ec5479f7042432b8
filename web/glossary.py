"""The glossary page: every entry, searchable, for everyone logged in; editors and admins add, change and delete
entries and read each one's history. A change re-checks the stored translations it concerns
(``workflow.glossary.edits``), so the article pages and the queue's "term issues" filter follow at once."""

from __future__ import annotations

import re
from functools import lru_cache

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from web import store
from web.auth import role_required
from workflow import glossary, languages
from workflow.glossary import edits
from workflow.vocabulary import REVIEWERS

blueprint = Blueprint("glossary", __name__, url_prefix="/glossary")
SHOWN = 500
"""Entries listed at most; a search narrows the rest."""


class EntryForm(FlaskForm):
    en = StringField("English term", validators=[DataRequired(), Length(max=glossary.MAX_TERM)])
    variants = TextAreaField("Other English spellings (one a line)", validators=[Length(max=4000)])
    case_sensitive = BooleanField("Match capitals exactly", default=True)
    note = TextAreaField("Note", validators=[Length(max=4000)])

    def approved(self, code: str):
        return self[f"approved_{code}"]

    def forbidden(self, code: str):
        return self[f"forbidden_{code}"]


@lru_cache(maxsize=8)
def _form_class(targets: tuple[str, ...]) -> type[EntryForm]:
    """The entry form with an approved and a forbidden field per target language (languages can be added)."""
    fields = {}
    for code in targets:
        name = languages.label(code)
        fields[f"approved_{code}"] = StringField(f"{name}: approved form", validators=[Length(max=glossary.MAX_TERM)])
        fields[f"forbidden_{code}"] = TextAreaField(f"{name}: forbidden forms (one a line)",
                                                    validators=[Length(max=4000)])
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
        parts.append("also " + ", ".join(data["variants"]))
    for code, form in data.get("forms", {}).items():
        forbidden = f" (not {', '.join(form['forbidden'])})" if form.get("forbidden") else ""
        parts.append(f"{code}: {form['approved']}{forbidden}")
    if not data.get("case_sensitive", True):
        parts.append("any capitals")
    if data.get("note"):
        parts.append(f"note: {data['note']}")
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
        flash(str(error), "error")
        return redirect(url_for(".index"), 303)
    flash(f"Deleted “{removed.en}”. {_checked(report)}", "info")
    return redirect(url_for(".index"), 303)


def _save(form: EntryForm, term_id: int = 0) -> glossary.Entry | None:
    """Store the form's entry; on a glossary error the form carries it (shown with the fields) and None."""
    try:
        action, saved, report = edits.save_entry(store(), _entry(form, term_id), current_user.username,
                                                 new=not term_id)
    except glossary.GlossaryError as error:
        form.form_errors.append(str(error))
        return None
    if action == "same":
        flash(f"“{saved.en}” is unchanged.", "info")
    else:
        flash(f"{'Added' if action == 'add' else 'Saved'} “{saved.en}”. {_checked(report)}", "info")
    return saved


def _checked(report: glossary.CheckReport) -> str:
    if not report.articles:
        return "No stored translation names it."
    issues = ", ".join(f"{code} {count}" for code, count in sorted(report.issues.items()) if count)
    return (f"Re-checked {report.articles} article{'s' if report.articles != 1 else ''}: "
            + (f"open term issues {issues}." if issues else "no open term issues."))


def _number(term_id: str) -> int:
    if not term_id.isdigit() or len(term_id) > 12:
        abort(404)
    return int(term_id)
