"""The review app in the editors' languages: the choice is kept in the account (any browser, after logout and
login), else the browser's Accept-Language, else English; messages, form errors, dates and numbers follow; the
API stays English. The expected words come from the compiled catalogs the app itself reads."""

from __future__ import annotations

import difflib
import re

import pytest
from babel.support import Translations

from tests.web_client import login, post, token
from web.catalogs import CATALOGS
from workflow import accounts

ARTICLE = "hor-namhong-china-visit"
_SIGNED = re.compile(r'(?<=name="csrf_token" )(type="hidden" )?value="[^"]+"')
"""A CSRF token, as the app's own inputs and Flask-WTF's write it (signed with the second it was made in)."""


@pytest.fixture
def app(reviewed_store, config):
    from web import create_app

    return create_app(config)


def words(code: str) -> Translations:
    return Translations.load(str(CATALOGS), [code])


def html_lang(html: str) -> str:
    return re.search(r'<html lang="([^"]+)"', html).group(1)


def choose(client, code: str, next_page: str = "/"):
    return client.post("/interface-language", data={"locale": code, "next": next_page,
                                                    "csrf_token": token(client, "/login")})


def test_english_unless_the_browser_or_the_user_says_otherwise(app):
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    assert html_lang(page) == "en" and "<h1>Log in</h1>" in page
    for header, code, tag in (("zh-CN,zh;q=0.9,en;q=0.5", "zh", "zh-Hans"), ("km-KH", "km", "km"),
                              ("fr-FR, km;q=0.3", "km", "km"), ("de-DE", "en", "en")):
        page = client.get("/login", headers={"Accept-Language": header}).get_data(as_text=True)
        assert html_lang(page) == tag, header
        assert f"<h1>{words(code).gettext('Log in') if code != 'en' else 'Log in'}</h1>" in page, header
    assert words("km").gettext("Log in") != "Log in" and words("zh").gettext("Log in") != "Log in"


def test_the_choice_is_kept_in_the_account_for_every_browser_and_after_logout(app, reviewed_store):
    khmer = words("km")
    client = login(app, "eddie")
    response = choose(client, "km", "/glossary")
    assert response.status_code == 303 and response.headers["Location"].endswith("/glossary")
    assert accounts.session_user(reviewed_store, _session_token(client)).locale == "km"
    page = client.get("/").get_data(as_text=True)
    assert html_lang(page) == "km" and f"<h1>{khmer.gettext('Review queue')}</h1>" in page
    assert '<option value="km" lang="km" selected>ខ្មែរ</option>' in page
    # A second browser that asks for Chinese: the account's choice wins once logged in.
    other = app.test_client()
    other.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    assert html_lang(other.get("/login").get_data(as_text=True)) == "zh-Hans"
    other.post("/login", data={"username": "eddie", "password": "eddie-password", "csrf_token": token(other)})
    assert html_lang(other.get("/").get_data(as_text=True)) == "km"
    # Logout keeps the language of the login page; logging in again keeps the account's.
    logged_out = client.post("/logout", data={"csrf_token": token(client, "/")}, follow_redirects=True)
    page = logged_out.get_data(as_text=True)
    assert html_lang(page) == "km" and khmer.gettext("You are logged out.") in page
    client.post("/login", data={"username": "eddie", "password": "eddie-password", "csrf_token": token(client)})
    assert html_lang(client.get("/stats").get_data(as_text=True)) == "km"
    # Back to English, for this account everywhere; an unknown code changes nothing.
    choose(client, "fr")
    assert html_lang(other.get("/").get_data(as_text=True)) == "km"
    choose(client, "en")
    assert html_lang(other.get("/").get_data(as_text=True)) == "en"


def _session_token(client) -> str:
    """The session token Flask-Login keeps (the test client's session cookie, read as the app reads it)."""
    with client.session_transaction() as session:
        return session["_user_id"]


def test_a_language_chosen_before_login_is_kept_by_the_account(app, reviewed_store):
    client = app.test_client()
    choose(client, "zh", "/login")
    client.post("/login", data={"username": "erin", "password": "erin-password", "csrf_token": token(client)})
    with reviewed_store.session() as session:
        from workflow.store import User

        assert session.query(User).filter_by(username="erin").one().locale == "zh"


def test_a_language_left_by_the_last_users_logout_is_not_taken_by_the_next(app, reviewed_store):
    client = login(app, "eddie")
    choose(client, "km")
    client.post("/logout", data={"csrf_token": token(client, "/")})
    client.post("/login", data={"username": "erin", "password": "erin-password", "csrf_token": token(client)})
    with reviewed_store.session() as session:
        from workflow.store import User

        assert session.query(User).filter_by(username="erin").one().locale == ""


def test_the_menu_needs_its_csrf_token_and_goes_back_only_to_this_site(app):
    client = login(app, "eddie")
    assert client.post("/interface-language", data={"locale": "km"}).status_code == 400
    assert choose(client, "zh", "//evil.example/").headers["Location"] == "/"
    assert html_lang(client.get("/").get_data(as_text=True)) == "zh-Hans"


def test_messages_form_errors_dates_and_numbers_follow_the_language(app):
    chinese = words("zh")
    admin = login(app, "ada")
    choose(admin, "zh")
    refused = post(admin, "/admin/users", {"username": "x1", "password": "short", "role": "reader"}, "/admin/users")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert chinese.gettext("Between %(min)d and %(max)d characters.") % {"min": 8, "max": 200} in page
    assert f"{chinese.gettext('Password')}: " in page
    assert re.search(r"<td>\d{4}年\d{1,2}月\d{1,2}日</td>", page), "the Since column in Chinese date form"
    assert f"<td>{chinese.gettext('editor')}</td>" in page  # role names too
    history = admin.get(f"/articles/{ARTICLE}").get_data(as_text=True)
    assert chinese.gettext("Approve") in history and f'lang="zh-Hans">{chinese.gettext("Approve")}' not in history
    assert 'lang="km"' in history and 'lang="en">' in history  # the content keeps its own languages
    added = post(admin, "/admin/users", {"username": "newbie", "password": "long-enough", "role": "reader"},
                 "/admin/users")
    assert chinese.gettext("Added %(user)s (%(role)s).") % {"user": "newbie", "role": chinese.gettext("reader")} \
        in admin.get(added.headers["Location"]).get_data(as_text=True)


def test_the_api_and_its_errors_stay_english(app):
    client = login(app, "eddie")
    choose(client, "km")
    missing = client.get("/api/v1/articles/no-such-story", headers={"Accept-Language": "km"})
    assert missing.status_code == 404 and missing.is_json
    assert re.fullmatch(r"[ -~]+", missing.get_json()["error"]), "an English message"


def test_fixed_words_are_written_into_each_languages_template_and_the_rest_stay_calls():
    from web.localized import write_in

    khmer = words("km")
    source = ("<h1>{{ _('Review queue') }}</h1><p>{{ _('page %(page)s', page=1) }}</p>"
              "<b>{{ _('Not a msgid, 100%% sure') }}</b>{{- _('Queue') }}")
    written = write_in(source, "km")
    assert written.startswith(f"<h1>{khmer.gettext('Review queue')}</h1>")
    assert "{{ _('page %(page)s', page=1) }}" in written  # values: still a call
    assert "<b>Not a msgid, 100% sure</b>" in written  # untranslated: the English, as the call renders it
    assert "{{- _('Queue') }}" in written  # whitespace control: left to the call
    assert write_in("{{ _('Review queue') }}", "en") == "Review queue"


def test_pages_are_rendered_from_their_languages_template(app):
    client = login(app, "eddie")
    choose(client, "zh")
    page = client.get("/").get_data(as_text=True)
    assert f"<h1>{words('zh').gettext('Review queue')}</h1>" in page
    loaded = {name for _loader, name in app.jinja_env.cache.keys()}
    assert {"zh:queue.html", "zh:base.html"} <= loaded


def test_the_cores_reasons_are_said_in_the_interface_language_and_stay_english_for_the_cli(app, reviewed_store):
    with pytest.raises(accounts.AccountError) as refused:
        accounts.add_user(reviewed_store, "eddie", "long-enough", "reader")
    assert str(refused.value) == "user 'eddie' already exists"  # what the CLI prints, as before
    admin = login(app, "ada")
    choose(admin, "km")
    page = post(admin, "/admin/users", {"username": "eddie", "password": "long-enough", "role": "reader"},
                "/admin/users").get_data(as_text=True)
    assert words("km").gettext("user %(name)r already exists") % {"name": "eddie"} in page.replace("&#39;", "'")


@pytest.mark.parametrize("code", ["km", "zh", "en"])
def test_pages_with_their_words_written_in_are_the_pages_the_calls_render(app, config, code):
    """The same session on two apps over one store, fixed words folded into the templates and not: every page
    byte for byte the same (only the folded templates are faster)."""
    from web import create_app

    plain = create_app(config, {"FOLD_FIXED_WORDS": False}).test_client()
    client = login(app, "ada")
    choose(client, code)
    client.get("/")  # the flash of the choice, gone
    plain.set_cookie("session", client.get_cookie("session").value)
    for path in ("/", f"/articles/{ARTICLE}", "/glossary", "/stories/new", "/stats", "/admin/users", "/approved",
                 "/admin/publishing", "/no-such-page"):
        folded, called = (_SIGNED.sub("value=csrf", c.get(path).get_data(as_text=True)) for c in (client, plain))
        assert folded == called, (path, [line for line in difflib.unified_diff(
            called.splitlines(), folded.splitlines(), lineterm="", n=0)][:12])
    assert any(name.startswith(f"{code}:") for _loader, name in app.jinja_env.cache.keys())
    assert not any(":" in name for _loader, name in plain.application.jinja_env.cache.keys())


def test_a_word_whose_translation_could_change_the_template_stays_a_call():
    from web.localized import write_in

    assert write_in("{# {{ _('Queue') }} #}{% raw %}{{ _('Queue') }}{% endraw %}", "km") == \
        "{# {{ _('Queue') }} #}{% raw %}{{ _('Queue') }}{% endraw %}"
    assert write_in("{{ _('No such words, {a} #b') }}", "km") == "{{ _('No such words, {a} #b') }}"
    assert write_in("{{ _(' spaced ') }}", "zh") == "{{ _(' spaced ') }}"


def test_why_an_upload_was_refused_is_said_in_the_interface_language(app):
    import io

    from workflow import corpus

    assert str(corpus.read_upload("notes.txt", b"\x00\x01binary")[0]) == "notes.txt: binary file (NUL bytes), not text"
    editor = login(app, "eddie")
    choose(editor, "zh")
    refused = editor.post("/stories/new", data={"csrf_token": token(editor, "/stories/new"), "title": "",
                                                "text": "", "upload": (io.BytesIO(b"\x00\x01binary"), "notes.txt")},
                          content_type="multipart/form-data")
    assert refused.status_code == 400
    assert f"notes.txt: {words('zh').gettext('binary file (NUL bytes), not text')}" in refused.get_data(as_text=True)
