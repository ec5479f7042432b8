"""Adding a story in the browser (paste it, or upload a file), and retrying one whose translation failed.

The story is read by the same rules as ``briefdesk run`` (``corpus``), stored with a job, and appears in the
queue at once as "translating…"; ``briefdesk worker`` splits and translates it. The request itself never splits
or decodes. A JSON file's story whose id is taken replaces that story only when the editor ticks "replaces" and
nobody has worked on it (``articles.store``).
"""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, StringField, TextAreaField

from web import store
from web.auth import role_required
from web.validators import length
from web.words import said
from workflow import corpus, jobs, pipeline
from workflow.errors import BriefdeskError
from workflow.vocabulary import REVIEWERS

blueprint = Blueprint("stories", __name__, url_prefix="/stories")

MAX_UPLOAD = 20_000_000
"""A Word file may carry images (the app's limit for other requests stays 1 MB)."""


class StoryForm(FlaskForm):
    title = StringField(_l("Title"), validators=[length(max=500)])
    text = TextAreaField(_l("Story"), validators=[length(max=corpus.MAX_ARTICLE_BYTES)])
    upload = FileField(_l("…or a file (.txt, .md, .html, .json, .jsonl, .docx)"))
    replace = BooleanField(_l("A story in a JSON file whose id is taken replaces that story, if nobody has worked "
                              "on it (otherwise it is kept under a new id)"))


def allow_uploads() -> None:
    """The add-a-story form's larger body limits. An app-wide hook registered before the CSRF check (create_app):
    that check reads the form, so a blueprint's own hook would come too late (1 MB for every upload)."""
    if request.endpoint == "stories.new" and request.method == "POST":
        request.max_content_length = MAX_UPLOAD
        request.max_form_memory_size = corpus.MAX_ARTICLE_BYTES * 2  # a pasted story up to the article limit


@blueprint.route("/new", methods=["GET", "POST"])
@role_required(*REVIEWERS)
def new():
    form = StoryForm()
    problems: list[str] = []
    if form.validate_on_submit():
        upload = form.upload.data
        if upload and upload.filename:
            items = corpus.read_upload(upload.filename, upload.read())
        elif (form.text.data or "").strip():  # a request may leave the field out entirely
            story = {"id": corpus.new_id(form.title.data or form.text.data), "title": form.title.data,
                     "text": form.text.data}
            items = [corpus.from_record(story, "the form", "story")]  # the source every pasted story is stored with
        else:
            items = [corpus.Rejected(_("Story"), _("paste its text or choose a file"))]
        form_name = _("the form")  # the source a pasted story is stored under (``corpus.from_record`` above)
        problems = [f"{form_name if item.source == 'the form' else item.source}: {said(item)}"
                    for item in items if isinstance(item, corpus.Rejected)]
        documents = [item for item in items if isinstance(item, corpus.Document)]
        if documents and not problems:
            added = []
            try:
                for document in documents:
                    added.append(pipeline.submit(document, store(), current_user.username,
                                                 pipeline.Options(replace=form.replace.data)))
            except BriefdeskError as error:
                problems.append(said(error))
            else:
                for result in added:
                    flash(_("Added “%(title)s” (%(id)s): translating…", title=result.title, id=result.external_id)
                          + (f" {result.note}" if result.note else ""), "info")
                current_app.logger.info("%s added %d stories", current_user.username, len(added))
                return redirect(url_for("queue.index"), 303)
    elif form.errors:
        problems = [f"{form[name].label.text}: {error}" for name, errors in form.errors.items() if name in form
                    for error in errors]
    return render_template("story_form.html", form=form, problems=problems), 400 if problems else 200


@blueprint.route("/retry", methods=["POST"])
@role_required(*REVIEWERS)
def retry():
    article_id = request.form.get("article_id", "")
    try:
        jobs.retry(store(), article_id)
        flash(_("%(id)s: queued again for translation.", id=article_id), "info")
    except BriefdeskError as error:
        flash(said(error), "error")
    return redirect(url_for("queue.index"), 303)
