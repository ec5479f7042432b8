"""``briefdesk worker``: stories added through the web or the API are translated by workers, each exactly once,
also when a worker is killed, on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import func, select

from tests.conftest import CORPUS
from workflow import jobs, pipeline, queue, worker
from workflow.corpus import Document
from workflow.segment import split_sentences
from workflow.store import Job, Review, Run, Sentence, Translation

BOTH = pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)


def voa_stories() -> list[dict]:
    return [json.loads(line) for line in (CORPUS / "voa-cambodia-2018.en.jsonl").read_text().splitlines()]


def document(story: dict) -> Document:
    return Document(story["id"], story["title"], story["text"], f"web:{story['id']}")


def translated(store, article_id: int, lang: str) -> int:
    with store.read() as session:
        return session.scalar(select(func.count()).select_from(Translation).join(
            Sentence, Sentence.id == Translation.sentence_id).where(Sentence.article_id == article_id,
                                                                    Translation.lang == lang))


def result_id(store) -> int:
    """The article of the only job."""
    with store.read() as session:
        return session.scalar(select(Job.article_id))


def sentences(store, article_id: int) -> int:
    with store.read() as session:
        return session.scalar(select(func.count()).select_from(Sentence).where(Sentence.article_id == article_id))


@BOTH
def test_a_submitted_story_is_stored_at_once_and_translated_by_the_worker(demo_models, store, registry):
    story = voa_stories()[0]
    result = pipeline.submit(document(story), store, "eddie")
    assert result.external_id == story["id"]
    with store.read() as session:
        job = session.scalar(select(Job))
        assert (job.status, job.targets, job.submitted_by) == ("queued", ["km", "zh"], "eddie")
        assert session.scalar(select(func.count()).select_from(Review)) == 0  # nothing decoded by submit
    assert sentences(store, job.article_id) == result.sentences == 0  # nor split: the request stays cheap
    lines: list[str] = []
    assert worker.work(store, registry, until_idle=True, log=lines.append) == 1
    assert lines[0].startswith(f"claimed {story['id']} (job {job.id}, attempt 1, km+zh)")
    with store.read() as session:
        job = session.get(Job, job.id)
        assert (job.status, job.attempts, job.error) == ("done", 1, "")
        assert {r.lang: r.status for r in session.scalars(select(Review))} == {"km": "new", "zh": "new"}
    total = sentences(store, job.article_id)
    assert translated(store, job.article_id, "km") == total == translated(store, job.article_id, "zh") > 0


def test_a_story_that_fails_shows_why_and_can_be_retried(demo_models, store, registry, tmp_path):
    story = voa_stories()[1]
    pipeline.submit(document(story), store, "eddie", pipeline.Options(targets=["km", "zt"]))
    worker.work(store, registry, until_idle=True, log=lambda _: None)
    with store.read() as session:
        job = session.scalar(select(Job))
    assert job.status == "failed" and "zt" in job.error and "no" in job.error.lower()
    assert translated(store, job.article_id, "km") == sentences(store, job.article_id)  # the rest is kept
    with pytest.raises(jobs.JobError, match="not failed"):
        pipeline.submit(document(voa_stories()[2]), store, "eddie")
        jobs.retry(store, voa_stories()[2]["id"])
    assert jobs.retry(store, story["id"]) == job.id
    with store.read() as session:
        assert session.get(Job, job.id).status == "queued"
    assert queue.queue(store).rows[-1].job == ("queued", "")

    # Sent again for km only, it is done: the queue shows no failure left over from the earlier job.
    pipeline.submit(document(story), store, "eddie", pipeline.Options(targets=["km"]))
    with store.session() as session:
        session.get(Job, job.id).status = "failed"
    worker.work(store, registry, until_idle=True, log=lambda _: None)
    assert {row.article_id: row.job for row in queue.queue(store).rows}[story["id"]] is None


def test_an_empty_story_is_refused_with_its_source(store):
    with pytest.raises(Exception, match="web:empty: no sentences found"):
        pipeline.submit(Document("empty", "Empty", "   ", "web:empty"), store, "eddie")
    with store.read() as session:
        assert session.scalar(select(func.count()).select_from(Job)) == 0


def _worker(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "workflow", "worker", "--poll", "0.1", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})


@BOTH
def test_two_workers_never_take_the_same_story(demo_models, store):
    stories = voa_stories()[:10]
    for story in stories:
        pipeline.submit(document(story), store, "cms")
    first, second = _worker("--until-idle"), _worker("--until-idle")
    outputs = [process.communicate(timeout=300)[0] for process in (first, second)]
    assert [process.returncode for process in (first, second)] == [0, 0], outputs
    claimed = [re.findall(r"^claimed (\S+) ", output, re.MULTILINE) for output in outputs]
    assert not set(claimed[0]) & set(claimed[1]), outputs
    assert sorted(claimed[0] + claimed[1]) == sorted(s["id"] for s in stories)
    with store.read() as session:
        assert {(j.status, j.attempts) for j in session.scalars(select(Job))} == {("done", 1)}


@pytest.mark.slow
@BOTH
def test_a_worker_killed_mid_story_leaves_it_to_the_next_one(demo_models, store):
    # One long story (the first 18 VOA stories in one: 758 sentences, seconds of decoding in each language), so
    # that the kill lands while it is being translated.
    pool = voa_stories()[:18]
    long_story = Document("long-story", "Everything", "\n\n".join(s["text"] for s in pool), "web:long-story")
    pipeline.submit(long_story, store, "cms")
    process = _worker("--lease", "2")
    assert process.stdout.readline().startswith("Briefdesk worker")
    assert process.stdout.readline().startswith("claimed long-story")
    deadline = time.monotonic() + 60
    while sentences(store, result_id(store)) == 0 and time.monotonic() < deadline:  # the worker splits it first
        time.sleep(0.05)
    time.sleep(0.5)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    with store.read() as session:
        job = session.scalar(select(Job))
        article_id = job.article_id
    assert job.status == "running", "the worker finished before it was killed: make the story longer"
    total = sentences(store, article_id)
    assert translated(store, article_id, "zh") < total

    time.sleep(2.5)  # the lease runs out
    again = _worker("--lease", "2", "--until-idle")
    output = again.communicate(timeout=300)[0]
    assert again.returncode == 0, output
    assert "claimed long-story (job 1, attempt 2" in output and "done long-story" in output
    with store.read() as session:
        job = session.get(Job, job.id)
        assert (job.status, job.attempts) == ("done", 2)
    assert translated(store, article_id, "km") == total == translated(store, article_id, "zh")
    assert len(split_sentences(long_story.text)) + 1 == total  # and the headline


def test_a_story_too_long_or_too_slow_fails_with_its_reason_and_the_queue_goes_on(demo_models, store, registry):
    """The request took both without splitting them; the worker refuses the book (more sentences than
    ``articles.MAX_SENTENCES``) and stops the story that runs past its time, and goes on with the next."""
    from workflow.articles import MAX_SENTENCES
    from workflow.store import Article

    book = " ".join(f"This is sentence number {i} about the talks." for i in range(MAX_SENTENCES + 1))
    pipeline.submit(Document("book", "A book", book, "web:book"), store, "cms")
    long_story = "\n\n".join(s["text"] for s in voa_stories()[:18])  # 741 sentences: many batches
    pipeline.submit(Document("long-story", "Everything", long_story, "web:long-story"), store, "cms")
    lines: list[str] = []
    assert worker.work(store, registry, until_idle=True, log=lines.append, story_seconds=0) == 2
    with store.read() as session:
        by_story = {external_id: (job.status, job.error, job.article_id) for job, external_id in session.execute(
            select(Job, Article.external_id).join(Article, Article.id == Job.article_id))}
    assert by_story["book"][:2] == ("failed", f"book: more than {MAX_SENTENCES:,} sentences: too long for one "
                                              "story (split it into several)")
    assert sentences(store, by_story["book"][2]) == 0
    assert by_story["long-story"][0] == "failed"
    assert by_story["long-story"][1].startswith("stopped after 0 s, the most one story may take")
    assert translated(store, by_story["long-story"][2], "km") == 0
    assert "failed long-story: stopped after 0 s" in "\n".join(lines)

    story = voa_stories()[0]
    pipeline.submit(document(story), store, "cms")
    assert worker.work(store, registry, until_idle=True, log=lines.append) == 1
    assert lines[-1] == f"done {story['id']}"


def test_jobs_list_is_a_table_with_a_header_and_json_lines_for_scripts(demo_models, store, registry):
    from click.testing import CliRunner

    from workflow.cli import main

    story = voa_stories()[0]
    pipeline.submit(document(story), store, "cms")
    table = CliRunner().invoke(main, ["jobs", "list"])
    assert table.exit_code == 0 and "1 job" in table.stdout
    assert all(column in table.stdout for column in ("job", "story", "status", "languages", "worker", "error"))
    assert "queued" in table.stdout  # (the id may fold in an 80-column table: --json has it whole)
    lines = CliRunner().invoke(main, ["jobs", "list", "--json"]).stdout.splitlines()
    assert [json.loads(line)["story"] for line in lines] == [story["id"]]
    assert json.loads(lines[0])["languages"] == ["km", "zh"] and json.loads(lines[0])["status"] == "queued"


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_worker_stopped_mid_story_puts_it_back_and_exits_0(demo_models, store, signum):
    pool = voa_stories()[:18]  # one long story, as above: the signal lands while it is being translated
    long_story = Document("long-story", "Everything", "\n\n".join(s["text"] for s in pool), "web:long-story")
    pipeline.submit(long_story, store, "cms")
    process = _worker()
    assert process.stdout.readline().startswith("Briefdesk worker")
    assert process.stdout.readline().startswith("claimed long-story (job 1, attempt 1")
    deadline = time.monotonic() + 60
    while sentences(store, result_id(store)) == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)
    started = time.monotonic()
    process.send_signal(signum)
    output = process.communicate(timeout=30)[0]
    assert process.returncode == 0 and time.monotonic() - started < 10, output
    assert f"{signal.Signals(signum).name}: stopping" in output and "released long-story: stopping" in output
    with store.read() as session:
        job = session.scalar(select(Job))
        assert (job.status, job.attempts, job.worker) == ("queued", 0, "")  # back in the queue, no attempt spent
        assert session.scalars(select(Run.status).order_by(Run.id.desc())).first() == "interrupted"  # not failed
    article_id = result_id(store)
    assert translated(store, article_id, "zh") < sentences(store, article_id)
    again = _worker("--until-idle")
    output = again.communicate(timeout=300)[0]
    assert again.returncode == 0 and "claimed long-story (job 1, attempt 1" in output and "done long-story" in output
    total = sentences(store, article_id)
    assert translated(store, article_id, "km") == total == translated(store, article_id, "zh")
