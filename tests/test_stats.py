"""Post-edit effort (``briefdesk stats``): sentences reviewed, the share edited, TER and chrF per model."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from click.testing import CliRunner

from tests.web_client import login
from workflow import review, stats
from workflow.cli import main

ARTICLE = "hor-namhong-china-visit"


def test_untouched_and_edited_translations(reviewed_store):
    review.decide(reviewed_store, ARTICLE, "km", "approved", "eddie", confirm_checks=True)
    view = review.article_view(reviewed_store, ARTICLE)
    row = view.rows[0]
    machine = row.cells["zh"].text
    edited = machine[:2] + ("甲" if machine[2] != "甲" else "乙") + machine[3:]  # one character substituted
    review.save_sentence(reviewed_store, ARTICLE, "zh", row.sentence_id, edited, 0, "eddie")
    review.decide(reviewed_store, ARTICLE, "zh", "approved", "eddie", confirm_checks=True)
    review.decide(reviewed_store, "voa-khm-2018-party-FUNCINPEC", "zh", "rejected", "eddie")  # not counted

    rows = {row.lang: row for row in stats.post_edit(reviewed_store)}
    assert set(rows) == {"km", "zh"}
    sentences = len(view.rows)
    km, zh = rows["km"], rows["zh"]
    assert (km.articles, km.sentences, km.edited, km.ter, km.chrf) == (1, sentences, 0, 0.0, 100.0)
    assert (zh.articles, zh.sentences, zh.edited) == (1, sentences, 1)
    # HTER on characters: one substitution over every character of the approved text.
    characters = sum(len(r.cells["zh"].text.replace(" ", "")) for r in view.rows)
    assert zh.ter == round(100 / characters, 2)
    assert 90 < zh.chrf < 100
    assert zh.model == view.languages["zh"].model and zh.edited_share == round(100 / sentences, 1)

    tomorrow = datetime.utcnow() + timedelta(days=1)
    assert stats.post_edit(reviewed_store, since=tomorrow) == []
    assert len(stats.post_edit(reviewed_store, until=tomorrow)) == 2


def test_stats_command(reviewed_store):
    review.decide(reviewed_store, ARTICLE, "km", "approved", "eddie", confirm_checks=True)
    result = CliRunner().invoke(main, ["stats", "--json", "--since", "2020-01-01"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["since"] == "2020-01-01T00:00:00"
    assert [(m["lang"], m["edited"], m["chrf"], m["edited_percent"]) for m in data["models"]] == [
        ("km", 0, 100.0, 0.0)]
    table = CliRunner().invoke(main, ["stats"])
    assert "Post-edit effort" in table.output and "km" in table.output
    empty = CliRunner().invoke(main, ["stats", "--until", "2020-01-01"])
    assert "No approved translations in this period." in empty.output


def test_stats_page_for_editors(reviewed_store, config):
    from web import create_app

    app = create_app(config)
    review.decide(reviewed_store, ARTICLE, "km", "approved", "eddie", confirm_checks=True)
    editor = login(app, "eddie")
    html = editor.get("/stats").get_data(as_text=True)
    assert "Post-edit effort" in html and "Khmer" in html and "100.00" in html
    assert "No approved translations" in editor.get("/stats?until=2020-01-01").get_data(as_text=True)
    assert editor.get("/stats?since=yesterday").status_code == 400
    assert login(app, "rita").get("/stats").status_code in (302, 403)


def test_ter_skips_the_shift_search_for_unchanged_sentences_and_scores_as_sacrebleu_does():
    from hypothesis import given, settings
    from hypothesis import strategies as st
    from sacrebleu.metrics import TER

    words = st.text(alphabet="abcកខ中 ", max_size=12)

    @settings(max_examples=200, deadline=None)
    @given(st.lists(st.tuples(words, words, st.booleans()), min_size=1, max_size=6))
    def same_as_sacrebleu(items):
        hypotheses = [h for h, _, _ in items]
        references = [h if same else r for h, r, same in items]  # a share of them left as the model wrote them
        expected = TER().corpus_score(hypotheses, [references]).score
        assert abs(stats._ter(TER(), hypotheses, references) - expected) < 1e-9

    same_as_sacrebleu()
