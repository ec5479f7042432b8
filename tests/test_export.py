"""Export at the library level: records, their text and brief (with corrections), Markdown/text/Word files,
safe file names and the bulk ZIP, over a store translated by the real demo models."""

import io
import json
import zipfile
from pathlib import PurePosixPath, PureWindowsPath

import pytest
from docx import Document
from docx.oxml.ns import qn

from workflow import documents, export, review
from workflow.documents import Record

ARTICLE = "hor-namhong-china-visit"
FUNCINPEC = "voa-khm-2018-party-FUNCINPEC"
KHMER_ROUGE = "voa-khm-2018-party-khmer-rouge"
ALL = [ARTICLE, FUNCINPEC, KHMER_ROUGE]


def one(store, article_id=ARTICLE, lang="km") -> Record:
    [item] = export.records(store, lang=lang, article_ids=[article_id])
    return item


def machine(store, article_id=ARTICLE) -> dict[str, list]:
    """Per language, the body rows of the article view in order (the headline row left out): (sentence id,
    paragraph, in brief, machine text)."""
    view = review.article_view(store, article_id)
    return {lang: [(row.sentence_id, row.paragraph, row.in_brief, row.cells[lang].machine) for row in view.rows
                   if row.position >= 0] for lang in view.languages}


# --- records -------------------------------------------------------------------------------------------------


def test_records_cover_every_article_and_language_in_order(reviewed_store):
    items = list(export.records(reviewed_store))
    assert [(r.article_id, r.lang) for r in items] == [(a, lang) for a in sorted(ALL) for lang in ("km", "zh")]
    for item in items:
        assert item.status == "new" and item.demo is True
        assert item.model.startswith(f"en-{item.lang}@") and item.title and item.text and item.brief
        assert item.to_json()["article_id"] == item.article_id and set(item.to_json()) == {
            "article_id", "title", "lang", "text", "brief", "status", "model", "demo"}


def test_records_filter_by_status_language_and_article(reviewed_store):
    review.decide(reviewed_store, ARTICLE, "km", "approved", "eddie", confirm_checks=True)
    review.decide(reviewed_store, FUNCINPEC, "zh", "rejected", "erin")
    pairs = lambda **kw: [(r.article_id, r.lang, r.status) for r in export.records(reviewed_store, **kw)]  # noqa: E731
    assert pairs(status="approved") == [(ARTICLE, "km", "approved")]
    assert pairs(status="rejected") == [(FUNCINPEC, "zh", "rejected")]
    assert pairs(status="in_review") == []
    assert len(pairs(status="new")) == 4
    assert pairs(lang="zh") == [(ARTICLE, "zh", "new"), (FUNCINPEC, "zh", "rejected"), (KHMER_ROUGE, "zh", "new")]
    assert pairs(lang="zt") == []
    assert pairs(article_ids=[FUNCINPEC]) == [(FUNCINPEC, "km", "new"), (FUNCINPEC, "zh", "rejected")]
    assert pairs(article_ids=[KHMER_ROUGE, ARTICLE, "no-such-article"]) == [
        (ARTICLE, "km", "approved"), (ARTICLE, "zh", "new"), (KHMER_ROUGE, "km", "new"), (KHMER_ROUGE, "zh", "new")]
    assert pairs(article_ids=[]) == []  # an empty selection is nothing, not everything
    assert pairs(status="approved", lang="zh") == []
    assert pairs(status="new", lang="km", article_ids=[FUNCINPEC, KHMER_ROUGE]) == [
        (FUNCINPEC, "km", "new"), (KHMER_ROUGE, "km", "new")]


# --- the text and the brief ----------------------------------------------------------------------------------


def test_text_has_one_block_per_paragraph_in_the_article_order(reviewed_store):
    rows = machine(reviewed_store)
    for lang in ("km", "zh"):
        text = one(reviewed_store, lang=lang).text
        paragraphs = text.split("\n\n")
        assert len(paragraphs) == len({p for _, p, _, _ in rows[lang]}) == 9
        assert "\n\n\n" not in text and not text.startswith("\n") and not text.endswith("\n")
        for _, paragraph, _, translated in rows[lang]:
            assert translated.rstrip("។.") in paragraphs[paragraph], (lang, paragraph)


def test_chinese_sentences_are_joined_without_spaces_and_khmer_ones_end_with_a_full_stop(reviewed_store):
    # paragraph 3 of the article has three sentences (positions 3, 4, 5); correct each so the result is exact
    third = [sid for sid, paragraph, _, _ in machine(reviewed_store)["zh"] if paragraph == 3]
    assert len(third) == 3
    for sid, text in zip(third, ("甲。", "乙", "丙？")):
        review.save_sentence(reviewed_store, ARTICLE, "zh", sid, text, 0, "eddie")
    for sid, text in zip(third, ("ក.", "ខ", "គ?")):
        review.save_sentence(reviewed_store, ARTICLE, "km", sid, text, 0, "eddie")
    assert one(reviewed_store, lang="zh").text.split("\n\n")[3] == "甲。乙丙？"
    assert one(reviewed_store, lang="km").text.split("\n\n")[3] == "ក។ ខ។ គ?"


def test_brief_is_the_brief_sentences_joined_as_the_language_writes(reviewed_store):
    rows = machine(reviewed_store)
    zh = [text for _, _, in_brief, text in rows["zh"] if in_brief]
    km = [text for _, _, in_brief, text in rows["km"] if in_brief]
    assert len(zh) == 3
    assert one(reviewed_store, lang="zh").brief == "".join(zh)
    assert len(km) == 3 and all(k.endswith("។") for k in km)  # so the Khmer brief is exactly these, spaced
    assert one(reviewed_store, lang="km").brief == " ".join(km)


def test_corrections_appear_in_the_text_and_the_brief(reviewed_store):
    rows = machine(reviewed_store)["zh"]
    (first, _, _, m1), (second, _, _, _), (third, _, _, m3) = [r for r in rows if r[2]]
    outside = next(r for r in rows if not r[2])
    km_before = one(reviewed_store, lang="km")
    review.save_sentence(reviewed_store, ARTICLE, "zh", second, "双方希望贸易额增长。", 0, "eddie")
    review.save_sentence(reviewed_store, ARTICLE, "zh", outside[0], "这句不在简报里。", 0, "erin")
    item = one(reviewed_store, lang="zh")
    assert item.brief == m1 + "双方希望贸易额增长。" + m3
    assert "这句不在简报里。" in item.text and "这句不在简报里。" not in item.brief
    assert item.text.split("\n\n")[1] == "双方希望贸易额增长。"
    assert item.status == "in_review"
    # the second correction of the same sentence wins
    base = review.article_view(reviewed_store, ARTICLE).rows[2].cells["zh"].revision_id  # (0: the headline)
    review.save_sentence(reviewed_store, ARTICLE, "zh", second, "第二次修改。", base, "erin")
    item = one(reviewed_store, lang="zh")
    assert "第二次修改。" in item.brief and "双方希望贸易额增长。" not in item.text
    assert one(reviewed_store, lang="km") == km_before  # the other language is untouched
    for path in ("md", "txt"):
        assert documents.render(item, path).decode().count("第二次修改。") == 2  # once in the brief, once in the text


def test_an_edited_brief_is_exported_as_edited(reviewed_store):
    review.save_brief(reviewed_store, ARTICLE, "km", "សេចក្តីសង្ខេបដែលបានកែ។", 0, "eddie")
    item = one(reviewed_store, lang="km")
    assert item.brief == "សេចក្តីសង្ខេបដែលបានកែ។"
    assert "សេចក្តីសង្ខេបដែលបានកែ" not in item.text


# --- files ---------------------------------------------------------------------------------------------------


def test_markdown_and_plain_text(reviewed_store):
    item = one(reviewed_store, lang="km")
    md = documents.render(item, "md").decode("utf-8")
    assert md.startswith(f"# {item.title}\n")
    assert "Khmer brief — DEMO model output" in md and ARTICLE in md and "new" in md
    assert md.index("## Brief") < md.index(item.brief) < md.index("## Full text") < md.index(item.text)
    txt = documents.render(item, "txt").decode("utf-8")
    assert txt.startswith(f"{item.title}\n") and "#" not in txt.splitlines()[0]
    assert txt.index("BRIEF") < txt.index(item.brief) < txt.index("FULL TEXT") < txt.index(item.text)
    zh = documents.render(one(reviewed_store, lang="zh"), "md").decode("utf-8")
    assert "Chinese (Simplified) brief" in zh and "Khmer" not in zh


def test_markdown_without_demo_model_has_no_demo_note():
    item = Record("a", "Title", "km", "ក។", "ក។", "approved", "en-km@2", demo=False)
    assert "DEMO" not in documents.render(item, "md").decode() and "DEMO" not in documents.render(item, "txt").decode()
    assert "Khmer brief" in documents.render(item, "md").decode()


def docx_of(item: Record):
    data = documents.render(item, "docx")
    assert data[:2] == b"PK"
    return Document(io.BytesIO(data))


def fonts(document, style="Normal") -> dict[str, str]:
    rpr = document.styles[style].element.rPr
    return {slot: rpr.rFonts.get(qn(f"w:{slot}")) for slot in ("cs", "eastAsia")} | {
        f"lang:{key}": rpr.find(qn("w:lang")).get(qn(f"w:{key}")) if rpr.find(qn("w:lang")) is not None else None
        for key in ("bidi", "eastAsia")}


def test_word_document_for_khmer(reviewed_store):
    item = one(reviewed_store, lang="km")
    document = docx_of(item)
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs]
    assert paragraphs[0] == ("Title", item.title)
    assert ("Heading 1", "Brief") in paragraphs and ("Heading 1", "Full text") in paragraphs
    texts = [text for _, text in paragraphs]
    assert item.brief in texts
    assert texts.index("Brief") < texts.index(item.brief) < texts.index("Full text")
    assert texts[texts.index("Full text") + 1:] == item.text.split("\n\n")
    assert any("DEMO" in text for text in texts[:3])
    for style in ("Normal", "Title", "Heading 1", "Heading 2"):
        assert fonts(document, style) == {"cs": "Khmer OS", "eastAsia": "Noto Sans CJK SC",
                                          "lang:bidi": "km-KH", "lang:eastAsia": None}, style
    brief = next(p for p in document.paragraphs if p.text == item.brief)
    assert brief.runs[0]._element.rPr.find(qn("w:cs")) is not None  # marked as complex script for Khmer


def test_word_document_for_chinese(reviewed_store):
    item = one(reviewed_store, lang="zh")
    document = docx_of(item)
    texts = [p.text for p in document.paragraphs]
    assert document.paragraphs[0].text == item.title and document.paragraphs[0].style.name == "Title"
    assert item.brief in texts and texts[texts.index("Full text") + 1:] == item.text.split("\n\n")
    for style in ("Normal", "Title", "Heading 1", "Heading 2"):
        assert fonts(document, style) == {"cs": "Khmer OS", "eastAsia": "Noto Sans CJK SC",
                                          "lang:bidi": None, "lang:eastAsia": "zh-CN"}, style
    brief = next(p for p in document.paragraphs if p.text == item.brief)
    rpr = brief.runs[0]._element.rPr
    assert rpr is None or rpr.find(qn("w:cs")) is None  # Chinese is not complex script


def test_word_document_for_traditional_chinese_uses_its_own_font():
    document = docx_of(Record("a", "標題", "zt", "一。", "一。", "approved", "en-zt@1", demo=False))
    assert fonts(document)["eastAsia"] == "Noto Sans CJK TC" and fonts(document)["lang:eastAsia"] == "zh-TW"
    assert fonts(document)["cs"] == "Khmer OS"


def test_the_translated_headline_titles_every_download_and_takes_corrections(reviewed_store):
    view = review.article_view(reviewed_store, ARTICLE)
    headline = view.rows[0]
    assert headline.position == -1 and headline.english == view.title and not headline.in_brief
    item = one(reviewed_store, lang="zh")
    assert item.title == headline.cells["zh"].machine and item.title != view.title
    assert headline.cells["zh"].machine not in item.text.split("\n\n")[0]  # not part of the body
    review.save_sentence(reviewed_store, ARTICLE, "zh", headline.sentence_id, "贺南洪访华", 0, "eddie")
    item = one(reviewed_store, lang="zh")
    assert item.title == "贺南洪访华"
    assert documents.render(item, "md").decode().startswith("# 贺南洪访华\n")
    assert documents.render(item, "txt").decode().startswith("贺南洪访华\n")
    assert docx_of(item).paragraphs[0].text == "贺南洪访华"
    with zipfile.ZipFile(io.BytesIO(export.bulk_zip([item]))) as archive:
        assert json.loads(archive.read("index.json"))[0]["title"] == "贺南洪访华"


def test_corrections_reach_the_word_document(reviewed_store):
    first = machine(reviewed_store)["km"][0][0]
    review.save_sentence(reviewed_store, ARTICLE, "km", first, "ប្រយោគដែលបានកែ", 0, "eddie")
    texts = [p.text for p in docx_of(one(reviewed_store, lang="km")).paragraphs]
    assert sum("ប្រយោគដែលបានកែ។" in text for text in texts) == 2  # the brief and the full text


@pytest.mark.parametrize("ext", ["pdf", "MD", "", "docx ", ".md", "html"])
def test_unknown_format_is_refused(ext):
    item = Record("a", "Title", "km", "ក។", "ក។", "approved", "m", demo=False)
    with pytest.raises(ValueError, match="unknown format"):
        documents.render(item, ext)


# --- file names ----------------------------------------------------------------------------------------------


HOSTILE = ["../../etc/passwd", "..", ".", "/", "", "\\..\\..\\windows\\win.ini", "C:\\boot.ini", "/abs/path",
           "a/b/c", ".hidden", "..hidden", "x/../y", "\x00nul", "name\nnewline", "..%2f..%2fetc", "~/x", "-rf",
           "a" * 300, "a" * 99 + "/" + "b" * 50, "\u202e..\u2215x", "ﾠ", "   ", "....//....//x"]


@pytest.mark.parametrize("article_id", HOSTILE)
@pytest.mark.parametrize("ext", ["md", "docx"])
def test_filename_is_one_safe_component(article_id, ext):
    name = documents.filename(Record(article_id, "t", "km", "", "", "new", "m", demo=False), ext)
    assert "/" not in name and "\\" not in name and "\x00" not in name and "\n" not in name
    assert PurePosixPath(name).name == name and PureWindowsPath(name).name == name
    assert not name.startswith((".", "-")) and name not in (".", "..")
    assert ".." not in PurePosixPath(name).parts and ".." not in PureWindowsPath(name).parts
    assert name.endswith(f".km.{ext}") and len(name) <= 100 + len(f".km.{ext}")
    assert name.isascii()


def test_filename_keeps_a_plain_id_and_names_an_empty_one():
    assert documents.filename(Record(ARTICLE, "t", "zh", "", "", "new", "m", False), "md") == f"{ARTICLE}.zh.md"
    assert documents.filename(Record("a b/c", "t", "km", "", "", "new", "m", False), "txt") == "a-b-c.km.txt"
    assert documents.filename(Record("../..", "t", "km", "", "", "new", "m", False), "md") == "article.km.md"


def test_filename_of_every_stored_record_is_its_id(reviewed_store):
    names = [documents.filename(r, "docx") for r in export.records(reviewed_store)]
    assert names == [f"{a}.{lang}.docx" for a in sorted(ALL) for lang in ("km", "zh")]


# --- bulk ZIP ------------------------------------------------------------------------------------------------


def test_bulk_zip_has_one_markdown_file_per_record_and_an_index(reviewed_store):
    review.decide(reviewed_store, ARTICLE, "km", "approved", "eddie", confirm_checks=True)
    review.decide(reviewed_store, KHMER_ROUGE, "zh", "approved", "eddie", confirm_checks=True)
    items = list(export.records(reviewed_store, status="approved"))
    assert len(items) == 2
    with zipfile.ZipFile(io.BytesIO(export.bulk_zip(items))) as archive:
        assert archive.testzip() is None
        assert sorted(archive.namelist()) == sorted(
            [f"briefs/{ARTICLE}.km.md", f"briefs/{KHMER_ROUGE}.zh.md", "index.json", "index.md"])
        index = json.loads(archive.read("index.json"))
        assert index == [{"file": f"briefs/{documents.filename(i, 'md')}",
                          "files": {"md": f"briefs/{documents.filename(i, 'md')}"}, "article_id": i.article_id,
                          "title": i.title, "lang": i.lang, "status": "approved", "model": i.model, "demo": True}
                         for i in items]
        for item, entry in zip(items, index):
            assert archive.read(entry["file"]) == documents.render(item, "md")
        markdown = archive.read("index.md").decode()
        assert markdown.startswith("# Approved briefs")
        for item in items:
            assert f"[{item.title} ({item.lang})](briefs/{documents.filename(item, 'md')})" in markdown


def test_bulk_zip_keeps_non_ascii_titles_readable_and_hostile_ids_inside():
    items = [Record("../../evil", "柬埔寨 ខ្មែរ", "zh", "一。", "一。", "approved", "m", demo=False),
             Record("/etc/cron.d/x", "t", "km", "ក។", "ក។", "approved", "m", demo=False)]
    with zipfile.ZipFile(io.BytesIO(export.bulk_zip(items))) as archive:
        names = archive.namelist()
        assert all(name in ("index.json", "index.md") or name.startswith("briefs/") for name in names)
        assert all(".." not in PurePosixPath(name).parts and not name.startswith("/") for name in names)
        raw = archive.read("index.json").decode("utf-8")
        assert "柬埔寨 ខ្មែរ" in raw  # not \\u escapes
        assert [e["article_id"] for e in json.loads(raw)] == ["../../evil", "/etc/cron.d/x"]


def test_bulk_zip_never_overwrites_one_brief_with_another():
    # ids that make the same safe file name, also when the archive is unpacked on a case-insensitive disk
    items = [Record(article_id, f"title {n}", "km", "ក។", f"brief {n}", "approved", "m", demo=False)
             for n, article_id in enumerate(["a/b", "a-b", "a b", "A-B", "c"])]
    with zipfile.ZipFile(io.BytesIO(export.bulk_zip(items))) as archive:
        briefs = [name for name in archive.namelist() if name.startswith("briefs/")]
        assert len(briefs) == 5 and len({name.lower() for name in briefs}) == 5
        index = json.loads(archive.read("index.json"))
        assert [entry["article_id"] for entry in index] == ["a/b", "a-b", "a b", "A-B", "c"]
        assert sorted(entry["file"] for entry in index) == sorted(briefs)
        for n, entry in enumerate(index):
            assert f"brief {n}" in archive.read(entry["file"]).decode()
        assert index[0]["file"] == "briefs/a-b.km.md" and index[4]["file"] == "briefs/c.km.md"


def test_bulk_zip_of_nothing_is_an_empty_index():
    with zipfile.ZipFile(io.BytesIO(export.bulk_zip([]))) as archive:
        assert sorted(archive.namelist()) == ["index.json", "index.md"]
        assert json.loads(archive.read("index.json")) == []


def test_the_newsroom_names_itself_through_the_environment(tmp_path):
    from workflow.config import Config

    assert Config.from_env({"BRIEFDESK_HOME": str(tmp_path)}).newsroom == "Briefdesk"
    named = Config.from_env({"BRIEFDESK_HOME": str(tmp_path), "BRIEFDESK_NEWSROOM": " VOA Khmer "})
    assert named.newsroom == "VOA Khmer"
    item = Record("a", "ចំណងជើង", "km", "ក។", "ក។", "approved", "m", demo=False)
    properties = docx_of(item).core_properties
    assert properties.author == "Briefdesk" and properties.title == "ចំណងជើង" and properties.language == "km"
    word = Document(io.BytesIO(documents.render(item, "docx", documents.Imprint("VOA Khmer"))))
    assert word.core_properties.author == word.core_properties.last_modified_by == "VOA Khmer"
