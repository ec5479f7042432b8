"""The glossary in the review app: terms marked on the article page with their entry, term issues flagged and
counted, approval with open issues only when confirmed, the queue's "term issues" filter, and the glossary page
(search for everyone; add, edit, delete and history for editors and admins). Real app, real SQLite, real CSRF."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from tests.web_client import login, post
from workflow import glossary, pipeline, review
from workflow.glossary import Entry, Form, edits
from workflow.store import Decision, Review, TermChange, TermIssue

ARTICLE = "hor-namhong-china-visit"
OTHER = "voa-khm-2018-party-FUNCINPEC"
# The demo model writes 贺南洪 (its reference translation); this newsroom wants 贺南宏 and forbids 贺南洪.
NAMHONG = Entry("Hor Namhong", {"zh": Form("贺南宏", ("贺南洪",)), "km": Form("ហោ ណាំហុង")},
                note="<b>Foreign minister</b> & deputy PM")
KERRY = Entry("John Kerry", {"zh": Form("克里国务卿")})  # the model writes 约翰·克里: missing
FIRST = "Cambodian Foreign Minister"  # the English of sentences, to find their rows
BOTH = "also dismissed reports"  # names Hor Namhong and John Kerry
NEITHER = "China also aims to boost"


@pytest.fixture
def app(reviewed_store, config):
    from web import create_app

    for entry in (NAMHONG, KERRY):
        edits.save_entry(reviewed_store, entry, "ada")
    return create_app(config)


def page(client, article=ARTICLE) -> str:
    response = client.get(f"/articles/{article}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def row(html: str, words: str) -> str:
    """The aligned table's row whose English contains ``words``."""
    [found] = [r for r in re.findall(r'<tr id="s\d+".*?</tr>', html, re.S)
               if words in re.sub("<[^>]+>", "", re.search(r'<td lang="en">.*?</td>', r, re.S).group(0))]
    return found


def cell(html: str, words: str, lang: str) -> str:
    """One translation cell (``lang``: the BCP 47 tag the page writes) of the row whose English has ``words``."""
    return re.search(rf'<td lang="{lang}".*?</td>', row(html, words), re.S).group(0)


def english(html: str, words: str) -> str:
    return re.search(r'<td lang="en">.*?</td>', row(html, words), re.S).group(0)


def naming(store, words: str) -> list[int]:
    """Sentence ids of the article whose English names ``words``."""
    return [r.sentence_id for r in review.article_view(store, ARTICLE).rows if words in r.english]


def state(html: str, lang: str) -> str:
    return re.search(rf'id="decide-{lang}".*?name="state" value="([^"]+)"', html, re.S).group(1)


def open_issues(store, lang: str) -> int:
    with store.read() as session:
        return session.scalar(select(func.count()).select_from(TermIssue).where(
            TermIssue.lang == lang, TermIssue.kind.in_(glossary.ISSUES)))


# --- the article page ----------------------------------------------------------------------------------------

def test_terms_are_marked_in_english_and_translations_with_their_entry(app, reviewed_store):
    html = page(login(app, "eddie"))
    first = english(html, FIRST)
    mark = re.search(r'<mark class="term" tabindex="0" data-term="(\d+)" aria-describedby="(tip-\d+)">Hor Namhong'
                     r'<span class="term-tip" role="tooltip" id="(tip-\d+)" lang="en">(.*?)</span></mark>', first)
    assert mark, first
    assert mark.group(2) == mark.group(3)  # the popover describes its mark (screen readers read it on focus)
    tip = mark.group(4)
    assert '<strong lang="en">Hor Namhong</strong>' in tip and '<span lang="zh-Hans">贺南宏</span>' in tip
    assert '<del lang="zh-Hans">贺南洪</del>' in tip and '<span lang="km">ហោ ណាំហុង</span>' in tip
    # The note is the editor's text, never markup.
    assert "&lt;b&gt;Foreign minister&lt;/b&gt; &amp; deputy PM" in tip and "<b>Foreign" not in html
    # Khmer: the approved form is there and marked; Chinese: the forbidden form is marked as such.
    assert re.search(r'<mark class="term" tabindex="0" data-term="\d+" aria-describedby="tip-\d+">ហោ ណាំហុង<span',
                     cell(html, FIRST, "km"))
    assert re.search(r'<mark class="term forbidden" [^>]*>贺南洪<span', cell(html, FIRST, "zh-Hans"))
    # A sentence naming both terms marks both; popover ids are unique on the page.
    assert re.findall(r'<mark class="term"[^>]*>(Hor Namhong|John Kerry)<span', english(html, BOTH)) == \
        ["Hor Namhong", "John Kerry"]
    ids = re.findall(r'role="tooltip" id="(tip-\d+)"', html)
    assert len(ids) == len(set(ids)) > 2 * len(naming(reviewed_store, "Hor Namhong"))
    # A sentence naming no term is left as it is.
    assert "<mark" not in english(html, NEITHER) and "<mark" not in cell(html, NEITHER, "zh-Hans")


def test_marked_text_is_escaped(app, reviewed_store, registry, tmp_path):
    story = tmp_path / "hostile.txt"
    story.write_text("<i>Aides</i> of Hor Namhong said <script>alert('x')</script> & <b>nothing</b>.\n")
    assert not pipeline.run([story], reviewed_store, registry, pipeline.Options(targets=["zh"])).errors
    html = page(login(app, "eddie"), "hostile")
    first = english(html, "nothing")
    assert "<mark" in first and "<script>" not in html and "<b>nothing" not in html and "<i>" not in html
    assert first.startswith('<td lang="en">&lt;i&gt;Aides&lt;/i&gt; of <mark class="term"')
    assert "</mark> said &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &lt;b&gt;nothing&lt;/b&gt;." in first


def test_term_issues_are_flagged_and_counted_per_language(app, reviewed_store):
    html = page(login(app, "eddie"))
    zh = open_issues(reviewed_store, "zh")
    assert zh >= len(naming(reviewed_store, "Hor Namhong")) + 1  # each names 贺南洪; Kerry is missing
    panel = re.search(r'id="decide-zh".*?</p>', html, re.S).group(0)
    assert f"{zh} term issues</a>" in panel
    first_issue = re.search(r'class="flag term-count" href="#(s\d+)"', panel).group(1)
    assert first_issue == re.search(r'<tr id="(s\d+)"[^>]*>(?:(?!</tr>).)*⚠ term', html, re.S).group(1)
    flagged = re.findall(r'<td lang="zh-Hans" class="[^"]*term-issue"', html)
    assert len(flagged) == len({sentence for sentence, in _issue_rows(reviewed_store, "zh")})
    assert cell(html, FIRST, "zh-Hans").count("⚠ term: forbidden") == 1
    assert '⚠ term: forbidden <del lang="zh-Hans">贺南洪</del> → <span lang="zh-Hans">贺南宏</span>' in \
        cell(html, FIRST, "zh-Hans")
    assert '⚠ term: <span lang="zh-Hans">克里国务卿</span> missing' in cell(html, BOTH, "zh-Hans")
    assert "⚠ term" not in cell(html, FIRST, "km") and "⚠ term" not in cell(html, NEITHER, "zh-Hans")
    # An editor fixes a sentence: its flag goes, the count drops.
    client = login(app, "eddie")
    item, current = re.search(r'<textarea id="t-zh-(s\d+)"[^>]*>([^<]*)</textarea>',
                              cell(html, FIRST, "zh-Hans")).groups()
    response = post(client, f"/articles/{ARTICLE}/edit", {
        "lang": "zh", "item": item, "sentence_id": item[1:], "base_revision": "0",
        "text": current.replace("贺南洪", "贺南宏")}, f"/articles/{ARTICLE}")
    assert response.status_code == 303
    html = page(client)
    assert f"{zh - 1} term issues</a>" in html and "⚠ term" not in cell(html, FIRST, "zh-Hans")
    assert re.search(r'<mark class="term" [^>]*>贺南宏<span', cell(html, FIRST, "zh-Hans"))


def _issue_rows(store, lang: str) -> list[tuple[int]]:
    with store.read() as session:
        return session.execute(select(TermIssue.sentence_id).where(
            TermIssue.lang == lang, TermIssue.kind.in_(glossary.ISSUES))).all()


def test_automatic_fixes_are_shown_as_a_note(app, reviewed_store, registry, tmp_path):
    story = tmp_path / "follow-up.txt"
    story.write_text("“I told him that Cambodia was China’s friend,” Hor Namhong said.\n")
    assert not pipeline.run([story], reviewed_store, registry, pipeline.Options(targets=["zh"])).errors
    html = page(login(app, "eddie"), "follow-up")
    zh = cell(html, "I told him", "zh-Hans")
    assert '<span class="badge fixed"' in zh and '<span lang="zh-Hans">贺南洪 → 贺南宏</span>' in zh
    assert "⚠ term" not in zh  # a fix is a record, not an open issue
    assert re.search(r'<mark class="term" [^>]*>贺南宏<span', zh)


# --- approving with open issues ------------------------------------------------------------------------------

def test_approving_with_open_term_issues_needs_a_confirmation(app, reviewed_store):
    client = login(app, "eddie")
    html = page(client)
    zh, km = open_issues(reviewed_store, "zh"), open_issues(reviewed_store, "km")
    assert re.search(rf'<input type="checkbox" name="confirm_terms" value="1"> Approve despite {zh} term issues',
                     html)
    assert f'data-term-issues="{zh}"' in html and html.count('name="confirm_terms"') == 1 + bool(km)
    decide = f"/articles/{ARTICLE}/decide"
    refused = post(client, decide, {"lang": "zh", "decision": "approved", "state": state(html, "zh"),
                                    "comment": "names <checked>"}, f"/articles/{ARTICLE}")
    assert refused.status_code == 409
    body = refused.get_data(as_text=True)
    assert f"Not approved: {zh} open term issues" in body and "confirm-terms attention" in body
    assert 'value="names &lt;checked&gt;"' in body  # the comment is kept for the second try
    with reviewed_store.read() as session:
        assert session.get(Review, (1, "zh")).status == "new" and not session.scalars(select(Decision)).all()
    # A rejection needs no confirmation, nor does a language without issues.
    assert post(client, decide, {"lang": "zh", "decision": "rejected", "state": state(html, "zh")},
                f"/articles/{ARTICLE}").status_code == 303
    assert post(client, decide, {"lang": "zh", "decision": "approved", "state": state(html, "zh"),
                                 "confirm_terms": "1", "confirm_checks": "1", "comment": "names checked"},
                f"/articles/{ARTICLE}").status_code == 303
    other = page(client, OTHER)
    assert "confirm_terms" not in other
    assert post(client, f"/articles/{OTHER}/decide", {"lang": "zh", "decision": "approved", "confirm_checks": "1",
                                                      "state": state(other, "zh")}, f"/articles/{OTHER}").status_code \
        == 303
    with reviewed_store.read() as session:
        assert [(d.lang, d.status, d.comment) for d in session.scalars(select(Decision).order_by(Decision.id))] == [
            ("zh", "rejected", ""), ("zh", "approved", "names checked"), ("zh", "approved", "")]
        assert session.get(Review, (1, "zh")).status == "approved"


def test_the_rule_is_in_the_library_for_every_caller(app, reviewed_store):
    zh = open_issues(reviewed_store, "zh")
    with pytest.raises(review.TermIssuesOpen, match=f"zh has {zh} open term issues") as raised:
        review.decide(reviewed_store, ARTICLE, "zh", "approved", "eddie", confirm_checks=True)
    assert isinstance(raised.value, review.ReviewError)
    review.decide(reviewed_store, ARTICLE, "zh", "rejected", "eddie")
    review.decide(reviewed_store, ARTICLE, "zh", "approved", "eddie", confirm_terms=True, confirm_checks=True)
    review.decide(reviewed_store, OTHER, "zh", "approved", "eddie", confirm_checks=True)  # no term issues there


# --- the queue -----------------------------------------------------------------------------------------------

def test_queue_filters_articles_with_term_issues_and_marks_them(app):
    client = login(app, "eddie")
    every = client.get("/").get_data(as_text=True)
    assert every.count('<tr>\n      <td><a href="/articles/') == 3
    zh = open_issues(app.extensions["briefdesk_store"], "zh")
    assert f'title="{zh} open term issues">⚠ {zh}' in every
    flagged = client.get("/?issues=terms").get_data(as_text=True)
    assert f'href="/articles/{ARTICLE}"' in flagged and f'href="/articles/{OTHER}"' not in flagged
    assert "1 article<" in flagged and '<option value="terms" selected>' in flagged
    assert 'href="/?status=new&amp;issues=terms"' in flagged  # the status counts keep the filter
    assert "No articles match" in client.get(f"/?issues=terms&lang=km&q={OTHER}").get_data(as_text=True)
    assert f'href="/articles/{ARTICLE}"' in client.get("/?issues=terms&lang=zh").get_data(as_text=True)
    assert "3 articles" in client.get("/?issues=bogus").get_data(as_text=True)  # unknown values are ignored


# --- the glossary page ---------------------------------------------------------------------------------------

def test_everyone_logged_in_reads_and_searches_the_glossary(app):
    reader = login(app, "rita")
    html = reader.get("/glossary").get_data(as_text=True)
    assert '<a href="/glossary">Glossary</a>' in html and "2 entries" in html
    assert "Hor Namhong" in html and "John Kerry" in html and "&lt;b&gt;Foreign minister" in html
    assert "Add an entry" not in html and "/glossary/1" not in html  # no editing, no history
    for query, expected in (("贺南洪", ["Hor Namhong"]), ("kerry", ["John Kerry"]), ("deputy", ["Hor Namhong"]),
                            ("ហោ", ["Hor Namhong"]), ("nobody", [])):
        found = reader.get("/glossary", query_string={"q": query}).get_data(as_text=True)
        assert re.findall(r'<td lang="en"><strong>([^<]+)</strong>', found) == expected, query
    assert "No entry matches" in reader.get("/glossary?q=nobody").get_data(as_text=True)


def test_readers_cannot_change_the_glossary(app, reviewed_store):
    reader = login(app, "rita")
    data = {"en": "Hun Sen", "approved_zh": "洪森", "case_sensitive": "y"}
    assert post(reader, "/glossary", data, "/glossary").status_code == 403
    assert post(reader, "/glossary/1", {**data, "en": "Hor Namhong"}, "/glossary").status_code == 403
    assert post(reader, "/glossary/1/delete", {}, "/glossary").status_code == 403
    assert reader.get("/glossary/1").status_code == 403
    with reviewed_store.read() as session:
        assert [e.en for e in glossary.entries(session)] == ["Hor Namhong", "John Kerry"]


def test_glossary_changes_need_the_csrf_token(app, reviewed_store):
    editor = login(app, "eddie")
    data = {"en": "Hun Sen", "approved_zh": "洪森"}
    assert editor.post("/glossary", data=data).status_code == 400
    assert editor.post("/glossary/1", data={**data, "en": "Hor Namhong"}).status_code == 400
    assert editor.post("/glossary/1/delete").status_code == 400
    with reviewed_store.read() as session:
        assert len(glossary.entries(session)) == 2


def test_editors_add_edit_and_delete_entries_with_history_and_recheck(app, reviewed_store):
    editor = login(app, "eddie")
    before = open_issues(reviewed_store, "zh")
    # Add: the model writes 洪森, so a longer approved form is missing wherever the English names Hun Sen.
    response = post(editor, "/glossary", {"en": "Hun  Sen ", "variants": "Samdech Hun Sen\nHun Sen's",
                                          "approved_zh": "洪森总理", "forbidden_zh": "洪生 | 云升",
                                          "case_sensitive": "y", "note": "Prime minister"}, "/glossary")
    assert response.status_code == 303
    term_id = int(response.location.rsplit("/", 1)[1])
    html = editor.get(response.location).get_data(as_text=True)
    # (km: whatever the two articles have open in Khmer, untouched by this entry)
    assert re.search(r"Added “Hun Sen”. Re-checked 2 articles: open term issues (km \d+, )?zh \d+\.<", html)
    assert re.search(r"<td>eddie</td><td>add</td>\s*<td class=\"before\">—</td><td>Hun Sen · also Samdech Hun Sen, "
                     r"Hun Sen&#39;s · zh: 洪森总理 \(not 洪生, 云升\) · note: Prime minister</td>", html)
    assert 'value="洪森总理"' in html and "洪生\n云升</textarea>" in html  # the edit form, filled in
    hun_sen = len(naming(reviewed_store, "Hun Sen"))
    assert hun_sen == 2 and f"{before + hun_sen} term issues</a>" in page(editor)
    assert open_issues(reviewed_store, "zh") > before + hun_sen  # the other article names him too

    # Edit: now the form the model writes; the issues go, in both articles.
    response = post(editor, f"/glossary/{term_id}", {"en": "Hun Sen", "approved_zh": "洪森", "forbidden_zh": "洪生",
                                                     "case_sensitive": "y"}, f"/glossary/{term_id}")
    assert response.status_code == 303
    html = editor.get(response.location).get_data(as_text=True)
    assert re.search(rf"Saved “Hun Sen”. Re-checked 2 articles: open term issues (km \d+, )?zh {before}\.<", html)
    assert open_issues(reviewed_store, "zh") == before
    assert [c for c in re.findall(r"<td>eddie</td><td>(\w+)</td>", html)] == ["edit", "add"]
    assert re.search(r'<td class="before">Hun Sen · also .*?</td><td>Hun Sen · zh: 洪森 \(not 洪生\)</td>', html)

    # A glossary error is shown on the form, nothing is stored.
    response = post(editor, f"/glossary/{term_id}", {"en": "Hun Sen", "approved_zh": "洪森", "forbidden_zh": "洪森"},
                    f"/glossary/{term_id}")
    assert response.status_code == 400
    assert "&#39;洪森&#39; is both the approved and a forbidden zh form" in response.get_data(as_text=True)
    response = post(editor, "/glossary", {"en": "hor namhong", "approved_zh": "贺南宏"}, "/glossary")
    assert response.status_code == 400  # the add form never overwrites an entry with the same English
    assert "&#39;Hor Namhong&#39; is already in the glossary; edit that entry" in response.get_data(as_text=True)
    response = post(editor, "/glossary", {"en": "", "approved_zh": "x"}, "/glossary")
    assert response.status_code == 400 and "English term: This field is required." in response.get_data(as_text=True)

    # Delete: the entry goes, its history stays readable.
    response = post(editor, f"/glossary/{term_id}/delete", {}, f"/glossary/{term_id}")
    assert response.status_code == 303
    assert "Deleted “Hun Sen”." in editor.get("/glossary").get_data(as_text=True)
    history = editor.get(f"/glossary/{term_id}").get_data(as_text=True)
    assert "deleted</span>" in history and re.findall(r"<td>eddie</td><td>(\w+)</td>", history)[0] == "delete"
    assert "Delete entry" not in history
    assert post(editor, f"/glossary/{term_id}", {"en": "Hun Sen", "approved_zh": "洪森"},
                "/glossary").status_code == 404
    assert editor.get("/glossary/99999").status_code == 404 and editor.get("/glossary/abc").status_code == 404
    with reviewed_store.read() as session:
        assert session.scalar(select(func.count()).select_from(TermChange).where(TermChange.term_id == term_id)) == 3


def test_an_unchanged_entry_is_not_rechecked(app):
    editor = login(app, "ada")
    data = {"en": "John Kerry", "approved_zh": "克里国务卿", "case_sensitive": "y"}
    response = post(editor, "/glossary/2", data, "/glossary/2")
    assert response.status_code == 303
    assert "“John Kerry” is unchanged." in editor.get(response.location).get_data(as_text=True)


def test_a_recheck_reads_only_the_articles_naming_the_term(app, reviewed_store):
    before = open_issues(reviewed_store, "zh")
    _, _, kerry = edits.save_entry(reviewed_store, Entry("John Kerry", {"zh": Form("约翰·克里")}, id=2), "ada")
    assert kerry.articles == 1 and open_issues(reviewed_store, "zh") == before - 1
    _, _, nobody = edits.save_entry(reviewed_store, Entry("Nobody Named Here", {"zh": Form("无名")}), "ada")
    assert nobody.articles == 0
    # Other spellings and the spacing of the English are matched by the prefilter too.
    _, _, spelled = edits.save_entry(reviewed_store, Entry("Mr Kerry", {"zh": Form("克里先生")}, ("Kerry",)), "ada")
    assert spelled.articles == 1 and open_issues(reviewed_store, "zh") > before - 1
    removed, report = edits.remove_entry(reviewed_store, 2, "ada")
    assert removed.en == "John Kerry" and report.articles == 1
    # The same English: only the languages whose form changed are checked again, none for a new note.
    issues = open_issues(reviewed_store, "zh"), open_issues(reviewed_store, "km")
    _, _, noted = edits.save_entry(reviewed_store, Entry("Hor Namhong", NAMHONG.forms, note="new note", id=1), "ada")
    assert (noted.articles, noted.issues) == (0, {})
    _, _, khmer = edits.save_entry(reviewed_store, Entry("Hor Namhong", {**NAMHONG.forms, "km": Form("ហោណាំហុង")},
                                                         note="new note", id=1), "ada")
    assert khmer.articles == 1 and set(khmer.issues) == {"km"}
    assert open_issues(reviewed_store, "zh") == issues[0] and open_issues(reviewed_store, "km") > issues[1]

