"""Templates compiled once per interface language, their fixed words written in.

A page asks for ``queue.html``; in a request it gets ``km:queue.html``: the same source with every
``{{ _('Fixed words') }}`` replaced by their translation, compiled and cached like any template. A page then
costs what an English-only one did: a call, a lookup and an escape per word were 5 % of the article page. Words
with values (``_('%(num)s articles', num=…)``), ``ngettext`` and ``{% trans %}`` blocks stay calls, answered by
``web.words``, and so does any word whose translation could change the template around it. Outside a request
(nothing to choose a language by), for a list of names (``select_template``) or with ``FOLD_FIXED_WORDS``
off, the plain template is used, with calls: the page is the same, byte for byte. The words are read when a
template is first compiled: restart the app after ``pybabel compile``.
"""

from __future__ import annotations

import re

from flask import has_request_context
from flask.templating import Environment
from jinja2 import BaseLoader
from markupsafe import Markup

from web import catalogs
from web.i18n import INTERFACE, interface

SEPARATOR = ":"
_FIXED_WORDS = re.compile(r"""\{\{\s*_\(\s*(?:'([^'\\\r\n]*)'|"([^"\\\r\n]*)")\s*\)\s*\}\}""")
"""``{{ _('…') }}`` with a plain one-line string and nothing else (no values, no whitespace control, no escapes)."""
_LEFT_ALONE = re.compile(r"\{#.*?#\}|\{%-?\s*raw\s*-?%\}.*?\{%-?\s*endraw\s*-?%\}", re.S)
"""Comments and raw blocks: Jinja does not run the calls in them."""
_UNSAFE = re.compile(r"[{}#]|^\s|\s$")
"""A translation with these could join or end a tag beside it, or lose its spaces to whitespace control."""


class LocalizedEnvironment(Environment):
    """Flask's template environment, choosing each template's language from the request."""

    def __init__(self, app, **options) -> None:
        options["loader"] = WordsLoader(options.get("loader") or app.create_global_jinja_loader())
        super().__init__(app, **options)

    def get_template(self, name, parent=None, globals=None):
        if (isinstance(name, str) and parent is None and _language(name) is None and has_request_context()
                and self.app.config.get("FOLD_FIXED_WORDS", True)):
            name = f"{interface().code}{SEPARATOR}{name}"
        return super().get_template(name, parent, globals)

    def join_path(self, template: str, parent: str) -> str:
        """``{% extends %}``, ``{% import %}``: the same language as the template that asks."""
        code = _language(parent)
        return f"{code}{SEPARATOR}{template}" if code and _language(template) is None else template


class WordsLoader(BaseLoader):
    """``code:name`` is template ``name`` of the wrapped loader with its fixed words in language ``code``."""

    def __init__(self, loader: BaseLoader) -> None:
        self.loader = loader

    def get_source(self, environment, template: str):
        code = _language(template)
        if code is None:
            return self.loader.get_source(environment, template)
        source, filename, uptodate = self.loader.get_source(environment, template[len(code) + 1:])
        return write_in(source, code), filename, uptodate

    def list_templates(self) -> list[str]:
        return self.loader.list_templates()


def _language(name: str) -> str | None:
    """The interface language ``name`` is written in (``km:queue.html``), or None for a plain name."""
    code, separator, _rest = name.partition(SEPARATOR)
    return code if separator and code in INTERFACE else None


def write_in(source: str, code: str) -> str:
    """``source`` with its fixed words in language ``code``, as the call would have rendered them (trusted
    markup, ``%%`` a percent sign); a word whose translation could change the template, or that the call
    would refuse to format, stays a call."""
    translations = catalogs.translations(code)

    def translate(match: re.Match) -> str:
        message = match.group(1) if match.group(1) is not None else match.group(2)
        try:
            words = str(Markup(translations.ugettext(message)) % {})
        except (KeyError, ValueError, TypeError):  # a broken translation fails where it is shown, not here
            return match.group(0)
        return match.group(0) if _UNSAFE.search(words) else words

    pieces, position = [], 0
    for left_alone in _LEFT_ALONE.finditer(source):
        pieces += [_FIXED_WORDS.sub(translate, source[position:left_alone.start()]), left_alone.group(0)]
        position = left_alone.end()
    return "".join([*pieces, _FIXED_WORDS.sub(translate, source[position:])])
