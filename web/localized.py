"""Templates compiled once per interface language, their fixed words written in.

A page asks for ``queue.html``; in a request it gets ``km:queue.html``: the same source with every
``{{ _('Fixed words') }}`` replaced by their translation, compiled and cached like any template. A page then
costs what an English-only one did: a call, a lookup and an escape per word were 5 % of the article page. Words
with values (``_('%(num)s articles', num=…)``), ``ngettext`` and ``{% trans %}`` blocks stay calls, answered by
``web.words``. Outside a request (nothing to choose a language by) the plain template is used, with calls.
"""

from __future__ import annotations

import re

from babel.support import Translations
from flask import has_request_context
from flask.templating import Environment
from jinja2 import BaseLoader
from markupsafe import Markup

from web.catalogs import CATALOGS
from web.i18n import interface

SEPARATOR = ":"
_FIXED_WORDS = re.compile(r"""\{\{\s*_\(\s*(?:'([^'\\]*)'|"([^"\\]*)")\s*\)\s*\}\}""")
"""``{{ _('…') }}`` with a plain string and nothing else (no values, no whitespace control, no escapes)."""


class LocalizedEnvironment(Environment):
    """Flask's template environment, choosing each template's language from the request."""

    def __init__(self, app, **options) -> None:
        options["loader"] = WordsLoader(options.get("loader") or app.create_global_jinja_loader())
        super().__init__(app, **options)

    def get_template(self, name, parent=None, globals=None):
        if isinstance(name, str) and parent is None and SEPARATOR not in name and has_request_context():
            name = f"{interface().code}{SEPARATOR}{name}"
        return super().get_template(name, parent, globals)

    def join_path(self, template: str, parent: str) -> str:
        """``{% extends %}``, ``{% import %}``: the same language as the template that asks."""
        code, separator, _name = parent.partition(SEPARATOR)
        return f"{code}{SEPARATOR}{template}" if separator and SEPARATOR not in template else template


class WordsLoader(BaseLoader):
    """``code:name`` is template ``name`` of the wrapped loader with its fixed words in language ``code``."""

    def __init__(self, loader: BaseLoader) -> None:
        self.loader = loader

    def get_source(self, environment, template: str):
        code, separator, name = template.partition(SEPARATOR)
        if not separator:
            return self.loader.get_source(environment, template)
        source, filename, uptodate = self.loader.get_source(environment, name)
        return write_in(source, code), filename, uptodate

    def list_templates(self) -> list[str]:
        return self.loader.list_templates()


def write_in(source: str, code: str) -> str:
    """``source`` with its fixed words in language ``code``, as the call would have rendered them (trusted
    markup, ``%%`` a percent sign); a translation that looks like template code stays a call."""
    translations = Translations.load(str(CATALOGS), [code])

    def translate(match: re.Match) -> str:
        message = match.group(1) if match.group(1) is not None else match.group(2)
        words = str(Markup(translations.ugettext(message)) % {})
        return match.group(0) if any(mark in words for mark in ("{{", "{%", "{#")) else words

    return _FIXED_WORDS.sub(translate, source)
