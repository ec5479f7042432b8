import pytest
from sqlalchemy import delete, func, select

from workflow import models, pipeline
from workflow.config import Config
from workflow.corpus import sample_dir
from workflow.models import Registry
from workflow.store import Article, Brief, Review, Run, Sentence, Translation

CORPUS = sample_dir()


def run(paths, store, **options):
    """The pipeline over the models installed in this test's data dir (the ``home`` fixture's)."""
    return pipeline.run(paths, store, Registry(Config.from_env()), pipeline.Options(**options))


@pytest.mark.slow
def test_corpus_run_gives_every_article_translations_and_briefs(demo_models, store, references, no_network):

    report = run([CORPUS], store)
    assert report.errors == []
    assert no_network == []  # not one connection was tried
    assert len(report.articles) == 42
    with store.session() as session:
        sentences = session.scalar(select(func.count(Sentence.id)))
        for lang in ("km", "zh"):
            assert session.scalar(select(func.count(Translation.id)).where(Translation.lang == lang)) == sentences
        for lang in ("en", "km", "zh"):
            assert session.scalar(select(func.count(Brief.id)).where(Brief.lang == lang)) == 42
        assert session.scalar(select(func.count()).select_from(Review)) == 84
        assert set(session.scalars(select(Review.status))) == {"new"}
        assert all(session.scalars(select(Review.demo)))

        # Every trained sentence comes out exactly as its reference.
        for row in references:
            external_id, position = row["id"].rsplit("/", 1)
            sentence = session.scalar(select(Sentence).join(Article).where(
                Article.external_id == external_id, Sentence.position == int(position)))
            assert sentence.text == row["en"]
            got = {t.lang: t.text for t in session.scalars(select(Translation).where(
                Translation.sentence_id == sentence.id))}
            assert got == {"km": row["km"], "zh": row["zh"]}


def test_brief_is_the_translation_of_the_chosen_sentences(demo_models, store, references):

    run([CORPUS / "hor-namhong-china-visit.en.txt"], store, budget=pipeline.summarize.Budget(sentences=2),
        algorithm="lead")
    with store.session() as session:
        briefs = {b.lang: b.text for b in session.scalars(select(Brief))}
    assert briefs["en"] == f"{references[0]['en']} {references[1]['en']}"
    assert briefs["zh"] == references[0]["zh"] + references[1]["zh"]
    assert briefs["km"] == f"{references[0]['km']} {references[1]['km']}"


def test_second_run_translates_nothing(demo_models, store):

    first = run([CORPUS / "hor-namhong-china-visit.en.txt"], store)
    assert first.decoded == {"km": 19, "zh": 19}  # 18 sentences and the headline
    second = run([CORPUS / "hor-namhong-china-visit.en.txt"], store)
    assert second.translated_nothing and second.decoded == {"km": 0, "zh": 0}
    assert second.articles[0].translated == {"km": 0, "zh": 0}
    with store.session() as session:
        assert session.scalar(select(func.count(Translation.id))) == 38
        assert [r.sentences_translated for r in session.scalars(select(Run).order_by(Run.id))] == [38, 0]


def test_changed_article_is_redone_and_sent_back_to_review(demo_models, store, tmp_path):
    path = tmp_path / "story.txt"
    path.write_text("Hun Sen’s forces won and the prince went into exile.\n")
    run([path], store, targets=["zh"])
    with store.session() as session:
        session.scalar(select(Review)).status = "approved"
    path.write_text("Hun Sen’s forces won and the prince went into exile.\n\nThe party won the election, but "
                    "Prime Minister Hun Sen refused to step down.\n")
    report = run([path], store, targets=["zh"])
    assert report.decoded == {"zh": 3}  # two sentences and the headline ("Story", from the file name)
    with store.session() as session:
        assert session.scalar(select(Review)).status == "new"
        assert session.scalar(select(Brief.text).where(Brief.lang == "zh")).startswith("洪森的部队获胜")
        assert session.scalar(select(func.count(Translation.id))) == 3


def test_changed_model_is_redone(demo_models, store, tmp_path):
    path = tmp_path / "story.txt"
    path.write_text("The party won the election, but Prime Minister Hun Sen refused to step down.\n")
    run([path], store, targets=["zh"])
    again = run([path], store, targets=["zh"], decoding=pipeline.Settings(beam_size=1))
    assert again.decoded == {"zh": 2}  # the sentence and the headline


def test_bad_items_are_reported_and_the_rest_of_the_batch_completes(demo_models, store, tmp_path):

    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    (folder / "latin1.txt").write_bytes("café au lait".encode("latin-1"))
    (folder / "huge.txt").write_bytes(b"All work and no play. " * 250_000)
    (folder / "script.html").write_text("<html><body><script>alert('x')</script><p>Hun Sen’s forces won and "
                                        "the prince went into exile.</p></body></html>")
    (folder / "one.txt").write_text("The party won the election, but Prime Minister Hun Sen refused to step "
                                    "down.\n")
    (folder / "long.txt").write_text(" ".join(["word"] * 2000) + ".\n")
    (folder / "good.txt").write_text((CORPUS / "hor-namhong-china-visit.en.txt").read_text())
    report = run([folder], store, targets=["km", "xx", "zt"])
    failed = {e["item"].rsplit("/", 1)[-1]: e["reason"] for e in report.errors}
    assert "empty file" in failed["empty.txt"]
    assert "binary" in failed["binary.txt"]
    assert "not UTF-8" in failed["latin1.txt"]
    assert "too large" in failed["huge.txt"]
    assert "unknown language 'xx'" in failed["--to xx"]
    assert "no en→zt model installed" in failed["--to zt"]
    done = {a.external_id: a for a in report.articles}
    assert set(done) == {"script", "one", "long", "good"}
    assert all(a.translated["km"] == a.sentences + 1 for a in done.values())  # and each headline
    assert done["long"].sentences == 25  # 2,000 words cut into pieces of at most 80
    with store.session() as session:
        assert "alert" not in session.scalar(select(Article.text).where(Article.external_id == "script"))


def test_zt_works_when_its_package_is_installed(demo_models, registry, store, tmp_path):
    import json
    import shutil
    import zipfile

    # Re-label the zh demo package as en→zt: a package for that pair is all the pipeline needs.
    source = models.demo_archives()[1]
    target = tmp_path / "zt.argosmodel"
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename.endswith("metadata.json"):
                data = json.dumps({**json.loads(data), "to_code": "zt"}).encode()
            zout.writestr(item.filename.replace("en_zh", "en_zt"), data)
    registry.add(target)
    shutil.rmtree(tmp_path / "unused", ignore_errors=True)
    path = tmp_path / "story.txt"
    path.write_text("Hun Sen’s forces won and the prince went into exile.\n")
    report = run([path], store, targets=["zt"])
    assert report.errors == [] and report.decoded == {"zt": 2}


def test_pipeline_never_imports_argostranslate_translate(demo_models, store, tmp_path):
    import subprocess
    import sys

    path = tmp_path / "story.txt"
    path.write_text("Hun Sen’s forces won and the prince went into exile.\n")
    code = ("import sys; from workflow import pipeline; from workflow.config import Config; "
            "from workflow.models import Registry; from workflow.store import Store; c = Config.from_env(); "
            f"r = pipeline.run([{str(path)!r}], Store(c.database_url), Registry(c)); assert not r.errors, r.errors; "
            "bad = [m for m in ('argostranslate.translate', 'torch', 'stanza', 'spacy') if m in sys.modules]; "
            "print(bad)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_different_story_never_silently_replaces_reviewed_work(demo_models, store, tmp_path):
    from workflow import review

    first, other = tmp_path / "first", tmp_path / "other"
    first.mkdir()
    other.mkdir()
    (first / "xss-html.txt").write_text("Hun Sen’s forces won and the prince went into exile.\n")
    (other / "xss-html.txt").write_text("The Khmer Rouge regime was overthrown in 1979.\n")
    assert run([first], store).errors == []
    review.decide(store, "xss-html", "km", "approved", "eddie", confirm_checks=True)
    report = run([other], store)
    [conflict] = report.errors
    assert conflict["stage"] == "conflict" and "xss-html-2" in conflict["reason"] and "--replace" in conflict["reason"]
    with store.read() as session:
        kept = session.scalar(select(Article).where(Article.external_id == "xss-html"))
        assert "prince" in kept.text and session.get(Review, (kept.id, "km")).status == "approved"
        assert "Khmer Rouge" in session.scalar(select(Article.text).where(Article.external_id == "xss-html-2"))
    again = run([other], store)  # a rerun finds its story already kept: nothing new, no third copy
    assert again.translated_nothing and [a.external_id for a in again.articles] == ["xss-html-2"]
    replaced = run([other], store, replace=True)
    assert replaced.errors == []
    with store.read() as session:
        article = session.scalar(select(Article).where(Article.external_id == "xss-html"))
        assert "Khmer Rouge" in article.text and session.get(Review, (article.id, "km")).status == "new"


def test_an_unchanged_rerun_of_decided_work_is_no_conflict(demo_models, store, tmp_path):
    from workflow import review

    story = tmp_path / "story.txt"
    story.write_text("Hun Sen’s forces won and the prince went into exile.\n")
    run([story], store)
    review.decide(store, "story", "km", "approved", "eddie", confirm_checks=True)
    assert run([story], store).errors == []


def test_a_headline_added_to_an_approved_story_sends_it_back_to_review(demo_models, store, tmp_path):
    path = tmp_path / "story.txt"
    path.write_text("Hun Sen’s forces won and the prince went into exile.\n")
    run([path], store, targets=["zh"])
    with store.session() as session:  # as before headlines were translated (migration 0011 then adds it)
        session.execute(delete(Sentence).where(Sentence.position == -1))
        session.scalar(select(Review)).status = "approved"
    run([path], store, targets=["zh"])
    with store.session() as session:
        assert session.scalar(select(Review)).status == "approved"  # nothing new: still approved
        article = session.scalar(select(Article))
        session.add(Sentence(article_id=article.id, position=-1, paragraph=-1, text=article.title))
    assert run([path], store, targets=["zh"]).decoded == {"zh": 1}
    with store.session() as session:
        assert session.scalar(select(Review)).status == "in_review"  # the new headline needs a look


def test_ctrl_c_right_after_a_commit_is_counted_with_that_commit(demo_models, store):
    """SIGINT arriving just after an article's translations are committed (the moment the CI caught once: a
    record of 27 sentences for 32 stored): the commit's count is kept, and the run stops right after it."""
    import os
    import signal

    from sqlalchemy import event

    from workflow import interrupts

    def translations_flushed(session, context):
        if any(isinstance(row, Translation) for row in session.new):
            session.info["translations"] = True

    def interrupt_after_commit(session):
        if session.info.pop("translations", False):
            os.kill(os.getpid(), signal.SIGINT)

    event.listen(store._sessions, "after_flush", translations_flushed)
    event.listen(store._sessions, "after_commit", interrupt_after_commit)
    with interrupts.remembered(), pytest.raises(KeyboardInterrupt):
        run([CORPUS / "hor-namhong-china-visit.en.txt"], store, targets=["km"])
    with store.read() as session:
        record = session.scalars(select(Run)).one()
        stored = session.scalar(select(func.count(Translation.id)))
    assert record.status == "interrupted"
    assert record.sentences_translated == stored == 19  # the one article, committed and counted
