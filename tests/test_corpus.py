import json
import os
import re
from datetime import datetime, timezone
from pathlib import Path

import pytest

from workflow import corpus
from workflow.corpus import Document, Rejected, sample_dir

CORPUS = sample_dir()


def read_one(path):
    items = list(corpus.read([path]))
    assert len(items) == 1, items
    return items[0]


def test_txt_title_line_and_paragraphs(tmp_path):
    path = tmp_path / "story.txt"
    path.write_text("Minister Visits China\n\nFirst paragraph. Second sentence.\n\nSecond paragraph.\n")
    doc = read_one(path)
    assert isinstance(doc, Document)
    assert doc.title == "Minister Visits China"
    assert doc.text == "First paragraph. Second sentence.\n\nSecond paragraph."


def test_txt_without_title_line_uses_file_name_and_one_paragraph_a_line(tmp_path):
    path = tmp_path / "hor-namhong-visit.en.txt"
    path.write_text("Hor Namhong is in China.\nHe met officials.\n")
    doc = read_one(path)
    assert doc.id == "hor-namhong-visit"
    assert doc.title == "Hor Namhong Visit"
    assert doc.text == "Hor Namhong is in China.\n\nHe met officials."


def test_markdown_front_matter_links_and_emphasis(tmp_path):
    path = tmp_path / "a.md"
    path.write_text('---\ntitle: "Vote Count"\n---\n\n# Ignored heading\n\nThe **NEC** said [more](http://x) '
                    "votes came.\n\n{:.pullquote}\nA repeated quote.\n\nLast line.\n")
    doc = read_one(path)
    assert doc.title == "Vote Count"
    assert doc.text == "Ignored heading\n\nThe NEC said more votes came.\n\nLast line."


def test_html_main_text_without_scripts_or_navigation(tmp_path):
    path = tmp_path / "page.html"
    path.write_text("<html><head><title>Site | Story</title><script>alert('x')</script></head><body>"
                    "<nav><p>Home About</p></nav><article><h1>Real Title</h1><p>First <b>bold</b> sentence.</p>"
                    "<script>evil()</script><p>Second paragraph.</p></article><footer><p>(c) site</p></footer>"
                    "</body></html>")
    doc = read_one(path)
    assert doc.title == "Real Title"
    assert doc.text == "First bold sentence.\n\nSecond paragraph."
    assert "alert" not in doc.text and "evil" not in doc.text


def test_json_and_jsonl_records(tmp_path):
    (tmp_path / "one.json").write_text(json.dumps({"id": "x1", "title": "T", "text": "Body text here."}))
    (tmp_path / "many.jsonl").write_text(
        json.dumps({"title": "A", "text": "Alpha text."}) + "\n\n" + "not json\n"
        + json.dumps({"title": "B", "text": 5}) + "\n" + json.dumps([1, 2]) + "\n")
    items = list(corpus.read([tmp_path]))
    docs = [i for i in items if isinstance(i, Document)]
    errors = [i for i in items if isinstance(i, Rejected)]
    assert [d.id for d in docs] == ["many-1", "x1"]
    assert [e.source.rsplit(":", 1)[1] for e in errors] == ["3", "4", "5"]
    assert "invalid JSON" in errors[0].reason
    assert "'text' must be a string" in errors[1].reason
    assert "expected a JSON object" in errors[2].reason


def test_folder_skips_readme_hidden_and_other_types(tmp_path):
    (tmp_path / "README.md").write_text("# About\n\nNot an article.")
    (tmp_path / ".hidden.txt").write_text("Hidden.")
    (tmp_path / "data.tsv").write_text("a\tb")
    (tmp_path / "story.txt").write_text("A story.")
    assert [d.id for d in corpus.read([tmp_path])] == ["story"]


def test_voa_site_markup_is_cleaned():
    text = ("The Khmer Rouge took control.\n\n{:.pullquote}\n“A quote repeated from the story.”\n\n"
            "Another paragraph.\n\nCountering rumors ###\n\nMore text.\n\n{:.voa__source-label}\n"
            "##### Sources #####\n\n{:.voa__tagline}\n\"The Cambodian Genocide\"")
    assert corpus.clean_text(text) == ("The Khmer Rouge took control.\n\nAnother paragraph.\n\n"
                                       "Countering rumors\n\nMore text.")


def test_bundled_corpus_is_clean(tmp_path):

    docs = list(corpus.read([CORPUS]))
    assert len(docs) == 42 and all(isinstance(d, Document) for d in docs)
    for doc in docs:
        assert "{:" not in doc.text and "#####" not in doc.text and "Sources" not in doc.text[-30:]


@pytest.mark.parametrize("name,content,reason", [
    ("empty.txt", b"", "empty file"),
    ("blank.txt", b"   \n\n  ", "empty file"),
    ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR", "binary file"),
    ("latin1.txt", "Phnom Penh café\n".encode("latin-1"), "not UTF-8"),
    ("huge.txt", b"word " * 1_000_000, "too large"),
    ("only-markup.md", b"{:.pullquote}\n\n#####\n", "no text"),
    ("script-only.html", b"<html><body><script>alert(1)</script></body></html>", "no text"),
    ("photo.jpg", b"\xff\xd8\xff", "unsupported file type"),
    ("bad.json", b"{\"title\": ", "invalid JSON"),
    ("cut.json", b"{\"title\": \"unterminated", "invalid JSON: Unterminated string starting at (line 1, column 11)"),
    ("list.json", b"[]", "empty JSON list"),
    ("wrong.json", b"{\"title\": [1], \"text\": \"ok text\"}", "'title' must be a string"),
])
def test_bad_inputs_are_named_with_their_cause(tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    item = read_one(path)
    assert isinstance(item, Rejected)
    assert item.source == str(path)
    assert reason in item.reason


def test_missing_path_and_duplicate_ids(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "story.txt").write_text("One.")
    (tmp_path / "b" / "story.txt").write_text("Two.")
    items = list(corpus.read([tmp_path / "a", tmp_path / "b", tmp_path / "nope"]))
    assert isinstance(items[0], Document)
    assert "duplicate article id" in items[1].reason
    assert items[2].reason == "no such file or folder"


def test_invisible_and_control_characters_are_removed():
    assert corpus.clean_text("Hun\u200b Sen\u202e said\x07 so.") == "Hun Sen said so."


def test_default_ids_are_paths_below_the_folder_so_same_names_never_collide(tmp_path):
    for year in ("2024", "2025"):
        (tmp_path / year).mkdir()
        (tmp_path / year / "index.html").write_text(f"<h1>Story {year}</h1><p>It happened in {year}.</p>")
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "b.txt").write_text("One.\n")
    (tmp_path / "a-b.txt").write_text("Two.\n")
    items = list(corpus.read([tmp_path]))
    assert all(isinstance(i, Document) for i in items), items
    assert sorted(i.id for i in items) == ["2024/index", "2025/index", "a-b", "a/b"]
    assert [i.id for i in corpus.read([tmp_path / "2024" / "index.html"])] == ["index"]  # a file alone: its name


@pytest.mark.parametrize("raw,expected", [
    ("..", None), ("../../admin/users", "admin/users"), ("a\nb", "a-b"), ("\u202eevil\u2066", "evil"),
    ("  CMS id 42 ", "CMS-id-42"), ("x/./y//z", "x/y/z"), ("é/1", "é/1"), ("\x00", None), ("a" * 300, "a" * 200),
])
def test_ids_are_constrained_at_ingest(tmp_path, raw, expected):
    path = tmp_path / "items.jsonl"
    path.write_text(json.dumps({"id": raw, "title": "T", "text": "Something happened today."}) + "\n")
    [item] = corpus.read([path])
    if expected is None:
        assert isinstance(item, Rejected) and "'id'" in item.reason
    else:
        assert isinstance(item, Document) and item.id == expected


def test_a_deeply_nested_line_is_one_bad_line(tmp_path):
    path = tmp_path / "feed.jsonl"
    good = json.dumps({"id": "ok", "title": "T", "text": "Something happened today."})
    path.write_text(good.replace('"ok"', '"first"') + "\n" + "[" * 100_000 + "\n" + good + "\n")
    items = list(corpus.read([path]))
    assert [type(i).__name__ for i in items] == ["Document", "Rejected", "Document"]
    assert items[1].source.endswith(":2") and "nested too deeply" in items[1].reason
    nested = tmp_path / "one.json"
    nested.write_text("{\"a\":" * 100_000)
    [item] = corpus.read([nested])
    assert isinstance(item, Rejected) and "nested too deeply" in item.reason


def test_a_fifo_is_named_for_what_it_is(tmp_path):
    import os

    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    [item] = corpus.read([fifo])
    assert isinstance(item, Rejected) and "FIFO" in item.reason
    [missing] = corpus.read([tmp_path / "nothing.txt"])
    assert missing.reason == "no such file or folder"


@pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() != 0, reason="needs root to become another user")
def test_an_unreadable_folder_is_reported_and_the_rest_is_read():
    """As an operator without read rights on one subfolder (root reads everything, so a forked child becomes
    'nobody' first: a real permission error, no mock)."""
    import multiprocessing
    import shutil
    import tempfile

    root = Path(tempfile.mkdtemp(prefix="briefdesk-perm-", dir="/tmp"))
    try:
        root.chmod(0o755)
        (root / "good.txt").write_text("Something happened today.\n")
        (root / "locked").mkdir()
        (root / "locked" / "secret.txt").write_text("Hidden story.\n")
        (root / "locked").chmod(0o000)

        list(corpus.read([root / "good.txt"]))  # load every module now: 'nobody' cannot read Python's files

        def read(queue) -> None:
            os.setgid(65534)
            os.setuid(65534)
            queue.put([(type(i).__name__, i.source, getattr(i, "reason", "")) for i in corpus.read([root])])

        context = multiprocessing.get_context("fork")
        queue = context.Queue()
        child = context.Process(target=read, args=(queue,))
        child.start()
        items = queue.get(timeout=60)
        child.join(timeout=60)
    finally:
        (root / "locked").chmod(0o755)
        shutil.rmtree(root)
    assert ("Document", str(root / "good.txt"), "") in items
    assert any(kind == "Rejected" and source.endswith("locked") and "cannot read folder" in reason
               for kind, source, reason in items), items


def _word_file(path, title: str | None = "Ream base", body=("First paragraph.", "Second paragraph.")):
    from docx import Document as WordDocument

    document = WordDocument()
    document.core_properties.title = "Property title"
    if title:
        document.add_paragraph(title, style="Title")
    document.add_paragraph(body[0])
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Cell one.", "Cell two."
    for paragraph in body[1:]:
        document.add_paragraph(paragraph)
    document.save(path)
    return path


def test_word_files_give_title_and_paragraphs_in_document_order(tmp_path):
    (doc,) = corpus.read([_word_file(tmp_path / "ream.docx")])
    assert (doc.id, doc.title) == ("ream", "Ream base")
    assert doc.text == "First paragraph.\n\nCell one.\n\nCell two.\n\nSecond paragraph."
    (untitled,) = corpus.read([_word_file(tmp_path / "untitled.docx", title=None)])
    assert untitled.title == "Property title"
    folder = list(corpus.read([tmp_path]))
    assert [d.id for d in folder] == ["ream", "untitled"]


def test_a_word_file_of_many_paragraphs_is_read_in_one_pass_and_a_book_is_refused(tmp_path):
    """40,000 one-word paragraphs (a 240 KB .docx) took 44 s to read, a style lookup each; now the heading
    styles are found once, and more paragraphs than a story has are refused by name."""
    from workflow.formats import MAX_PARAGRAPHS

    letters = [f"w{i}" for i in range(MAX_PARAGRAPHS - 2)]  # and the two table cells
    (doc,) = corpus.read([_word_file(tmp_path / "long.docx", body=letters)])
    assert doc.title == "Ream base" and doc.text.split("\n\n") == [letters[0], "Cell one.", "Cell two.", *letters[1:]]
    (book,) = corpus.read([_word_file(tmp_path / "book.docx", body=[*letters, "one more"])])
    assert isinstance(book, corpus.Rejected) and book.source.endswith("book.docx")
    assert f"more than {MAX_PARAGRAPHS:,} paragraphs: a book, not a story" in book.reason


def test_a_story_uploaded_again_gets_one_web_prefix_and_punctuation_leaves_no_double_dashes(tmp_path):
    when = datetime(2026, 12, 2, 12, 19, 53, tzinfo=timezone.utc)
    (first,) = corpus.read_upload("hun-sen.txt", b"Hun Sen visits Beijing\n\nBody.", when)
    # downloaded from the desk (``<id>.en.txt``) and added again, twice
    (second,) = corpus.read_upload(f"{first.id}.en.txt", b"Body of the story, and no title.", when)
    (third,) = corpus.read_upload(f"{second.id}.km.md", b"Body of the story, and no title.", when)
    for doc in (first, second, third):
        assert re.fullmatch(r"web-20261202-121953-[0-9a-f]{6}-hun-sen", doc.id), doc.id
    assert (second.title, third.title) == ("Hun Sen", "Hun Sen")
    assert re.fullmatch(r"web-20261202-121953-[0-9a-f]{6}-cambodia-gets-5-million-from-u-s",
                        corpus.new_id("Cambodia gets $5 million from U.S.", when))
    assert "--" not in corpus.new_id("A -- B: (C) & $D", when)
    assert re.fullmatch(r"web-20261202-121953-[0-9a-f]{6}", corpus.new_id("$$$", when))


def test_uploads_are_read_by_the_same_rules_and_a_broken_word_file_is_named(tmp_path):
    raw = _word_file(tmp_path / "story.docx").read_bytes()
    when = datetime(2026, 11, 28, 10, 15, tzinfo=timezone.utc)
    (doc,) = corpus.read_upload("C:\\Users\\me\\story.docx", raw, when)
    assert re.fullmatch(r"web-20261128-101500-[0-9a-f]{6}-story", doc.id) and (doc.title, doc.source) == (
        "Ream base", "story.docx")
    again = corpus.read_upload("story.docx", raw, when)[0].id  # the same name in the same second: another id
    assert again != doc.id and again.endswith("-story")
    (rejected,) = corpus.read_upload("story.docx", b"PK\x03\x04 not really a zip")
    assert isinstance(rejected, corpus.Rejected) and "not a Word document (.docx)" in rejected.reason
    (wrong,) = corpus.read_upload("story.pdf", b"%PDF")
    assert "unsupported file type '.pdf'" in wrong.reason
    (text,) = corpus.read_upload("notes.txt", b"Title here\n\nBody of the story.")
    assert (text.title, text.text) == ("Title here", "Body of the story.")
    (untitled,) = corpus.read_upload("notes.txt", b"Body of the story, and no title.", when)
    assert re.fullmatch(r"web-20261128-101500-[0-9a-f]{6}-notes", untitled.id) and untitled.title == "Notes"
    first, second = corpus.read_upload("wire.jsonl", b'{"id": "cms-1", "text": "One."}\n'
                                                     b'{"id": "cms-1", "text": "Two."}')
    assert first.id == "cms-1" and "duplicate article id 'cms-1'" in second.reason
