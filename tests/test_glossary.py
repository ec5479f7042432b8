"""The glossary: finding terms in English, checking translations, and the checks in the pipeline and on edits."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from tests.conftest import CORPUS
from workflow import glossary, pipeline, review
from workflow.cli import main
from workflow.glossary import Entry, Form, Glossary, GlossaryError
from workflow.store import Article, Sentence, TermChange, TermIssue, Translation

NAMHONG = Entry("Hor Namhong", {"zh": Form("贺南洪", ("洪南宏",)), "km": Form("ហោ ណាំហុង")},
                ("Namhong", "Foreign Minister Hor Namhong"))
CPP = Entry("Cambodian People's Party", {"zh": Form("柬埔寨人民党")}, ("CPP",))
CAMBODIAN = Entry("Cambodian", {"zh": Form("柬埔寨")})
SEN = Entry("Sen", {"zh": Form("森")})
PM = Entry("prime minister", {"zh": Form("首相")}, case_sensitive=False)
TERMS = Glossary([NAMHONG, CPP, CAMBODIAN, SEN, PM])


def found(text: str, terms: Glossary = TERMS) -> list[tuple[str, str]]:
    return [(text[o.start:o.end], o.entry.en) for o in terms.find(text)]


# --- finding terms in English ----------------------------------------------------------------------------------

def test_the_longest_term_wins_and_possessives_and_plurals_belong_to_it():
    assert found("The Cambodian People's Party's leader met Hor Namhong’s aide.") == [
        ("Cambodian People's Party's", "Cambodian People's Party"), ("Hor Namhong’s", "Hor Namhong")]
    assert found("Cambodian People’s Party members") == [("Cambodian People’s Party", "Cambodian People's Party")]
    assert found("two CPPs and the Cambodians'") == [("CPPs", "Cambodian People's Party"),
                                                    ("Cambodians'", "Cambodian")]
    assert found("Foreign Minister Hor Namhong said") == [("Foreign Minister Hor Namhong", "Hor Namhong")]


def test_terms_never_match_inside_other_words():
    assert found("The Senate, Senator Sena and Sen's aides") == [("Sen's", "Sen")]
    assert found("Cambodianness, preCambodian, CPPX, Namhongs1") == []


def test_case_rule_per_entry():
    assert found("cambodian PRIME MINISTER Prime minister") == [("PRIME MINISTER", "prime minister"),
                                                                 ("Prime minister", "prime minister")]
    assert found("HOR NAMHONG") == []


def test_terms_spread_over_line_breaks_and_double_spaces_still_match():
    assert found("Hor\n  Namhong") == [("Hor\n  Namhong", "Hor Namhong")]


# --- checking translations -------------------------------------------------------------------------------------

def kinds(checked) -> list[tuple[str, str, str]]:
    return [(f.entry.en, f.kind, f.detail) for f in checked.findings]


def test_approved_forbidden_and_missing_forms():
    english = "Hor Namhong met the prime minister."
    assert kinds(TERMS.check(english, "贺南洪会见了首相。", "zh")) == [("Hor Namhong", "ok", ""),
                                                                    ("prime minister", "ok", "")]
    checked = TERMS.check(english, "洪南宏会见了总理。", "zh")
    assert checked.text == "洪南宏会见了总理。"
    assert kinds(checked) == [("Hor Namhong", "forbidden", "洪南宏"), ("prime minister", "missing", "")]
    fixed = TERMS.check(english, "洪南宏会见了总理。洪南宏说", "zh", fix=True)
    assert fixed.text == "贺南洪会见了总理。贺南洪说"
    assert kinds(fixed) == [("Hor Namhong", "fixed", "洪南宏"), ("prime minister", "missing", "")]
    assert [f.kind for f in fixed.issues] == ["missing"]


def test_a_language_without_a_form_is_not_checked_and_other_sentences_are_not_touched():
    assert kinds(TERMS.check("The CPP won.", "The CPP won.", "km")) == []
    assert kinds(TERMS.check("Nothing here.", "洪南宏", "zh", fix=True)) == []


def test_a_forbidden_form_inside_the_approved_one_is_left_alone():
    terms = Glossary([Entry("Hor Namhong", {"zh": Form("贺南洪", ("南洪",))})])
    assert kinds(terms.check("Hor Namhong", "贺南洪", "zh", fix=True)) == [("Hor Namhong", "ok", "")]
    assert terms.check("Hor Namhong", "南洪和贺南洪", "zh", fix=True).text == "贺南洪和贺南洪"


def test_khmer_zero_width_spaces_and_spacing_do_not_hide_a_form():
    checked = TERMS.check("Hor Namhong spoke.", "លោក ហោ\u200b  ណាំ\u200bហុង បាននិយាយ។", "km")
    assert kinds(checked) == [("Hor Namhong", "ok", "")]
    spans = TERMS.spans("លោក ហោ\u200b  ណាំ\u200bហុង", "km", [NAMHONG])
    assert [(start, end) for start, end, _ in spans] == [(4, 16)]


@pytest.mark.parametrize(("entry", "message"), [
    (Entry(" ", {"zh": Form("x")}), "empty"),
    (Entry("x" * 201, {"zh": Form("x")}), "longer than 200"),
    (Entry("Hun Sen", {}), "no approved form"),
    (Entry("Hun Sen", {"zh": Form("洪森", ("洪森",))}), "both the approved and a forbidden"),
    (Entry("Hun Sen", {"fr": Form("Hun Sen")}), "unknown target language 'fr'"),
    (Entry("Hun Sen", {"zh": Form("", ("洪生",))}), "without an approved one"),
])
def test_invalid_entries_say_what_is_wrong(entry, message):
    with pytest.raises(GlossaryError, match=message):
        glossary.validate(entry)


# --- the store ------------------------------------------------------------------------------------------------

def test_entries_are_added_edited_and_deleted_with_history(store):
    with store.session() as session:
        assert glossary.save(session, NAMHONG, "ada")[0] == "add"
        assert glossary.save(session, NAMHONG, "ada")[0] == "same"
        action, stored = glossary.save(session, Entry("hor namhong", {"zh": Form("贺南洪")}), "eddie")
        assert action == "edit" and stored.en == "hor namhong" and stored.username == "eddie"
        with pytest.raises(GlossaryError, match="already in the glossary"):
            other = glossary.save(session, SEN, "ada")[1]
            glossary.save(session, Entry("HOR NAMHONG", {"zh": Form("x")}, id=other.id), "ada")
    with store.session() as session:
        glossary.remove(session, stored.id, "ada")
    with store.read() as session:
        assert [e.en for e in glossary.entries(session)] == ["Sen"]
        changes = glossary.history(session, stored.id)
        assert [(c.action, c.username) for c in changes] == [("delete", "ada"), ("edit", "eddie"), ("add", "ada")]
        assert changes[1].before["forms"]["zh"] == {"approved": "贺南洪", "forbidden": ["洪南宏"]}
        assert changes[0].after is None and session.scalar(select(TermChange.en).limit(1)) == "Hor Namhong"



def test_a_glossary_read_inside_a_rolled_back_change_is_not_served_later(store):
    """A change checked in its own transaction (as the review app does) compiles the glossary with the change;
    rolled back, it must not be served afterwards, even when the next change has the same count and newest
    change id (SQLite reuses the rolled-back ids)."""
    with store.session() as session:
        glossary.save(session, SEN, "ada")
    with pytest.raises(RuntimeError), store.session() as session:
        glossary.save(session, NAMHONG, "ada")
        assert "Hor Namhong" in [e.en for e in glossary.load(session).entries]
        raise RuntimeError("the recheck failed")
    with store.session() as session:
        glossary.save(session, CPP, "ada")
    with store.read() as session:
        assert sorted(e.en for e in glossary.load(session).entries) == ["Cambodian People's Party", "Sen"]

def _translated(store, external_id: str, lang: str) -> list[tuple[str, str]]:
    with store.read() as session:
        return list(session.execute(
            select(Sentence.text, Translation.text).join(Translation, Translation.sentence_id == Sentence.id)
            .join(Article, Article.id == Sentence.article_id)
            .where(Article.external_id == external_id, Translation.lang == lang).order_by(Sentence.position)))


def _issues(store, lang: str | None = None) -> list[tuple[str, str, str]]:
    with store.read() as session:
        query = select(TermIssue, Sentence.position).join(Sentence, Sentence.id == TermIssue.sentence_id)
        if lang:
            query = query.where(TermIssue.lang == lang)
        by_term = {e.id: e.en for e in glossary.entries(session)}
        return sorted((by_term[i.term_id], i.kind, i.detail) for i, _ in session.execute(query))


def test_the_pipeline_fixes_forbidden_forms_and_records_missing_ones(demo_models, store, registry, tmp_path):
    # The demo model writes 贺南洪 (its reference); this newsroom forbids it, and wants 克里国务卿 for Kerry.
    with store.session() as session:
        namhong = glossary.save(session, Entry("Hor Namhong", {"zh": Form("贺南宏", ("贺南洪",)),
                                                               "km": Form("ហោ ណាំហុង")}), "ada")[1]
        glossary.save(session, Entry("John Kerry", {"zh": Form("克里国务卿")}), "ada")
    batch = tmp_path / "batch"
    batch.mkdir()
    # A headline without glossary terms: the demo model knows only the story's sentences, not its headline.
    (batch / "hor-namhong-china-visit.en.txt").write_text(
        "Talks in Beijing\n\n" + (CORPUS / "hor-namhong-china-visit.en.txt").read_text())
    report = pipeline.run([batch], store, registry)
    assert not report.errors

    zh = _translated(store, "hor-namhong-china-visit", "zh")
    naming = [(en, text) for en, text in zh if "Hor Namhong" in en]
    assert len(naming) >= 3
    assert all("贺南宏" in text and "贺南洪" not in text for _, text in naming)
    assert report.term_fixes == {"zh": len(naming), "km": 0}
    assert report.term_issues == {"zh": 1, "km": 0}  # one sentence names Kerry
    assert _issues(store, "zh") == sorted([("Hor Namhong", "fixed", "贺南洪")] * len(naming)
                                          + [("John Kerry", "missing", "")])
    assert _issues(store, "km") == []

    # A rerun decodes nothing and keeps what was found.
    again = pipeline.run([batch], store, registry)
    assert again.translated_nothing and _issues(store, "zh") == _issues(store)

    # Editors are checked too: a forbidden form they type is flagged, never rewritten.
    view = review.article_view(store, "hor-namhong-china-visit")
    row = next(r for r in view.rows if "Kerry" in r.english)
    assert [(t.entry.en, t.kind) for t in row.cells["zh"].terms] == [("Hor Namhong", "fixed"),
                                                                       ("John Kerry", "missing")]
    assert view.languages["zh"].term_issues == 1 and view.languages["km"].term_issues == 0
    assert [o.entry.en for o in row.terms] == ["Hor Namhong", "John Kerry"]
    text = row.cells["zh"].text.replace("贺南宏", "贺南洪")
    review.save_sentence(store, "hor-namhong-china-visit", "zh", row.sentence_id, text, 0, "eddie")
    view = review.article_view(store, "hor-namhong-china-visit")
    cell = next(r for r in view.rows if r.sentence_id == row.sentence_id).cells["zh"]
    assert cell.text == text
    assert sorted((t.entry.en, t.kind, t.detail) for t in cell.terms) == [("Hor Namhong", "forbidden", "贺南洪"),
                                                                         ("John Kerry", "missing", "")]
    fixed_by_hand = text.replace("贺南洪", "贺南宏").replace("约翰·克里", "克里国务卿")
    assert fixed_by_hand != text
    review.save_sentence(store, "hor-namhong-china-visit", "zh", row.sentence_id, fixed_by_hand,
                         cell.revision_id, "eddie")
    view = review.article_view(store, "hor-namhong-china-visit")
    assert view.languages["zh"].term_issues == 0

    # The glossary changes: a recheck flags what no longer fits; deleting an entry removes its issues.
    with store.session() as session:
        glossary.save(session, Entry("Hor Namhong", {"zh": Form("贺南洪")}, id=namhong.id), "ada")
        checked = glossary.recheck(session, glossary.load(session), ["zh"])
    assert checked.articles == 1 and checked.issues == {"zh": len(naming)}
    with store.session() as session:
        glossary.remove(session, namhong.id, "ada")
    assert _issues(store) == []


def test_eval_terms_reports_accuracy_before_and_after_fixes(home, store, references, tmp_path):
    with store.session() as session:
        glossary.save(session, Entry("Hor Namhong", {"zh": Form("贺南洪", ("洪南宏",))}), "ada")
        glossary.save(session, Entry("Hun Sen", {"zh": Form("洪森")}), "ada")
    items = tmp_path / "items.jsonl"
    items.write_text("".join(json.dumps({"id": r["id"], "en": r["en"]}) + "\n" for r in references))
    naming = [r for r in references if "Hor Namhong" in r["en"] or "Hun Sen" in r["en"]]
    # The references themselves, with Hor Namhong in the forbidden form and one Hun Sen dropped.
    hypotheses = tmp_path / "hypotheses.jsonl"
    dropped = next(r["id"] for r in naming if r["en"].count("Hun Sen") == 1 and "洪森" in r["zh"])
    hypotheses.write_text("".join(json.dumps({"id": r["id"], "translation": (
        r["zh"].replace("贺南洪", "洪南宏").replace("洪森", "某人") if r["id"] == dropped
        else r["zh"].replace("贺南洪", "洪南宏"))}, ensure_ascii=False) + "\n" for r in references))
    result = CliRunner().invoke(main, ["eval", "terms", "--input-jsonl", str(items), "--to", "zh",
                                       "--hypotheses", str(hypotheses), "--json"])
    assert result.exit_code == 0, result.output
    score = json.loads(result.output)
    occurrences = score["terms"]
    namhong = sum(r["en"].count("Hor Namhong") for r in references)
    assert occurrences >= namhong + 1
    assert score["accuracy"] == round(100 * (occurrences - namhong - 1) / occurrences, 2)
    assert score["accuracy_fixed"] == round(100 * (occurrences - 1) / occurrences, 2)
    assert score["missing"] == [{"id": dropped, "term": "Hun Sen"}]


def test_eval_terms_without_a_glossary_says_so(home, tmp_path):
    items = tmp_path / "items.jsonl"
    items.write_text(json.dumps({"id": "1", "en": "Hun Sen"}) + "\n")
    result = CliRunner().invoke(main, ["eval", "terms", "--input-jsonl", str(items), "--to", "zh"])
    assert result.exit_code == 1 and "the glossary is empty" in result.output


def test_term_issues_are_not_kept_for_sentences_of_a_changed_article(demo_models, store, registry, tmp_path):
    with store.session() as session:
        glossary.save(session, Entry("John Kerry", {"zh": Form("克里国务卿")}), "ada")
    story = tmp_path / "story.en.txt"
    source = (CORPUS / "hor-namhong-china-visit.en.txt").read_text()
    story.write_text(source)
    pipeline.run([story], store, registry)
    assert _issues(store) == [("John Kerry", "missing", "")]
    story.write_text(source.replace("John Kerry", "the secretary"))
    pipeline.run([story], store, registry)
    assert _issues(store) == []
