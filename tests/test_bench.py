"""Correctness behind the benchmarks (no timings): the pipeline decodes exactly what a raw batch decodes, and
the benchmark model stops where a real model would."""

import json

import numpy as np
import pytest

from workflow import pipeline
from workflow.corpus import sample_dir
from workflow.store import Sentence, Translation

CORPUS = sample_dir()


def test_pipeline_output_equals_one_raw_translate_batch(demo_models, registry, store, tmp_path):
    import ctranslate2
    import sentencepiece
    from sqlalchemy import select

    from workflow.translate import LENGTH_PENALTY, Settings

    settings = Settings(inter_threads=2, intra_threads=1)
    # Without a headline (a title that is only the id is none): the demo model knows every sentence of the story
    # but not its headline, and what it makes up for unknown input may depend on the batch it is decoded in.
    story = tmp_path / "story.json"
    story.write_text(json.dumps({"id": "story", "title": "story",
                                 "text": (CORPUS / "hor-namhong-china-visit.en.txt").read_text()}))
    report = pipeline.run([story], store, registry, pipeline.Options(targets=["zh"], decoding=settings))
    assert not report.errors
    with store.read() as session:
        rows = session.execute(select(Sentence.text, Translation.text).join(
            Translation, Translation.sentence_id == Sentence.id).order_by(Sentence.position)).all()
    model = demo_models["zh"]
    processor = sentencepiece.SentencePieceProcessor(model_file=str(model.path / "sentencepiece.model"))
    raw = ctranslate2.Translator(str(model.path / "model")).translate_batch(
        [processor.encode(english, out_type=str) for english, _ in rows], beam_size=4,
        length_penalty=LENGTH_PENALTY, replace_unknowns=True)
    assert [processor.decode_pieces(r.hypotheses[0]) for r in raw] == [text for _, text in rows]
    assert report.tokens["zh"] == sum(len(r.hypotheses[0]) for r in raw)


@pytest.mark.slow
def test_benchmark_model_has_real_size_and_tracks_source_length(tmp_path):
    import zipfile

    import ctranslate2
    import sentencepiece

    from workflow.bench import model as benchmodel
    from workflow.segment import split_sentences

    stories = [json.loads(line)["text"] for line in (CORPUS / "voa-cambodia-2018.en.jsonl").read_text().splitlines()]
    archive = benchmodel.build(stories, tmp_path)
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(tmp_path)
    root = tmp_path / benchmodel.NAME
    config = json.loads((root / "model" / "config.json").read_text())
    assert config["eos_token"] == "</s>"
    processor = sentencepiece.SentencePieceProcessor(model_file=str(root / "sentencepiece.model"))
    assert processor.get_piece_size() == 32_000
    assert 60e6 < (root / "model" / "model.bin").stat().st_size < 120e6  # int8 Transformer base
    sources = [processor.encode(s.text, out_type=str) for text in stories[10:14] for s in split_sentences(text)][:40]
    results = ctranslate2.Translator(str(root / "model")).translate_batch(sources, beam_size=4, length_penalty=0.2)
    source_lengths = np.array([len(s) for s in sources])
    target_lengths = np.array([len(r.hypotheses[0]) for r in results])
    assert np.corrcoef(source_lengths, target_lengths)[0, 1] > 0.95
    assert target_lengths.max() < 256  # it stops by itself


def test_bench_summarize_reports_its_numbers():
    from workflow.bench import summarize

    result = summarize.run(long_sentences=100)
    assert result["articles"] == 42 and result["articles_per_second"] > 0 and result["long_article_seconds"] > 0


def test_serve_benchmark_gets_every_page_from_a_real_server(config):
    """A small `bench serve`: every request answered 200 by `briefdesk serve` over a filled store."""
    from web import bench

    result = bench.run(config, articles=200, requests=24, clients=2, workers=2)
    assert result["failures"] == 0 and result["workers"] == 2
    assert {"queue_p95_ms", "filter_p95_ms", "search_p95_ms", "article_p95_ms"} <= result.keys()
    assert result["server_cpu_ms_per_request"] > 0  # the workers' CPU is counted, not just the parent's


def test_serve_benchmark_runs_on_postgresql(config, postgres_server):
    """`bench serve --database-url postgresql://…`: the store filled there (ids given, sequences moved past
    them) and served by `briefdesk serve` from it."""
    from sqlalchemy import func, select

    from web import bench
    from workflow import accounts
    from workflow.store import Article, Store

    url = postgres_server.create_database(migrated=False)
    result = bench.run(config, articles=200, requests=24, clients=2, workers=2,
                       database_url=url.replace("postgresql+psycopg://", "postgresql://"))
    assert result["failures"] == 0 and result["database"] == "postgresql"
    store = Store(url)
    with store.read() as session:
        assert session.scalar(select(func.count(Article.id))) == 200
    accounts.add_user(store, "after-the-fill", "a-password", "reader")  # the sequences went past the given ids
    with store.session() as session:
        session.add(Article(external_id="new-story", title="t", source="s", text="x", content_hash="0" * 64))


def test_the_archive_copies_are_new_sentences_for_the_model_and_the_same_stories_for_people(tmp_path):
    from workflow.bench import archive, stories
    from workflow.segment import split_sentences

    lines = [json.loads(line) for line in archive.build(84, tmp_path).read_text().splitlines()]
    first, copy = lines[0], lines[41]
    assert len(lines) == 84 and len({line["id"] for line in lines}) == 84
    assert first["text"] == stories()[0]["text"] and copy["title"] == first["title"]
    original = [s.text for s in split_sentences(first["text"])]
    marked = [s.text for s in split_sentences(copy["text"])]
    assert len(marked) == len(original) and not set(marked) & set(original)
    assert [m.replace(" (1)", "") for m in marked] == [o.strip() for o in original]


@pytest.mark.slow
def test_the_archive_bench_runs_every_stage_and_decodes_every_copy(config):
    from workflow.bench import archive

    result = archive.run(config, 12)
    assert (result["stories"], result["stored"], result["errors"]) == (12, 12, 0)
    assert set(result["stages"]) == {"ingest", "translate:km", "translate:zh"}
    assert result["stages"]["ingest"]["items"] == 12
    # Nothing found in the memory or de-duplicated away: every sentence of every copy went to the model.
    assert result["sentences_decoded"]["km"] == result["stages"]["translate:km"]["items"] > 12 * 10
    for stage in result["stages"].values():
        assert stage["seconds"] > 0 and stage["first_10pct_ms_per_item"] > 0 and stage["last_10pct_ms_per_item"] > 0
