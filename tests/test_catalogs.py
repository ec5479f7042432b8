"""The interface catalogs stay whole: every string a page shows is marked for translation, every marked string
has its Khmer and Chinese translation (none fuzzy, none left over), and the compiled ``.mo`` files are those of
the ``.po`` sources. The commands that mend each failure are in docs/operations.md, "Interface languages"."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from web.catalogs import CATALOGS
from web.i18n import DEFAULT, INTERFACE

WEB = Path(__file__).resolve().parent.parent / "web"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None, "N_": None}
TRANSLATED = [code for code in INTERFACE if code != DEFAULT]
FIX = "docs/operations.md#interface-languages: pybabel extract, update, translate, compile"


def _marked() -> set[str]:
    """Every msgid of the web layer and of the core's messages, extracted as ``pybabel extract … web workflow``
    does (the patterns of babel.cfg)."""
    method_map = [("**.py", "python"), ("templates/**.html", "jinja2")]
    found = [*extract_from_dir(WEB, method_map, keywords={**KEYWORDS}, comment_tags=()),
             *extract_from_dir(WEB.parent / "workflow", method_map, keywords={**KEYWORDS}, comment_tags=())]
    return {message if isinstance(message, str) else message[0] for _file, _line, message, _comments, _context
            in found}


def _catalog(code: str):
    with (CATALOGS / code / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=code)


@pytest.fixture(scope="module")
def marked() -> set[str]:
    return _marked()


def test_every_catalog_folder_is_an_interface_language_and_back():
    folders = {path.name for path in CATALOGS.iterdir() if (path / "LC_MESSAGES" / "messages.po").is_file()}
    assert folders == set(TRANSLATED), "a catalog needs its line in web.i18n.INTERFACE, and a line its catalog"


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_marked_string_is_translated_and_nothing_is_fuzzy_or_left_over(marked, code):
    catalog = _catalog(code)
    ids = {message.id if isinstance(message.id, str) else message.id[0] for message in catalog if message.id}
    missing = sorted(marked - ids)
    assert not missing, f"{code}: not in the catalog ({FIX}): {missing[:10]}"
    untranslated = [m.id for m in catalog if m.id and not all(m.string if isinstance(m.string, tuple) else [m.string])]
    assert not untranslated, f"{code}: no translation: {untranslated[:10]}"
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert not fuzzy, f"{code}: fuzzy (check each, then drop the flag): {fuzzy[:10]}"
    assert not catalog.obsolete, f"{code}: obsolete entries (delete them): {list(catalog.obsolete)[:10]}"
    stale = sorted(ids - marked)
    assert not stale, f"{code}: no longer in the app ({FIX}): {stale[:10]}"
    problems = [(message.id, [str(e) for e in errors]) for message, errors in catalog.check()]
    assert not problems, f"{code}: placeholders differ from the English: {problems[:5]}"
    # The words are %-formatted as the templates render them (and folded into them, web/localized.py).
    unformattable = []
    for message in catalog:
        for text in (message.string if isinstance(message.string, tuple) else [message.string]):
            if message.id and "python-format" not in message.flags:
                try:
                    text % {}
                except (KeyError, ValueError, TypeError):
                    unformattable.append(message.id)
    assert not unformattable, f"{code}: a stray % (write %% for a percent sign): {unformattable[:5]}"
    # Translations are written into attributes (title="…") as they are: a straight quote there would end one.
    quoted = [m.id for m in catalog if m.id and '"' in "".join(m.string if isinstance(m.string, tuple) else [m.string])
              and '"' not in str(m.id)]
    assert not quoted, f"{code}: use “ ” or 「」, not \", in: {quoted[:5]}"


@pytest.mark.parametrize("code", TRANSLATED)
def test_the_compiled_catalog_is_that_of_its_source(code):
    mo = CATALOGS / code / "LC_MESSAGES" / "messages.mo"
    assert mo.is_file(), f"{mo} missing: run pybabel compile -d web/translations"
    with mo.open("rb") as handle:
        compiled = {_key(m.id): _key(m.string) for m in read_mo(handle) if m.id}
    source = {_key(m.id): _key(m.string) for m in _catalog(code) if m.id and not m.fuzzy}
    assert compiled == source, f"{mo} is older than its .po: run pybabel compile -d web/translations"


def _key(text: str | tuple | list) -> str | tuple:
    """A plural's forms as a tuple (the .po reader gives tuples, the .mo reader lists)."""
    return text if isinstance(text, str) else tuple(text)


# --- every string a page shows is marked --------------------------------------------------------------------

SHOWN_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt", "data-confirm"}
NOT_WORDS = {"code", "kbd", "script", "style"}
"""Commands, keys, code: the same in every language."""
NAMES = {"Briefdesk", "TER", "chrF", "HTTP", "API"}
"""Names and metrics, not words to translate."""
_TEMPLATE_CODE = re.compile(r"{%-?\s*trans\b.*?endtrans\s*-?%}|{#.*?#}|{{.*?}}|{%.*?%}", re.S)


class _Words(HTMLParser):
    """The words of a template outside its Jinja code, except commands and what is marked English (``lang=en``:
    the stories themselves, the English-only API reference)."""

    def __init__(self):
        super().__init__()
        self.open: list[tuple[str, bool]] = []  # (tag, English inside)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        # (the page's own lang, on <html>, is the interface's: not a mark of English content)
        english = (self.open[-1][1] if self.open else False) or (attributes.get("lang") == "en" and tag != "html")
        if tag not in {"br", "input", "meta", "link", "img", "hr", "wbr", "source"}:
            self.open.append((tag, english))
        if not english:
            self.found += [value for name, value in attrs if name in SHOWN_ATTRIBUTES and value]

    def handle_endtag(self, tag):
        while self.open:
            if self.open.pop()[0] == tag:
                break

    def handle_data(self, data):
        inside = {tag for tag, _ in self.open}
        if not (self.open and self.open[-1][1]) and not inside & NOT_WORDS:
            self.found.append(data)


def unmarked(template: str) -> list[str]:
    words = _Words()
    words.feed(_TEMPLATE_CODE.sub(" ", template))
    return [text.strip() for text in words.found if re.search(r"[A-Za-z]{2,}", text)
            and not set(re.findall(r"[A-Za-z][A-Za-z]+", text)) <= NAMES]


def test_every_word_a_page_shows_is_marked_for_translation():
    found = {path.name: unmarked(path.read_text()) for path in sorted((WEB / "templates").glob("*.html"))}
    assert not {name: words for name, words in found.items() if words}, "wrap them in {{ _('…') }}"


def test_the_unmarked_check_finds_words_in_text_and_in_attributes():
    assert unmarked('<p>{{ _("Saved") }}</p><p title="{{ x }}">Reject</p>') == ["Reject"]
    assert unmarked('<input placeholder="Search">') == ["Search"]
    assert unmarked('<p lang="en">{{ story }} words</p><code>briefdesk run</code> <kbd>n</kbd>') == []
    assert unmarked("{% trans %}Paste a story{% endtrans %} <strong>TER</strong>") == []


def test_every_core_message_template_gets_exactly_its_values():
    """``SomeError(N_("no user %(name)r"), name=…)``, ``Rejected.because(source, N_(…), …)``: a value missing
    is a KeyError where it is raised (the CLI would print a traceback, not the message); one too many is a value
    nobody reads."""
    import ast

    mismatched, checked = [], 0
    for path in sorted((WEB.parent / "workflow").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            marked = [arg for arg in node.args if isinstance(arg, ast.Call) and getattr(arg.func, "id", "") == "N_"]
            if not marked:
                continue
            template, checked = marked[0].args[0].value, checked + 1
            wanted = set(re.findall(r"%\((\w+)\)", template))
            given = {keyword.arg for keyword in node.keywords}
            if wanted != given:
                mismatched.append(f"{path.name}:{node.lineno}: {template!r} gets {sorted(given)}")
    assert not mismatched, mismatched
    assert checked >= 50  # the scan saw the core's messages
