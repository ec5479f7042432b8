"""Atom feeds of the published briefs: ``/feeds/km.atom``, ``/feeds/zh.atom``, ``/feeds/en.atom``.

Readable by anyone when an admin has turned public feeds on; otherwise by a logged-in browser or with an API
token, as ``Authorization: Bearer <token>`` or ``?token=<token>`` (most feed readers can only send a URL).
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, render_template, request
from flask_login import current_user

from web import store
from workflow import accounts, events, feeds, languages

blueprint = Blueprint("feeds", __name__, url_prefix="/feeds")


@blueprint.get("/<lang>.atom")
def feed(lang: str):
    if lang not in feeds.langs():
        abort(404)
    if not feeds.public(store()) and not current_user.is_authenticated and not _token_ok():
        return Response("This feed needs a login or an API token (?token=… or Authorization: Bearer …); an admin "
                        "can make the feeds public.\n", 401, {"WWW-Authenticate": 'Bearer realm="briefdesk"'},
                        mimetype="text/plain")
    found = feeds.entries(store(), lang)
    xml = render_template("feed.xml", lang=lang, xml_lang=languages.bcp47(lang), entries=found, iso=events.iso,
                          updated=feeds.updated(found), self_url=request.base_url,
                          newsroom=current_app.extensions["briefdesk_config"].newsroom)
    return Response(xml, mimetype="application/atom+xml")


def _token_ok() -> bool:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.strip().partition(" ")
    token = token.strip() if scheme.lower() == "bearer" else request.args.get("token", "")
    if not token:
        return False
    account = accounts.token_account(store(), token, current_app.config.get("API_RATE_LIMIT", accounts.RateLimit()))
    if account is not None and account.retry_after:  # a token's requests are counted as the API counts them
        abort(Response(f"Rate limit reached; retry in {account.retry_after} s.\n", 429,
                       {"Retry-After": str(account.retry_after)}, mimetype="text/plain"))
    return account is not None
