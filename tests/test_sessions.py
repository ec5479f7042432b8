"""Identity through the real server: where a login may redirect, sessions that end when they should, and a
login throttle that stops guessing without locking the newsroom out."""

import http.client
from datetime import timedelta
from urllib.parse import urljoin, urlsplit

import pytest
from click.testing import CliRunner
from sqlalchemy import update

from tests.web_client import csrf_token
from workflow import accounts
from workflow.cli import main
from workflow.store import LoginSession


class Browser:
    """A minimal client that keeps its cookies and shows redirects instead of following them."""

    def __init__(self, base: str, address: str | None = None):
        self.host, self.port = urlsplit(base).hostname, urlsplit(base).port
        self.cookies: dict[str, str] = {}
        self.address = address  # sent as X-Forwarded-For

    def request(self, method: str, raw_path: str, body: str | None = None) -> tuple[int, dict, str]:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=10)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.address:
            headers["X-Forwarded-For"] = self.address
        connection.putrequest(method, raw_path, skip_accept_encoding=True)  # the path goes out byte for byte
        for key, value in headers.items():
            connection.putheader(key, value)
        data = (body or "").encode()
        connection.putheader("Content-Length", str(len(data)))
        connection.endheaders(data)
        response = connection.getresponse()
        text = response.read().decode(errors="replace")
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        connection.close()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, text

    def login(self, username: str, password: str, raw_next: str = "") -> tuple[int, dict]:
        _, _, page = self.request("GET", "/login")
        token = csrf_token(page)
        from urllib.parse import urlencode

        form = urlencode({"username": username, "password": password, "csrf_token": token})
        status, headers, _ = self.request("POST", "/login" + (f"?next={raw_next}" if raw_next else ""), form)
        return status, headers


@pytest.fixture
def server(reviewed_store, config, live_server):
    from web import create_app

    return live_server(create_app(config))


HOSTILE_NEXT = [
    "/%09/evil.example", "/%0A/x", "/%0D%0A/evil.example", "/%09%09/evil.example", "//evil.example",
    "///evil.example", "/%5Cevil.example", "%5C%5Cevil.example", "/%5C/evil.example", "%5C/evil.example",
    "https://evil.example/", "HTTPS:%2F%2Fevil.example", "%20//evil.example", "%00//evil.example",
    "%09//evil.example", "/%2F/evil.example", "javascript:alert(1)", "/.//evil.example", "/x/..//evil.example",
    "%E2%80%8B//evil.example", "/%7F/evil.example", "evil.example", "http:/evil.example", "/%0Aevil",
]


@pytest.mark.parametrize("raw_next", HOSTILE_NEXT)
def test_login_never_redirects_off_site(server, raw_next):
    status, headers = Browser(server).login("eddie", "eddie-password", raw_next)
    assert status == 302, status  # never a 500
    target = urljoin(server + "/login", headers["location"])
    assert urlsplit(target).netloc == urlsplit(server).netloc, headers["location"]
    assert urlsplit(target).path in ("/", "/x/") or not urlsplit(target).path.startswith("//")


def test_login_keeps_a_local_next(server):
    status, headers = Browser(server).login("eddie", "eddie-password", "/articles/hor-namhong-china-visit%3Fx")
    assert status == 302 and headers["location"] == "/articles/hor-namhong-china-visit?x"  # %3F arrived as ?
    assert Browser(server).login("eddie", "eddie-password", "%2F%3Fstatus%3Dnew%26lang%3Dkm")[1]["location"] == \
        "/?status=new&lang=km"


def _copy(browser: Browser, server: str) -> Browser:
    thief = Browser(server)
    thief.cookies = dict(browser.cookies)
    return thief


def test_a_copied_cookie_dies_with_logout(server):
    editor = Browser(server)
    assert editor.login("eddie", "eddie-password")[0] == 302
    thief = _copy(editor, server)
    assert thief.request("GET", "/")[0] == 200
    _, _, page = editor.request("GET", "/")
    token = csrf_token(page)
    assert editor.request("POST", "/logout", f"csrf_token={token}")[0] == 302
    status, headers, _ = thief.request("GET", "/")
    assert status == 302 and "/login" in headers["location"]


@pytest.mark.parametrize("change", [
    ["users", "password", "Eddie", "--password-stdin"], ["users", "role", "eddie", "--role", "reader"],
    ["users", "remove", "eddie"], ["users", "logout", "EDDIE"],
])
def test_password_role_removal_and_logout_end_every_session(server, change):
    first, second = Browser(server), Browser(server)
    for browser in (first, second):
        assert browser.login("eddie", "eddie-password")[0] == 302
        assert browser.request("GET", "/")[0] == 200
    result = CliRunner().invoke(main, change, input="a-new-password\r\n")
    assert result.exit_code == 0, result.output
    for browser in (first, second):
        assert browser.request("GET", "/")[0] == 302
    if "password" in change:  # the CRLF line from stdin left no \r in the password
        assert Browser(server).login("eddie", "a-new-password")[0] == 302


def test_a_removed_users_cookie_never_becomes_the_next_user(server, reviewed_store):
    accounts.add_user(reviewed_store, "zed", "zed-password", "editor")
    zed = Browser(server)
    assert zed.login("zed", "zed-password")[0] == 302
    assert CliRunner().invoke(main, ["users", "remove", "zed"]).exit_code == 0
    assert CliRunner().invoke(main, ["users", "add", "boss", "--role", "admin", "--password-stdin"],
                              input="boss-password\n").exit_code == 0
    with reviewed_store.read() as session:  # ids are never reused
        from sqlalchemy import select

        from workflow.store import User

        ids = session.scalars(select(User.id).order_by(User.id)).all()
    assert ids == sorted(set(ids)) and max(ids) > 5
    status, headers, _ = zed.request("GET", "/admin/users")
    assert status == 302 and "/login" in headers["location"]


def test_an_admin_ends_anothers_sessions(server):
    editor, admin = Browser(server), Browser(server)
    assert editor.login("eddie", "eddie-password")[0] == 302
    assert admin.login("ada", "ada-password")[0] == 302
    _, _, page = admin.request("GET", "/admin/users")
    token = csrf_token(page)
    assert admin.request("POST", "/admin/users/eddie/sessions/end", f"csrf_token={token}")[0] == 303
    assert editor.request("GET", "/")[0] == 302
    assert admin.request("GET", "/")[0] == 200


def test_sessions_expire_when_idle_and_after_their_lifetime(reviewed_store):
    user = accounts.authenticate(reviewed_store, "eddie", "eddie-password")
    lifetimes = accounts.Lifetimes(idle=timedelta(minutes=30), absolute=timedelta(hours=8))
    idle = accounts.start_session(reviewed_store, user.id)
    old = accounts.start_session(reviewed_store, user.id)
    fresh = accounts.start_session(reviewed_store, user.id)
    now = accounts.utcnow()
    with reviewed_store.session() as session:
        session.execute(update(LoginSession).where(LoginSession.id == accounts._digest(idle))
                        .values(seen_at=now - timedelta(minutes=31)))
        session.execute(update(LoginSession).where(LoginSession.id == accounts._digest(old))
                        .values(created_at=now - timedelta(hours=9), seen_at=now))
    assert accounts.session_user(reviewed_store, idle, lifetimes) is None
    assert accounts.session_user(reviewed_store, old, lifetimes) is None
    assert accounts.session_user(reviewed_store, fresh, lifetimes).username == "eddie"
    assert accounts.session_user(reviewed_store, idle, accounts.Lifetimes()) is None  # deleted, not just refused


def test_made_up_usernames_from_one_address_never_lock_out_a_real_user(server):
    browser = Browser(server)
    assert [browser.login(f"nobody{i}", "guess")[0] for i in range(8)] == [401] * 8
    assert browser.login("eddie", "eddie-password")[0] == 302


def test_guessing_one_account_backs_off_for_that_pair_only(server, reviewed_store):
    attacker = Browser(server)
    assert [attacker.login("eddie", "guess")[0] for _ in range(3)] == [401] * 3
    status, headers = attacker.login("eddie", "eddie-password")  # even the right password waits now
    assert status == 429 and int(headers["retry-after"]) >= 1
    assert accounts.login_wait(reviewed_store, "127.0.0.1", "eddie") >= 1
    assert Browser(server).login("erin", "erin-password")[0] == 302  # other accounts are not affected


def test_a_noisy_address_still_lets_a_correct_password_through(server, reviewed_store):
    for i in range(accounts.Throttle().address_failures):
        accounts.login_failed(reviewed_store, "127.0.0.1", f"typo{i}")
    browser = Browser(server)
    assert browser.login("eddie", "wrong-once")[0] == 429  # wrong: throttled
    assert browser.login("erin", "erin-password")[0] == 302  # right: through
    assert accounts.address_limited(reviewed_store, "127.0.0.1")  # one's own success cleared nothing


def test_forwarded_addresses_count_only_behind_a_configured_proxy(reviewed_store, home, live_server):
    from web import create_app
    from workflow.config import Config

    for proxies, expected in ((0, "127.0.0.1"), (1, "203.0.113.7")):
        base = live_server(create_app(Config.at(home, database_url=reviewed_store.url,
                                                           trusted_proxies=proxies)))
        assert Browser(base, address="203.0.113.7").login(f"ghost{proxies}", "guess")[0] == 401
        assert accounts.login_wait(reviewed_store, expected, f"ghost{proxies}") == 0
        with reviewed_store.read() as session:
            from sqlalchemy import func, select

            from workflow.store import LoginFailure

            assert session.scalar(select(func.count()).where(LoginFailure.key == f"ip:{expected}")) >= 1


def test_usernames_are_one_account_whatever_their_case_or_spaces(reviewed_store, server):
    with pytest.raises(accounts.AccountError, match="already exists"):
        accounts.add_user(reviewed_store, " EDDIE ", "another-password", "reader")
    assert accounts.add_user(reviewed_store, "  Zed\u00a0", "zed-password", "reader").username == "zed"  # NFKC
    assert [u.username for u in accounts.list_users(reviewed_store)].count("zed") == 1
    assert Browser(server).login("  Eddie", "eddie-password")[0] == 302
