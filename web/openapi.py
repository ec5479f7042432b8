"""The OpenAPI 3.1 document of the CMS API (``web.api``), served at ``/api/v1/openapi.json``.

Built from the API's own limits, so the document and the server never disagree on them;
``tests/test_api.py`` checks that every route of the blueprint is described here.
"""

from __future__ import annotations

from workflow.review_states import APPROVED, FAILED, STATUSES, TRANSLATING


def _json(schema: str) -> dict:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}


def _error(description: str) -> dict:
    return {"description": description, "content": _json("Error")}


def _ok(description: str, schema: str) -> dict:
    return {"description": description, "content": _json(schema)}


def _common(*codes: int) -> dict:
    texts = {400: "Bad request (the message says what)", 401: "No token, or an unknown or revoked one",
             403: "The role may not do this (readers only read approved briefs)", 404: "Not found",
             413: "Over a limit (request body, or articles per request)",
             429: "Over the token's rate limit: see Retry-After", 500: "Internal error"}
    responses = {str(code): _error(texts[code]) for code in codes}
    if "429" in responses:
        responses["429"]["headers"] = {"Retry-After": {"description": "Seconds to wait",
                                                       "schema": {"type": "integer"}}}
    return responses


def document(*, max_articles: int, max_body: int, max_limit: int, default_limit: int, targets: list[str]) -> dict:
    """The whole document; ``targets`` are the language codes a story may be translated into."""
    lang = {"type": "string", "enum": targets}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Briefdesk CMS API", "version": "1",
                 "description": f"Add English stories for translation, follow them, fetch approved briefs. At most "
                                f"{max_articles} articles and {max_body / 1e6:.0f} MB per request. Each token has "
                                "a rate limit (429 with Retry-After). A logged-in browser session works too, with "
                                "the CSRF token in X-CSRFToken on POSTs. Every error is {\"error\": \"...\"}."},
        "security": [{"bearerAuth": []}],
        "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer",
                                                          "description": "briefdesk users token NAME"}},
                       "schemas": {"Error": _ERROR, **_schemas_in(lang, max_articles), **_schemas_out(lang)}},
        "paths": _paths(lang, max_limit, default_limit),
    }


_ERROR = {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}}


def _schemas_in(lang: dict, max_articles: int) -> dict:
    """What a CMS sends."""
    article_in = {
        "type": "object", "required": ["id", "text"],
        "properties": {
            "id": {"type": ["string", "integer"], "description": "The CMS's id of the story (letters, digits, "
                                                                   "'.', '_', '-', '/'; other characters become '-')"},
            "title": {"type": "string"},
            "text": {"type": "string", "description": "The story, paragraphs separated by a blank line (at most "
                                                      "2 MB)"},
            "targets": {"type": "array", "items": lang, "minItems": 1,
                        "description": "Languages for this story (default: the request's, else km and zh)"},
            "replace": {"type": "boolean", "default": False,
                        "description": "Replace the story stored under this id, if nobody has worked on it, "
                                       "with this different text; otherwise (or without it) the text is stored "
                                       "under a new id, ID-2, and the response's note says so"},
        },
    }
    return {
        "ArticleIn": article_in,
        "ArticlesIn": {"oneOf": [
            {"$ref": "#/components/schemas/ArticleIn"},
            {"type": "array", "items": {"$ref": "#/components/schemas/ArticleIn"}, "minItems": 1,
             "maxItems": max_articles},
            {"type": "object", "required": ["articles"], "properties": {
                "articles": {"type": "array", "items": {"$ref": "#/components/schemas/ArticleIn"}, "minItems": 1,
                             "maxItems": max_articles},
                "targets": {"type": "array", "items": lang, "minItems": 1}}},
        ]},
    }


def _schemas_out(lang: dict) -> dict:
    """What the API answers."""
    return {
        "Queued": {"type": "object", "properties": {"articles": {"type": "array", "items": {
            "type": "object", "required": ["id", "status", "url"], "properties": {
                "id": {"type": "string", "description": "The id it is stored under (see note)"},
                "status": {"const": "queued"}, "url": {"type": "string"},
                "targets": {"type": "array", "items": lang},
                "note": {"type": "string", "description": "Why it was stored under another id (empty if not)"}}}}}},
        "Invalid": {"type": "object", "properties": {
            "error": {"type": "string"},
            "items": {"type": "array", "items": {"type": "object", "properties": {
                "index": {"type": "integer"}, "id": {"type": ["string", "integer", "null"]},
                "reason": {"type": "string"}}}}}},
        "ArticleStatus": {"type": "object", "properties": {
            "id": {"type": "string"}, "title": {"type": "string"},
            "created_at": {"type": "string", "format": "date-time"},
            "job": {"oneOf": [{"type": "null"}, {"type": "object", "properties": {
                "status": {"enum": ["queued", "running", "done", "failed"]},
                "error": {"type": ["string", "null"]}, "attempts": {"type": "integer"}}}]},
            "languages": {"type": "object", "additionalProperties": {"type": "object", "properties": {
                "status": {"enum": [TRANSLATING, FAILED, *STATUSES]},
                "model": {"type": ["string", "null"]}, "demo": {"type": ["boolean", "null"]}}}}}},
        "Brief": {"type": "object", "properties": {
            "id": {"type": "string"}, "lang": lang,
            "title": {"type": "string", "description": "The translated headline"},
            "brief": {"type": "string"},
            "sentences": {"type": "array", "items": {"type": "integer"},
                          "description": "Positions of the English sentences the brief is made of"},
            "approved_at": {"type": "string", "format": "date-time",
                            "description": "The latest approval (a correction moves it)"},
            "approved_by": {"type": "string"},
            "published_at": {"type": ["string", "null"], "format": "date-time", "description": "The first approval"},
            "corrected_at": {"type": ["string", "null"], "format": "date-time",
                             "description": "The latest correction: approved again with other text"},
            "correction": {"type": ["string", "null"], "description": "The editor's note on that correction"},
            "model": {"type": "string"}, "demo": {"type": "boolean", "description": "Made by a demo model"}}},
        "Briefs": {"type": "object", "properties": {
            "briefs": {"type": "array", "items": {"$ref": "#/components/schemas/Brief"}},
            "next_cursor": {"type": ["string", "null"], "description": "Pass as cursor for the next page; null "
                                                                       "at the end"}}},
    }


def _paths(lang: dict, max_limit: int, default_limit: int) -> dict:
    invalid = {"description": "Invalid items (nothing stored), malformed JSON, or no articles",
               "content": _json("Invalid")}
    query = [
        {"name": "status", "in": "query", "schema": {"const": APPROVED, "default": APPROVED}},
        {"name": "since", "in": "query", "description": "Approved at or after this ISO 8601 time (UTC if no "
                                                        "offset)", "schema": {"type": "string", "format": "date-time"}},
        {"name": "lang", "in": "query", "schema": lang},
        {"name": "limit", "in": "query",
         "schema": {"type": "integer", "minimum": 1, "maximum": max_limit, "default": default_limit}},
        {"name": "cursor", "in": "query", "description": "next_cursor of the previous page",
         "schema": {"type": "string"}},
    ]
    return {
        "/api/v1/articles": {"post": {
            "summary": "Add stories for translation (editor, admin)", "operationId": "addArticles",
            "requestBody": {"required": True, "content": _json("ArticlesIn")},
            "responses": {"202": _ok("Stored and queued for translation, in request order", "Queued"),
                          **_common(401, 403, 413, 429, 500), "400": invalid}}},
        "/api/v1/articles/{article_id}": {"get": {
            "summary": "A story's translation and review status (editor, admin)", "operationId": "getArticle",
            "parameters": [{"name": "article_id", "in": "path", "required": True, "schema": {"type": "string"},
                            "description": "May contain '/'"}],
            "responses": {"200": _ok("The story", "ArticleStatus"), **_common(401, 403, 404, 429, 500)}}},
        "/api/v1/briefs": {"get": {
            "summary": "Approved briefs, oldest approval first, a page at a time (every role)",
            "operationId": "listBriefs", "parameters": query,
            "responses": {"200": _ok("A page", "Briefs"), **_common(400, 401, 429, 500)}}},
        "/api/v1/openapi.json": {"get": {
            "summary": "This document", "operationId": "openapi",
            "responses": {"200": {"description": "OpenAPI 3.1", "content": {"application/json": {}}},
                          **_common(401, 429)}}},
    }
