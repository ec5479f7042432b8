"""Files exchanged with other tools: glossaries (CSV, TBX), translation memory (TMX) and articles (XLIFF), each
written and read back through translate-toolkit, and the commands over them."""

import csv

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from translate.misc.xml_helpers import getXMLlang
from translate.storage import tbx, tmx, xliff

from workflow import accounts, glossary, interchange, review, texts
from workflow.cli import main
from workflow.corpus import sample_dir
from workflow.glossary import Entry, Form
from workflow.store import Article, Memory, Review, Revision, Store, Term

STARTER = sample_dir() / "glossary" / "starter-glossary.csv"
ARTICLE = "hor-namhong-china-visit"


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def _stored(store) -> list[dict]:
    with store.read() as session:
        return [e.data() for e in glossary.entries(session)]


def _memory(store) -> set[tuple[str, str, str]]:
    with store.read() as session:
        return {tuple(row) for row in session.execute(select(Memory.source, Memory.lang, Memory.text))}


# --- glossaries ----------------------------------------------------------------------------------------------


def test_starter_glossary_imports_and_comes_back_the_same_from_tbx_and_csv(store, tmp_path):
    with store.session() as session:
        report = interchange.import_glossary(session, STARTER, "ada")
        # An entry with what the starter glossary lacks: a forbidden Khmer form and the case rule off.
        forms = {"km": Form("មូលដ្ឋានទ័ពជើងទឹករាម", ("ដែនរាម",)), "zh": Form("云壤海军基地")}
        glossary.save(session, Entry("Ream Naval Base", forms, ("Ream base",), case_sensitive=False,
                                     note="Upgraded with Chinese help"), "ada")
    assert (report.added, report.updated, report.unchanged, report.problems) == (71, 0, 0, [])
    stored = _stored(store)
    assert len(stored) == 72
    tbx_file, csv_file = tmp_path / "g.tbx", tmp_path / "g.csv"
    with store.read() as session:
        interchange.write_glossary(glossary.entries(session), tbx_file, "tbx")
        interchange.write_glossary(glossary.entries(session), csv_file, "csv")
    for path in (tbx_file, csv_file):
        entries, problems = interchange.read_glossary(path)
        assert problems == [] and [e.data() for e in entries] == stored, path

    # What a CAT tool sees in the TBX: approved forms preferred, forbidden ones deprecated, variants admitted.
    unit = next(u for u in tbx.tbxfile.parsestring(tbx_file.read_bytes()).units if u.source == "Ream Naval Base")
    assert [(t.text, t.deprecated) for t in unit.get_target_terms("km")] == [("មូលដ្ឋានទ័ពជើងទឹករាម", False),
                                                                          ("ដែនរាម", True)]
    assert [t.administrative_status for t in unit.get_target_terms("en")] == ["preferredTerm-admn-sts",
                                                                             "admittedTerm-admn-sts"]
    assert [t.text for t in unit.get_target_terms("zh-Hans")] == ["云壤海军基地"]

    # Importing the same file again changes nothing.
    with store.session() as session:
        again = interchange.import_glossary(session, tbx_file, "eddie")
    assert (again.added, again.updated, again.unchanged) == (0, 0, 72)


def test_starter_glossary_has_no_bad_row():
    entries, problems = interchange.read_glossary(STARTER)
    assert problems == [] and len(entries) == 71
    namhong = next(e for e in entries if e.en == "Hor Namhong")
    assert namhong.forms["zh"] == Form("贺南洪", ("洪南宏",)) and "Namhong" in namhong.variants


def test_tbx_from_another_tool_without_statuses_or_english(tmp_path):
    made = tbx.tbxfile(sourcelanguage="en-US")
    unit = made.addsourceunit("Phnom Penh")
    unit.set_target_terms(["金边"], lang="zh-CN")
    unit.set_target_terms(["Phnom Penh"], lang="fr")  # a language Briefdesk does not translate into: ignored
    orphan = made.addsourceunit("")
    orphan.set_source_terms([])
    orphan.set_target_terms(["洪森"], lang="zh-CN")
    path = tmp_path / "other.tbx"
    path.write_bytes(bytes(made))
    entries, problems = interchange.read_glossary(path)
    assert [(e.en, e.forms, e.case_sensitive) for e in entries] == [("Phnom Penh", {"zh": Form("金边")}, True)]
    assert [p.reason for p in problems] == ["no English term"] and problems[0].line > 1


BAD_CSV = (
    'en,zh,km,forbidden_zh,note,case,en_count\n'                   # 1  (en_count: an unknown column, ignored)
    'Hun Sen,洪森,ហ៊ុន សែន,,"Prime Minister,\nthen CPP president",,199\n'  # 2-3
    ',洪森,,,empty English,,\n'                                      # 4
    'Kem Sokha,,,,no approved form,,\n'                              # 5
    'Sam Rainsy,桑兰西,,桑兰西,approved and forbidden,,\n'              # 6
    '\n'                                                             # 7  (blank: skipped quietly)
    'hun sen,洪森,,,a duplicate in another case,,\n'                  # 8
    'Phnom Penh,金边,ភ្នំពេញ,,,maybe,\n'                              # 9
    'Hor Namhong,贺南洪,,洪南宏,,insensitive,\n'                        # 10
).encode() + b'Cambodia,\xe6\x9f\xac\xff\xfe,,,,,\n'                 # 11: not UTF-8


def test_an_exported_csv_has_no_cell_a_spreadsheet_would_run_and_reads_back_the_same(store, tmp_path):
    """Formula injection: a glossary exported as CSV is opened in spreadsheets by editors."""
    forms = {"zh": Form("@SUM(1)", ("-2+3", '=WEBSERVICE("http://evil.example")')), "km": Form("'=already quoted")}
    hostile = Entry('=HYPERLINK("http://evil.example","Hun Sen")', forms, ("+SUM(1)",),
                    note="=1+1 is how the attack starts")
    with store.session() as session:
        glossary.save(session, hostile, "ada")
    path = tmp_path / "glossary.csv"
    with store.read() as session:
        interchange.write_glossary(glossary.entries(session), path, "csv")
    with path.open(newline="", encoding="utf-8") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    assert "'=HYPERLINK(\"http://evil.example\",\"Hun Sen\")" in cells and "''=already quoted" in cells
    assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@", "\t", "\r"))]
    entries, problems = interchange.read_glossary(path)
    assert problems == [] and [e.data() for e in entries] == _stored(store)


def test_imports_credit_only_real_users_and_the_command_line_by_its_own_name(store, tmp_path):
    """``--user`` names an existing account (no work is credited to someone who is not there); without it the
    change is the command line's, ``cli:`` and the login name, which no account can have."""
    import getpass

    for command in (("glossary", "import", STARTER), ("memory", "import", STARTER), ("xliff", "import", STARTER)):
        result = CliRunner().invoke(main, [*map(str, command), "--user", "ghost"])
        assert result.exit_code == 2 and "no Briefdesk user 'ghost'" in result.output, result.output
    assert _stored(store) == []
    assert invoke("glossary", "import", STARTER).exit_code == 0
    with store.read() as session:
        assert {t.username for t in session.scalars(select(Term))} == {f"cli:{getpass.getuser()}"}


def test_bad_csv_rows_are_reported_with_their_line_and_the_good_rows_kept(store, tmp_path):
    path = tmp_path / "glossary.csv"
    path.write_bytes(BAD_CSV)
    entries, problems = interchange.read_glossary(path)
    assert [e.en for e in entries] == ["Hun Sen", "Hor Namhong"]
    assert entries[0].note == "Prime Minister, then CPP president" and entries[0].case_sensitive
    assert entries[1].forms == {"zh": Form("贺南洪", ("洪南宏",))} and not entries[1].case_sensitive
    assert [p.line for p in problems] == [4, 5, 6, 8, 9, 11]
    reasons = dict((p.line, p.reason) for p in problems)
    assert "empty" in reasons[4] and "no approved form" in reasons[5] and "both the approved" in reasons[6]
    assert "line 2" in reasons[8] and "maybe" in reasons[9] and "zh column is not UTF-8" in reasons[11]

    accounts.add_user(store, "ada", "ada-password", "admin")
    result = invoke("glossary", "import", path, "--user", "Ada")
    assert result.exit_code == 1
    assert "2 added, 0 updated, 0 unchanged, 6 bad rows skipped" in result.output
    assert f"{path}:4: the English term is empty" in result.output and f"{path}:11: " in result.output
    assert "glossary check" in result.output
    with store.read() as session:
        assert {(e.en, e.username) for e in glossary.entries(session)} == {("Hun Sen", "ada"), ("Hor Namhong", "ada")}


@pytest.mark.parametrize("name,content,message", [
    ("terms.txt", b"en,zh\nHun Sen,\xe6\xb4\xaa\xe6\xa3\xae\n", "not a glossary file"),
    ("terms.csv", b"english,chinese\nHun Sen,x\n", "no 'en' column"),
    ("terms.tbx", b"<martif><text><body><termEntry>", "not a TBX file"),
    ("terms.tbx", b"<?xml version='1.0'?><tmx version='1.4'><body/></tmx>", "not a TBX file"),
])
def test_a_file_that_is_no_glossary_is_refused_naming_it(home, tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(interchange.InterchangeError, match=message) as raised:
        interchange.read_glossary(path)
    assert str(path) in str(raised.value)
    result = invoke("glossary", "import", path)
    assert result.exit_code == 1 and result.output.count("\n") == 1 and message in result.output


def test_glossary_commands_export_list_and_check(reviewed_store, tmp_path):
    assert invoke("glossary", "import", STARTER, "--user", "ada").exit_code == 0
    csv_out = invoke("glossary", "export")
    assert csv_out.exit_code == 0 and csv_out.output.startswith("en,en_variants,km,zh,note,")
    target = tmp_path / "out.tbx"
    assert invoke("glossary", "export", "-o", target).exit_code == 0  # the format from the extension
    assert [e.data() for e in interchange.read_glossary(target)[0]] == _stored(reviewed_store)

    listed = invoke("glossary", "list", "--search", "namhong", "--lang", "zh")
    assert listed.exit_code == 0 and "Hor Namhong" in listed.output and "贺南洪" in listed.output
    assert "Hun Sen" not in listed.output and "1 of 71 entries" in listed.output
    assert invoke("glossary", "list", "--lang", "xx").exit_code == 2

    checked = invoke("glossary", "check", "--lang", "zh")
    assert checked.exit_code == 0 and "in 3 articles" in checked.output
    assert "zh: " in checked.output and "km: " not in checked.output


# --- translation memory --------------------------------------------------------------------------------------


def test_memory_exported_as_tmx_imports_into_a_fresh_store(store, tmp_path):
    pairs = {("Hor Namhong said.", "zh", "贺南洪说。"), ("Hor Namhong said.", "km", "ហោ ណាំហុង បាននិយាយ។"),
             ("  Spaces inside  stay.", "zh", "空格 保留。"), ("Cambodia & China <friends>.", "zh", "柬中友好。")}
    with store.session() as session:
        for source, lang, text in pairs:
            texts.remember(session, source, lang, text, "eddie")
    path = tmp_path / "memory.tmx"
    with store.read() as session:
        assert interchange.export_memory(session, path) == 4
    written = tmx.tmxfile.parsestring(path.read_bytes())
    assert {getXMLlang(n) for u in written.units for n in u.getlanguageNodes()} == {"en", "km", "zh-Hans"}
    assert {u.xmlelement.get("changeid") for u in written.units} == {"eddie"}

    fresh = Store(f"sqlite:///{tmp_path / 'fresh.db'}")
    with fresh.session() as session:
        report = interchange.import_memory(session, path, "tina")
    assert (report.added, report.updated, report.unchanged, report.skipped) == (4, 0, 0, {})
    assert _memory(fresh) == {(s.strip(), lang, t) for s, lang, t in pairs}
    with fresh.session() as session:
        again = interchange.import_memory(session, path, "tina")
    assert (again.added, again.updated, again.unchanged) == (0, 0, 4)
    fresh.close()


def test_tmx_from_another_tool_matches_languages_and_skips_what_it_cannot_use(store, tmp_path):
    made = tmx.tmxfile(sourcelanguage="en-US")
    made.addtranslation("The vote is on Sunday.", "en-US", "投票在星期日。", "zh-CN")
    made.addtranslation("The vote is on Sunday.", "en-US", "投票在星期日舉行。", "zh-TW")
    made.addtranslation("Good morning.", "en-GB", "អរុណសួស្តី។", "km-KH")
    made.addtranslation("Bonjour.", "fr-FR", "早上好。", "zh-CN")  # no English side
    made.addtranslation("Thank you.", "en", "Merci.", "fr")  # a language Briefdesk does not translate into
    made.addtranslation("Thank you.", "en", "谢谢。", "zh_Hans")
    path = tmp_path / "from-cat-tool.tmx"
    path.write_bytes(bytes(made))
    with store.session() as session:
        report = interchange.import_memory(session, path, "tina")
    assert (report.added, report.updated, report.unchanged) == (4, 0, 0)
    assert report.skipped == {"no English side": 1, "unknown language 'fr'": 1}
    assert _memory(store) == {("The vote is on Sunday.", "zh", "投票在星期日。"),
                              ("The vote is on Sunday.", "zt", "投票在星期日舉行。"),
                              ("Good morning.", "km", "អរុណសួស្តី។"), ("Thank you.", "zh", "谢谢。")}
    with store.read() as session:
        assert set(session.scalars(select(Memory.username))) == {"tina"}

    accounts.add_user(store, "tina", "tina-password", "editor")
    result = invoke("memory", "import", path, "--user", "Tina")
    assert result.exit_code == 0 and "0 added, 0 updated, 4 unchanged" in result.output
    assert "skipped 1: no English side" in result.output
    out = tmp_path / "out.tmx"
    result = invoke("memory", "export", "--lang", "zt", "-o", out)
    assert result.exit_code == 0 and "1 TMX units written" in result.output
    assert [u.gettarget("zh-Hant") for u in tmx.tmxfile.parsestring(out.read_bytes()).units] == ["投票在星期日舉行。"]


@pytest.mark.parametrize("tag,code", [("zh-CN", "zh"), ("zh-Hans", "zh"), ("ZH_hans_SG", "zh"), ("zh", "zh"),
                                      ("zh-TW", "zt"), ("zh-Hant-HK", "zt"), ("km-KH", "km"), ("en-US", "en"),
                                      ("fr", None), ("", None)])
def test_language_tags_of_other_tools(tag, code):
    assert interchange.language_of(tag) == code


# --- articles as XLIFF ---------------------------------------------------------------------------------------


def _export(store, tmp_path, lang="zh", name="article.xlf"):
    path = tmp_path / name
    interchange.export_xliff(store, ARTICLE, lang, path)
    return path, xliff.xlifffile.parsestring(path.read_bytes())


def _change(path, parsed, changes: dict[int, str]) -> None:
    """What a translator does in a CAT tool: edit some targets, mark them translated, save."""
    for unit in parsed.units:
        sentence_id = int(unit.getid().rsplit("\x04", 1)[-1][1:])
        if sentence_id in changes:
            unit.settarget(changes[sentence_id])
            unit.marktranslated()
    path.write_bytes(bytes(parsed))


def _status(store) -> str:
    with store.read() as session:
        article = session.scalar(select(Article).where(Article.external_id == ARTICLE))
        return session.get(Review, (article.id, "zh")).status


def test_xliff_round_trip_saves_the_translators_changes_as_revisions(reviewed_store, tmp_path):
    view = review.article_view(reviewed_store, ARTICLE)
    rows = [r for r in view.rows if "zh" in r.cells]
    path, parsed = _export(reviewed_store, tmp_path)
    assert parsed.gettargetlanguage() == "zh-Hans" and parsed.getfilenames() == [ARTICLE]
    assert [(u.getid(), u.source, u.target) for u in parsed.units] == [
        (f"{ARTICLE}\x04s{r.sentence_id}", r.english, r.cells["zh"].text) for r in rows]
    assert {u.xmlelement.find(u.namespaced("target")).get("state") for u in parsed.units} == \
        {"needs-review-translation"}
    assert parsed.units[0].getcontextgroups("briefdesk")[0][0] == ("x-briefdesk-base-revision", "0")

    in_brief = next(r for r in rows if r.in_brief)
    other = next(r for r in rows if not r.in_brief)
    _change(path, parsed, {in_brief.sentence_id: "译者改过的第一句。", other.sentence_id: "  译者改过的另一句。\r\n"})
    report = interchange.import_xliff(reviewed_store, path, "tina")
    assert (report.article, report.lang, report.saved, report.unchanged) == (ARTICLE, "zh", 2, len(rows) - 2)
    assert report.conflicts == [] and report.errors == []

    cells = {r.sentence_id: r.cells["zh"] for r in review.article_view(reviewed_store, ARTICLE).rows}
    assert (cells[in_brief.sentence_id].text, cells[in_brief.sentence_id].edited_by) == ("译者改过的第一句。", "tina")
    assert cells[other.sentence_id].text == "译者改过的另一句。"
    assert "译者改过的第一句。" in review.article_view(reviewed_store, ARTICLE).languages["zh"].brief
    assert _status(reviewed_store) == "in_review"
    assert ("译者改过的另一句。" in {t for _, lang, t in _memory(reviewed_store) if lang == "zh"})

    # The same file again: nothing new; a new export starts from the saved revisions, marked as corrected.
    again = interchange.import_xliff(reviewed_store, path, "tina")
    assert (again.saved, again.unchanged, again.conflicts) == (0, len(rows), [])
    _, fresh = _export(reviewed_store, tmp_path, name="second.xlf")
    unit = next(u for u in fresh.units if u.getid().endswith(f"s{in_brief.sentence_id}"))
    assert unit.target == "译者改过的第一句。" and "corrected by tina" in unit.getnotes()
    assert unit.xmlelement.find(unit.namespaced("target")).get("state") == "translated"


def test_xliff_import_reports_a_conflict_and_keeps_the_editors_text(reviewed_store, tmp_path):
    rows = [r for r in review.article_view(reviewed_store, ARTICLE).rows if "zh" in r.cells]
    first, second, third = rows[0], rows[1], rows[2]
    path, parsed = _export(reviewed_store, tmp_path)
    # After the export an editor saves two sentences in the review app; the translator changed one of them.
    for row in (first, third):
        review.save_sentence(reviewed_store, ARTICLE, "zh", row.sentence_id, f"编辑{row.sentence_id}。", 0, "eddie")
    _change(path, parsed, {first.sentence_id: "译者的版本。", second.sentence_id: "译者的第二句。"})

    accounts.add_user(reviewed_store, "tina", "tina-password", "editor")
    result = invoke("xliff", "import", path, "--user", "tina")
    assert result.exit_code == 1
    assert f"1 saved, {len(rows) - 2} unchanged, 1 conflicts" in result.output
    assert f"s{first.sentence_id}: eddie saved this sentence at" in result.output
    cells = {r.sentence_id: r.cells["zh"] for r in review.article_view(reviewed_store, ARTICLE).rows}
    assert cells[first.sentence_id].text == f"编辑{first.sentence_id}。"  # not overwritten
    assert cells[third.sentence_id].text == f"编辑{third.sentence_id}。"  # unchanged in the file: no conflict
    assert (cells[second.sentence_id].text, cells[second.sentence_id].edited_by) == ("译者的第二句。", "tina")
    with reviewed_store.read() as session:
        assert session.scalar(select(Revision.username).order_by(Revision.id.desc()).limit(1)) == "tina"


def test_xliff_of_another_article_language_or_sentence_is_refused_naming_the_file(reviewed_store, tmp_path):
    path, _ = _export(reviewed_store, tmp_path)
    text = path.read_text(encoding="utf-8")
    cases = {"no-such-article": text.replace(f'original="{ARTICLE}"', 'original="no-such-article"'),
             "is not one Briefdesk translates into": text.replace('target-language="zh-Hans"',
                                                                  'target-language="fr"'),
             "are not sentences of": text.replace('id="s', 'id="s9999'),
             "not an XLIFF file": text[:200]}
    for message, broken in cases.items():
        bad = tmp_path / "bad.xlf"
        bad.write_text(broken, encoding="utf-8")
        with pytest.raises(interchange.InterchangeError, match=message) as raised:
            interchange.import_xliff(reviewed_store, bad, "tina")
        assert str(bad) in str(raised.value)
        result = invoke("import", "xliff", bad)
        assert result.exit_code == 1 and str(bad) in result.output and message in result.output
    with reviewed_store.read() as session:
        assert session.scalar(select(Revision.id).limit(1)) is None  # nothing was saved

    assert "no article 'nope'" in invoke("xliff", "export", "--article", "nope", "--to", "zh").output
    exported = invoke("xliff", "export", "--article", ARTICLE, "--to", "km")
    assert exported.exit_code == 0 and 'target-language="km"' in exported.output
    # The same file through `export --format xliff`, which needs both the article and the language.
    assert invoke("export", "--format", "xliff", "--article", ARTICLE, "--to", "km").output == exported.output
    refused = invoke("export", "--format", "xliff", "--to", "km")
    assert refused.exit_code == 2 and "give --article and --to" in refused.output
