"""The interface in the editors' own languages: which there are, which one a request gets, and the menu that
changes it (the words themselves: ``web.words``).

A request gets the language its user chose (kept in their account, so it follows them to any browser), else
the best match of the browser's ``Accept-Language``, else English. Adding an interface language is its catalog
(``web/translations/<code>``, see docs/operations.md, "Interface languages") and one line in ``INTERFACE``. The CLI
and the API stay English: only the pages ask for translations.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, Flask, g, has_request_context, redirect, request, session, url_for
from flask_babel import Babel, get_locale
from flask_login import current_user

from web.catalogs import CATALOGS
from workflow import accounts


@dataclass(frozen=True)
class InterfaceLanguage:
    code: str
    """The catalog's locale: ``web/translations/<code>/LC_MESSAGES/messages.po``."""
    name: str
    """In its own language, as the menu shows it."""
    bcp47: str
    """The page's ``lang`` attribute."""


INTERFACE = {language.code: language for language in (
    InterfaceLanguage("en", "English", "en"),
    InterfaceLanguage("km", "ខ្មែរ", "km"),
    InterfaceLanguage("zh", "中文（简体）", "zh-Hans"),
)}
DEFAULT = "en"

blueprint = Blueprint("i18n", __name__)


def init_app(app: Flask) -> None:
    from web import words

    Babel(app, locale_selector=select_locale, default_translation_directories=str(CATALOGS))
    app.context_processor(lambda: words.for_templates(interface()))
    app.register_blueprint(blueprint)


def select_locale() -> str:
    """The user's choice, else the browser's best match, else English (Flask-Babel asks once a request;
    outside one, in a shell or a thread, English)."""
    if not has_request_context():
        return DEFAULT
    chosen = getattr(current_user, "locale", "") or session.get("locale", "")
    if chosen in INTERFACE:
        return chosen
    return request.accept_languages.best_match(INTERFACE, DEFAULT)


def interface() -> InterfaceLanguage:
    """This request's interface language."""
    code = g.get("interface_code")
    if code is None:
        code = g.interface_code = str(get_locale() or DEFAULT)
    return INTERFACE.get(code) or INTERFACE[DEFAULT]


@blueprint.route("/interface-language", methods=["POST"])
def choose():
    """The menu on every page: kept in the account when logged in, in the session cookie before."""
    from web import store
    from web.auth import safe_next

    code = request.form.get("locale", "")
    if code in INTERFACE or code == "":
        if current_user.is_authenticated:
            accounts.set_locale(store(), current_user.username, code)
        session["locale"] = code
        # Logging in keeps a choice made on the login page, not one left behind by the last user's logout.
        session["locale_to_keep"] = not current_user.is_authenticated
    return redirect(safe_next(request.form.get("next", "")) or url_for("queue.index"), 303)
