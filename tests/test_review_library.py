"""Review actions at the library level: corrections with history and conflicts, briefs rebuilt from corrections,
decisions, the article view, and the translation memory reused by a later pipeline run."""


import pytest
from sqlalchemy import func, select

from workflow import export, languages, pipeline, review, summarize, texts
from workflow.errors import BriefdeskError
from workflow.store import Article, Decision, Memory, Review, Revision, Sentence, Translation

ARTICLE = "hor-namhong-china-visit"
OTHER = "voa-khm-2018-party-FUNCINPEC"
QUOTE = "“I told him that Cambodia was China’s friend,” Hor Namhong said."


def rows(store, article_id=ARTICLE):
    return review.article_view(store, article_id).rows


def row_at(store, position: int, article_id=ARTICLE) -> review.Row:
    """The row of the sentence at ``position`` (-1: the headline)."""
    return next(row for row in rows(store, article_id) if row.position == position)


def sid(store, position: int, article_id=ARTICLE) -> int:
    return row_at(store, position, article_id).sentence_id


def cell(store, position: int, lang: str, article_id=ARTICLE) -> review.Cell:
    return row_at(store, position, article_id).cells[lang]


def status(store, lang: str, article_id=ARTICLE) -> str:
    with store.read() as session:
        article = session.scalar(select(Article).where(Article.external_id == article_id))
        return session.get(Review, (article.id, lang)).status


def brief(store, lang: str, article_id=ARTICLE) -> str:
    return review.article_view(store, article_id).languages[lang].brief


def revisions(store) -> list[Revision]:
    with store.read() as session:
        return list(session.scalars(select(Revision).order_by(Revision.id)))


def test_errors_are_briefdesk_errors():
    assert issubclass(review.ReviewError, BriefdeskError) and issubclass(review.Conflict, BriefdeskError)
    assert not issubclass(review.Conflict, review.ReviewError)  # callers tell the two apart


# --- corrections ---------------------------------------------------------------------------------------------


def test_save_sentence_records_a_revision_with_before_after_and_who(reviewed_store):
    first, machine = sid(reviewed_store, 4), cell(reviewed_store, 4, "zh").machine
    one = review.save_sentence(reviewed_store, ARTICLE, "zh", first, "  贺南洪说：“我对他说了。”\r\n", 0, "eddie")
    two = review.save_sentence(reviewed_store, ARTICLE, "zh", first, "贺南洪说：“我告诉过他。”", one, "erin")
    assert 0 < one < two
    saved = revisions(reviewed_store)
    assert [(r.id, r.lang, r.item, r.sentence_id, r.parent_id, r.before, r.after, r.username) for r in saved] == [
        (one, "zh", f"s{first}", first, 0, machine, "贺南洪说：“我对他说了。”", "eddie"),
        (two, "zh", f"s{first}", first, one, "贺南洪说：“我对他说了。”", "贺南洪说：“我告诉过他。”", "erin")]
    assert cell(reviewed_store, 4, "zh").text == "贺南洪说：“我告诉过他。”"
    assert cell(reviewed_store, 4, "zh").machine == machine  # the machine text is kept
    assert cell(reviewed_store, 4, "km").origin == "model"  # the other language is untouched


def test_saving_the_same_text_is_a_no_op_returning_the_base(reviewed_store):
    first, machine = sid(reviewed_store, 0), cell(reviewed_store, 0, "km").machine
    review.decide(reviewed_store, ARTICLE, "km", "approved", "ada", confirm_checks=True)
    assert review.save_sentence(reviewed_store, ARTICLE, "km", first, machine, 0, "eddie") == 0
    assert review.save_sentence(reviewed_store, ARTICLE, "km", first, f"  {machine}\n", 0, "eddie") == 0
    assert revisions(reviewed_store) == [] and status(reviewed_store, "km") == "approved"
    one = review.save_sentence(reviewed_store, ARTICLE, "km", first, "ប្រយោគថ្មី។", 0, "eddie")
    assert review.save_sentence(reviewed_store, ARTICLE, "km", first, "ប្រយោគថ្មី។", one, "erin") == one
    assert len(revisions(reviewed_store)) == 1


def test_a_save_on_a_stale_base_is_a_conflict_carrying_the_other_change(reviewed_store):
    first = sid(reviewed_store, 1)
    eddie = review.save_sentence(reviewed_store, ARTICLE, "zh", first, "埃迪的译文。", 0, "eddie")
    with pytest.raises(review.Conflict) as raised:
        review.save_sentence(reviewed_store, ARTICLE, "zh", first, "艾琳的译文。", 0, "erin")
    conflict = raised.value
    assert (conflict.theirs.id, conflict.theirs.username, conflict.theirs.after) == (eddie, "eddie", "埃迪的译文。")
    assert conflict.yours == "艾琳的译文。" and conflict.theirs.created_at is not None
    assert "eddie saved this at" in str(conflict)
    assert [r.after for r in revisions(reviewed_store)] == ["埃迪的译文。"]  # nothing overwritten
    assert cell(reviewed_store, 1, "zh").text == "埃迪的译文。"
    # erin resolves it against the latest revision
    erin = review.save_sentence(reviewed_store, ARTICLE, "zh", first, "艾琳的译文。", conflict.theirs.id, "erin")
    assert cell(reviewed_store, 1, "zh").text == "艾琳的译文。" and erin > eddie
    # a base older than the latest is stale too, even when it once existed
    with pytest.raises(review.Conflict) as raised:
        review.save_sentence(reviewed_store, ARTICLE, "zh", first, "第三个版本。", eddie, "eddie")
    assert (raised.value.theirs.id, raised.value.theirs.username) == (erin, "erin")


def test_a_conflict_is_raised_even_when_the_stale_save_repeats_the_current_text(reviewed_store):
    first = sid(reviewed_store, 1)
    review.save_sentence(reviewed_store, ARTICLE, "zh", first, "同一句。", 0, "eddie")
    with pytest.raises(review.Conflict):
        review.save_sentence(reviewed_store, ARTICLE, "zh", first, "另一句。", 0, "erin")


def test_conflicts_are_per_sentence_and_per_language(reviewed_store):
    review.save_sentence(reviewed_store, ARTICLE, "zh", sid(reviewed_store, 1), "一。", 0, "eddie")
    assert review.save_sentence(reviewed_store, ARTICLE, "zh", sid(reviewed_store, 2), "二。", 0, "erin")
    assert review.save_sentence(reviewed_store, ARTICLE, "km", sid(reviewed_store, 1), "មួយ។", 0, "erin")


def test_a_base_revision_that_does_not_exist_is_refused(reviewed_store):
    first = sid(reviewed_store, 3)
    with pytest.raises(review.ReviewError, match="no longer exists"):
        review.save_sentence(reviewed_store, ARTICLE, "km", first, "ប្រយោគ។", 12345, "eddie")
    with pytest.raises(review.ReviewError, match="no longer exists"):
        review.save_brief(reviewed_store, ARTICLE, "km", "សង្ខេប។", 12345, "eddie")
    assert revisions(reviewed_store) == []


@pytest.mark.parametrize("text", ["", "   ", "\r\n\t ", None])
def test_an_empty_translation_is_refused(reviewed_store, text):
    with pytest.raises(review.ReviewError, match="empty"):
        review.save_sentence(reviewed_store, ARTICLE, "zh", sid(reviewed_store, 0), text, 0, "eddie")
    assert revisions(reviewed_store) == []


def test_an_over_long_text_is_refused(reviewed_store):
    first = sid(reviewed_store, 0)
    with pytest.raises(review.ReviewError, match="too long"):
        review.save_sentence(reviewed_store, ARTICLE, "zh", first, "字" * (review.MAX_TEXT + 1), 0, "eddie")
    with pytest.raises(review.ReviewError, match="too long"):
        review.save_brief(reviewed_store, ARTICLE, "zh", "字" * (review.MAX_TEXT + 1), 0, "eddie")
    assert revisions(reviewed_store) == []
    assert review.save_sentence(reviewed_store, ARTICLE, "zh", first, "字" * review.MAX_TEXT, 0, "eddie") > 0


def test_unknown_article_language_or_sentence_is_refused(reviewed_store):
    first, foreign = sid(reviewed_store, 0), sid(reviewed_store, 0, OTHER)
    with pytest.raises(review.ReviewError, match="no article"):
        review.save_sentence(reviewed_store, "no-such-article", "zh", first, "一。", 0, "eddie")
    with pytest.raises(review.ReviewError, match="no zt translation"):
        review.save_sentence(reviewed_store, ARTICLE, "zt", first, "一。", 0, "eddie")
    with pytest.raises(review.ReviewError, match="not part of"):
        review.save_sentence(reviewed_store, ARTICLE, "zh", foreign, "一。", 0, "eddie")
    with pytest.raises(review.ReviewError, match="not part of"):
        review.save_sentence(reviewed_store, ARTICLE, "zh", 999_999, "一。", 0, "eddie")
    with pytest.raises(review.ReviewError, match="no article"):
        review.article_view(reviewed_store, "no-such-article")
    assert revisions(reviewed_store) == []


# --- briefs --------------------------------------------------------------------------------------------------


def test_correcting_a_brief_sentence_rebuilds_that_languages_brief(reviewed_store):
    view = rows(reviewed_store)
    in_brief = [row for row in view if row.in_brief]
    assert [row.position for row in in_brief] == [0, 1, 2]
    zh = [row.cells["zh"].machine for row in in_brief]
    km_brief, en_brief = brief(reviewed_store, "km"), review.article_view(reviewed_store, ARTICLE).english_brief
    assert brief(reviewed_store, "zh") == "".join(zh)
    review.save_sentence(reviewed_store, ARTICLE, "zh", in_brief[1].sentence_id, "双方希望增加贸易。", 0, "eddie")
    assert brief(reviewed_store, "zh") == zh[0] + "双方希望增加贸易。" + zh[2]
    assert brief(reviewed_store, "km") == km_brief
    assert review.article_view(reviewed_store, ARTICLE).english_brief == en_brief
    # a sentence outside the brief leaves it as it is
    review.save_sentence(reviewed_store, ARTICLE, "zh", sid(reviewed_store, 5), "不在简报里。", 0, "eddie")
    assert brief(reviewed_store, "zh") == zh[0] + "双方希望增加贸易。" + zh[2]


def test_an_edited_brief_stays_as_edited_when_sentences_are_corrected(reviewed_store):
    first = sid(reviewed_store, 0)
    one = review.save_brief(reviewed_store, ARTICLE, "zh", "编辑写的简报。", 0, "eddie")
    assert one > 0 and brief(reviewed_store, "zh") == "编辑写的简报。"
    assert review.article_view(reviewed_store, ARTICLE).languages["zh"].brief_revision == one
    review.save_sentence(reviewed_store, ARTICLE, "zh", first, "第一句改了。", 0, "erin")
    assert brief(reviewed_store, "zh") == "编辑写的简报。"
    [record] = export.records(reviewed_store, lang="zh", article_ids=[ARTICLE])
    assert record.brief == "编辑写的简报。" and record.text.startswith("第一句改了。")
    # km's brief was not edited, so it still follows its corrections
    review.save_sentence(reviewed_store, ARTICLE, "km", first, "ប្រយោគទីមួយ", 0, "erin")
    assert brief(reviewed_store, "km").startswith("ប្រយោគទីមួយ។ ")


def test_save_brief_history_conflict_and_no_op(reviewed_store):
    machine_brief = brief(reviewed_store, "km")
    assert review.save_brief(reviewed_store, ARTICLE, "km", machine_brief, 0, "eddie") == 0
    one = review.save_brief(reviewed_store, ARTICLE, "km", "សង្ខេបទីមួយ។", 0, "eddie")
    with pytest.raises(review.Conflict) as raised:
        review.save_brief(reviewed_store, ARTICLE, "km", "សង្ខេបរបស់អេរីន។", 0, "erin")
    assert (raised.value.theirs.username, raised.value.theirs.after) == ("eddie", "សង្ខេបទីមួយ។")
    assert raised.value.yours == "សង្ខេបរបស់អេរីន។"
    two = review.save_brief(reviewed_store, ARTICLE, "km", "សង្ខេបរបស់អេរីន។", one, "erin")
    assert [(r.item, r.parent_id, r.before, r.after, r.username) for r in revisions(reviewed_store)] == [
        ("brief", 0, machine_brief, "សង្ខេបទីមួយ។", "eddie"),
        ("brief", one, "សង្ខេបទីមួយ។", "សង្ខេបរបស់អេរីន។", "erin")]
    assert brief(reviewed_store, "km") == "សង្ខេបរបស់អេរីន។" and two > one


def test_an_empty_brief_is_refused(reviewed_store):
    with pytest.raises(review.ReviewError):
        review.save_brief(reviewed_store, ARTICLE, "zh", "   ", 0, "eddie")


def test_a_brief_edited_before_a_rerun_stays_as_the_editor_wrote_it(reviewed_store, registry):
    review.save_brief(reviewed_store, ARTICLE, "zh", "编辑写的简报。", 0, "eddie")
    batch = registry.config.home / "batch"
    report = pipeline.run([batch], reviewed_store, registry,
                          pipeline.Options(targets=["zh"], budget=summarize.Budget(sentences=2)))
    assert not report.errors and report.decoded == {"zh": 0}
    assert [row.position for row in rows(reviewed_store) if row.in_brief] == [0, 1]
    review.save_sentence(reviewed_store, ARTICLE, "zh", sid(reviewed_store, 0), "第一句改了。", 0, "erin")
    # the editor's brief survives the rerun and the correction: it changes only when an editor changes it
    assert brief(reviewed_store, "zh") == "编辑写的简报。"


# --- status and decisions ------------------------------------------------------------------------------------


def test_edits_send_an_approved_language_back_to_review(reviewed_store):
    for lang in ("km", "zh"):
        review.decide(reviewed_store, ARTICLE, lang, "approved", "ada", confirm_checks=True)
    review.decide(reviewed_store, OTHER, "zh", "rejected", "ada")
    review.save_sentence(reviewed_store, ARTICLE, "zh", sid(reviewed_store, 6), "改了。", 0, "eddie")
    assert (status(reviewed_store, "zh"), status(reviewed_store, "km")) == ("in_review", "approved")
    review.save_brief(reviewed_store, ARTICLE, "km", "សង្ខេប។", 0, "eddie")
    assert status(reviewed_store, "km") == "in_review"
    review.save_sentence(reviewed_store, OTHER, "zh", sid(reviewed_store, 0, OTHER), "改了。", 0, "eddie")
    assert status(reviewed_store, "zh", OTHER) == "in_review"
    assert status(reviewed_store, "km", OTHER) == "new"


def test_decide_records_who_when_and_why(reviewed_store):
    review.decide(reviewed_store, ARTICLE, "km", "rejected", "eddie", "  wrong names\r\n")
    review.decide(reviewed_store, ARTICLE, "km", "approved", "erin", "x" * 5000, confirm_checks=True)
    assert status(reviewed_store, "km") == "approved" and status(reviewed_store, "zh") == "new"
    panel = review.article_view(reviewed_store, ARTICLE).languages["km"]
    assert [(d.status, d.username) for d in panel.decisions] == [("approved", "erin"), ("rejected", "eddie")]
    assert panel.decisions[1].comment == "wrong names" and len(panel.decisions[0].comment) == 2000
    assert all(d.created_at is not None for d in panel.decisions)
    assert review.article_view(reviewed_store, ARTICLE).languages["zh"].decisions == []


@pytest.mark.parametrize("decision", ["", "new", "in_review", "approve", "Approved", "deleted", None])
def test_decide_refuses_anything_but_approved_or_rejected(reviewed_store, decision):
    with pytest.raises(review.ReviewError, match="a decision is one of approved, rejected"):
        review.decide(reviewed_store, ARTICLE, "km", decision, "eddie")
    assert status(reviewed_store, "km") == "new"
    with reviewed_store.read() as session:
        assert session.scalar(select(func.count()).select_from(Decision)) == 0


def test_decide_on_unknown_article_or_language(reviewed_store):
    with pytest.raises(review.ReviewError, match="no article"):
        review.decide(reviewed_store, "no-such-article", "km", "approved", "eddie", confirm_checks=True)
    with pytest.raises(review.ReviewError, match="no zt translation"):
        review.decide(reviewed_store, ARTICLE, "zt", "approved", "eddie", confirm_checks=True)


# --- the article view ----------------------------------------------------------------------------------------


def test_article_view_shows_edited_cells(reviewed_store):
    view = review.article_view(reviewed_store, ARTICLE)
    assert view.title and view.english_brief.startswith("Cambodian Foreign Minister Hor Namhong")
    assert list(view.languages) == ["km", "zh"] and len(view.rows) == 19
    assert [row.position for row in view.rows] == list(range(-1, 18))  # the headline first
    assert view.rows[0].english == view.title and not view.rows[0].in_brief
    assert all(c.origin == "model" and c.revision_id == 0 and c.edited_by is None and c.text == c.machine
               for row in view.rows for c in row.cells.values())
    panel = view.languages["zh"]
    assert (panel.status, panel.demo, panel.brief_revision, panel.flagged) == ("new", True, 0, 0)
    one = review.save_sentence(reviewed_store, ARTICLE, "km", sid(reviewed_store, 2), "កែ", 0, "erin")
    view = review.article_view(reviewed_store, ARTICLE)
    edited = view.rows[3].cells["km"]  # position 2
    assert (edited.origin, edited.text, edited.revision_id, edited.edited_by) == ("edited", "កែ", one, "erin")
    assert edited.machine != "កែ" and not edited.low_confidence
    assert view.rows[3].cells["zh"].origin == "model" and view.rows[2].cells["km"].origin == "model"
    assert [(r.id, r.username) for r in view.history] == [(one, "erin")]
    assert view.languages["km"].status == "in_review"


def test_low_confidence_flags_only_model_cells(reviewed_store):
    with reviewed_store.session() as session:
        for row in session.scalars(select(Translation).where(Translation.lang == "zh")):
            row.score = -2.5
    view = review.article_view(reviewed_store, ARTICLE)
    assert view.languages["zh"].flagged == 19 and view.languages["km"].flagged == 0  # the headline too
    review.save_sentence(reviewed_store, ARTICLE, "zh", sid(reviewed_store, 0), "已核对。", 0, "eddie")
    view = review.article_view(reviewed_store, ARTICLE)
    assert view.languages["zh"].flagged == 18 and not view.rows[1].cells["zh"].low_confidence


# --- translation memory --------------------------------------------------------------------------------------


def test_a_correction_is_remembered_per_language(reviewed_store):
    position = next(row.position for row in rows(reviewed_store) if row.english == QUOTE)
    review.save_sentence(reviewed_store, ARTICLE, "zh", sid(reviewed_store, position), "贺南洪说：“我对他说了。”", 0,
                         "eddie")
    with reviewed_store.read() as session:
        assert texts.recall(session, [QUOTE, "Something else."], "zh") == {QUOTE: "贺南洪说：“我对他说了。”"}
        assert texts.recall(session, [QUOTE], "km") == {}
        assert texts.recall(session, [QUOTE.replace("’", "'")], "zh") == {}  # exact sentences only
        assert texts.recall(session, [], "zh") == {}
        [entry] = session.scalars(select(Memory)).all()
        assert (entry.source, entry.lang, entry.username) == (QUOTE, "zh", "eddie")
    # the latest correction is what is remembered
    base = cell(reviewed_store, position, "zh").revision_id
    review.save_sentence(reviewed_store, ARTICLE, "zh", sid(reviewed_store, position), "贺南洪说：“我告诉过他。”",
                         base, "erin")
    with reviewed_store.read() as session:
        assert texts.recall(session, [QUOTE], "zh") == {QUOTE: "贺南洪说：“我告诉过他。”"}
        assert session.scalar(select(Memory.username)) == "erin"
        assert session.scalar(select(func.count()).select_from(Memory)) == 1


def test_a_later_run_reuses_the_correction_for_the_same_english_sentence(reviewed_store, registry, tmp_path):
    position = next(row.position for row in rows(reviewed_store) if row.english == QUOTE)
    review.save_sentence(reviewed_store, ARTICLE, "zh", sid(reviewed_store, position), "贺南洪说：“我对他说了。”", 0,
                         "eddie")
    story = tmp_path / "follow-up.txt"
    story.write_text(f"{QUOTE} Everyone knows that.\n")
    report = pipeline.run([story], reviewed_store, registry, pipeline.Options(targets=["km", "zh"]))
    assert not report.errors
    # zh: only the sentence nobody corrected (and the headline) went to the model
    assert report.decoded == {"km": 3, "zh": 2}
    view = review.article_view(reviewed_store, "follow-up")
    assert [row.english for row in view.rows] == ["Follow Up", QUOTE, "Everyone knows that."]
    reused = view.rows[1].cells["zh"]
    assert (reused.origin, reused.text, reused.score) == ("memory", "贺南洪说：“我对他说了。”", None)
    assert (reused.revision_id, reused.edited_by) == (0, None)
    assert view.rows[2].cells["zh"].origin == "model"
    assert view.rows[1].cells["km"].origin == "model"  # memory is per language
    with reviewed_store.read() as session:
        stored = session.scalars(select(Translation).join(Sentence, Sentence.id == Translation.sentence_id)
                                 .where(Sentence.text == QUOTE, Translation.origin == "memory")).all()
        assert [(t.lang, t.text) for t in stored] == [("zh", "贺南洪说：“我对他说了。”")]
    # the brief is built from it too, and the original article keeps its own (edited) cell
    [record] = export.records(reviewed_store, lang="zh", article_ids=["follow-up"])
    assert record.text.startswith("贺南洪说：“我对他说了。”")
    assert cell(reviewed_store, position, "zh").origin == "edited"


def test_a_decision_on_a_version_that_changed_since_is_refused(reviewed_store):
    seen = review.article_view(reviewed_store, ARTICLE).languages["zh"].state
    saved = review.save_sentence(reviewed_store, ARTICLE, "zh", sid(reviewed_store, 7), "刚改过。", 0, "erin")
    with pytest.raises(review.StaleDecision) as raised:
        review.decide(reviewed_store, ARTICLE, "zh", "approved", "eddie", state=seen, confirm_checks=True)
    assert (raised.value.latest.id, raised.value.latest.username) == (saved, "erin")
    assert status(reviewed_store, "zh") == "in_review"
    review.decide(reviewed_store, ARTICLE, "km", "approved", "eddie",
                  state=review.article_view(reviewed_store, ARTICLE).languages["km"].state)  # km did not change
    current = review.article_view(reviewed_store, ARTICLE).languages["zh"].state
    assert current != seen
    review.decide(reviewed_store, ARTICLE, "zh", "approved", "eddie", state=current, confirm_checks=True)
    assert (status(reviewed_store, "zh"), status(reviewed_store, "km")) == ("approved", "approved")


# --- editors choose the brief --------------------------------------------------------------------------------


def test_editors_choose_the_brief_sentences_and_every_brief_is_rebuilt(reviewed_store):
    from workflow import briefs

    review.decide(reviewed_store, ARTICLE, "km", "approved", "eddie", confirm_checks=True)
    written = review.save_brief(reviewed_store, ARTICLE, "zh", "编辑写的简报。", 0, "erin")
    view = review.article_view(reviewed_store, ARTICLE)
    seen = view.languages["zh"].state  # what an editor's page shows before the choice
    chosen = [row.position for row in view.rows if row.in_brief]
    added = next(row for row in view.rows if row.position >= 0 and not row.in_brief)
    first = briefs.choose(reviewed_store, ARTICLE, added.sentence_id, True, 0, "eddie")
    with pytest.raises(review.StaleDecision):  # the brief changed since that page was opened
        review.decide(reviewed_store, ARTICLE, "zh", "approved", "erin", state=seen, confirm_checks=True)
    view = review.article_view(reviewed_store, ARTICLE)
    wanted = sorted(chosen + [added.position])
    assert [row.position for row in view.rows if row.in_brief] == wanted
    for lang in ("km", "zh"):  # rebuilt from the current texts of the chosen sentences, in article order
        current = [row.cells[lang].text for row in view.rows if row.in_brief]
        assert view.languages[lang].brief == languages.join(lang, current)
    assert view.english_brief == " ".join(row.english for row in view.rows if row.in_brief)
    assert status(reviewed_store, "km") == "in_review"  # an approved language goes back to review
    replaced = next(r for r in view.history if r.item == "brief")  # the hand-written brief, replaced in the open
    assert (replaced.lang, replaced.before, replaced.username) == ("zh", "编辑写的简报。", "eddie")
    assert replaced.id > written and replaced.after == view.languages["zh"].brief
    choice = next(r for r in view.history if r.item == "choice")
    assert (choice.item, choice.lang, choice.username) == ("choice", "en", "eddie")
    assert choice.before == ", ".join(str(p + 1) for p in chosen) and choice.after == ", ".join(
        str(p + 1) for p in wanted)

    # Another editor working from the page before that choice gets a conflict, not an overwrite.
    with pytest.raises(review.Conflict) as conflict:
        briefs.choose(reviewed_store, ARTICLE, added.sentence_id, False, 0, "erin")
    assert conflict.value.theirs.username == "eddie"
    assert briefs.choose(reviewed_store, ARTICLE, added.sentence_id, False, first, "erin") > first
    assert [r.position for r in rows(reviewed_store) if r.in_brief] == chosen
    # The headline is never part of the brief.
    with pytest.raises(review.ReviewError, match="not a sentence"):
        briefs.choose(reviewed_store, ARTICLE, rows(reviewed_store)[0].sentence_id, True, 0, "eddie")
