"""The review queue: every article with its status per language."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup, escape

from web import article_url, status_chip, store
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
    result = queue.queue(store(), status=status, lang=lang, search=search, issues=issues, page=page)
    return render_template("queue.html", page=result, status=status, lang=lang, search=search or "", issues=issues,
                           statuses=STATUSES, queue_row=QueueRows(result.languages))


class QueueRows:
    """A queue row's HTML, built by plain Python: fifty rows of a Jinja loop calling a function per cell were
    most of the page's CPU. f-strings of escaped values (``Markup.format``'s formatter runs in Python)."""

    def __init__(self, codes: list[str]):
        self.codes = codes

    def __call__(self, row: queue.QueueRow) -> Markup:
        cells = []
        for code in self.codes:
            status = row.statuses.get(code)
            cell = str(status_chip(status)) if status else '<span class="muted">—</span>'
            issues = row.term_issues.get(code)
            if issues:
                plural = "s" if issues != 1 else ""
                cell += (f' <span class="flag term-marker" title="{issues} open term issue{plural}">⚠ {issues}'
                         f'<span class="visually-hidden"> term issue{plural}</span></span>')
            cells.append(f"<td>{cell}</td>")
        demo = ' <span class="badge demo" title="Translated by a demo model">DEMO</span>' if row.demo else ""
        return Markup(
            f'<tr>\n      <td><a href="{escape(article_url(row.article_id))}" lang="en">{escape(row.title)}</a>{demo}\n'
            f'        <div class="muted small">{escape(row.article_id)}</div>{self._job(row)}</td>\n      '
            f'{"".join(cells)}\n    </tr>')

    @staticmethod
    def _job(row: queue.QueueRow) -> str:
        """A story a worker is translating, or whose translation failed (with a button to try again)."""
        if not row.job:
            return ""
        status, error = row.job
        if status in ("queued", "running"):
            return f'\n        <div class="job job-{escape(status)}" role="status">translating…</div>'
        from flask_wtf.csrf import generate_csrf

        return (f'\n        <div class="job job-failed">translation failed: {escape(error)}\n          '
                f'<form method="post" action="{escape(url_for("stories.retry"))}" class="inline">'
                f'<input type="hidden" name="csrf_token" value="{escape(generate_csrf())}">'
                f'<input type="hidden" name="article_id" value="{escape(row.article_id)}">'
                '<button type="submit">Retry</button></form></div>')
