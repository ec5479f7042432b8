"""The interface's words in one language: ``_``/``ngettext`` for the templates, and the names of statuses, roles,
checks, deliveries and content languages as the pages show them.

They are built once per interface language and handed to every template by a context processor: a page calls
them hundreds of times, and each of Flask-Babel's own calls looks up the request's locale again (measured: that
was a quarter of the queue's and the article page's CPU). Python code calls the same names through
``language_name``, ``status_name``… below.
"""

from __future__ import annotations

from babel import Locale
from babel.numbers import format_number, get_group_symbol
from flask_babel import get_translations
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from web.i18n import DEFAULT, InterfaceLanguage, interface
from workflow import languages
from workflow.review_states import LABELS

STATUS_NAMES = {"new": _l("new"), "in_review": _l("in review"), "approved": _l("approved"),
                "rejected": _l("rejected")}
ROLE_NAMES = {"reader": _l("reader"), "editor": _l("editor"), "admin": _l("admin")}
CHECK_NAMES = {"numbers": _l("numbers"), "untranslated": _l("untranslated"), "repetition": _l("repetition"),
               "omission": _l("omission"), "punctuation": _l("punctuation"), "preserved": _l("preserved")}
CHECK_REASONS = {
    "numbers": _l("a number of the English is missing or changed, or the translation has one the English lacks"),
    "untranslated": _l("English left in the translation (names, acronyms and terms that stay in Latin script "
                       "are fine)"),
    "repetition": _l("a phrase repeated in a loop that the English does not repeat"),
    "omission": _l("the translation is far too short for its English, or stops mid-sentence"),
    "punctuation": _l("unbalanced quotes or brackets, a lost question mark, or no full stop where the English "
                      "has one"),
    "preserved": _l("a URL, e-mail address or @handle not copied exactly, or the hashtags lost"),
}
GLOSSARY_ACTIONS = {"add": _l("add"), "edit": _l("edit"), "delete": _l("delete")}
DELIVERY_NAMES = {"pending": _l("pending"), "delivered": _l("delivered"), "failed": _l("failed")}

_built: dict[str, dict] = {}


def for_templates(ui: InterfaceLanguage) -> dict:
    """Everything a template calls for words, in ``ui``'s language (built in the first request that needs it)."""
    words = _built.get(ui.code)
    if words is None:
        words = _built[ui.code] = _build(ui)
    return words


def _build(ui: InterfaceLanguage) -> dict:
    translations = get_translations()
    ugettext, ungettext = translations.ugettext, translations.ungettext

    # Jinja's "new style" gettext, as the i18n extension defines it for autoescaped templates: the translation
    # is markup, the values are escaped into it, and it is always %-formatted (``%%`` is a percent sign). One
    # without values is the same every time: kept.
    plain: dict[str, Markup] = {}

    def gettext(message: str, /, **values) -> Markup:
        if values:
            return Markup(ugettext(message)) % values
        translated = plain.get(message)
        if translated is None:
            translated = plain[message] = Markup(ugettext(message)) % {}
        return translated

    def ngettext(singular: str, plural: str, n: int, /, **values) -> Markup:
        values.setdefault("num", n)
        return Markup(ungettext(singular, plural, n)) % values

    names = {kind: {key: str(name) for key, name in table.items()} for kind, table in (
        ("status", STATUS_NAMES), ("role", ROLE_NAMES), ("check", CHECK_NAMES), ("reason", CHECK_REASONS),
        ("action", GLOSSARY_ACTIONS), ("delivery", DELIVERY_NAMES))}
    statuses = {**LABELS, **names["status"]}
    chips = Chips({status: Markup('<span class="chip chip-{0}">{1}</span>').format(status, name)
                   for status, name in statuses.items()})
    content_languages: dict[str, str] = {}
    locale = Locale.parse(ui.code)
    group = get_group_symbol(locale)
    western = locale.decimal_formats[None].pattern.startswith("#,##0")  # groups of three (not hi's 1,00,000)

    def number(n: int) -> str:
        """A count as the language writes it: Babel's ``format_number`` costs 20 µs, this 0.3."""
        return f"{n:,}".replace(",", group) if western else format_number(n, locale=locale)

    def lang_name(code: str) -> str:
        name = content_languages.get(code)
        if name is None:
            name = content_languages[code] = _language_name(ui, code)
        return name

    def check_reason(check: str) -> str:
        from workflow.checks import CHECKS  # a check added there shows its English reason until translated

        return names["reason"].get(check) or getattr(CHECKS.get(check), "reason", "")

    return {
        "_": gettext, "gettext": gettext, "ngettext": ngettext, "ui": ui, "lang_name": lang_name, "number": number,
        "status_name": lambda status: statuses.get(status, status),
        "chips": chips,
        "role_name": lambda role: names["role"].get(role, role),
        "check_name": lambda check: names["check"].get(check, check), "check_reason": check_reason,
        "action_name": lambda action: names["action"].get(action, action),
        "delivery_name": lambda status: names["delivery"].get(status, status),
    }


class Chips(dict):
    """Status → its chip, as ``chips[status]`` (a subscript: the queue shows hundreds, and a function call from a
    template costs more than the lookup); a status without a name of its own gets a plain chip."""

    def __missing__(self, status: str) -> Markup:
        return Markup('<span class="chip">{0}</span>').format(status)


def _language_name(ui: InterfaceLanguage, code: str) -> str:
    """The registry's name in English (the CLI's too), CLDR's in any other interface language."""
    name = languages.label(code)
    if ui.code != DEFAULT:
        cldr = Locale.parse(ui.code).languages
        name = cldr.get(languages.bcp47(code).replace("-", "_")) or cldr.get(code) or name
    return name


def _current(name: str):
    return for_templates(interface())[name]


def language_name(code: str) -> str:
    return _current("lang_name")(code)


def status_name(status: str) -> str:
    return _current("status_name")(status)


def check_name(check: str) -> str:
    return _current("check_name")(check)
