"""Logging in and posting forms as a browser does, with the page's real CSRF token: one copy for every test.

``login``, ``post`` and ``decide`` drive Flask's test client; ``login_opener`` a live server over HTTP;
``browser_login`` a Playwright page.
"""

from __future__ import annotations

import http.cookiejar
import re
import urllib.parse
import urllib.request

_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(html: str) -> str:
    """The CSRF token of the first form in ``html``."""
    return _CSRF.search(html).group(1)


def token(client, path: str = "/login") -> str:
    """The CSRF token of the page at ``path``, as the test client's session sees it."""
    return csrf_token(client.get(path).get_data(as_text=True))


def login(app, name: str, password: str | None = None):
    """A test client logged in as ``name`` (password ``NAME-password``, the fixtures' convention)."""
    client = app.test_client()
    response = client.post("/login", data={"username": name, "password": password or f"{name}-password",
                                           "csrf_token": token(client)})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def post(client, path: str, data: dict, page: str | None = None):
    """POST a form with the token of ``page`` (default: a page every role can open)."""
    return client.post(path, data={**data, "csrf_token": token(client, page or "/approved")})


def decide(client, article: str, lang: str, decision: str, **extra):
    """Approve or reject from the article page, as the form does: naming the version the page showed, and
    confirming any open check issues (as the page's prompt does; tests/test_checks_web.py holds the refusal)."""
    extra = {"confirm_checks": "1", **extra}
    page = f"/articles/{article}"
    html = client.get(page).get_data(as_text=True)
    state = re.search(rf'id="decide-{lang}".*?name="state" value="([^"]+)"', html, re.S).group(1)
    return post(client, f"{page}/decide", {"lang": lang, "decision": decision, "state": state, **extra}, page)


def sentence_forms(html: str, lang: str) -> list[tuple[str, str, str]]:
    """(item, sentence id, base revision) of each sentence's edit form for ``lang``, in page order (the headline
    first)."""
    return re.findall(rf'name="lang" value="{lang}">\s*<input type="hidden" name="item" value="(s\d+)">\s*'
                      r'<input type="hidden" name="sentence_id" value="(\d+)">\s*'
                      r'<input type="hidden" name="base_revision" value="(\d+)">', html)


def login_opener(base: str, name: str, password: str | None = None) -> urllib.request.OpenerDirector:
    """An HTTP opener with a cookie jar, logged in to the live server at ``base``."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    page = opener.open(base + "/login", timeout=30).read().decode()
    form = {"username": name, "password": password or f"{name}-password", "csrf_token": csrf_token(page)}
    opener.open(base + "/login", urllib.parse.urlencode(form).encode(), timeout=30).close()
    return opener


def browser_login(page, base: str, name: str = "eddie") -> None:
    """Log in at ``base`` in a Playwright page, as a person does, and wait for the queue."""
    page.goto(base + "/login")
    page.fill("#username", name)
    page.fill("#password", f"{name}-password")
    page.click("form:has(#password) button[type=submit]")  # not the language menu's button
    page.wait_for_selector("table.queue")
