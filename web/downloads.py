"""Downloads of approved briefs only: per item in each of ``workflow.documents``' formats, in bulk as .zip (the
formats asked for, with or without the English originals) or JSON."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_login import login_required

from web import store
from workflow import documents, export
from workflow.review_states import APPROVED

blueprint = Blueprint("downloads", __name__)

PER_PAGE = 50


def _approved(**filters) -> list[export.Record]:
    return list(export.records(store(), status=APPROVED, **filters))


@blueprint.route("/approved")
@login_required
def approved():
    page = max(1, request.args.get("page", 1, type=int))
    items, total = export.approved_page(store(), page, PER_PAGE)
    pages = max(1, -(-total // PER_PAGE))
    return render_template("approved.html", items=items, formats=documents.every(), total=total,
                           page=min(page, pages), pages=pages)


@blueprint.route("/download/<path:article_id>/<lang>.<ext>")
@login_required
def item(article_id: str, lang: str, ext: str):
    if ext not in documents.names():
        abort(404)
    found = _approved(lang=lang, article_ids=[article_id])
    if not found:
        abort(404)  # unknown, or not approved: nothing else is ever downloadable
    record, fmt = found[0], documents.find(ext)
    return _attachment(fmt.render(record, _imprint()), fmt.mime, documents.filename(record, ext))


@blueprint.route("/download/approved.zip")
@login_required
def bulk_zip():
    """Every format and the English originals unless the query says otherwise: ``?format=md&format=docx&english=0``
    (the page's form sends a hidden ``english=0`` before its checkbox's ``english=1``: the last one counts)."""
    formats = request.args.getlist("format") or documents.names()
    if any(ext not in documents.names() for ext in formats):
        abort(400, _("format: choose from %(formats)s", formats=", ".join(documents.names())))
    english = request.args.getlist("english")[-1:] != ["0"]
    data, _count = export.approved_zip(store(), formats, english=english, imprint=_imprint())
    return _attachment(data, "application/zip", "briefdesk-approved.zip")


@blueprint.route("/download/approved.json")
@login_required
def bulk_json():
    response = jsonify([r.to_json() for r in _approved()])
    response.headers["Content-Disposition"] = 'attachment; filename="briefdesk-approved.json"'
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.route("/fonts/noto-sans-khmer.ttf")
def khmer_font():
    """The Khmer webfont, served from its Python package (fontpkg-noto-sans-khmer, OFL-1.1)."""
    from importlib import resources

    folder = resources.files("fontpkg_noto_sans_khmer") / "files"
    font = next(p for p in folder.iterdir() if p.name.endswith(".ttf"))
    response = Response(font.read_bytes(), mimetype="font/ttf")
    response.headers["Cache-Control"] = "public, max-age=604800"
    return response


def _imprint() -> documents.Imprint:
    return documents.Imprint(newsroom=current_app.extensions["briefdesk_config"].newsroom)


def _attachment(data: bytes, content_type: str, name: str) -> Response:
    # content_type as given: Werkzeug appends a charset to a text/* *mimetype*, which already names one.
    response = Response(data, content_type=content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    # Briefs may be under embargo and are only for signed-in users: no browser or proxy keeps a copy.
    response.headers["Cache-Control"] = "no-store"
    return response
