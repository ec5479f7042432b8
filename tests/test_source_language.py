"""Every story is checked to be English on its way into the store (batch, upload, paste, API), offline: what is
not is refused with the reason and the file, and the batch goes on with the rest."""

from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import func, select

from tests.conftest import CORPUS
from tests.test_corpus import _word_file
from tests.web_client import login, token
from workflow import accounts, pipeline, source_language
from workflow.store import Article

KHMER = ("រដ្ឋមន្ត្រីការបរទេសកម្ពុជា លោក ហោ ណាំហុង បានធ្វើដំណើរទៅកាន់ប្រទេសចិននៅសប្តាហ៍នេះ។",
         "លោកបានជួបជាមួយរដ្ឋមន្ត្រីការបរទេសចិន ដើម្បីពិភាក្សាអំពីពាណិជ្ជកម្ម។")
CHINESE = "柬埔寨外交部长贺南洪本周访问中国。他与中国外交部长会面，讨论贸易与投资。"
FRENCH = ("Le ministre cambodgien des Affaires étrangères s'est rendu cette semaine en Chine, où il a rencontré "
          "son homologue chinois. Les deux hommes ont discuté du commerce, des investissements et de la "
          "coopération entre les deux pays, selon les médias officiels des deux capitales.")


def test_the_bundled_english_stories_pass_and_other_languages_are_named():
    stories = [json.loads(line) for line in (CORPUS / "voa-cambodia-2018.en.jsonl").read_text().splitlines()]
    assert [s["id"] for s in stories if source_language.problem(s["title"], s["text"])] == []
    assert "in Khmer, not English" in source_language.problem("", "\n\n".join(KHMER))
    assert "in Khmer, not English" in source_language.problem("ហោ ណាំហុង", KHMER[0])  # short: the script says it
    assert "in Chinese, not English" in source_language.problem("", CHINESE)
    assert "in French, not English (py3langid" in source_language.problem("", FRENCH)
    # an English story quoting Khmer, an English headline alone, figures: given the benefit of the doubt
    assert source_language.problem("Hun Sen: 'សូមអរគុណ'", "Hun Sen said 'សូមអរគុណ' (thank you) to the crowd.") is None
    assert source_language.problem("Hun Sen visits Beijing", "Hun Sen visits Beijing.") is None
    assert source_language.problem("Table", " ".join(f"KH-{n} {n * 7}" for n in range(400))) is None


def test_a_batch_refuses_the_khmer_story_names_its_file_and_stores_the_rest(store, registry, demo_models, tmp_path):
    folder = tmp_path / "stories"
    folder.mkdir()
    (folder / "visit.en.txt").write_text((CORPUS / "hor-namhong-china-visit.en.txt").read_text())
    (folder / "khmer.txt").write_text("ការទស្សនកិច្ច\n\n" + "\n\n".join(KHMER))
    (folder / "french.md").write_text("# Visite\n\n" + FRENCH)
    report = pipeline.run([folder], store, registry, pipeline.Options(targets=["zh"]))
    errors = {e["item"].rsplit("/", 1)[-1]: e["reason"] for e in report.errors}
    assert set(errors) == {"khmer.txt", "french.md"}, report.errors
    assert errors["khmer.txt"].startswith("the story is in Khmer, not English")
    assert "add the English original" in errors["french.md"]
    assert [a.external_id for a in report.articles] == ["visit"] and report.decoded["zh"] > 0


@pytest.fixture
def app(reviewed_store, config):
    from web import create_app

    return create_app(config)


def _stored(store) -> int:
    with store.read() as session:
        return session.scalar(select(func.count()).select_from(Article))


def test_a_khmer_word_file_uploaded_as_a_story_is_refused_with_its_name(app, reviewed_store, tmp_path):
    client = login(app, "eddie")
    before = _stored(reviewed_store)
    path = _word_file(tmp_path / "khmer-story.docx", title="ការទស្សនកិច្ច", body=KHMER)
    response = client.post("/stories/new", data={"csrf_token": token(client, "/stories/new"),
                                                  "upload": (io.BytesIO(path.read_bytes()), path.name)},
                           content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "khmer-story.docx" in page and "is in Khmer, not English" in page
    pasted = client.post("/stories/new", data={"csrf_token": token(client, "/stories/new"), "title": "Visite",
                                               "text": FRENCH})
    assert pasted.status_code == 400 and "is in French, not English" in pasted.get_data(as_text=True)
    assert _stored(reviewed_store) == before


def test_the_api_refuses_a_story_that_is_not_english_with_the_reason(app, reviewed_store):
    client = app.test_client()
    secret = accounts.create_token(reviewed_store, "eddie")
    before = _stored(reviewed_store)
    response = client.post("/api/v1/articles", headers={"Authorization": f"Bearer {secret}"},
                           json={"id": "cms/khmer", "title": "ការទស្សនកិច្ច", "text": "\n\n".join(KHMER)})
    assert response.status_code in (400, 422) and "is in Khmer, not English" in json.dumps(response.json,
                                                                                            ensure_ascii=False)
    assert _stored(reviewed_store) == before
