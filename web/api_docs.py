"""The CMS API's OpenAPI description as a page for people (``/docs/api``): rendered here from the same document
``/api/v1/openapi.json`` serves, offline (no viewer from a CDN), in the app's layout."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import login_required

from web.api import openapi_document

blueprint = Blueprint("api_docs", __name__)

METHODS = ("get", "post", "put", "patch", "delete")


@blueprint.route("/docs/api")
@login_required
def page():
    document = openapi_document()
    operations = [(path, method, item[method]) for path, item in document["paths"].items()
                  for method in METHODS if method in item]
    return render_template("api_docs.html", info=document["info"], operations=operations,
                           schemas=document.get("components", {}).get("schemas", {}), describe=describe)


def describe(schema: dict) -> str:
    """A schema in a few words: ``string (one of km, zh)``, ``array of Brief``, ``Queued``."""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "oneOf" in schema or "anyOf" in schema:
        return " or ".join(describe(s) for s in schema.get("oneOf") or schema["anyOf"])
    if "const" in schema:
        return f"always {schema['const']}"
    kind = schema.get("type", "any")
    if isinstance(kind, list):
        kind = " or ".join(kind)
    if kind == "array":
        return f"array of {describe(schema.get('items', {}))}"
    details = _details(schema)
    return kind + (f" ({'; '.join(details)})" if details else "")


_LIMITS = (("minimum", "≥"), ("maximum", "≤"), ("maxLength", "at most"), ("maxItems", "at most"))


def _details(schema: dict) -> list[str]:
    """What narrows a scalar: its values, format, limits and default."""
    details = ["one of " + ", ".join(str(v) for v in schema["enum"])] if "enum" in schema else []
    if "format" in schema:
        details.append(schema["format"])
    details += [f"{word} {schema[key]}" for key, word in _LIMITS if key in schema]
    if "default" in schema:
        details.append(f"default {schema['default']}")
    return details
