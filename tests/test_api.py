"""The CMS API (/api/v1) through the real app: Flask's test client, real SQLite (PostgreSQL where marked), real
CSRF, and once over HTTP against a real server with a real worker."""

import base64
import json
import re
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select, text, update

from tests.web_client import csrf_token, login, login_opener, post
from workflow import accounts, languages
from workflow.schema import ApiToken
from workflow.store import Article, Decision, Job, Review, Translation

ARTICLE = "hor-namhong-china-visit"
STORY = {"id": "cms/2026/visit", "title": "Hor Namhong in China",
         "text": "Cambodian Foreign Minister Hor Namhong is in China this week for official talks aimed at "
                 "strengthening trade and security ties.\n\nChina also aims to boost the livelihood of Cambodians "
                 "living in remote areas and provide scholarships for Cambodian university students."}
# Every route of the blueprint, as (method, path): the auth and role tests walk all of them.
ENDPOINTS = [("POST", "/api/v1/articles"), ("GET", f"/api/v1/articles/{ARTICLE}"), ("GET", "/api/v1/briefs"),
             ("GET", "/api/v1/openapi.json")]
READABLE = {"/api/v1/briefs", "/api/v1/openapi.json"}


def _users(store):
    for name, role in (("rita", "reader"), ("eddie", "editor"), ("ada", "admin")):
        accounts.add_user(store, name, f"{name}-password", role)
    return store


@pytest.fixture
def app(store, config):
    """The app over a store with users and no articles (no models needed: nothing is decoded here)."""
    from web import create_app

    _users(store)
    return create_app(config)


@pytest.fixture
def reviewed_app(reviewed_store, config):
    from web import create_app

    return create_app(config)


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def call(client, method, path, token=None, **kwargs):
    return client.open(path, method=method, headers=bearer(token) if token else {}, **kwargs)


def counts(store) -> tuple[int, int]:
    with store.read() as session:
        return session.scalar(select(func.count(Article.id))), session.scalar(select(func.count(Job.id)))


# --- tokens --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)
def test_a_token_is_shown_once_stored_as_a_hash_and_ends_with_revocation_role_change_or_removal(store):
    _users(store)
    token = accounts.create_token(store, "Eddie")
    assert token.startswith(accounts.TOKEN_PREFIX) and len(token) > 40
    assert token != accounts.create_token(store, "eddie")
    with store.read() as session:
        stored = set(session.scalars(select(ApiToken.digest)))
        assert token not in stored and len(stored) == 2  # only hashes are kept
        assert session.scalar(select(ApiToken.last_used_at).where(ApiToken.digest.in_(stored)).limit(1)) is None
    account = accounts.token_account(store, token)
    assert (account.username, account.role, account.retry_after) == ("eddie", "editor", 0)
    with store.read() as session:
        assert session.scalar(select(func.count()).where(ApiToken.last_used_at.is_not(None))) == 1
    for garbage in ("", "bd_", "bd_" + "x" * 43, token[:-1], "not-a-token"):
        assert accounts.token_account(store, garbage) is None
    assert accounts.revoke_tokens(store, "eddie") == 2
    assert accounts.token_account(store, token) is None
    assert accounts.revoke_tokens(store, "eddie") == 0
    with store.read() as session:  # revoked, not deleted: when it was made and used stays on record
        assert session.scalar(select(func.count()).where(ApiToken.revoked_at.is_not(None))) == 2

    fresh = accounts.create_token(store, "eddie")
    accounts.set_role(store, "eddie", "admin")
    assert accounts.token_account(store, fresh) is None  # new rights, new token
    # A password change or "end sessions" shuts the account everywhere, tokens too, unless the admin keeps them.
    for end, keep in ((lambda **kw: accounts.set_password(store, "eddie", "a-new-password", **kw), "keep_tokens"),
                      (lambda **kw: accounts.end_sessions(store, "eddie", **kw), "keep_tokens")):
        kept_token = accounts.create_token(store, "eddie")
        end(**{keep: True})
        assert accounts.token_account(store, kept_token).username == "eddie"
        end()
        assert accounts.token_account(store, kept_token) is None
    kept = accounts.create_token(store, "ada")
    accounts.remove_user(store, "ada")
    assert accounts.token_account(store, kept) is None
    with store.read() as session:  # eddie's five stay (revoked); ada's went with her
        assert session.scalar(select(func.count(ApiToken.id))) == 5
    with pytest.raises(accounts.AccountError, match="no user"):
        accounts.create_token(store, "nobody")


def test_the_admins_end_sessions_button_revokes_tokens_unless_kept(app, store):
    admin = login(app, "ada")
    assert 'name="keep_tokens"' in admin.get("/admin/users").get_data(as_text=True)
    for fields, alive in (({"keep_tokens": "1"}, True), ({}, False)):
        token = accounts.create_token(store, "eddie")
        response = post(admin, "/admin/users/eddie/sessions/end", fields, page="/admin/users")
        assert response.status_code == 303
        assert (accounts.token_account(store, token) is not None) is alive, fields


def test_users_token_command_prints_the_token_once_and_revokes(home, store):
    from workflow.cli import main

    _users(store)
    result = CliRunner().invoke(main, ["users", "token", "eddie"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    token = result.stdout.strip()
    assert re.fullmatch(r"bd_[A-Za-z0-9_-]{43}", token)  # alone on stdout, for scripts
    assert "shown only once" in result.stderr
    assert accounts.token_account(store, token).username == "eddie"
    revoked = CliRunner().invoke(main, ["users", "token", "eddie", "--revoke"], catch_exceptions=False)
    assert revoked.exit_code == 0 and "revoked 1 token(s) of eddie" in revoked.output
    assert accounts.token_account(store, token) is None
    missing = CliRunner().invoke(main, ["users", "token", "nobody"])
    assert missing.exit_code == 1 and "no user 'nobody' (an API client is added with --create ROLE)" in missing.output
    for command, message in ((["users", "logout", "eddie"], "API tokens revoked"),
                             (["users", "password", "eddie", "--password-stdin"], "1 API token(s) revoked")):
        token = accounts.create_token(store, "eddie")
        kept = CliRunner().invoke(main, [*command, "--keep-tokens"], input="a-new-password\n", catch_exceptions=False)
        assert kept.exit_code == 0 and "API tokens kept" in kept.output, kept.output
        assert accounts.token_account(store, token).username == "eddie"
        ended = CliRunner().invoke(main, command, input="a-new-password\n", catch_exceptions=False)
        assert ended.exit_code == 0 and message in ended.output, ended.output
        assert accounts.token_account(store, token) is None


def test_the_docs_cms_bot_example_runs_as_written_and_the_bot_never_logs_in(app, store):
    """docs/operations.md's first CMS command, run as it is written there."""
    import shlex

    from workflow.cli import main

    line = next(line for line in (Path(__file__).parents[1] / "docs" / "operations.md").read_text().splitlines()
                if line.startswith("briefdesk users token cms-bot"))
    result = CliRunner().invoke(main, shlex.split(line.split("#")[0])[1:], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "added API client cms-bot (editor, no password)" in result.stderr
    token = result.stdout.strip()
    client = app.test_client()
    status = call(client, "POST", "/api/v1/articles", token, json=STORY)
    assert status.status_code == 202, status.get_json()
    csrf = csrf_token(client.get("/login").get_data(as_text=True))
    for password in ("", "!", "cms-bot"):
        refused = client.post("/login", data={"username": "cms-bot", "password": password, "csrf_token": csrf})
        assert refused.status_code != 303, password
    again = CliRunner().invoke(main, ["users", "token", "cms-bot"], catch_exceptions=False)  # later tokens
    assert again.exit_code == 0 and accounts.token_account(store, again.stdout.strip()).username == "cms-bot"
    twice = CliRunner().invoke(main, ["users", "token", "cms-bot", "--create", "editor"])
    assert twice.exit_code == 1 and "already exists" in twice.output


# --- who may call what ---------------------------------------------------------------------------------------


def test_every_endpoint_refuses_a_missing_malformed_unknown_or_revoked_token(app, store):
    client = app.test_client()
    revoked = accounts.create_token(store, "ada")
    accounts.revoke_tokens(store, "ada")
    headers = [{}, {"Authorization": "Basic ZWRkaWU6ZWRkaWUtcGFzc3dvcmQ="}, {"Authorization": "Bearer"},
               bearer("bd_" + "A" * 43), bearer(revoked)]
    for method, path in ENDPOINTS:
        for header in headers:
            response = client.open(path, method=method, headers=header, json=STORY)
            assert response.status_code == 401, (method, path, header)
            assert response.headers["WWW-Authenticate"].startswith("Bearer")
            assert response.is_json and response.json["error"]
    assert counts(store) == (0, 0)


def test_readers_read_only_approved_briefs(app, store):
    client = app.test_client()
    reader, editor = accounts.create_token(store, "rita"), accounts.create_token(store, "eddie")
    for method, path in ENDPOINTS:
        response = call(client, method, path, reader, json=STORY)
        if path in READABLE:
            assert response.status_code == 200, path
        else:
            assert response.status_code == 403 and "reader" in response.json["error"], path
    assert counts(store) == (0, 0)
    assert call(client, "POST", "/api/v1/articles", editor, json=STORY).status_code == 202


def test_a_browser_session_works_with_its_csrf_token_and_only_with_it(app, store):
    client = app.test_client()
    csrf = csrf_token(client.get("/login").get_data(as_text=True))
    assert client.post("/login", data={"username": "eddie", "password": "eddie-password",
                                       "csrf_token": csrf}).status_code == 302
    assert client.get("/api/v1/briefs").status_code == 200  # a read needs no CSRF token
    refused = client.post("/api/v1/articles", json=STORY)
    assert refused.status_code == 400 and refused.is_json and "CSRF" in refused.json["error"]
    assert client.post("/api/v1/articles", json=STORY, headers={"X-CSRFToken": "forged"}).status_code == 400
    assert counts(store) == (0, 0)
    accepted = client.post("/api/v1/articles", json=STORY, headers={"X-CSRFToken": csrf})
    assert accepted.status_code == 202, accepted.json
    # A request with a token is judged by the token alone: a bad one is not rescued by the cookie.
    assert client.post("/api/v1/articles", json=STORY, headers=bearer("bd_wrong")).status_code == 401


# --- adding stories ------------------------------------------------------------------------------------------


def test_malformed_and_invalid_bodies_are_refused_with_every_reason_and_nothing_stored(app, store):
    client = app.test_client()
    token = accounts.create_token(store, "eddie")

    def post(**kwargs):
        return call(client, "POST", "/api/v1/articles", token, **kwargs)

    broken = post(data=b'{"id": "a", "text": ', content_type="application/json")
    assert broken.status_code == 400 and "not valid JSON" in broken.json["error"]
    assert post(data=b"\xff\xfe\x00garbage", content_type="application/json").status_code == 400
    for body, message in ((5, "send one article"), ([], "no articles"), ({"articles": "x"}, "must be a list"),
                          ({"articles": [STORY], "targets": ["en"]}, "unknown target language 'en'")):
        response = post(json=body)
        assert response.status_code == 400 and message in response.json["error"], body
    mixed = [STORY, {"id": "n", "title": "T", "text": 42}, "just a string", {"id": "no-text", "title": "T"},
             {"title": "no id", "text": "A story without an id."}, {**STORY, "targets": "km"},
             {**STORY, "id": "other", "targets": ["km", "fr"]}, {**STORY, "id": STORY["id"] + "/"}]
    response = post(json=mixed)
    assert response.status_code == 400 and "7 of 8 articles are invalid; nothing was stored" in response.json["error"]
    known = ", ".join(languages.targets())
    reasons = {item["index"]: (item["id"], item["reason"]) for item in response.json["items"]}
    assert reasons == {
        1: ("n", "'text' must be a string, not int"),
        2: (None, "expected a JSON object with 'title' and 'text', got str"),
        3: ("no-text", "missing 'text' field (a string)"),
        4: (None, "'id' must be a non-empty string or number"),
        5: (STORY["id"], f"'targets' must be a non-empty list of language codes ({known})"),
        6: ("other", f"unknown target language 'fr'; choose from {known}"),
        7: (STORY["id"] + "/", "the same id as item 0"),  # ids are cleaned as at ingest: the same story twice
    }
    assert counts(store) == (0, 0)


@pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)
def test_out_of_range_parameters_and_deeply_nested_json_are_a_400_never_a_500(app, store):
    token = accounts.create_token(store, "eddie")
    client = app.test_client()

    def cursor(payload) -> str:
        return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")

    for query in (f"cursor={cursor(['2026-01-01T00:00:00', 2**70])}", f"cursor={cursor(['2026-01-01T00:00:00', True])}",
                  f"cursor={cursor([5, 1])}", f"cursor={cursor(['2026-01-01T00:00:00', -1])}",
                  "since=0001-01-01T00:00:00%2B01:00", "since=9999-12-31T23:59:59-01:00"):
        response = call(client, "GET", f"/api/v1/briefs?{query}", token)
        assert response.status_code == 400 and response.get_json()["error"], query
    for depth in (1_000, 100_000):
        response = call(client, "POST", "/api/v1/articles", token, data="[" * depth + "]" * depth,
                        content_type="application/json")
        assert response.status_code == 400 and "nested too deeply" in response.get_json()["error"]
    # A cursor or a time in another zone is the instant it names.
    for query in (f"cursor={cursor(['2026-01-01T09:00:00+01:00', 1])}", "since=2026-01-01T09:00:00%2B01:00"):
        assert call(client, "GET", f"/api/v1/briefs?{query}", token).status_code == 200, query


def test_the_body_limit_is_the_apis_own_and_over_it_is_a_json_413(app, store):
    client = app.test_client()
    token = accounts.create_token(store, "eddie")
    # 1.5 MB: over the rest of the app's 1 MB, read by the API (then refused for its item, not its size).
    padded = call(client, "POST", "/api/v1/articles", token, json={"id": "big", "text": 1, "pad": "x" * 1_500_000})
    assert padded.status_code == 400 and padded.json["items"][0]["reason"] == "'text' must be a string, not int"
    huge = call(client, "POST", "/api/v1/articles", token, data=b" " * 5_000_000, content_type="application/json")
    assert huge.status_code == 413 and huge.is_json and "4 MB" in huge.json["error"]
    assert "batches" in huge.json["error"]
    form = client.post("/login", data=b"x" * 1_500_000, content_type="application/x-www-form-urlencoded")
    assert form.status_code == 413  # the rest of the app keeps its 1 MB


def test_at_most_a_hundred_articles_per_request(app, store):
    client = app.test_client()
    token = accounts.create_token(store, "ada")
    stories = [{"id": f"batch-{n}", "title": f"Story {n}", "text": f"Story number {n} is short. It has two "
                                                                   "sentences."} for n in range(101)]
    over = call(client, "POST", "/api/v1/articles", token, json=stories)
    assert over.status_code == 413 and over.json["error"] == (
        "101 articles in one request; the limit is 100: send them in batches of 100 or fewer")
    assert counts(store) == (0, 0)

    started = time.perf_counter()
    accepted = call(client, "POST", "/api/v1/articles", token, json={"articles": stories[:100], "targets": ["km"]})
    assert accepted.status_code == 202, accepted.json
    assert time.perf_counter() - started < 30
    answers = accepted.json["articles"]
    assert [a["id"] for a in answers] == [f"batch-{n}" for n in range(100)]
    assert {(a["status"], tuple(a["targets"]), a["note"]) for a in answers} == {("queued", ("km",), "")}
    assert answers[7]["url"] == "/api/v1/articles/batch-7"
    with store.read() as session:
        job_rows = session.execute(select(Job.status, Job.targets, Job.submitted_by)).all()
        assert len(job_rows) == 100 and {(s, tuple(t), u) for s, t, u in job_rows} == {("queued", ("km",), "ada")}
        assert session.scalar(select(func.count(Translation.id))) == 0  # nothing decoded: the worker's job
        assert session.scalar(select(func.count()).select_from(Review)) == 0
    status = call(client, "GET", answers[7]["url"], token).json
    assert status["job"] == {"status": "queued", "error": None, "attempts": 0}
    assert status["languages"] == {"km": {"status": "translating", "model": None, "demo": None}}


# --- following a story, errors -------------------------------------------------------------------------------


def test_status_of_a_translated_story_and_json_errors_everywhere_under_api(reviewed_app, reviewed_store):
    client = reviewed_app.test_client()
    token = accounts.create_token(reviewed_store, "eddie")
    status = call(client, "GET", f"/api/v1/articles/{ARTICLE}", token).json
    assert status["id"] == ARTICLE and status["job"] is None  # a batch run's story: no job
    assert status["created_at"].endswith("Z") and datetime.fromisoformat(status["created_at"][:-1])
    assert {lang: v["status"] for lang, v in status["languages"].items()} == {"km": "new", "zh": "new"}
    assert all(v["model"] and v["demo"] for v in status["languages"].values())

    missing = call(client, "GET", "/api/v1/articles/no/such/story", token)
    assert missing.status_code == 404 and missing.json == {"error": "no article 'no/such/story'"}
    for path in ("/api/v1/nothing", "/api/v2/briefs", "/api/"):
        response = call(client, "GET", path, token)
        assert response.status_code == 404 and response.is_json and "no such API endpoint" in response.json["error"]
    wrong = call(client, "DELETE", "/api/v1/articles", token)
    assert wrong.status_code == 405 and wrong.headers["Allow"] == "OPTIONS, POST"
    assert wrong.json == {"error": "DELETE is not allowed here; allowed: OPTIONS, POST"}
    page = client.get("/no-such-page")
    assert page.status_code == 404 and not page.is_json  # the rest of the app keeps its own pages
    with reviewed_store.engine.begin() as connection:  # a real fault: the jobs table is gone
        connection.execute(text("DROP TABLE jobs"))
    broken = call(client, "GET", f"/api/v1/articles/{ARTICLE}", token)
    assert broken.status_code == 500 and broken.json == {"error": "internal error; the server's log has the details"}


# --- rate limit ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)
def test_each_token_has_a_rate_limit_shared_by_every_server_process(store, config):
    from web import create_app

    _users(store)
    token, other = accounts.create_token(store, "eddie"), accounts.create_token(store, "eddie")
    servers = [create_app(config).test_client() for _ in range(2)]  # two processes' apps, one database
    for n in range(120):  # the default: 120 a minute, counted across both
        assert call(servers[n % 2], "GET", "/api/v1/briefs", token).status_code == 200, n
    over = call(servers[0], "GET", "/api/v1/briefs", token)
    assert over.status_code == 429 and 1 <= int(over.headers["Retry-After"]) <= 60
    assert over.json["error"].startswith("rate limit: at most 120 requests per 60 s per token; retry in")
    assert call(servers[1], "GET", "/api/v1/briefs", other).status_code == 200  # per token

    # A token of its own, so that the window starts with the first of these calls (on a busy machine the app
    # can take longer to build than a window lasts).
    quick = create_app(config, {"API_RATE_LIMIT": accounts.RateLimit(2, timedelta(seconds=2))}).test_client()
    third = accounts.create_token(store, "eddie")
    assert [call(quick, "GET", "/api/v1/briefs", third).status_code for _ in range(3)] == [200, 200, 429]
    time.sleep(2.1)
    assert call(quick, "GET", "/api/v1/briefs", third).status_code == 200  # a new window


# --- approved briefs -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)
def test_a_conflict_note_names_ids_and_no_server_path(reviewed_app, reviewed_store, registry):
    from workflow import review

    review.decide(reviewed_store, "voa-khm-2018-party-FUNCINPEC", "zh", "approved", "eddie", confirm_checks=True)
    token = accounts.create_token(reviewed_store, "eddie")
    story = {"id": "voa-khm-2018-party-FUNCINPEC", "title": "Another story", "text": "A different story entirely."}
    response = call(reviewed_app.test_client(), "POST", "/api/v1/articles", token, json=story)
    assert response.status_code == 202, response.get_json()
    note = response.get_json()["articles"][0]["note"]
    assert "voa-khm-2018-party-FUNCINPEC-2" in note and str(registry.config.home) not in note and "/" not in note


def test_an_unchanged_story_sent_again_stays_approved_with_its_brief(reviewed_app, reviewed_store, registry, tmp_path):
    """A CMS retry of a story first run with a 5-sentence brief, then approved: a no-op, not a new 3-sentence
    brief that sends both languages back to review."""
    from workflow import pipeline, review, summarize, worker

    story = {"id": "cms/retried", "title": "Hor Namhong in China", "text": STORY["text"] + "\n\n" + " ".join(
        ["The visit follows talks in Phnom Penh.", "Both sides signed agreements.", "Trade has grown.",
         "Officials praised the ties.", "More visits are planned."])}
    (tmp_path / "story.json").write_text(json.dumps(story))
    assert not pipeline.run([tmp_path / "story.json"], reviewed_store, registry,
                            pipeline.Options(budget=summarize.Budget(sentences=5))).errors
    for lang in ("km", "zh"):
        review.decide(reviewed_store, "cms/retried", lang, "approved", "eddie", confirm_checks=True)
    brief = review.article_view(reviewed_store, "cms/retried").english_brief
    token = accounts.create_token(reviewed_store, "eddie")
    client = reviewed_app.test_client()
    assert call(client, "POST", "/api/v1/articles", token, json=story).status_code == 202
    worker.work(reviewed_store, registry, until_idle=True, log=lambda _: None)
    view = review.article_view(reviewed_store, "cms/retried")
    assert view.english_brief == brief and sum(row.in_brief for row in view.rows) == 5
    with reviewed_store.read() as session:
        assert {r.lang: r.status for r in session.scalars(select(Review).join(Article).where(
            Article.external_id == "cms/retried"))} == {"km": "approved", "zh": "approved"}
    listed = call(client, "GET", "/api/v1/briefs?status=approved", token).get_json()["briefs"]
    assert {b["lang"] for b in listed if b["id"] == "cms/retried"} == {"km", "zh"}


def test_a_different_story_under_a_stored_id_replaces_it_only_when_asked(app, store, demo_models, registry):
    token = accounts.create_token(store, "eddie")
    client = app.test_client()
    assert call(client, "POST", "/api/v1/articles", token, json=STORY).status_code == 202
    changed = {**STORY, "text": "A different story about the visit."}
    response = call(client, "POST", "/api/v1/articles", token, json=changed)  # nobody worked on it yet
    assert response.status_code == 202
    [kept] = response.get_json()["articles"]
    assert kept["id"] == "cms/2026/visit-2" and '"replace": true' in kept["note"]
    with store.read() as session:
        texts = dict(session.execute(select(Article.external_id, Article.text)).all())
    assert texts["cms/2026/visit"] == STORY["text"] and texts["cms/2026/visit-2"] == changed["text"]
    response = call(client, "POST", "/api/v1/articles", token, json={**changed, "replace": True})
    [replaced] = response.get_json()["articles"]
    assert replaced["id"] == "cms/2026/visit" and replaced["note"].startswith("replaced the story stored as")
    with store.read() as session:
        assert session.scalar(select(Article.text).where(Article.external_id == "cms/2026/visit")) == changed["text"]
    bad = call(client, "POST", "/api/v1/articles", token, json={**changed, "replace": "yes"})
    assert bad.status_code == 400 and "'replace' must be true or false" in bad.get_data(as_text=True)
    # Once editors have worked on it, no token replaces it, "replace" or not: editors' work is never wiped.
    from workflow import review, worker

    worker.work(store, registry, until_idle=True, log=lambda _: None)
    review.decide(store, "cms/2026/visit", "km", "rejected", "eddie", "wrong names")
    response = call(client, "POST", "/api/v1/articles", token, json={**STORY, "text": "Third.", "replace": True})
    [kept] = response.get_json()["articles"]
    assert kept["id"] == "cms/2026/visit-3" and "has corrections or decisions" in kept["note"]


def test_approved_briefs_page_by_cursor_in_approval_order_with_since_and_lang(reviewed_app, reviewed_store):
    from workflow import export, review

    client = reviewed_app.test_client()
    token = accounts.create_token(reviewed_store, "rita")

    def briefs(**params):
        response = client.get("/api/v1/briefs", query_string=params, headers=bearer(token))
        assert response.status_code == 200, response.json
        return response.json

    assert briefs() == {"briefs": [], "next_cursor": None}
    with reviewed_store.read() as session:
        ids = sorted(session.scalars(select(Article.external_id)))
    order = [(ids[2], "zh"), (ids[0], "km"), (ids[1], "km"), (ids[0], "zh")]
    for article_id, lang in order:
        review.decide(reviewed_store, article_id, lang, "approved", "eddie", confirm_terms=True, confirm_checks=True)
    review.decide(reviewed_store, ids[1], "zh", "rejected", "erin")
    # The first at t0, the other three at one moment t1: the decision's id breaks the tie.
    t0, t1 = datetime(2026, 3, 1, 8, 0, 0), datetime(2026, 3, 1, 9, 30, 0)
    with reviewed_store.session() as session:
        decisions = list(session.scalars(select(Decision.id).where(Decision.status == "approved")
                                         .order_by(Decision.id)))
        session.execute(update(Decision).where(Decision.id == decisions[0]).values(created_at=t0))
        session.execute(update(Decision).where(Decision.id.in_(decisions[1:])).values(created_at=t1))

    seen, cursor, pages = [], None, 0
    while True:
        page = briefs(limit=1, **({"cursor": cursor} if cursor else {}))
        pages += 1
        seen += page["briefs"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
        assert pages < 10
    assert [(b["id"], b["lang"]) for b in seen] == order and pages == 4
    assert [b["approved_at"] for b in seen] == ["2026-03-01T08:00:00Z"] + ["2026-03-01T09:30:00Z"] * 3
    assert briefs(limit=50)["briefs"] == seen and briefs(limit=50)["next_cursor"] is None
    first = seen[0]
    expected = next(export.records(reviewed_store, status="approved", lang="zh", article_ids=[ids[2]]))
    assert (first["title"], first["brief"], first["model"]) == (expected.title, expected.brief, expected.model)
    assert first["approved_by"] == "eddie" and first["demo"] is True and first["brief"]
    with reviewed_store.read() as session:
        article = session.scalar(select(Article).where(Article.external_id == ids[2]))
        assert first["sentences"] == [s.position for s in article.sentences if s.in_brief] != []

    assert [(b["id"], b["lang"]) for b in briefs(lang="km")["briefs"]] == [order[1], order[2]]
    assert [b["lang"] for b in briefs(since="2026-03-01T09:00:00Z")["briefs"]] == ["km", "km", "zh"]
    assert len(briefs(since="2026-03-01T16:00:00+07:00")["briefs"]) == 3  # 09:00 UTC
    assert len(briefs(since="2026-03-01T09:30:00.000001")["briefs"]) == 0
    assert len(briefs(since="2026-02-28")["briefs"]) == 4
    review.decide(reviewed_store, ids[0], "zh", "rejected", "eddie")  # no longer approved: no longer served
    assert [(b["id"], b["lang"]) for b in briefs()["briefs"]] == order[:3]

    for params, message in (({"status": "rejected"}, "only status=approved"), ({"since": "yesterday"}, "ISO 8601"),
                            ({"limit": "0"}, "limit"), ({"limit": "x"}, "limit"), ({"lang": "fr"}, "unknown lang"),
                            ({"cursor": "not-a-cursor"}, "invalid cursor"),
                            ({"cursor": base64.urlsafe_b64encode(b'["x", 1]').decode()}, "invalid cursor")):
        response = client.get("/api/v1/briefs", query_string=params, headers=bearer(token))
        assert response.status_code == 400 and message in response.json["error"], params


# --- the OpenAPI document ------------------------------------------------------------------------------------


def test_openapi_describes_every_route_of_the_api(app, store):
    client = app.test_client()
    document = call(client, "GET", "/api/v1/openapi.json", accounts.create_token(store, "rita")).json
    assert document["openapi"].startswith("3.1")
    assert document["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http", "scheme": "bearer", "description": "briefdesk users token NAME"}
    routes = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api."):
            path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
            routes.setdefault(path, set()).update(m.lower() for m in rule.methods - {"HEAD", "OPTIONS"})
    assert len(routes) == len(ENDPOINTS)
    assert {path: set(item) for path, item in document["paths"].items()} == routes
    for path, methods in routes.items():
        for method in methods:
            operation = document["paths"][path][method]
            assert operation["responses"] and operation["summary"], (path, method)
            for name in re.findall(r"{(\w+)}", path):
                assert any(p["name"] == name and p["in"] == "path" for p in operation["parameters"])
    refs = re.findall(r'"\$ref": "#/components/schemas/(\w+)"', json.dumps(document))
    assert refs and set(refs) <= set(document["components"]["schemas"])
    assert document["components"]["schemas"]["ArticlesIn"]["oneOf"][1]["maxItems"] == 100


# --- over HTTP, with a worker --------------------------------------------------------------------------------


def test_a_cms_adds_a_story_over_http_and_sees_it_translated_after_the_worker(reviewed_store, registry, config,
                                                                                live_server):
    from web import create_app
    from workflow import worker

    base = live_server(create_app(config))
    token = accounts.create_token(reviewed_store, "eddie")

    def http(method, path, body=None):
        request = urllib.request.Request(base + path, method=method, headers={
            **bearer(token), "Content-Type": "application/json"}, data=json.dumps(body).encode() if body else None)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.load(response)
        except urllib.error.HTTPError as error:
            return error.code, json.load(error)

    status, answer = http("POST", "/api/v1/articles", STORY)
    assert status == 202 and answer["articles"][0]["status"] == "queued"
    url = answer["articles"][0]["url"]
    assert http("GET", url)[1]["languages"]["km"]["status"] == "translating"
    log: list[str] = []
    assert worker.work(reviewed_store, registry, until_idle=True, log=log.append) == 1
    status, story = http("GET", url)
    assert status == 200 and story["id"] == STORY["id"] and story["title"] == STORY["title"]
    assert story["job"] == {"status": "done", "error": None, "attempts": 1}, log
    assert {lang: v["status"] for lang, v in story["languages"].items()} == {"km": "new", "zh": "new"}
    assert all(v["model"].startswith(f"en-{lang}") for lang, v in story["languages"].items())
    assert http("GET", "/api/v1/nowhere")[0] == 404


def test_stories_that_are_slow_to_split_never_hold_the_server(app, store, live_server):
    """A 60,000-word paragraph without punctuation and 8,000 sentences in one paragraph through the API, and a
    40,000-paragraph Word file through the upload page, sent at once: the attack that made GET /login take
    118 s. A request only reads, stores and queues (the worker splits), and reading and splitting are linear
    anyway (tests/test_segment.py, tests/test_corpus.py)."""
    import threading

    base = live_server(app)
    token = accounts.create_token(store, "eddie")
    words = " ".join(f"word{i % 5000}" for i in range(60_000))
    sentences = " ".join(f"This is sentence number {i} about the talks." for i in range(8_000))
    answers: dict[str, tuple[int, float]] = {}

    def send(name: str, text: str) -> None:
        body = json.dumps({"id": name, "title": name, "text": text}).encode()
        request = urllib.request.Request(base + "/api/v1/articles", method="POST", data=body, headers={
            **bearer(token), "Content-Type": "application/json"})
        started = time.monotonic()
        with urllib.request.urlopen(request, timeout=120) as response:
            answers[name] = (response.status, time.monotonic() - started)

    book = _word_file_of(40_000)

    def upload_book() -> None:  # an editor's upload: a 40,000-paragraph Word file (44 s to read before)
        browser = login_opener(base, "eddie")

        def csrf(path: str) -> str:
            with browser.open(base + path) as response:
                return csrf_token(response.read().decode())

        fields = (f'--B\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{csrf("/stories/new")}\r\n'
                  '--B\r\nContent-Disposition: form-data; name="upload"; filename="book.docx"\r\n'
                  "Content-Type: application/octet-stream\r\n\r\n").encode()
        request = urllib.request.Request(base + "/stories/new", data=fields + book + b"\r\n--B--\r\n",
                                         headers={"Content-Type": "multipart/form-data; boundary=B"})
        started = time.monotonic()
        try:
            browser.open(request, timeout=120)
        except urllib.error.HTTPError as error:  # refused with a 400 and the page that says why
            answers["book"] = (error.code, time.monotonic() - started)
            answers["book page"] = (b"more than 5,000 paragraphs" in error.read(), 0.0)

    senders = [threading.Thread(target=send, args=item) for item in (("words", words), ("sentences", sentences))]
    senders.append(threading.Thread(target=upload_book))
    for sender in senders:
        sender.start()
    login_seconds = 0.0
    while any(sender.is_alive() for sender in senders) or not login_seconds:  # another client, meanwhile
        started = time.monotonic()
        with urllib.request.urlopen(base + "/login", timeout=120) as response:
            assert response.status == 200
        login_seconds = max(login_seconds, time.monotonic() - started)
    for sender in senders:
        sender.join()
    assert {name: status for name, (status, _) in answers.items()} == {"words": 202, "sentences": 202, "book": 400,
                                                                      "book page": True}
    # Bounds 50× above what the fix takes here, 50× below what the attack cost before it.
    assert login_seconds < 2 and max(seconds for _, seconds in answers.values()) < 2, (login_seconds, answers)


def _word_file_of(paragraphs: int) -> bytes:
    """A .docx of that many one-word paragraphs, written as XML (python-docx takes seconds to add 40,000)."""
    import io
    import zipfile

    from docx import Document as WordDocument

    blank = io.BytesIO()
    WordDocument().save(blank)
    body = "".join(f"<w:p><w:r><w:t>w{i}</w:t></w:r></w:p>" for i in range(paragraphs))
    out = io.BytesIO()
    with zipfile.ZipFile(blank) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "word/document.xml":
                data = re.sub(rb"<w:body>.*?(<w:sectPr)", b"<w:body>" + body.encode() + rb"\1", data, flags=re.S)
            target.writestr(item, data)
    return out.getvalue()
