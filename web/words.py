"""The interface's words in one language: ``_``/``ngettext`` for the templates' words with values, and the names
of statuses, roles, checks, formats and content languages as the pages show them.

They are built once per interface language and handed to every template by a context processor: a page calls
them dozens of times, and each of Flask-Babel's own calls looks up the request's locale again (measured: that
was a quarter of the queue's and the article page's CPU). Fixed words are not calls at all: ``web.localized``
writes them into each language's templates. Python code calls the same names through ``language_name``,
``status_name``… below.
"""

from __future__ import annotations

from babel import Locale
from babel.numbers import format_number, get_group_symbol
from babel.support import Translations
from markupsafe import Markup

from web import catalogs
from web.i18n import DEFAULT, INTERFACE, InterfaceLanguage, interface
from workflow import documents, languages
from workflow.checks import CHECKS
from workflow.corpus import Rejected
from workflow.errors import N_, BriefdeskError
from workflow.review_states import LABELS

# English, marked for the catalogs (N_), translated when each language's words are built.
STATUS_NAMES = {"new": N_("new"), "in_review": N_("in review"), "approved": N_("approved"),
                "rejected": N_("rejected")}
ROLE_NAMES = {"reader": N_("reader"), "editor": N_("editor"), "admin": N_("admin")}
CHECK_NAMES = {"numbers": N_("numbers"), "untranslated": N_("untranslated"), "repetition": N_("repetition"),
               "omission": N_("omission"), "punctuation": N_("punctuation"), "preserved": N_("preserved")}
GLOSSARY_ACTIONS = {"add": N_("add"), "edit": N_("edit"), "delete": N_("delete")}
DELIVERY_NAMES = {"pending": N_("pending"), "delivered": N_("delivered"), "failed": N_("failed")}

_built: dict[str, dict] = {}


def for_templates(ui: InterfaceLanguage) -> dict:
    """Everything a template calls for words, in ``ui``'s language (built in the first request that needs it)."""
    words = _built.get(ui.code)
    if words is None:
        words = _built[ui.code] = _build(ui)
    return words


def _build(ui: InterfaceLanguage) -> dict:
    # Loaded for ``ui`` itself, not for whatever locale Flask-Babel has at this moment (``force_locale``).
    translations = catalogs.translations(ui.code)
    names = {kind: {key: translations.ugettext(name) for key, name in table.items()} for kind, table in (
        ("status", STATUS_NAMES), ("role", ROLE_NAMES), ("check", CHECK_NAMES), ("action", GLOSSARY_ACTIONS),
        ("delivery", DELIVERY_NAMES))}
    # What each check looks for, and each download format's name: marked N_ where they are defined.
    names["reason"] = {name: translations.ugettext(check.reason) for name, check in CHECKS.items()}
    names["format"] = {fmt.ext: translations.ugettext(fmt.label) for fmt in documents.every()}
    statuses = {**LABELS, **names["status"]}  # a state added to workflow.review_states shows its English label
    content_languages: dict[str, str] = {}

    def lang_name(code: str) -> str:
        name = content_languages.get(code)
        if name is None:
            name = content_languages[code] = _language_name(ui, code)
        return name

    gettext, ngettext = _gettext(translations)
    return {
        "_": gettext, "gettext": gettext, "ngettext": ngettext, "ui": ui, "language_options": _options(ui),
        "lang_name": lang_name, "number": _number(ui),
        "status_name": lambda status: statuses.get(status, status),
        "chips": Chips({status: Markup('<span class="chip chip-{0}">{1}</span>').format(status, name)
                        for status, name in statuses.items()}),
        "role_name": lambda role: names["role"].get(role, role),
        "check_name": lambda check: names["check"].get(check, check),
        "check_reason": lambda check: names["reason"].get(check, ""),
        "action_name": lambda action: names["action"].get(action, action),
        "delivery_name": lambda status: names["delivery"].get(status, status),
        "format_name": lambda fmt: names["format"].get(fmt.ext, fmt.label),
    }


def _gettext(translations: Translations):
    """Jinja's "new style" gettext and ngettext, as its i18n extension defines them for autoescaped templates:
    the translation is markup, the values are escaped into it, and it is always %-formatted (``%%`` is a percent
    sign). A message without values is the same every time: kept."""
    ugettext, ungettext = translations.ugettext, translations.ungettext
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

    return gettext, ngettext


def _number(ui: InterfaceLanguage):
    """A count as the language writes it: Babel's ``format_number`` costs 20 µs, this 0.3 where digits go in
    groups of three (not Hindi's 1,00,000)."""
    locale = Locale.parse(ui.code)
    group = get_group_symbol(locale)
    if not locale.decimal_formats[None].pattern.startswith("#,##0"):
        return lambda n: format_number(n, locale=locale)
    return lambda n: f"{n:,}".replace(",", group)


def _options(ui: InterfaceLanguage) -> Markup:
    """The menu's options, ``ui`` selected: the same on every page (a loop of them was a tenth of a small page's
    time)."""
    return Markup("").join(
        Markup('<option value="{0}" lang="{1}"{2}>{3}</option>').format(
            other.code, other.bcp47, Markup(" selected") if other.code == ui.code else "", other.name)
        for other in INTERFACE.values())


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


def role_name(role: str) -> str:
    return _current("role_name")(role)


def said(error: BriefdeskError | Rejected) -> str:
    """A core error's message, or why an input was rejected, in the interface language; the CLI and the API show
    the English. One given without a template (``BriefdeskError(f"…")``) shows as it is."""
    message = getattr(error, "message", None)
    if not isinstance(message, str) or not message:
        return error.reason if isinstance(error, Rejected) else str(error)
    translated = catalogs.translations(interface().code).ugettext(message)
    return translated % error.values if error.values else translated
