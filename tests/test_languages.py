"""Languages live in one record each: adding one is a ``Language`` plus a model, and every part follows."""

import io
import json
import zipfile

import pytest
from click.testing import CliRunner

from tests.web_client import login
from workflow import documents, export, languages
from workflow.cli import main
from workflow.errors import UsageError
from workflow.models import demo_archives


def test_join_as_each_language_writes():
    assert languages.join("zh", ["他说。", "她笑了。"]) == "他说。她笑了。"
    assert languages.join("km", ["លោកនិយាយ។", "នាងសើច", "ok."]) == "លោកនិយាយ។ នាងសើច។ ok។"
    assert languages.join("en", ["One.", "Two."]) == "One. Two."


def test_targets_are_checked_before_any_work():
    assert languages.parse_targets("km, zh,km") == ["km", "zh"]
    for bad, reason in (("xx", "unknown language 'xx'"), ("", "no target language"), (" , ", "no target language"),
                        ("en", "source language")):
        with pytest.raises(UsageError, match=reason):
            languages.parse_targets(bad)


@pytest.fixture
def testish(registry, tmp_path):
    """A made-up language, registered with one record, and a model for it (the zh demo package relabelled)."""
    language = languages.register(languages.Language(
        "xx", "Testish (Made-up)", "x-testish", short_name="Testish", sentence_separator=" | ", bleu_tokenize="char",
        docx_font=("eastAsia", "Test Sans", "x-testish"), model_tokens={"nllb": "tst_Test"}))
    archive = tmp_path / "xx.argosmodel"
    with zipfile.ZipFile(demo_archives()[1]) as source, zipfile.ZipFile(archive, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.endswith("metadata.json"):
                data = json.dumps({**json.loads(data), "to_code": "xx", "to_name": language.name}).encode()
            target.writestr(item.filename.replace("en_zh", "en_xx"), data)
    registry.add(archive)
    yield language
    languages.unregister("xx")


def test_a_registered_language_flows_through_every_part(testish, store, config, tmp_path):
    from web import create_app
    from workflow import accounts
    from workflow.evaluate import score_translations

    story = tmp_path / "story.txt"
    story.write_text("Hun Sen’s forces won and the prince went into exile.\n\n"
                     "The Khmer Rouge regime was overthrown in 1979.\n")
    # The CLI accepts it (its choices come from the registry) and the pipeline translates into it ...
    result = CliRunner().invoke(main, ["run", str(story), "--to", "xx"])
    assert result.exit_code == 0, result.output
    # ... sentences are joined as its record says, downloads name it, Word uses its font ...
    record = next(export.records(store, lang="xx"))
    assert record.brief.count(" | ") == 1 and record.text.count("\n\n") == 1
    assert "Testish (Made-up) brief" in documents.render(record, "md").decode()
    styles = zipfile.ZipFile(io.BytesIO(documents.render(record, "docx"))).read("word/styles.xml").decode()
    assert 'w:eastAsia="Test Sans"' in styles and 'w:eastAsia="x-testish"' in styles
    # ... the review app labels and tags its column ...
    accounts.add_user(store, "eddie", "eddie-password", "editor")
    client = login(create_app(config), "eddie")
    html = client.get("/articles/story").get_data(as_text=True)
    assert 'lang="x-testish"' in html and ">Testish<" in html
    # ... and evaluation scores it with its BLEU tokenizer.
    assert score_translations(["abc"], ["abc"], "xx").bleu_tokenize == "char"


def test_the_join_of_a_registered_language_is_used(testish):
    assert languages.join("xx", ["a.", "b."]) == "a. | b."
