"""Stories added in the browser: pasted or uploaded, stored at once as "translating…", translated by the worker;
failures shown with their reason and retried."""

from __future__ import annotations

import io
import json
import re
import time

import pytest
from sqlalchemy import select

from tests.test_corpus import _word_file
from tests.web_client import login, post, token
from workflow import worker
from workflow.store import Article, Job, Review


@pytest.fixture
def app(reviewed_store, config):
    from web import create_app

    return create_app(config)


def add(client, **fields):
    return post(client, "/stories/new", fields, "/stories/new")


def test_a_pasted_story_shows_translating_until_the_worker_has_translated_it(app, reviewed_store, registry):
    client = login(app, "eddie")
    assert "Add a story" in client.get("/").get_data(as_text=True)
    response = add(client, title="Hun Sen meets Chinese envoy",
                   text="Prime Minister Hun Sen met the envoy on Monday.\n\nThey discussed trade.")
    assert response.status_code == 303
    queue = client.get("/").get_data(as_text=True)
    assert "Hun Sen meets Chinese envoy" in queue and "translating…" in queue and "Added" in queue
    with reviewed_store.read() as session:
        article = session.scalar(select(Article).where(Article.title == "Hun Sen meets Chinese envoy"))
        assert article.external_id.startswith("web-") and article.external_id.endswith("-hun-sen-meets-chinese-envoy")
        assert session.scalars(select(Review).where(Review.article_id == article.id)).all() == []
    waiting = client.get(f"/articles/{article.external_id}")  # stored, not split yet: the worker does that
    assert waiting.status_code == 200 and "Waiting for <code>briefdesk worker</code>" in waiting.get_data(as_text=True)
    worker.work(reviewed_store, registry, until_idle=True, log=lambda _: None)
    queue = client.get("/").get_data(as_text=True)
    assert "translating…" not in queue
    page = client.get(f"/articles/{article.external_id}").get_data(as_text=True)
    assert "Prime Minister Hun Sen met the envoy on Monday." in page and "Headline" in page


def test_a_word_file_is_added_with_its_own_title(app, reviewed_store, tmp_path):
    client = login(app, "eddie")
    path = _word_file(tmp_path / "ream.docx")
    response = client.post("/stories/new", data={"csrf_token": token(client, "/stories/new"),
                                                  "upload": (io.BytesIO(path.read_bytes()), path.name)},
                           content_type="multipart/form-data")
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    with reviewed_store.read() as session:
        article = session.scalar(select(Article).where(Article.external_id.like("web-%-ream")))
        assert article.title == "Ream base" and "Cell one." in article.text
        assert session.scalar(select(Job.status).where(Job.article_id == article.id)) == "queued"


def test_an_uploads_name_loses_control_and_bidi_characters_before_it_is_shown(app, reviewed_store):
    client = login(app, "eddie")
    name = "evil\u202egpj.\x07story\t.txt"  # a right-to-left override, a bell, a tab
    response = client.post("/stories/new", data={"csrf_token": token(client, "/stories/new"),
                                                  "upload": (io.BytesIO(b"Hun Sen met the envoy on Monday."), name)},
                           content_type="multipart/form-data")
    assert response.status_code == 303
    with reviewed_store.read() as session:
        article = session.scalar(select(Article).where(Article.text == "Hun Sen met the envoy on Monday."))
    assert article.source == "evilgpj.story.txt"
    page = client.get(f"/articles/{article.external_id}").get_data(as_text=True)
    assert "evilgpj.story.txt" in page and "\u202e" not in page and "\x07" not in page
    # A request without the text field at all (and no file) is told what is missing, not a 500.
    response = client.post("/stories/new", data={"csrf_token": token(client, "/stories/new")})
    assert response.status_code == 400 and "paste its text" in response.get_data(as_text=True)


def _word_bomb(path, megabytes: int = 200):
    """A real .docx whose document.xml ends in ``megabytes`` of spaces (still well-formed XML), which compress to
    about a thousandth of that."""
    import zipfile

    normal = _word_file(path.with_name("inside-the-bomb.docx"))
    with zipfile.ZipFile(normal) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry in source.infolist():
            if entry.filename != "word/document.xml":
                archive.writestr(entry, source.read(entry))
                continue
            with archive.open("word/document.xml", "w") as out:
                out.write(source.read(entry))
                for _ in range(megabytes):
                    out.write(b" " * 2**20)
    return path


def _peak_rss_mb_reading(path) -> float:
    """The peak memory of a fresh process that reads ``path`` as an upload, as the web app does."""
    import subprocess
    import sys

    code = ("import resource, sys\nfrom workflow import corpus\n"
            "try:\n    corpus.read_upload(sys.argv[1], open(sys.argv[1], 'rb').read())\n"
            "finally:\n    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)")
    return float(subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True).stdout)


def test_a_word_zip_bomb_is_refused_before_it_is_unpacked(app, reviewed_store, tmp_path):
    bomb = _word_bomb(tmp_path / "bomb.docx")
    assert bomb.stat().st_size < 1_000_000
    client = login(app, "eddie")
    response = client.post("/stories/new", data={"csrf_token": token(client, "/stories/new"),
                                                  "upload": (io.BytesIO(bomb.read_bytes()), "bomb.docx")},
                           content_type="multipart/form-data")
    assert response.status_code == 400 and "zip bomb" in response.get_data(as_text=True)
    with reviewed_store.read() as session:
        assert not session.scalars(select(Article).where(Article.external_id.like("web-%bomb%"))).all()
    # Memory stays where a normal Word file leaves it (python-docx would hold the 200 MB part).
    normal = _peak_rss_mb_reading(_word_file(tmp_path / "normal.docx"))
    assert _peak_rss_mb_reading(bomb) < normal + 50


def test_a_word_file_of_over_a_megabyte_is_added_like_a_small_one(app, reviewed_store, tmp_path):
    """The app-wide 1 MB body limit applied first: the CSRF check reads the form before the page's own limit."""
    import os
    import zipfile

    path = _word_file(tmp_path / "photo.docx")
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("word/media/photo.jpg", os.urandom(1_500_000))  # a photo barely compresses
    assert path.stat().st_size > 1_500_000
    client = login(app, "eddie")
    response = client.post("/stories/new", data={"csrf_token": token(client, "/stories/new"),
                                                  "upload": (io.BytesIO(path.read_bytes()), path.name)},
                           content_type="multipart/form-data")
    assert response.status_code == 303, response.status_code
    with reviewed_store.read() as session:
        assert session.scalar(select(Article.title).where(Article.external_id.like("web-%-photo"))) == "Ream base"
    # Elsewhere the limit stays 1 MB.
    assert client.post("/glossary", data={"csrf_token": "x" * 1_100_000}).status_code == 413


def test_an_upload_never_replaces_another_story_from_a_file_of_the_same_name(app, reviewed_store):
    client = login(app, "eddie")
    for text in (b"Hun Sen met the envoy on Monday.", b"The garment workers went on strike."):
        response = client.post("/stories/new", data={"csrf_token": token(client, "/stories/new"),
                                                      "upload": (io.BytesIO(text), "story.txt")},
                               content_type="multipart/form-data")
        assert response.status_code == 303
        time.sleep(1.1)  # ids carry the second they were added in
    with reviewed_store.read() as session:
        texts = session.scalars(select(Article.text).where(Article.external_id.like("web-%-story"))).all()
    assert sorted(texts) == ["Hun Sen met the envoy on Monday.", "The garment workers went on strike."]


def test_an_uploaded_archive_with_a_repeated_id_is_refused_by_name(app, reviewed_store):
    client = login(app, "eddie")
    lines = b"\n".join(json.dumps({"id": "cms-1", "title": title, "text": "Hun Sen spoke."}).encode()
                        for title in ("First", "Second"))
    response = client.post("/stories/new", data={"csrf_token": token(client, "/stories/new"),
                                                  "upload": (io.BytesIO(lines), "archive.jsonl")},
                           content_type="multipart/form-data")
    assert response.status_code == 400 and "duplicate article id &#39;cms-1&#39;" in response.get_data(as_text=True)
    with reviewed_store.read() as session:  # the file is refused whole, as a form that says what is wrong
        assert session.scalar(select(Article).where(Article.external_id == "cms-1")) is None


def test_a_json_upload_naming_a_taken_id_replaces_it_only_when_the_editor_says_so(app, reviewed_store):
    client = login(app, "eddie")

    def upload(text: str, **fields):
        line = json.dumps({"id": "cms-2", "title": "Visit", "text": text}).encode()
        response = client.post("/stories/new", data={"csrf_token": token(client, "/stories/new"),
                                                      "upload": (io.BytesIO(line), "story.json"), **fields},
                               content_type="multipart/form-data", follow_redirects=True)
        assert response.status_code == 200
        return response.get_data(as_text=True)

    def stored() -> dict[str, str]:
        with reviewed_store.read() as session:
            return dict(session.execute(select(Article.external_id, Article.text).where(
                Article.external_id.like("cms-2%"))).all())

    upload("Hun Sen spoke on Monday.")
    assert "this different story was stored as &#39;cms-2-2&#39;" in upload("Hun Sen spoke on Tuesday.")
    assert stored() == {"cms-2": "Hun Sen spoke on Monday.", "cms-2-2": "Hun Sen spoke on Tuesday."}
    page = upload("Hun Sen spoke on Wednesday.", replace="y")
    assert "replaced the story stored as &#39;cms-2&#39;" in page
    assert stored() == {"cms-2": "Hun Sen spoke on Wednesday.", "cms-2-2": "Hun Sen spoke on Tuesday."}


@pytest.mark.parametrize(("fields", "message"), [
    ({"title": "Nothing", "text": "   "}, "Story: paste its text or choose a file"),
    ({"title": "Numbers", "text": "12345 67890"}, "no text to translate"),
])
def test_bad_stories_say_why_on_the_form(app, fields, message):
    client = login(app, "eddie")
    response = add(client, **fields)
    assert response.status_code == 400 and message in response.get_data(as_text=True)


def test_a_broken_file_is_named(app, reviewed_store):
    client = login(app, "eddie")
    response = client.post("/stories/new", data={"csrf_token": token(client, "/stories/new"),
                                                  "upload": (io.BytesIO(b"PK\x03\x04 broken"), "story.docx")},
                           content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "story.docx: not a Word document (.docx)" in html


def test_a_failed_story_shows_its_reason_and_is_retried(app, reviewed_store, registry):
    from workflow import pipeline
    from workflow.corpus import Document

    pipeline.submit(Document("needs-zt", "Needs zt", "Hun Sen spoke.", "api"), reviewed_store, "cms",
                    pipeline.Options(targets=["zt"]))
    worker.work(reviewed_store, registry, until_idle=True, log=lambda _: None)
    client = login(app, "eddie")
    queue = client.get("/").get_data(as_text=True)
    assert "translation failed" in queue and "zt" in queue and "Retry" in queue
    assert post(client, "/stories/retry", {"article_id": "needs-zt"}, "/").status_code == 303
    assert "translating…" in client.get("/").get_data(as_text=True)


def test_readers_cannot_add_stories(app):
    reader = login(app, "rita")
    assert reader.get("/stories/new").status_code in (302, 403)
    assert "Add a story" not in reader.get("/approved").get_data(as_text=True)
    assert re.search("Add a story", login(app, "eddie").get("/approved").get_data(as_text=True))
