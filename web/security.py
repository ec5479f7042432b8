"""CSRF on every form and security headers on every response (the login rate limit is in ``web.auth``)."""

from __future__ import annotations

from flask import Blueprint, Flask, current_app
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()

CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                           "font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")


def init_app(app: Flask) -> None:
    csrf.init_app(app)

    @app.after_request
    def headers(response):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        if response.mimetype == "text/html":
            response.headers["Cache-Control"] = "no-store"
        return response


def exempt_token_requests(blueprint: Blueprint) -> None:
    """Leave ``blueprint`` out of the automatic check: it calls ``protect_session`` for the requests it
    authenticates by their session cookie, and a request with a bearer token needs no CSRF token. A browser
    sends the cookie with any request, whichever site made it send one; an ``Authorization`` header it sends
    only when a script of this site adds it (another site's script would need a CORS grant, never given here)."""
    csrf.exempt(blueprint)


def protect_session() -> None:
    """The CSRF check, for a request authenticated by its session cookie (raises ``CSRFError``, a 400)."""
    if current_app.config["WTF_CSRF_ENABLED"]:
        csrf.protect()  # only the methods in WTF_CSRF_METHODS are checked
