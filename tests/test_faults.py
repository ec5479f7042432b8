"""Nothing lost: a batch killed with SIGKILL again and again, writers side by side, backup round trip."""

import os
import random
import re
import signal
import subprocess
import sys
import threading
import time

import pytest
from sqlalchemy import func, select, text

from tests.web_client import csrf_token, login, sentence_forms
from workflow.store import Article, Brief, Review, Sentence, Translation

pytestmark = pytest.mark.slow

KILLS = 5


def _translated(store) -> int:
    with store.read() as session:
        return session.scalar(select(func.count(Translation.id)))


def _run_command(corpus):
    return [sys.executable, "-m", "workflow", "run", str(corpus), "--to", "km,zh"]


def test_sigkill_at_random_points_loses_and_redoes_nothing(demo_models, home, store, corpus_copy):
    rng = random.Random(20261127)
    expected_articles = 42  # corpus/: a run commits each article as soon as it is translated, so it has commit
    # points from its first seconds to its end
    env = {**os.environ, "BRIEFDESK_HOME": str(home)}
    survivors: dict[int, tuple] = {}
    kills = 0
    while kills < KILLS:
        process = subprocess.Popen(_run_command(corpus_copy), env=env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE, text=True)
        # Strike at a random moment after this run has committed something new, so every kill lands mid-run
        # with finished work behind it.
        deadline = time.monotonic() + 120
        while process.poll() is None and _translated(store) <= len(survivors) and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(rng.uniform(0.0, 0.5))
        if process.poll() is not None:
            assert process.returncode == 0, process.stderr.read()
            break  # finished before we struck: the remaining work was small
        process.send_signal(signal.SIGKILL)
        process.wait()
        process.stderr.close()
        kills += 1
        with store.read() as session:
            # Whatever a killed run committed must survive every later run unchanged.
            for row in session.scalars(select(Translation)):
                survivors.setdefault(row.id, (row.sentence_id, row.lang, row.text, row.created_at))
    assert kills >= 5, f"only {kills} kills landed; the run got faster than the kill schedule"
    print(f"\nSIGKILLs survived: {kills}; translations committed by killed runs: {len(survivors)}")
    final = subprocess.run(_run_command(corpus_copy), env=env, capture_output=True, text=True)
    assert final.returncode == 0, final.stderr

    with store.read() as session:
        articles = session.scalar(select(func.count(Article.id)))
        sentences = session.scalar(select(func.count(Sentence.id)))
        assert articles == expected_articles
        for lang in ("km", "zh"):
            # Exactly one translation per sentence and language, none missing, none duplicated.
            per_sentence = session.execute(select(Translation.sentence_id, func.count()).where(
                Translation.lang == lang).group_by(Translation.sentence_id)).all()
            assert len(per_sentence) == sentences and {n for _, n in per_sentence} == {1}
            assert session.scalar(select(func.count(Brief.id)).where(Brief.lang == lang)) == articles
            assert session.scalar(select(func.count()).select_from(Review).where(Review.lang == lang)) == articles
        assert session.scalar(select(func.count(Brief.id)).where(Brief.lang == "en")) == articles
        if store.engine.dialect.name == "sqlite":  # PostgreSQL checks its own pages; it has no such pragma
            assert session.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        # Finished work was not redone: every row a killed run committed is still the same row.
        for row_id, values in survivors.items():
            row = session.get(Translation, row_id)
            assert row is not None and (row.sentence_id, row.lang, row.text, row.created_at) == values
        assert len(survivors) > 0
    rerun = subprocess.run(_run_command(corpus_copy), env=env, capture_output=True, text=True)
    assert "Nothing to translate" in rerun.stdout


def test_batch_and_editors_write_side_by_side(reviewed_store, home, config, corpus_copy):
    """A batch run in another process while editor threads save and approve through the real app."""

    from web import create_app

    app = create_app(config)
    env = {**os.environ, "BRIEFDESK_HOME": str(home)}
    batch = subprocess.Popen(_run_command(corpus_copy), env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True)
    failures: list[str] = []
    writes = [0]
    lock = threading.Lock()

    def editor(name: str, lang: str) -> None:
        client = login(app, name)
        round_number = 0
        deadline = time.monotonic() + 240
        # Keep saving for as long as the batch writes (and a little before it starts).
        while (batch.poll() is None or round_number < 12) and time.monotonic() < deadline:
            round_number += 1
            html = client.get("/articles/voa-khm-2018-party-khmer-rouge").get_data(as_text=True)
            token = csrf_token(html)
            fields = sentence_forms(html, lang)
            item, sentence_id, base = fields[round_number % len(fields)]
            for response in (
                client.post("/articles/voa-khm-2018-party-khmer-rouge/edit", data={
                    "csrf_token": token, "lang": lang, "item": item, "sentence_id": sentence_id,
                    "base_revision": base, "text": f"{name} {round_number}"}),
                client.post("/articles/voa-khm-2018-party-khmer-rouge/decide", data={
                    "csrf_token": token, "lang": lang, "decision": "approved"}),
            ):
                with lock:
                    if response.status_code >= 500 or b"locked" in response.data:
                        failures.append(f"{name}: {response.status_code}")
                    else:
                        writes[0] += 1

    threads = [threading.Thread(target=editor, args=args) for args in (("eddie", "km"), ("erin", "zh"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    _, errors = batch.communicate(timeout=300)
    assert batch.returncode == 0, errors
    assert "locked" not in errors
    assert failures == []
    print(f"\nconcurrent writes while the batch ran: {writes[0]}, failures: {len(failures)}")
    assert writes[0] >= 100, writes  # saves and approvals made while the batch was writing
    with reviewed_store.read() as session:
        assert session.scalar(select(func.count(Article.id))) == 42


def test_ctrl_c_records_an_interrupted_run_with_true_counts(demo_models, home, store, corpus_copy):
    """SIGINT mid-run: exit 130 with one line, the run recorded as interrupted with the translations it really
    stored (that a rerun then resumes is the SIGKILL test's business)."""
    from workflow.store import Run

    env = {**os.environ, "BRIEFDESK_HOME": str(home)}
    process = subprocess.Popen(_run_command(corpus_copy), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               text=True)
    deadline = time.monotonic() + 120
    while process.poll() is None and _translated(store) == 0 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert process.poll() is None, "the run ended before it could be interrupted"
    process.send_signal(signal.SIGINT)
    stderr = process.communicate(timeout=60)[1]
    assert process.returncode == 130, stderr
    # (a log's progress lines come first: stderr is a pipe here)
    lines = [line for line in stderr.splitlines() if not re.match(r"(ingest|translate → \w+): [\d,]+/[\d,]+ ", line)]
    assert lines == ["Interrupted."] and "Exception ignored" not in stderr and "Traceback" not in stderr, stderr
    with store.read() as session:
        record = session.scalars(select(Run)).one()
        stored = session.scalar(select(func.count(Translation.id)))
    assert record.status == "interrupted" and record.finished_at is not None
    assert 0 < record.sentences_translated == stored
