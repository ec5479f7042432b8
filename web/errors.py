"""Error pages: 404, 403, 405, 500… in the app's own layout with a way back, JSON under /api/ (``web.api``)."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

_NAMES = {400: _l("Bad Request"), 401: _l("Unauthorized"), 403: _l("Forbidden"), 404: _l("Not Found"),
          405: _l("Method Not Allowed"), 409: _l("Conflict"), 413: _l("Request Entity Too Large"),
          429: _l("Too Many Requests"), 500: _l("Internal Server Error")}
"""Werkzeug's names, in the interface language."""
_MESSAGES = {
    400: _l("The request could not be understood: go back and try again."),
    403: _l("Your role does not allow this page. An admin can change roles under Users."),
    404: _l("There is no page here. The link may be old, or the story was removed."),
    405: _l("This page cannot be used that way."),
    413: _l("That is more than the app takes at once: send a smaller file."),
    500: _l("Something went wrong on the server; its log has the details. Try again, or tell your admin."),
}


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, page)


def page(error: HTTPException):
    if request.path.startswith("/api/"):
        from web.api import json_error

        return json_error(error)
    code = error.code or 500
    # Werkzeug's description for 400s raised with a reason (abort(400, "format: choose…")) says what was wrong.
    said = error.description if code == 400 and error.description != type(error).description else None
    if isinstance(error, CSRFError):  # Flask-WTF's reasons are English only
        said = _l("The form could not be checked (open too long, sent from another site, or cookies are off): "
                  "reload the page and try again.")
    headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]  # e.g. a 405's Allow
    return render_template("error.html", code=code, name=_NAMES.get(code, error.name), message=said or _MESSAGES.get(
        code, error.description), path=request.path), code, headers
