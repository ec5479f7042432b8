"""The review queue: every article with its status per language."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from web import store
from workflow import queue
from workflow.review_states import STATUSES

blueprint = Blueprint("queue", __name__)


@blueprint.route("/")
@login_required
def index():
    if not current_user.can_review:
        return redirect(url_for("downloads.approved"))
    status = request.args.get("status") if request.args.get("status") in STATUSES else None
    lang = request.args.get("lang") or None
    search = (request.args.get("q") or "").strip()[:200] or None
    issues = request.args.get("issues") if request.args.get("issues") in queue.ISSUE_FILTERS else None
    page = request.args.get("page", 1, type=int)
    result = queue.queue(store(), status=status, lang=lang, search=search, issues=issues, page=page,
                         count_limit=current_app.config.get("SEARCH_COUNT_LIMIT", queue.SEARCH_COUNT_LIMIT))
    return render_template("queue.html", page=result, status=status, lang=lang, search=search or "", issues=issues,
                           statuses=STATUSES, retry_url=url_for("stories.retry"))
