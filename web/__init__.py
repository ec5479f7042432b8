"""The review web app: a thin Flask layer over ``workflow`` (queue, article review, glossary, downloads, users).

``create_app()`` is the factory; each area is a blueprint in its own module. Views call ``workflow.review``,
``workflow.export`` and ``workflow.accounts``; no business logic lives here.
"""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path
from urllib.parse import quote

from flask import Flask, request

from web.localized import LocalizedEnvironment
from workflow import documents, languages
from workflow.config import Config
from workflow.store import Store


def create_app(config: Config, overrides: dict | None = None) -> Flask:
    """The review app over ``config``'s store; ``overrides`` set Flask settings (tests)."""
    app = Flask(__name__)
    app.jinja_environment = LocalizedEnvironment  # templates compiled once per interface language (web.localized)
    app.config.update(
        SECRET_KEY=_secret_key(config.home),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        # Behind HTTPS (a reverse proxy), set BRIEFDESK_SECURE_COOKIES=1 so cookies never travel in clear.
        SESSION_COOKIE_SECURE=config.secure_cookies,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=None,  # tokens live as long as the session
        MAX_CONTENT_LENGTH=1_000_000,
    )
    app.config.update(overrides or {})
    if config.trusted_proxies:  # believe X-Forwarded-For/-Proto from exactly that many proxies, no more
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=config.trusted_proxies, x_proto=config.trusted_proxies)
    app.extensions["briefdesk_config"] = config
    app.extensions["briefdesk_store"] = Store(config.database_url)
    # Plain functions, not template macros: a page calls them hundreds of times (measured: macros and url_for
    # were a third of the queue page's CPU).
    app.jinja_env.globals.update(lang_attr=languages.bcp47, article_url=article_url, page_links=page_links,
                                 download_formats=documents.names())

    from web import (
        admin,
        api,
        api_docs,
        articles,
        auth,
        downloads,
        errors,
        feeds,
        glossary,
        i18n,
        queue,
        security,
        stats,
        stories,
        webhooks,
    )

    app.before_request(stories.allow_uploads)  # before security's CSRF check reads the form
    security.init_app(app)
    i18n.init_app(app)
    errors.init_app(app)
    auth.init_app(app)
    for module in (auth, queue, articles, stories, downloads, glossary, stats, admin, webhooks, feeds, api, api_docs):
        app.register_blueprint(module.blueprint)
    return app


_PAGE_LINKS = ("queue.index", "stories.new", "stats.index", "downloads.approved", "glossary.index", "admin.users",
               "webhooks.page", "api_docs.page", "i18n.choose", "auth.logout", "auth.login")
_STATIC = ("favicon.svg", "style.css", "app.js")
_links: dict[str, dict[str, str]] = {}


def page_links() -> dict[str, str]:
    """Where every page's header links to (endpoint → URL; a static file's name → its URL), worked out once per
    script root: a dozen ``url_for`` calls were a tenth of a small page's time."""
    links = _links.get(request.script_root)
    if links is None:
        from flask import url_for

        links = {endpoint: url_for(endpoint) for endpoint in _PAGE_LINKS}
        links.update({name: url_for("static", filename=name) for name in _STATIC})
        _links[request.script_root] = links
    return links


_PLAIN_ID = re.compile(r"[A-Za-z0-9._~/-]+\Z")
"""What ``quote(…, safe="/")`` leaves as it is: nearly every id, and a match is quicker than quoting."""


def article_url(article_id: str) -> str:
    """``url_for('articles.show', …)`` without the routing machinery (ids are constrained at ingest)."""
    path = article_id if _PLAIN_ID.match(article_id) else quote(article_id, safe="/")
    return f"{request.script_root}/articles/{path}"


def store() -> Store:
    from flask import current_app

    return current_app.extensions["briefdesk_store"]


def _secret_key(data_dir: Path) -> str:
    """Generated once into the data dir (readable by its owner only), never hard-coded."""
    path = data_dir / "secret_key"
    if not path.exists():
        # Written whole under a private name, then linked into place: a process starting at the same moment
        # sees either no key or the complete one, and only one key ever wins.
        draft = data_dir / f".secret_key.{os.getpid()}"
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()
