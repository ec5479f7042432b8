"""Publishing: events with every approval, withdrawal and failure; webhooks delivered to a real HTTP receiver on
loopback (signed, retried, in order, exactly once); Atom feeds read by feedparser; corrections with a note."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.etree import ElementTree

import feedparser
import pytest
from click.testing import CliRunner
from sqlalchemy import select, update

from tests.web_client import decide, login, post
from workflow import feeds, jobs, review, webhooks
from workflow.cli import main
from workflow.store import Article, Delivery, Event, Review, utcnow

ARTICLE = "hor-namhong-china-visit"
SECRET = "a-secret-of-24-bytes-ok!"
BOTH = pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)
FAST = (0.05, 0.05, 0.05, 0.05, 0.05, 0.05)  # retries in tests: the real schedule is hours


def docs_verify():
    """The signature check from docs/operations.md, run as written."""
    text = (Path(__file__).parent.parent / "docs" / "operations.md").read_text()
    code = re.search(r"<!-- webhook-verify -->\n```python\n(.*?)```", text, re.S).group(1)
    scope: dict = {}
    exec(code, scope)  # noqa: S102 - the docs' own sample
    return scope["verify"]


class Receiver:
    """A CMS's endpoint on loopback: checks each signature with the docs' code, answers ``code`` (after
    ``delay`` seconds), and records what it got."""

    def __init__(self, port: int = 0, code: int = 204, delay: float = 0.0):
        self.got: list[tuple[dict, dict]] = []
        self.bad_signatures = 0
        self.code, self.delay, self.started = code, delay, threading.Event()
        verify, receiver = docs_verify(), self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.started.set()
                time.sleep(receiver.delay)
                headers = {k.lower(): v for k, v in self.headers.items()}
                if verify(SECRET, headers, body):
                    receiver.got.append((headers, json.loads(body)))
                else:
                    receiver.bad_signatures += 1
                self.send_response(receiver.code)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def ids(self) -> list[str]:
        return [h["webhook-id"] for h, _ in self.got]


@pytest.fixture
def receiver():
    made = []

    def start(**kwargs) -> Receiver:
        made.append(Receiver(**kwargs))
        return made[-1]

    yield start
    for r in made:
        r.close()


def approve(store, lang="km", article=ARTICLE, **extra):
    review.decide(store, article, lang, "approved", "eddie", confirm_terms=True, confirm_checks=True, **extra)


def edit_first(store, lang="km", article=ARTICLE, text="កែ​ប្រែ​ថ្មី។"):
    view = review.article_view(store, article)
    row = next(r for r in view.rows if r.position >= 0 and r.in_brief)
    cell = row.cells[lang]
    review.save_sentence(store, article, lang, row.sentence_id, text, cell.revision_id, "eddie")


def kinds(store) -> list[tuple[str, str, str]]:
    with store.read() as session:
        return [(e.kind, e.external_id, e.lang) for e in session.scalars(select(Event).order_by(Event.id))]


def deliver_all(store, rounds: int = 200) -> None:
    for _ in range(rounds):
        webhooks.deliver_due(store, "test", schedule=FAST, timeout=2)
        with store.read() as session:
            if not session.scalar(select(Delivery.id).where(Delivery.status == "pending").limit(1)):
                return
        time.sleep(0.05)
    raise AssertionError("deliveries still pending")


# --- events and corrections ------------------------------------------------------------------------------------


def test_publication_events_follow_an_approval_a_correction_and_a_rejection(reviewed_store):
    store = reviewed_store
    approve(store)
    approve(store)  # approved again as it was: nothing new to tell
    edit_first(store)
    with pytest.raises(review.CorrectionNoteNeeded, match="correction note"):
        approve(store)
    approve(store, correction="The minister's name was misspelled.")
    review.decide(store, ARTICLE, "km", "rejected", "erin", "wrong story")
    assert kinds(store) == [("brief.approved", ARTICLE, "km"), ("brief.withdrawn", ARTICLE, "km"),
                            ("brief.updated", ARTICLE, "km"), ("brief.withdrawn", ARTICLE, "km")]
    with store.read() as session:
        payloads = [json.loads(e.payload) for e in session.scalars(select(Event).order_by(Event.id))]
        state = session.scalar(select(Review).join(Article).where(Article.external_id == ARTICLE, Review.lang == "km"))
        assert state.published_at is not None and state.corrected_at >= state.published_at
    first, edited, corrected, rejected = payloads
    assert first["type"] == "brief.approved" and first["data"]["corrected_at"] is None
    assert first["data"]["brief"] and first["data"]["approved_by"] == "eddie"
    assert edited["data"]["reason"] == "edited" and rejected["data"]["reason"] == "rejected"
    assert corrected["data"]["correction"] == "The minister's name was misspelled."
    assert "កែ​ប្រែ​ថ្មី" in corrected["data"]["brief"] and corrected["data"]["brief"] != first["data"]["brief"]
    assert corrected["data"]["published_at"] == first["data"]["published_at"]


def test_a_failed_story_is_an_event(reviewed_store):
    store = reviewed_store
    with store.session() as session:
        article_id = session.scalar(select(Article.id).where(Article.external_id == ARTICLE))
        jobs.enqueue(session, article_id, ["km"], "eddie")
    claim = jobs.claim(store, "w1")
    jobs.finish(store, claim.job_id, "w1", "ValueError: the model is broken")
    assert kinds(store) == [("article.failed", ARTICLE, "")]
    with store.read() as session:
        data = json.loads(session.scalar(select(Event.payload)))["data"]
    assert data == {"id": ARTICLE, "title": data["title"], "error": "ValueError: the model is broken", "attempts": 1}


# --- webhooks --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("url, secret, kinds_, message", [
    ("ftp://cms.example.org/hook", SECRET, [], r"not an http\(s\) URL"),
    ("https:///hook", SECRET, [], r"not an http\(s\) URL"),
    ("https://cms.example.org/hook", "short-secret", [], "at least 16"),
    ("https://cms.example.org/hook", SECRET, ["brief.published"], "unknown event brief.published"),
])
def test_bad_webhooks_are_refused_with_the_reason(store, url, secret, kinds_, message):
    with pytest.raises(webhooks.WebhookError, match=message):
        webhooks.add(store, url, kinds_, secret, "ada")
    assert webhooks.endpoints(store) == []


def test_the_cli_adds_lists_tests_and_removes_a_webhook(store, receiver):
    cms = receiver()
    runner = CliRunner()
    refused = runner.invoke(main, ["webhooks", "add", "file:///etc/passwd"])
    assert refused.exit_code == 2 and "not an http(s) URL" in refused.output
    added = runner.invoke(main, ["webhooks", "add", cms.url, "--secret-stdin", "--event", "brief.approved"],
                          input=SECRET + "\n")
    assert added.exit_code == 0, added.output
    assert "brief.approved" in runner.invoke(main, ["webhooks", "list"]).output
    tested = runner.invoke(main, ["webhooks", "test", "1"])
    assert tested.exit_code == 0 and "HTTP 204" in tested.output
    assert [body["type"] for _, body in cms.got] == ["webhook.test"] and cms.bad_signatures == 0
    cms.code = 500
    assert runner.invoke(main, ["webhooks", "test", "1"]).exit_code == 1
    assert runner.invoke(main, ["webhooks", "remove", "1"]).exit_code == 0
    assert "No webhook" in runner.invoke(main, ["webhooks", "list"]).output


@BOTH
def test_a_receiver_down_for_a_while_gets_every_event_once_in_order(reviewed_store, receiver):
    store = reviewed_store
    cms = receiver()
    port = cms.server.server_port
    webhooks.add(store, cms.url, [], SECRET, "ada")
    cms.close()  # down: connection refused
    approve(store)
    edit_first(store)
    approve(store, correction="Fixed a name.")
    approve(store, "zh")
    for _ in range(3):
        webhooks.deliver_due(store, "test", schedule=FAST, timeout=2)
        time.sleep(0.06)
    assert webhooks.endpoints(store)[0].pending == 4 and webhooks.attempts(store)[0].code is None
    up = receiver(port=port)  # up again, at the same address
    deliver_all(store)
    assert up.bad_signatures == 0
    got = [(body["type"], body["data"]["id"], body["data"]["lang"]) for _, body in up.got]
    assert sorted(set(up.ids())) == sorted(up.ids())  # none twice
    assert [g for g in got if g[2] == "km"] == [("brief.approved", ARTICLE, "km"), ("brief.withdrawn", ARTICLE, "km"),
                                               ("brief.updated", ARTICLE, "km")]
    assert ("brief.approved", ARTICLE, "zh") in got and len(got) == 4
    deliver_all(store)  # delivered stays delivered
    assert len(up.got) == 4 and webhooks.endpoints(store)[0].delivered == 4


def test_a_bad_url_or_a_500_never_holds_up_another_endpoint(reviewed_store, receiver):
    store = reviewed_store
    good, broken = receiver(), receiver(code=500)
    webhooks.add(store, "http://127.0.0.1:9/nothing-listens-here", [], SECRET, "ada")
    webhooks.add(store, broken.url, [], SECRET, "ada")
    webhooks.add(store, good.url, [], SECRET, "ada")
    approve(store)
    approve(store, "zh")
    for _ in range(4):
        webhooks.deliver_due(store, "test", schedule=(60,), timeout=2)
    assert len(good.got) == 2 and len(broken.got) == 1  # zh waits behind nothing: other article
    dead, failing, fine = webhooks.endpoints(store)
    assert (fine.delivered, fine.pending) == (2, 0)
    assert failing.pending == 2 and dead.pending == 2
    log = webhooks.attempts(store)
    assert any(a.code == 500 and "HTTP 500" in a.error for a in log)
    assert any(a.code is None and "ConnectionError" in a.error for a in log)


def test_a_delivery_gives_up_after_the_last_try_and_can_be_sent_again(reviewed_store, receiver):
    store = reviewed_store
    cms = receiver(code=503)
    webhook_id, _ = webhooks.add(store, cms.url, ["brief.approved"], SECRET, "ada")
    approve(store)
    for _ in range(len(FAST) + 3):
        webhooks.deliver_due(store, "test", schedule=FAST, timeout=2)
        time.sleep(0.06)
    assert len(cms.got) == len(FAST) + 1 and webhooks.endpoints(store)[0].failed == 1
    cms.code = 200
    assert webhooks.resend(store, webhook_id) == 1
    deliver_all(store)
    assert webhooks.endpoints(store)[0].delivered == 1


def test_an_old_signature_is_refused_by_the_docs_check():
    verify = docs_verify()
    body, stamp = b'{"type": "brief.approved"}', int(time.time())
    headers = {"webhook-id": "7", "webhook-timestamp": str(stamp),
               "webhook-signature": webhooks.signature(SECRET, "7", stamp, body)}
    assert verify(SECRET, headers, body)
    assert not verify("another-secret-16b", headers, body)
    assert not verify(SECRET, headers, body + b" ")
    old = stamp - 600
    assert not verify(SECRET, {**headers, "webhook-timestamp": str(old),
                               "webhook-signature": webhooks.signature(SECRET, "7", old, body)}, body)


def test_the_worker_sends_the_deliveries(reviewed_store, registry, receiver):
    from workflow import worker

    store = reviewed_store
    cms = receiver()
    webhooks.add(store, cms.url, [], SECRET, "ada")
    approve(store)
    worker.work(store, registry, until_idle=True, poll=0.05, log=lambda line: None, retry_after=FAST)
    assert [body["type"] for _, body in cms.got] == ["brief.approved"]


@pytest.mark.slow
@BOTH
def test_a_worker_killed_mid_delivery_loses_and_repeats_nothing(reviewed_store, config, receiver):
    store = reviewed_store
    cms = receiver(delay=3.0)
    webhooks.add(store, cms.url, [], SECRET, "ada")
    for lang in ("km", "zh"):
        approve(store, lang)
    approve(store, "km", article="voa-khm-2018-party-khmer-rouge")
    environment = {**os.environ, "BRIEFDESK_HOME": str(config.home), "DATABASE_URL": config.database_url}
    command = [sys.executable, "-m", "workflow", "worker", "--lease", "4", "--poll", "0.1"]
    first = subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert cms.started.wait(60), "the worker sent nothing"
        first.send_signal(signal.SIGKILL)  # while the receiver holds the first requests
    finally:
        first.wait(10)
    time.sleep(4.5)  # the killed worker's claims expire
    cms.delay = 0
    second = subprocess.run(command + ["--until-idle"], env=environment, capture_output=True, text=True, timeout=120)
    assert second.returncode == 0, second.stderr
    with store.read() as session:
        events_sent = {str(i) for i in session.scalars(select(Event.id))}
        assert session.scalar(select(Delivery.id).where(Delivery.status != "delivered").limit(1)) is None
    assert set(cms.ids()) == events_sent  # nothing lost
    repeated = {i for i in cms.ids() if cms.ids().count(i) > 1}
    assert 1 <= len(repeated) <= 2  # the ones in flight at the kill (one per article), sent again, same id
    assert cms.bad_signatures == 0


# --- feeds -----------------------------------------------------------------------------------------------------


@pytest.fixture
def app(reviewed_store, config):
    from web import create_app

    return create_app(config)


ATOM = "{http://www.w3.org/2005/Atom}"


def read_feed(client, path, **kwargs):
    """The feed as feedparser reads it, after checking what RFC 4287 requires of it."""
    response = client.get(path, **kwargs)
    if response.status_code == 200:
        root = ElementTree.fromstring(response.get_data())
        assert root.tag == f"{ATOM}feed"
        for element in [root, *root.findall(f"{ATOM}entry")]:  # id, title, updated: exactly one each
            for name in ("id", "title", "updated"):
                assert len(element.findall(f"{ATOM}{name}")) == 1, (element.tag, name)
            assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", u.text)
                       for u in element.findall(f"{ATOM}updated") + element.findall(f"{ATOM}published"))
        assert root.find(f"{ATOM}author/{ATOM}name") is not None  # every entry inherits the feed's author
    return response, feedparser.parse(response.get_data())


@BOTH
def test_feeds_are_atom_newest_first_and_a_correction_moves_updated(app, reviewed_store):
    store = reviewed_store
    approve(store, "km", article="voa-khm-2018-party-khmer-rouge")
    approve(store)
    client = login(app, "rita")
    response, feed = read_feed(client, "/feeds/km.atom")
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    assert feed.bozo == 0 and feed.version == "atom10", feed.get("bozo_exception")
    assert [e.category for e in feed.entries] == [ARTICLE, "voa-khm-2018-party-khmer-rouge"]
    first = feed.entries[0]
    assert first.title and first.content[0].value and first.published == first.updated
    assert feed.feed.language == "km" or first.content[0].language == "km"
    with store.session() as session:  # the correction comes a while later
        session.execute(update(Review).values(published_at=utcnow() - timedelta(hours=1)))
    edit_first(store)
    approve(store, correction="The date was wrong.")
    _, again = read_feed(client, "/feeds/km.atom")
    corrected = again.entries[0]
    assert corrected.id == first.id and corrected.updated > first.updated
    assert corrected.published_parsed < corrected.updated_parsed
    assert corrected.summary == "Correction: The date was wrong." and "កែ​ប្រែ​ថ្មី" in corrected.content[0].value
    _, english = read_feed(client, "/feeds/en.atom")
    assert english.bozo == 0 and english.entries[0].category == ARTICLE
    _, chinese = read_feed(client, "/feeds/zh.atom")
    assert chinese.bozo == 0 and chinese.entries == []
    assert client.get("/feeds/fr.atom").status_code == 404


def test_feeds_need_a_login_or_a_token_until_the_admin_makes_them_public(app, reviewed_store):
    from workflow import accounts

    store = reviewed_store
    approve(store)
    anonymous = app.test_client()
    refused = anonymous.get("/feeds/km.atom")
    assert refused.status_code == 401 and "token" in refused.get_data(as_text=True)
    token = accounts.create_token(store, "rita")
    assert anonymous.get(f"/feeds/km.atom?token={token}").status_code == 200
    assert anonymous.get("/feeds/km.atom", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert anonymous.get("/feeds/km.atom?token=made-up").status_code == 401
    admin = login(app, "ada")
    assert post(admin, "/admin/publishing/feeds", {"public": "on"}, "/admin/publishing").status_code == 303
    assert feeds.public(store)
    _, feed = read_feed(anonymous, "/feeds/km.atom")
    assert feed.bozo == 0 and len(feed.entries) == 1
    assert CliRunner().invoke(main, ["feeds", "public", "off"]).exit_code == 0
    assert anonymous.get("/feeds/km.atom").status_code == 401


# --- the desk --------------------------------------------------------------------------------------------------


def test_the_publishing_page_is_for_admins_and_refuses_a_bad_url(app, reviewed_store, receiver):
    editor = login(app, "eddie")
    assert editor.get("/admin/publishing").status_code == 403
    admin = login(app, "ada")
    bad = post(admin, "/admin/publishing", {"url": "javascript:alert(1)", "secret": SECRET}, "/admin/publishing")
    assert bad.status_code == 400 and "not an http(s) URL" in bad.get_data(as_text=True)
    cms = receiver()
    added = post(admin, "/admin/publishing", {"url": cms.url, "secret": SECRET, "kinds": ["brief.approved"]},
                 "/admin/publishing")
    assert added.status_code == 303
    assert post(admin, "/admin/publishing/1/test", {}, "/admin/publishing").status_code == 303
    page = admin.get("/admin/publishing").get_data(as_text=True)
    assert cms.url in page and "HTTP 204" in page and "webhook.test" in page


def test_the_article_page_asks_for_a_correction_note_and_the_api_carries_it(app, reviewed_store):
    store = reviewed_store
    approve(store)
    edit_first(store)
    client = login(app, "eddie")
    assert 'name="correction"' in client.get(f"/articles/{ARTICLE}").get_data(as_text=True)
    refused = decide(client, ARTICLE, "km", "approved", comment="kept")
    assert refused.status_code == 409 and "correction note" in refused.get_data(as_text=True)
    assert 'value="kept"' in refused.get_data(as_text=True)
    assert decide(client, ARTICLE, "km", "approved", correction="A wrong figure.").status_code == 303
    page = client.get(f"/articles/{ARTICLE}").get_data(as_text=True)
    assert "corrected" in page and "A wrong figure." in page
    brief = client.get("/api/v1/briefs?lang=km").get_json()["briefs"][0]
    assert brief["correction"] == "A wrong figure." and brief["corrected_at"] >= brief["published_at"]


def test_a_brief_published_before_corrections_were_tracked_is_approved_again_without_a_note(reviewed_store):
    store = reviewed_store
    approve(store)
    review.decide(store, ARTICLE, "km", "rejected", "erin")
    with store.session() as session:  # as migration 0014 leaves a language approved before it
        session.execute(update(Review).values(published_hash=""))
    approve(store)  # no CorrectionNoteNeeded: nothing says its text changed
    assert kinds(store)[-1] == ("brief.approved", ARTICLE, "km")


def test_a_control_character_in_a_story_never_breaks_the_feed(app, reviewed_store):
    store = reviewed_store
    approve(store)
    with store.session() as session:
        session.execute(update(Review).values(correction="bad\x0bnote"))
    _, feed = read_feed(login(app, "rita"), "/feeds/km.atom")
    assert feed.bozo == 0 and feeds.xml_text("a\x0cb\x00c") == "abc"


def test_resend_never_sends_an_event_after_a_later_one_of_its_story(reviewed_store, receiver):
    store = reviewed_store
    cms = receiver(code=503)
    webhook_id, _ = webhooks.add(store, cms.url, [], SECRET, "ada")
    approve(store)
    for _ in range(len(FAST) + 2):  # the approval fails for good
        webhooks.deliver_due(store, "test", schedule=FAST, timeout=2)
        time.sleep(0.06)
    cms.code = 200
    review.decide(store, ARTICLE, "km", "rejected", "erin")
    deliver_all(store)  # the withdrawal goes out
    assert webhooks.resend(store, webhook_id) == 0
    assert [body["type"] for _, body in cms.got][-1] == "brief.withdrawn"
