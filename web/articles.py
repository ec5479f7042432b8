"""The article page: aligned sentences, corrections, decisions and history."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_time
from flask_babel import gettext as _
from flask_login import current_user

from web import store, terms
from web.auth import role_required
from web.words import check_name, language_name, said, status_name
from workflow import briefs, check_issues, languages, queue, review
from workflow.vocabulary import REVIEWERS

blueprint = Blueprint("articles", __name__, url_prefix="/articles")

def _view(article_id: str):
    try:
        return review.article_view(store(), article_id)
    except review.ReviewError:
        abort(404)


def _page(article_id: str, *, status: int = 200, conflict: dict | None = None, stale=None, next_id=None,
          refused: str | None = None, refused_checks: str | None = None, comment: str = "",
          correction_for: str | None = None, correction: str = ""):
    """The article page; the edit forms' address and token are worked out once, not once per sentence.
    ``refused`` (``refused_checks``): the language whose approval waits for "approve despite N term issues"
    ("… check issues"), its comment kept."""
    from flask_wtf.csrf import generate_csrf

    view = _view(article_id)
    chosen = [row for row in view.rows if row.in_brief]
    brief = {"revision": next((r.id for r in view.history if r.item == briefs.CHOICE_ITEM), 0),
             "sentences": len(chosen), "words": sum(len(row.english.split()) for row in chosen),
             "url": url_for(".choose", article_id=article_id)}
    return render_template("article.html", view=view, marked=terms.mark(view), conflict=conflict, stale=stale,
                           stale_text=_stale(stale) if stale else "",
                           text_labels={code: _("%(language)s text", language=language_name(code))
                                        for code in view.languages},
                           tags={code: languages.bcp47(code) for code in ("en", *view.languages)},
                           refused=refused, refused_checks=refused_checks, comment=comment,
                           correction_for=correction_for, correction=correction,
                           next_id=next_id, brief=brief, token=generate_csrf(),
                           edit_url=url_for(".edit", article_id=article_id)), status


@blueprint.route("/<path:article_id>")
@role_required(*REVIEWERS)
def show(article_id: str):
    return _page(article_id, next_id=queue.next_article(store(), article_id))


@blueprint.route("/<path:article_id>/edit", methods=["POST"])
@role_required(*REVIEWERS)
def edit(article_id: str):
    lang = request.form.get("lang", "")
    text = request.form.get("text", "")
    base = request.form.get("base_revision", 0, type=int)
    item = request.form.get("item", "")
    try:
        if item == "brief":
            review.save_brief(store(), article_id, lang, text, base, current_user.username)
        else:
            sentence_id = request.form.get("sentence_id", type=int)
            if sentence_id is None:
                abort(400)
            review.save_sentence(store(), article_id, lang, sentence_id, text, base, current_user.username)
    except review.Conflict as conflict:
        flash(_("Someone else saved this item while you were editing. Compare and save again."), "error")
        theirs = conflict.theirs
        return _page(article_id, status=409,
                     conflict={"lang": lang, "item": item, "theirs": theirs, "yours": conflict.yours})
    except review.ReviewError as error:
        flash(said(error), "error")
        return redirect(url_for(".show", article_id=article_id)), 303
    flash(_("Saved."), "info")
    anchor = "brief-" + lang if item == "brief" else f"s{request.form.get('sentence_id')}"
    return redirect(url_for(".show", article_id=article_id, _anchor=anchor), 303)


@blueprint.route("/<path:article_id>/brief", methods=["POST"])
@role_required(*REVIEWERS)
def choose(article_id: str):
    """The star: a sentence into the brief or out of it (every language's brief is rebuilt)."""
    sentence_id = request.form.get("sentence_id", type=int)
    if sentence_id is None:
        abort(400)
    in_brief = request.form.get("in_brief") == "1"
    try:
        briefs.choose(store(), article_id, sentence_id, in_brief, request.form.get("base_revision", 0, type=int),
                      current_user.username)
    except review.Conflict as conflict:
        flash(_("%(user)s changed the brief's sentences at %(time)s UTC (now %(sentences)s); yours was not saved. "
                "Choose again.", user=conflict.theirs.username, time=format_time(conflict.theirs.created_at),
                sentences=conflict.theirs.after or _("none")), "error")
        return redirect(url_for(".show", article_id=article_id, _anchor=f"s{sentence_id}")), 303
    except review.ReviewError as error:
        flash(said(error), "error")
        return redirect(url_for(".show", article_id=article_id)), 303
    flash(_("Sentence added to the brief; the briefs were rebuilt.") if in_brief else
          _("Sentence taken out of the brief; the briefs were rebuilt."), "info")
    return redirect(url_for(".show", article_id=article_id, _anchor=f"s{sentence_id}"), 303)


@blueprint.route("/<path:article_id>/dismiss", methods=["POST"])
@role_required(*REVIEWERS)
def dismiss(article_id: str):
    """An editor's word that a check issue is not wrong ("3 = three"): kept with who and when."""
    try:
        issue = check_issues.dismiss(store(), article_id, request.form.get("issue", type=int, default=0),
                                     current_user.username)
    except check_issues.CheckIssueError as error:
        flash(said(error), "error")
        return redirect(url_for(".show", article_id=article_id), 303)
    flash(_("%(language)s: dismissed “%(detail)s” (%(check)s).", language=language_name(issue.lang),
            detail=issue.detail, check=check_name(issue.check)), "info")
    return redirect(url_for(".show", article_id=article_id, _anchor=f"s{issue.sentence_id}"), 303)


@blueprint.route("/<path:article_id>/decide", methods=["POST"])
@role_required(*REVIEWERS)
def decide(article_id: str):
    lang = request.form.get("lang", "")
    decision = request.form.get("decision", "")
    state = request.form.get("state")
    if not state:
        abort(400)  # a decision always names the version it was taken on
    comment, correction = request.form.get("comment", ""), request.form.get("correction", "")
    kept = {"comment": comment, "correction_for": lang, "correction": correction}  # what a refusal keeps
    try:
        review.decide(store(), article_id, lang, decision, current_user.username, comment, state=state,
                      confirm_terms=request.form.get("confirm_terms") == "1",
                      confirm_checks=request.form.get("confirm_checks") == "1", correction=correction)
    except review.StaleDecision as stale:
        flash(_stale(stale), "error")
        return _page(article_id, status=409, stale=stale)
    except review.TermIssuesOpen:
        flash(_("%(language)s not approved: open term issues.", language=language_name(lang)), "error")
        return _page(article_id, status=409, refused=lang, **kept)
    except review.CheckIssuesOpen:
        flash(_("%(language)s not approved: open check issues.", language=language_name(lang)), "error")
        return _page(article_id, status=409, refused_checks=lang, **kept)
    except review.CorrectionNoteNeeded:
        flash(_("%(language)s not approved: its published text changed, so readers need a correction note.",
                language=language_name(lang)), "error")
        return _page(article_id, status=409, **kept)
    except review.ReviewError as error:
        flash(said(error), "error")
        return redirect(url_for(".show", article_id=article_id)), 303
    flash(_("%(language)s: %(decision)s.", language=language_name(lang), decision=status_name(decision)), "info")
    if request.form.get("then") == "next":
        following = queue.next_article(store(), article_id)
        if following:
            return redirect(url_for(".show", article_id=following), 303)
    return redirect(url_for(".show", article_id=article_id), 303)


def _stale(stale: review.StaleDecision) -> str:
    """``StaleDecision``'s message, in the interface language."""
    language = language_name(stale.lang)
    if stale.latest is None:
        return _("A new translation arrived after you opened this page; read the current %(language)s text and "
                 "decide again.", language=language)
    return _("%(user)s saved a change at %(time)s UTC after you opened this page; read the current %(language)s "
             "text and decide again.", user=stale.latest.username, time=format_time(stale.latest.created_at),
             language=language)
