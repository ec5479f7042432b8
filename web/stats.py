"""``/stats``: post-edit effort per model and language over a period (editors and admins)."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Blueprint, render_template, request
from flask_babel import gettext as _

from web import store
from web.auth import role_required
from workflow.stats import post_edit
from workflow.vocabulary import REVIEWERS

blueprint = Blueprint("stats", __name__)


@blueprint.route("/stats")
@role_required(*REVIEWERS)
def index():
    since, until, problems = _day("since"), _day("until"), []
    if since is False or until is False:
        problems.append(_("Dates are YYYY-MM-DD."))
        since = until = None
    rows = post_edit(store(), since, until + timedelta(days=1) if until else None)
    return render_template("stats.html", rows=rows, since=request.args.get("since", ""),
                           until=request.args.get("until", ""), problems=problems), 400 if problems else 200


def _day(name: str) -> datetime | None | bool:
    """The day in the query string, None when absent, False when it is no date."""
    value = (request.args.get(name) or "").strip()
    if not value:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d")
    except ValueError:
        return False
