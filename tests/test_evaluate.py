import json
from pathlib import Path

import pytest

from workflow import evaluate
from workflow.segment import split_sentences

SHARED = Path(__file__).resolve().parents[2] / "shared"  # dev evaluation sets, outside the product

DEV = SHARED / "eval" / "summaries-dev.jsonl"
pytestmark = pytest.mark.skipif(not DEV.exists(), reason="../shared/eval is not here")


@pytest.fixture(scope="module")
def items():
    return evaluate.read_jsonl(DEV, ["text", "summary"])[:4]


def test_table_has_every_method_and_sane_scores(items):
    rows = evaluate.summaries(items)
    assert [r.method for r in rows] == list(evaluate.SUMMARY_METHODS)
    for row in rows:
        assert 0 < row.rouge2 < row.rouge1 <= 100 and 0 < row.rougeLsum <= 100


def test_lead_is_the_first_three_sentences(items):
    from workflow.corpus import clean_text

    for item in items:
        first = [s.text for s in split_sentences(clean_text(item["text"]))][:3]
        assert evaluate.brief(item["text"], "lead", 3) == first


def test_briefs_are_verbatim_sentences_in_article_order(items):
    from workflow.corpus import clean_text

    for item in items:
        sentences = [s.text for s in split_sentences(clean_text(item["text"]))]
        chosen = evaluate.brief(item["text"], "news", 3)
        positions = [sentences.index(s) for s in chosen]
        assert positions == sorted(positions) and len(chosen) == 3


def test_cli_json(tmp_path, items):
    from click.testing import CliRunner

    from workflow.cli import main

    path = tmp_path / "two.jsonl"
    path.write_text("\n".join(json.dumps(i) for i in items[:2]))
    result = CliRunner().invoke(main, ["eval", "summaries", "--input-jsonl", str(path), "--json"])
    data = json.loads(result.output)
    assert data["items"] == 2 and {m["method"] for m in data["methods"]} == set(evaluate.SUMMARY_METHODS)
    table = CliRunner().invoke(main, ["eval", "summaries", "--input-jsonl", str(path)])
    assert "news (default)" in table.output and "ROUGE-Lsum" in table.output


def test_bad_input_is_named(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "x"}\n')
    with pytest.raises(evaluate.EvalError, match="bad.jsonl:1: missing string field"):
        evaluate.read_jsonl(path, ["text", "summary"])


TRANSLATIONS = SHARED / "eval" / "translations-dev.jsonl"


def test_references_against_themselves_score_100():
    items = evaluate.read_jsonl(TRANSLATIONS, ["en", "km", "zh"])
    for lang in ("km", "zh"):
        score = evaluate.score_translations([i[lang] for i in items], [i[lang] for i in items], lang)
        assert score.sentences == 177 and score.chrf == 100 and score.bleu == 100


def test_demo_model_scores_low_and_cli_writes_hypotheses(demo_models, tmp_path):
    from click.testing import CliRunner

    from workflow.cli import main

    subset = tmp_path / "dev.jsonl"
    subset.write_text("\n".join(TRANSLATIONS.read_text().splitlines()[:12]))
    output = tmp_path / "out.jsonl"
    result = CliRunner().invoke(main, ["eval", "translations", "--input-jsonl", str(subset), "--to", "zh",
                                       "--output-jsonl", str(output), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["lang"] == "zh" and data["sentences"] == 12 and data["chrf"] < 20  # a demo model knows nothing
    rescored = CliRunner().invoke(main, ["eval", "translations", "--input-jsonl", str(subset), "--to", "zh",
                                         "--hypotheses", str(output), "--json"])
    assert json.loads(rescored.output) == data
