"""The CMS API, ``/api/v1``: add stories for translation, follow them, fetch approved briefs. JSON in and out.

A CMS sends ``Authorization: Bearer <token>`` (``briefdesk users token NAME``); a logged-in browser may call it
too, with the CSRF token in an ``X-CSRFToken`` header on its POSTs. Roles are the review app's: readers read
approved briefs; editors and admins also add stories and follow them. Each token has a rate limit (the
``API_RATE_LIMIT`` setting, else ``accounts.RateLimit()``), counted in the database so that every server process
shares it; browser sessions have none (they are people, and the login throttle guards the way in). Every error
under ``/api/`` is ``{"error": "..."}`` with its status. The OpenAPI document is built in ``web.openapi``.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime, timezone

from flask import Blueprint, current_app, g, jsonify, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from web import openapi, security, store
from workflow import accounts, corpus, events, export, jobs, languages, pipeline
from workflow.errors import BriefdeskError
from workflow.review_states import APPROVED
from workflow.store import Article, Decision, Review
from workflow.vocabulary import REVIEWERS, ROLES

blueprint = Blueprint("api", __name__, url_prefix="/api/v1")
security.exempt_token_requests(blueprint)

MAX_BODY = 4_000_000
"""Bytes in one API request (the rest of the app takes 1 MB): a hundred long stories fit."""
MAX_ARTICLES = 100
DEFAULT_LIMIT, MAX_LIMIT = 50, 200
DEFAULT_TARGETS = list(pipeline.Options().targets)


class ApiError(Exception):
    """An answer other than success: its status, the message, headers and extra JSON fields."""

    def __init__(self, status: int, message: str, headers: dict | None = None, **extra: object):
        super().__init__(message)
        self.status, self.message, self.headers, self.extra = status, message, headers or {}, extra


# --- who is asking -------------------------------------------------------------------------------------------


@blueprint.before_request
def authenticate() -> None:
    request.max_content_length = MAX_BODY  # set before anything reads the body
    header = request.headers.get("Authorization")
    if header is not None:  # a request with a token is judged by the token alone, never by a cookie
        scheme, _, token = header.strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise ApiError(401, "send the token as 'Authorization: Bearer <token>'")
        limit = current_app.config.get("API_RATE_LIMIT", accounts.RateLimit())
        account = accounts.token_account(store(), token.strip(), limit)
        if account is None:
            raise ApiError(401, "unknown or revoked token",
                           {"WWW-Authenticate": 'Bearer realm="briefdesk", error="invalid_token"'})
        if account.retry_after:
            raise ApiError(429, f"rate limit: at most {limit.requests} requests per "
                                f"{limit.window.total_seconds():.0f} s per token; retry in {account.retry_after} s",
                           {"Retry-After": str(account.retry_after)})
        g.api_account = account
    elif current_user.is_authenticated:
        security.protect_session()
        g.api_account = accounts.Account(current_user.username, current_user.role)
    else:
        raise ApiError(401, "authentication required: send 'Authorization: Bearer <token>' (a token is made with "
                            "'briefdesk users token NAME')")


def _require(roles: tuple[str, ...]) -> accounts.Account:
    account = g.api_account
    if account.role not in roles:
        raise ApiError(403, f"a {account.role} may only read approved briefs; adding articles and reading their "
                            "status needs an editor or admin")
    return account


@blueprint.after_request
def no_store(response):
    response.headers["Cache-Control"] = "no-store"  # answers depend on who asks and change as editors work
    return response


# --- errors: JSON everywhere under /api/ ---------------------------------------------------------------------


@blueprint.errorhandler(ApiError)
def api_error(error: ApiError):
    return _error(error.status, error.message, error.headers, **error.extra)


@blueprint.errorhandler(HTTPException)
def http_error(error: HTTPException):
    return json_error(error)


def json_error(error: HTTPException):
    """An HTTP error as the API's JSON (404 and 405 come from routing, before any blueprint is chosen:
    ``web.errors`` sends those under /api/ here)."""
    status = error.code or 500
    allowed = sorted(getattr(error, "valid_methods", None) or [])
    message = {
        404: f"no such API endpoint {request.path} (see /api/v1/openapi.json)",
        405: f"{request.method} is not allowed here; allowed: {', '.join(allowed)}",
        413: f"the request body is over the API's limit of {MAX_BODY / 1e6:.0f} MB; send the articles in smaller "
             "batches",
        500: "internal error; the server's log has the details",
    }.get(status, error.description or error.name)
    headers = {"Allow": ", ".join(allowed)} if allowed else {}
    return _error(status, message, headers)


def _error(status: int, message: str, headers: dict | None = None, **extra: object):
    response = jsonify({"error": message, **extra})
    response.status_code = status
    response.headers.update(headers or {})
    if status == 401:
        response.headers.setdefault("WWW-Authenticate", 'Bearer realm="briefdesk"')
    return response


# --- adding stories ------------------------------------------------------------------------------------------


@blueprint.post("/articles")
def add_articles():
    """Validate every item, then store each with its job (nothing is decoded here): 202 with where to look."""
    account = _require(REVIEWERS)
    items, targets = _items(_json_body())
    documents = _validate(items, targets)
    queued: list[dict] = []
    for index, (document, langs, replace) in enumerate(documents):
        try:
            result = pipeline.submit(document, store(), account.username,
                                     pipeline.Options(targets=langs, replace=replace))
        except BriefdeskError as error:  # rare once from_record passed (no sentence found); earlier items stay
            raise ApiError(400, f"item {index}: {error}", items=[{"index": index, "id": document.id,
                                                                  "reason": str(error)}], articles=queued) from error
        queued.append({"id": result.external_id, "status": "queued", "targets": langs, "note": result.note,
                       "url": url_for("api.article", article_id=result.external_id)})
    return jsonify(articles=queued), 202


def _json_body() -> object:
    try:
        return json.loads(request.get_data(cache=False))  # over MAX_BODY: 413 from here
    except ValueError as error:  # JSONDecodeError, or bytes that are no UTF-8/16/32
        raise ApiError(400, f"the body is not valid JSON: {error}") from None
    except RecursionError:  # arrays or objects nested about a thousand deep
        raise ApiError(400, "the body is not valid JSON: nested too deeply") from None


def _items(body: object) -> tuple[list, list[str] | None]:
    """One article object, a list of them, or ``{"articles": [...], "targets": [...]}``."""
    targets = None
    if isinstance(body, dict) and "articles" in body:
        if "targets" in body:
            targets, reason = _targets(body["targets"])
            if reason:
                raise ApiError(400, reason)
        body = body["articles"]
        if not isinstance(body, list):
            raise ApiError(400, "'articles' must be a list of article objects")
    items = body if isinstance(body, list) else [body] if isinstance(body, dict) else None
    if items is None:
        raise ApiError(400, 'send one article {"id", "title", "text"}, a list of them, or {"articles": [...]}')
    if not items:
        raise ApiError(400, "no articles in the request")
    if len(items) > MAX_ARTICLES:
        raise ApiError(413, f"{len(items)} articles in one request; the limit is {MAX_ARTICLES}: send them in "
                            f"batches of {MAX_ARTICLES} or fewer")
    return items, targets


def _validate(items: list, targets: list[str] | None) -> list[tuple[corpus.Document, list[str], bool]]:
    """Every item checked as JSONL ingest checks a line, before anything is stored; any bad one: 400, all listed.
    Each accepted item comes with its languages and whether it may replace a different stored story."""
    accepted: list[tuple[corpus.Document, list[str], bool]] = []
    problems: list[dict] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        found = corpus.from_record(item, f"item {index}", "")  # no default id: the CMS must name its stories
        reason = found.reason if isinstance(found, corpus.Rejected) else ""
        langs = targets or DEFAULT_TARGETS
        if not reason and "targets" in item:
            langs, reason = _targets(item["targets"])
        replace = item.get("replace", False) if isinstance(item, dict) else False
        if not reason and not isinstance(replace, bool):
            reason = "'replace' must be true or false"
        if not reason and found.id in seen:
            reason = f"the same id as item {seen[found.id]}"
        if reason:
            raw = item.get("id") if isinstance(item, dict) else None
            problems.append({"index": index, "id": raw if isinstance(raw, (str, int)) else None, "reason": reason})
        else:
            seen[found.id] = index
            accepted.append((found, langs, replace))
    if problems:
        raise ApiError(400, f"{len(problems)} of {len(items)} articles are invalid; nothing was stored",
                       items=problems)
    return accepted


def _targets(value: object) -> tuple[list[str], str]:
    """Language codes to translate into, and why not (empty: fine)."""
    known = languages.targets()
    if not isinstance(value, list) or not value or not all(isinstance(code, str) for code in value):
        return [], f"'targets' must be a non-empty list of language codes ({', '.join(known)})"
    unknown = [code for code in value if code not in known]
    if unknown:
        return [], f"unknown target language {unknown[0]!r}; choose from {', '.join(known)}"
    return list(dict.fromkeys(value)), ""


# --- following a story ---------------------------------------------------------------------------------------


@blueprint.get("/articles/<path:article_id>")
def article(article_id: str):
    """The story, its newest job, and per language: translating, failed, or its review status."""
    _require(REVIEWERS)
    with store().read() as session:
        found = session.scalar(select(Article).where(Article.external_id == article_id))
        if found is None:
            raise ApiError(404, f"no article {article_id!r}")
        job, standing = jobs.standing(session, found)
    langs = {lang: {"status": s.status, "model": s.model, "demo": s.demo} for lang, s in standing.items()}
    return jsonify(id=found.external_id, title=found.title, created_at=_iso(found.created_at), languages=langs,
                   job=None if job is None else {"status": job.status, "error": job.error or None,
                                                 "attempts": job.attempts})


# --- approved briefs -----------------------------------------------------------------------------------------


@blueprint.get("/briefs")
def briefs():
    """Approved briefs in the order they were approved (then by decision), a page at a time."""
    _require(ROLES)
    args = request.args
    if args.get("status", APPROVED) != APPROVED:
        raise ApiError(400, "only status=approved is served: briefs are published once an editor approves them")
    lang = args.get("lang") or None
    if lang is not None and lang not in languages.targets():
        raise ApiError(400, f"unknown lang {lang!r}; choose from {', '.join(languages.targets())}")
    since, limit, after = _since(args.get("since")), _limit(args.get("limit")), _cursor(args.get("cursor"))
    with store().read() as session:
        rows = export.approvals(session, limit=limit + 1, lang=lang, since=since, after=after)
        items = [_brief(export.record(session, article, review), article, decision, review)
                 for review, article, decision in rows[:limit]]
    more = len(rows) > limit
    last = rows[limit - 1][2] if more else None
    return jsonify(briefs=items, next_cursor=_encode_cursor(last.created_at, last.id) if last else None)


def _brief(record: export.Record, article: Article, decision: Decision, review: Review) -> dict:
    return {"id": record.article_id, "lang": record.lang, "title": record.title, "brief": record.brief,
            "sentences": [s.position for s in article.sentences if s.in_brief],
            "approved_at": _iso(decision.created_at), "approved_by": decision.username,
            "published_at": events.iso(review.published_at), "corrected_at": events.iso(review.corrected_at),
            "correction": review.correction or None, "model": record.model, "demo": record.demo}


def _since(value: str | None) -> datetime | None:
    if not value:
        return None
    try:  # Python 3.10's fromisoformat does not read a trailing Z
        return _utc(datetime.fromisoformat(value[:-1] + "+00:00" if value.endswith(("Z", "z")) else value))
    except (ValueError, OverflowError):  # OverflowError: 0001-01-01T00:00+01:00 is before year 1 in UTC
        raise ApiError(400, f"since={value!r} is not an ISO 8601 date or time (e.g. 2026-01-31T08:00:00Z)") from None


def _utc(when: datetime) -> datetime:
    return when.astimezone(timezone.utc).replace(tzinfo=None) if when.tzinfo else when  # naive: UTC, as stored


def _limit(value: str | None) -> int:
    if value is None:
        return DEFAULT_LIMIT
    if not value.isdigit() or not 1 <= int(value) <= MAX_LIMIT:
        raise ApiError(400, f"limit must be a whole number from 1 to {MAX_LIMIT}")
    return int(value)


def _encode_cursor(at: datetime, decision_id: int) -> str:
    raw = json.dumps([at.isoformat(), decision_id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _cursor(value: str | None) -> tuple[datetime, int] | None:
    if not value:
        return None
    try:
        at, decision_id = json.loads(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))
        if type(decision_id) is not int or not 0 <= decision_id < 2**63:  # a bool is an int; ids are 64-bit
            raise ValueError
        return _utc(datetime.fromisoformat(at)), decision_id
    except (ValueError, TypeError, OverflowError, RecursionError, binascii.Error):
        raise ApiError(400, "invalid cursor: pass back the next_cursor of the previous page") from None


def _iso(when: datetime) -> str:
    return when.replace(tzinfo=timezone.utc).isoformat().replace("+00:00", "Z")


@blueprint.get("/openapi.json")
def openapi_json():
    """This API described for tools (OpenAPI 3.1)."""
    _require(ROLES)
    return jsonify(openapi_document())


def openapi_document() -> dict:
    """The OpenAPI description of this API with its own limits (also shown as a page: ``web.api_docs``)."""
    return openapi.document(max_articles=MAX_ARTICLES, max_body=MAX_BODY, max_limit=MAX_LIMIT,
                            default_limit=DEFAULT_LIMIT, targets=languages.targets())
