"""The review app through Flask's test client: real app, real SQLite, real CSRF."""

import io
import json
import re
import zipfile
from datetime import timezone

import pytest
from sqlalchemy import select

from tests.web_client import decide, login, post, sentence_forms, token
from workflow import review
from workflow.store import Article, Decision, Memory, Review, Revision, Translation

ARTICLE = "hor-namhong-china-visit"


@pytest.fixture
def app(reviewed_store, config):
    from web import create_app

    app = create_app(config)
    yield app


def sentence_form(client, lang, position=0):
    """The edit form's hidden fields for the sentence at ``position`` (-1: the headline, the page's first row), as
    the page renders them."""
    html = client.get(f"/articles/{ARTICLE}").get_data(as_text=True)
    item, sentence_id, base = sentence_forms(html, lang)[position + 1]
    return {"lang": lang, "item": item, "sentence_id": sentence_id, "base_revision": base}


def test_anonymous_requests_go_to_login(app):
    client = app.test_client()
    rules = [r for r in app.url_map.iter_rules() if "GET" in r.methods and not r.endpoint.startswith("api.")
             and r.endpoint not in ("static", "auth.login", "downloads.khmer_font", "feeds.feed")]
    # (the API answers 401 JSON; a feed, 401 for a feed reader: tests/test_publishing.py)
    assert len(rules) >= 6
    for rule in rules:
        path = re.sub(r"<[^>]+>", "x", rule.rule).replace("x.x", "km.md")
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.location, path
    for path in ("/logout", f"/articles/{ARTICLE}/edit", f"/articles/{ARTICLE}/decide", "/admin/users"):
        assert client.post(path).status_code in (302, 400)


def test_posts_without_csrf_token_are_refused(app):
    client = login(app, "ada")
    posts = [r for r in app.url_map.iter_rules() if "POST" in r.methods]
    assert len(posts) >= 5
    for rule in posts:
        path = re.sub(r"<int:[^>]+>", "1", rule.rule)
        path = re.sub(r"<[^>]+>", ARTICLE, path).replace(f"/users/{ARTICLE}/", "/users/eddie/")
        response = client.post(path, data={"lang": "km", "decision": "approved", "username": "eddie",
                                           "password": "eddie-password"})
        assert response.status_code == 400, path
    client = login(app, "eddie")
    assert client.post("/login", data={"username": "eddie", "password": "eddie-password"}).status_code == 400
    for path in (f"/articles/{ARTICLE}/edit", f"/articles/{ARTICLE}/decide", "/logout"):
        assert client.post(path, data={"lang": "km", "decision": "approved"}).status_code == 400
    admin = login(app, "ada")
    assert admin.post("/admin/users", data={"username": "x", "password": "y" * 10, "role": "reader"}
                      ).status_code == 400


def test_wrong_password_and_rate_limit(app):
    client = app.test_client()
    for _ in range(3):
        response = client.post("/login", data={"username": "eddie", "password": "wrong", "csrf_token": token(client)})
        assert response.status_code == 401
    response = client.post("/login", data={"username": "eddie", "password": "eddie-password",
                                           "csrf_token": token(client)})
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0


def test_login_redirects_only_to_local_paths(app):
    client = app.test_client()
    response = client.post("/login?next=https://evil.example/", data={
        "username": "eddie", "password": "eddie-password", "csrf_token": token(client)})
    assert response.location == "/"


def test_editor_sees_queue_with_counts_filters_and_search(app):
    client = login(app, "eddie")
    html = client.get("/").get_data(as_text=True)
    assert "Hor Namhong China Visit" in html and "FUNCINPEC" in html and "DEMO" in html
    assert re.search(r"chip-new\">new</span> <strong>6</strong>", html)
    assert "FUNCINPEC" not in client.get("/?q=Namhong").get_data(as_text=True)
    assert "No articles match" in client.get("/?status=approved").get_data(as_text=True)
    assert "Khmer Rouge" in client.get("/?q=Pol+Pot").get_data(as_text=True)  # searches the text too


def test_a_search_past_the_count_limit_pages_without_counting(reviewed_store, config):
    from web import create_app

    client = login(create_app(config, {"SEARCH_COUNT_LIMIT": 1}), "eddie")
    html = client.get("/?q=Cambodia").get_data(as_text=True)  # all three stories name it
    assert "More than 1 articles match" in html and "<strong>" not in html.split('aria-label="Translations')[1][:2000]
    assert html.count('<td><a href="/articles/') == 3 and 'rel="next"' not in html
    counted = client.get("/?q=Namhong").get_data(as_text=True)  # one story: under the limit, counted
    assert "1 article<" in counted and re.search(r"chip-new\">new</span> <strong>2</strong>", counted)


def test_article_page_is_aligned_labelled_and_flags_low_confidence(app):
    html = login(app, "eddie").get(f"/articles/{ARTICLE}").get_data(as_text=True)
    assert 'lang="km"' in html and 'lang="zh-Hans"' in html and 'lang="en"' in html
    assert "DEMO model output" in html
    assert html.count('class="in-brief"') == 3
    assert "柬埔寨外交大臣贺南洪" in html and "រដ្ឋមន្ត្រីការបរទេសកម្ពុជា" in html
    assert "⚠ check" not in html  # the demo model is sure of what it memorized


def test_low_confidence_translations_are_flagged(app, reviewed_store):
    # A real model's score for a poor translation (mean log-prob per token) is well below the threshold.
    with reviewed_store.session() as session:
        row = session.scalar(select(Translation).where(Translation.lang == "zh").order_by(Translation.id))
        row.score = -2.5
    html = login(app, "eddie").get(f"/articles/{ARTICLE}").get_data(as_text=True)
    assert html.count("⚠ check") == 1 and "1 low-confidence" in html


def test_reader_sees_only_approved_briefs(app):
    client = login(app, "rita")
    assert client.get("/").status_code == 302 and client.get("/").location.endswith("/approved")
    assert client.get(f"/articles/{ARTICLE}").status_code == 403
    assert client.get("/admin/users").status_code == 403
    assert post(client, f"/articles/{ARTICLE}/decide", {"lang": "km", "decision": "approved"}).status_code == 403
    assert "Nothing approved yet" in client.get("/approved").get_data(as_text=True)


def test_editor_corrects_a_sentence_with_history_and_memory(app, reviewed_store):
    client = login(app, "eddie")
    form = sentence_form(client, "km")
    response = post(client, f"/articles/{ARTICLE}/edit", {**form, "text": "អត្ថបទកែថ្មី។"})
    assert response.status_code == 303
    html = client.get(f"/articles/{ARTICLE}").get_data(as_text=True)
    assert "អត្ថបទកែថ្មី។" in html and "edited by eddie" in html
    assert "History" in html and "No corrections yet" not in html
    with reviewed_store.read() as session:
        revision = session.scalar(select(Revision))
        assert (revision.username, revision.after, revision.parent_id) == ("eddie", "អត្ថបទកែថ្មី។", 0)
        assert revision.before.startswith("រដ្ឋមន្ត្រីការបរទេសកម្ពុជា")
        assert session.scalar(select(Memory.text)) == "អត្ថបទកែថ្មី។"
        statuses = dict(session.execute(select(Review.lang, Review.status).where(Review.article_id == 1)).all())
    assert statuses == {"km": "in_review", "zh": "new"}
    brief = client.get(f"/articles/{ARTICLE}").get_data(as_text=True)
    assert brief.count("អត្ថបទកែថ្មី។") >= 2  # the sentence and the brief built from it


def test_second_editor_gets_a_conflict_not_an_overwrite(app, reviewed_store):
    eddie, erin = login(app, "eddie"), login(app, "erin")
    form = sentence_form(eddie, "zh", 1)
    assert sentence_form(erin, "zh", 1) == form  # both opened the same version
    assert post(eddie, f"/articles/{ARTICLE}/edit", {**form, "text": "埃迪的版本。"}).status_code == 303
    response = post(erin, f"/articles/{ARTICLE}/edit", {**form, "text": "艾琳的版本。"})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "埃迪的版本。" in html and "艾琳的版本。" in html and "eddie" in html
    with reviewed_store.read() as session:
        assert [r.after for r in session.scalars(select(Revision))] == ["埃迪的版本。"]
    # Erin saves deliberately on top of Eddie's version: that is a new revision, with his as "before".
    newer = {**form, "base_revision": re.search(r'name="base_revision" value="(\d+)">\s*<label class="visually-hidden" '
                                                r'for="t-zh-{}"'.format(form["item"]), html).group(1)}
    assert post(erin, f"/articles/{ARTICLE}/edit", {**newer, "text": "艾琳的版本。"}).status_code == 303
    with reviewed_store.read() as session:
        assert [(r.before, r.after) for r in session.scalars(select(Revision).order_by(Revision.id))][1] == \
            ("埃迪的版本。", "艾琳的版本。")


def test_approve_reject_and_edit_sends_back_to_review(app, reviewed_store):
    client = login(app, "eddie")
    page = f"/articles/{ARTICLE}"
    assert decide(client, ARTICLE, "km", "approved", comment="good").status_code == 303
    assert decide(client, ARTICLE, "zh", "rejected").status_code == 303
    with reviewed_store.read() as session:
        decisions = [(d.lang, d.status, d.username, d.comment) for d in session.scalars(select(Decision))]
        assert all(d.created_at for d in session.scalars(select(Decision)))
    assert decisions == [("km", "approved", "eddie", "good"), ("zh", "rejected", "eddie", "")]
    assert "approved by eddie" in client.get(page).get_data(as_text=True)
    post(client, f"{page}/edit", {**sentence_form(client, "km"), "text": "កែម្តងទៀត។"}, page)
    with reviewed_store.read() as session:
        assert session.get(Review, (1, "km")).status == "in_review"


def test_a_decision_on_a_version_nobody_saw_is_refused(app, reviewed_store):
    """Editor A opens the page, editor B saves a change, A approves from the stale page: refused with a
    conflict, and nothing is approved; after a reload A can approve what is now there."""
    first, second = login(app, "eddie"), login(app, "erin")
    page = f"/articles/{ARTICLE}"
    html = first.get(page).get_data(as_text=True)
    stale_state = re.search(r'id="decide-km".*?name="state" value="([^"]+)"', html, re.S).group(1)
    assert post(second, f"{page}/edit", {**sentence_form(second, "km"), "text": "កំណែរបស់អេរីន។"}, page).status_code \
        == 303
    response = post(first, f"{page}/decide", {"lang": "km", "decision": "approved", "state": stale_state}, page)
    assert response.status_code == 409 and "erin saved a change" in response.get_data(as_text=True)
    assert post(first, f"{page}/decide", {"lang": "km", "decision": "approved"}, page).status_code == 400
    with reviewed_store.read() as session:
        assert session.get(Review, (1, "km")).status == "in_review" and not session.scalars(select(Decision)).all()
    assert decide(first, ARTICLE, "km", "approved").status_code == 303


def test_only_admins_manage_users(app):
    editor = login(app, "eddie")
    assert editor.get("/admin/users").status_code == 403
    new_user = {"username": "x1", "password": "long-enough", "role": "reader"}
    assert post(editor, "/admin/users", new_user).status_code == 403
    admin = login(app, "ada")
    assert post(admin, "/admin/users", {"username": "newbie", "password": "long-enough", "role": "reader"},
                "/admin/users").status_code == 303
    assert "<td>newbie</td>" in admin.get("/admin/users").get_data(as_text=True)
    assert post(admin, "/admin/users/newbie/remove", {}, "/admin/users").status_code == 303
    assert "<td>newbie</td>" not in admin.get("/admin/users").get_data(as_text=True)
    assert post(admin, "/admin/users", {"username": "x2", "password": "short", "role": "reader"},
                "/admin/users").status_code == 400


def test_downloads_contain_only_approved_items(app, reviewed_store):
    client = login(app, "eddie")
    assert client.get(f"/download/{ARTICLE}/km.md").status_code == 404
    decide(client, ARTICLE, "km", "approved")
    decide(client, "voa-khm-2018-party-FUNCINPEC", "zh", "approved")
    decide(client, "voa-khm-2018-party-khmer-rouge", "zh", "rejected")
    reader = login(app, "rita")
    md = reader.get(f"/download/{ARTICLE}/km.md")
    assert md.status_code == 200 and "attachment" in md.headers["Content-Disposition"]
    assert "រដ្ឋមន្ត្រីការបរទេសកម្ពុជា" in md.get_data(as_text=True) and "DEMO" in md.get_data(as_text=True)
    assert reader.get(f"/download/{ARTICLE}/zh.md").status_code == 404
    assert reader.get(f"/download/{ARTICLE}/km.exe").status_code == 404
    assert reader.get("/download/../../etc/passwd/km.md").status_code == 404
    txt = reader.get(f"/download/{ARTICLE}/km.txt").get_data(as_text=True)
    headline = review.article_view(reviewed_store, ARTICLE).rows[0].cells["km"].text
    assert txt.startswith(headline + "\n")  # the translated headline titles the download
    docx = reader.get(f"/download/{ARTICLE}/km.docx")
    with zipfile.ZipFile(io.BytesIO(docx.data)) as archive:
        document = archive.read("word/document.xml").decode()
        styles = archive.read("word/styles.xml").decode()
    assert "រដ្ឋមន្ត្រីការបរទេសកម្ពុជា" in document and "<w:cs/>" in document
    assert 'w:eastAsia="Noto Sans CJK SC"' in styles and 'w:cs="Khmer OS"' in styles
    with zipfile.ZipFile(io.BytesIO(reader.get("/download/approved.zip?format=md&english=0").data)) as archive:
        names = sorted(archive.namelist())
        index = json.loads(archive.read("index.json"))
    assert names == ["briefs/hor-namhong-china-visit.km.md", "briefs/voa-khm-2018-party-FUNCINPEC.zh.md",
                     "index.json", "index.md"]
    assert {(e["article_id"], e["lang"], e["status"]) for e in index} == {
        (ARTICLE, "km", "approved"), ("voa-khm-2018-party-FUNCINPEC", "zh", "approved")}
    items = reader.get("/download/approved.json").get_json()
    assert {(i["article_id"], i["lang"]) for i in items} == {(ARTICLE, "km"), ("voa-khm-2018-party-FUNCINPEC", "zh")}


def test_the_approved_zip_holds_every_format_and_the_english_with_ordinary_modes(reviewed_store, config):
    import dataclasses

    from docx import Document

    from web import create_app

    app = create_app(dataclasses.replace(config, newsroom="Phnom Penh Daily"))
    client = login(app, "eddie")
    decide(client, ARTICLE, "km", "approved")
    page = client.get("/approved").get_data(as_text=True)
    for label in ("Markdown (.md)", "Plain text (.txt)", "Word (.docx)", "the English original"):
        assert label in page
    with zipfile.ZipFile(io.BytesIO(client.get("/download/approved.zip").data)) as archive:
        names = sorted(archive.namelist())
        assert names == sorted([f"briefs/{ARTICLE}.{lang}.{ext}" for lang in ("en", "km")
                                for ext in ("md", "txt", "docx")] + ["index.json", "index.md"])
        for info in archive.infolist():
            assert (info.external_attr >> 16) & 0o777 == 0o644, info.filename  # not rw------- when unzipped
        index = json.loads(archive.read("index.json"))
        english = archive.read(f"briefs/{ARTICLE}.en.txt").decode()
        word = Document(io.BytesIO(archive.read(f"briefs/{ARTICLE}.km.docx")))
    assert [(e["lang"], e["status"], sorted(e["files"])) for e in index] == [
        ("km", "approved", ["docx", "md", "txt"]), ("en", "source", ["docx", "md", "txt"])]
    view = review.article_view(reviewed_store, ARTICLE)
    assert english.startswith(view.title + "\nEnglish original") and view.rows[1].english in english
    properties = word.core_properties
    assert properties.title == view.rows[0].cells["km"].text  # the translated headline
    assert properties.author == "Phnom Penh Daily" and properties.language == "km"
    with reviewed_store.read() as session:
        stored = session.scalar(select(Review).join(Article, Article.id == Review.article_id).where(
            Review.lang == "km", Article.external_id == ARTICLE))
    # the first approval, in UTC, to the second
    assert properties.created == stored.published_at.replace(microsecond=0, tzinfo=timezone.utc)
    assert properties.modified >= properties.created
    only_word = client.get("/download/approved.zip?format=docx&english=0&english=1")
    with zipfile.ZipFile(io.BytesIO(only_word.data)) as archive:
        assert sorted(archive.namelist()) == [f"briefs/{ARTICLE}.en.docx", f"briefs/{ARTICLE}.km.docx",
                                              "index.json", "index.md"]
    assert client.get("/download/approved.zip?format=pdf").status_code == 400


def test_downloads_are_never_cached_and_name_their_charset_once(app, reviewed_store):
    client = login(app, "eddie")
    decide(client, ARTICLE, "km", "approved")
    for path in (f"/download/{ARTICLE}/km.md", f"/download/{ARTICLE}/km.txt", f"/download/{ARTICLE}/km.docx",
                 "/download/approved.zip", "/download/approved.json"):
        response = client.get(path)
        assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store", path
        assert response.headers["Content-Type"].count("charset") <= 1, response.headers["Content-Type"]
    assert client.get(f"/download/{ARTICLE}/km.txt").headers["Content-Type"] == "text/plain; charset=utf-8"


def test_translation_memory_is_reused_and_shown(app, reviewed_store, registry, tmp_path):
    from workflow import pipeline

    client = login(app, "eddie")
    post(client, f"/articles/{ARTICLE}/edit", {**sentence_form(client, "zh", 4), "text": "贺南洪说：“我对他说了。”"})
    story = tmp_path / "follow-up.txt"
    story.write_text("“I told him that Cambodia was China’s friend,” Hor Namhong said.\n")
    report = pipeline.run([story], reviewed_store, registry, pipeline.Options(targets=["zh"]))
    assert report.decoded == {"zh": 1}  # the sentence taken from memory; only the headline was decoded
    with reviewed_store.read() as session:
        row = session.scalar(select(Translation).where(Translation.origin == "memory"))
        assert row.text == "贺南洪说：“我对他说了。”"
    assert "from memory" in client.get("/articles/follow-up").get_data(as_text=True)


def test_script_in_article_and_correction_is_escaped(app, reviewed_store, registry, tmp_path):
    from workflow import pipeline

    story = tmp_path / "xss.txt"
    story.write_text("Officials said <script>alert('x')</script> nothing.\n")
    pipeline.run([story], reviewed_store, registry, pipeline.Options(targets=["zh"]))
    client = login(app, "eddie")
    html = client.get("/articles/xss").get_data(as_text=True)
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html


def test_markdown_downloads_carry_no_raw_html_typed_into_an_edit(app, reviewed_store):
    client = login(app, "eddie")
    response = post(client, f"/articles/{ARTICLE}/edit",
                    {**sentence_form(client, "km", 0), "text": "<img src=x onerror=alert(1)> ការប្រជុំ "
                     "[ព័ត៌មាន](javascript:alert(2)) ![](http://tracker.example/x.png)\n# ១. *ថ្មី*"},
                    f"/articles/{ARTICLE}")
    assert response.status_code in (200, 303)
    decide(client, ARTICLE, "km", "approved")
    markdown = client.get(f"/download/{ARTICLE}/km.md").get_data(as_text=True)
    assert "&lt;img src=x onerror=alert(1)> ការប្រជុំ" in markdown and "<img" not in markdown
    # Rendered by a CommonMark renderer as a CMS would: what the editor typed comes out as the text it is.
    from markdown_it import MarkdownIt

    html = MarkdownIt("commonmark").render(markdown)
    assert "<img" not in html and "<a " not in html
    assert html.count("<em>") == 1 and html.count("<h1>") == 1  # the file's own heading and byline only
    assert "[ព័ត៌មាន](javascript:alert(2)) ![](http://tracker.example/x.png)" in html
    with zipfile.ZipFile(io.BytesIO(client.get("/download/approved.zip").data)) as archive:
        markdown_files = [name for name in archive.namelist() if name.endswith(".md")]
        assert markdown_files and all("<img" not in archive.read(name).decode() for name in markdown_files)


def test_security_headers_and_cookie_flags(app):
    client = app.test_client()
    response = client.get("/login")
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    response = client.post("/login", data={"username": "eddie", "password": "eddie-password",
                                           "csrf_token": token(client)})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_khmer_webfont_is_served_from_its_package(app):
    response = app.test_client().get("/fonts/noto-sans-khmer.ttf")
    assert response.status_code == 200 and response.mimetype == "font/ttf" and len(response.data) > 100_000


def test_secret_key_is_generated_once_into_the_data_dir(app, home):
    from web import create_app

    key = (home / "secret_key").read_text()
    assert len(key) == 64 and app.secret_key == key
    assert create_app(app.extensions["briefdesk_config"]).secret_key == key
    assert (home / "secret_key").stat().st_mode & 0o077 == 0


def test_an_editor_stars_a_sentence_into_the_brief(app, reviewed_store):
    client = login(app, "eddie")
    html = client.get(f"/articles/{ARTICLE}").get_data(as_text=True)
    assert "Brief: 3 sentences" in html and ">Headline<" in html
    stars = re.findall(r'name="sentence_id" value="(\d+)">\s*<input type="hidden" name="base_revision" '
                       r'value="(\d+)">\s*<input type="hidden" name="in_brief" value="1">', html)
    sentence_id, base = stars[0]  # the first sentence not in the brief
    assert client.post(f"/articles/{ARTICLE}/brief", data={"sentence_id": sentence_id, "in_brief": "1",
                                                           "base_revision": base}).status_code == 400  # no CSRF
    response = post(client, f"/articles/{ARTICLE}/brief",
                    {"sentence_id": sentence_id, "in_brief": "1", "base_revision": base}, f"/articles/{ARTICLE}")
    assert response.status_code == 303
    html = client.get(f"/articles/{ARTICLE}").get_data(as_text=True)
    assert "Brief: 4 sentences" in html and "Brief sentences (numbers)" in html
    stale = post(client, f"/articles/{ARTICLE}/brief",
                 {"sentence_id": sentence_id, "in_brief": "0", "base_revision": base}, f"/articles/{ARTICLE}")
    assert stale.status_code == 303
    assert "changed the brief" in client.get(f"/articles/{ARTICLE}").get_data(as_text=True)
    reader = login(app, "rita")
    refused = post(reader, f"/articles/{ARTICLE}/brief", {"sentence_id": sentence_id, "in_brief": "0",
                                                          "base_revision": base})
    assert refused.status_code == 403  # readers do not choose


def test_every_page_is_titled_once_with_the_apps_name_and_has_an_icon(app):
    client = login(app, "ada")
    for path in ("/", "/stories/new", "/glossary", "/stats", "/approved", f"/articles/{ARTICLE}", "/admin/users"):
        html = client.get(path).get_data(as_text=True)
        title = re.search(r"<title>([^<]*)</title>", html).group(1)
        assert title.endswith(" · Briefdesk") and title.count("Briefdesk") == 1, (path, title)
        assert 'rel="icon" href="/static/favicon.svg"' in html
    assert client.get("/static/favicon.svg").status_code == 200
    assert re.search(r"<title>Log in · Briefdesk</title>", app.test_client().get("/login").get_data(as_text=True))


def test_error_pages_have_the_apps_layout_and_a_way_back_and_the_api_keeps_json(app):
    anonymous = app.test_client()
    missing = anonymous.get("/no/such/page")
    page = missing.get_data(as_text=True)
    assert missing.status_code == 404 and "Not Found · Briefdesk" in page and 'class="topbar"' in page
    assert "There is no page here" in page and 'href="/login"' in page
    reader = login(app, "rita")
    forbidden = reader.get("/admin/users")
    page = forbidden.get_data(as_text=True)
    assert forbidden.status_code == 403 and "Your role does not allow this page" in page
    assert "Back to the approved briefs" in page and "rita · reader" in page
    gone = login(app, "eddie").get("/articles/no-such-article")
    assert gone.status_code == 404 and "Back to the queue" in gone.get_data(as_text=True)
    refused = reader.get("/download/approved.zip?format=pdf")
    assert refused.status_code == 400 and "format: choose from md, txt, docx" in refused.get_data(as_text=True)
    api = anonymous.get("/api/v1/nothing-here")
    assert api.status_code == 404 and api.is_json and "no such API endpoint" in api.json["error"]
    wrong_method = anonymous.delete("/login")
    assert wrong_method.status_code == 405 and "cannot be used that way" in wrong_method.get_data(as_text=True)
    assert set(wrong_method.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS", "POST"}  # as HTTP asks


def test_a_server_error_is_a_page_of_the_app_not_a_traceback(reviewed_store, config):
    from web import create_app

    app = create_app(config)
    app.add_url_rule("/boom", "boom", lambda: 1 / 0)
    response = app.test_client().get("/boom")
    page = response.get_data(as_text=True)
    assert response.status_code == 500 and "Something went wrong on the server" in page
    assert 'class="topbar"' in page and "ZeroDivisionError" not in page


def test_the_article_header_says_where_the_story_came_from_never_a_server_path(app, reviewed_store):
    client = login(app, "eddie")
    page = client.get(f"/articles/{ARTICLE}").get_data(as_text=True)
    with reviewed_store.read() as session:
        source = session.scalar(select(Article.source).where(Article.external_id == ARTICLE))
    assert source.startswith("/") and source not in page  # stored with its path, for operators
    assert f"{ARTICLE} · file hor-namhong-china-visit.en.txt" in page
    from workflow.article_view import ArticleView

    origin = lambda source: ArticleView("a", "t", source, "", [], {}).origin  # noqa: E731
    assert (origin("the form"), origin("item 3"), origin("C:\\stories\\x.docx"), origin("/srv/in/wire.jsonl:7")) == (
        "pasted in the app", "sent through the API", "file x.docx", "file wire.jsonl:7")


def test_an_approved_language_offers_no_approve_again_only_reject(app, reviewed_store):
    client = login(app, "eddie")
    decide(client, ARTICLE, "km", "approved")
    page = client.get(f"/articles/{ARTICLE}").get_data(as_text=True)
    khmer = page[page.index('id="decide-km"'):page.index('id="decide-zh"')]
    chinese = page[page.index('id="decide-zh"'):]
    assert 'value="approved" class="approve"' not in khmer and "Approve despite" not in khmer
    assert "Approved: editing it, or Reject, withdraws it." in khmer and 'value="rejected"' in khmer
    assert 'value="approved" class="approve"' in chinese


def test_the_queue_says_its_chips_count_translations_and_its_list_articles(app, reviewed_store):
    page = login(app, "eddie").get("/").get_data(as_text=True)
    assert "Translations (one per article and language):" in page
    assert re.search(r'title="6 translations new: the articles with one are listed"[^>]*>\s*<span class="chip '
                     r'chip-new">new</span> <strong>6</strong>', page)
    assert "3 articles" in page


def test_the_api_is_described_on_a_page_of_the_app_built_from_its_openapi_document(app):
    from web.api import openapi_document

    admin, editor = login(app, "ada"), login(app, "eddie")
    assert 'href="/docs/api">API</a>' in admin.get("/").get_data(as_text=True)
    assert 'href="/docs/api"' not in editor.get("/").get_data(as_text=True)  # the link is for admins
    response = admin.get("/docs/api")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "<title>CMS API · Briefdesk</title>" in page
    document = openapi_document()
    for path, item in document["paths"].items():
        for method, operation in item.items():
            assert f"<code>{method.upper()} {path}</code>" in page and f'id="{operation["operationId"]}"' in page
    for name, schema in document["components"]["schemas"].items():
        assert f'id="schema-{name}"' in page
        for field in schema.get("properties", {}):
            assert f"<code>{field}</code>" in page, (name, field)
    assert "<td>array of string (one of km, zh, zt)</td>" in page and "<td>always approved</td>" in page
    assert "<td>integer (≥ 1; ≤ 200; default 50)</td>" in page
    assert "<script src=\"http" not in page and "cdn" not in page.lower()  # offline: nothing from elsewhere
    assert app.test_client().get("/docs/api").status_code == 302  # a login first
