"""The review app in a real browser: Debian's Chromium driven by Playwright, against a real waitress server.

Screenshots land in tests/artifacts/ (queue, article, article at tablet width).
"""

import io
import shutil
import subprocess
import time
import zipfile
from pathlib import Path

import pytest

from tests.web_client import browser_login

playwright = pytest.importorskip("playwright.sync_api")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [pytest.mark.browser, pytest.mark.skipif(not CHROMIUM, reason="Debian chromium not installed")]
ARTIFACTS = Path(__file__).parent / "artifacts"
ARTICLE = "hor-namhong-china-visit"


@pytest.fixture
def server(reviewed_store, config, registry, tmp_path, live_server):
    from web import create_app
    from workflow import pipeline

    hostile = tmp_path / "hostile.html"
    hostile.write_text("<html><body><article><p>Officials said &lt;script&gt;alert('article')&lt;/script&gt; "
                       "<img src=x onerror=alert('img')> nothing.</p></article></body></html>")
    assert not pipeline.run([hostile], reviewed_store, registry, pipeline.Options(targets=["zh"])).errors

    return live_server(create_app(config))


@pytest.fixture
def page(server, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.dialogs = dialogs
    yield page
    context.close()


def test_editor_corrects_approves_and_downloads(server, page):
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(server + "/")
    assert "/login" in page.url
    page.fill("#username", "eddie")
    page.fill("#password", "eddie-password")
    page.click("form:has(#password) button[type=submit]")
    page.wait_for_selector("table.queue")
    page.screenshot(path=str(ARTIFACTS / "queue.png"))

    page.click(f"a[href='/articles/{ARTICLE}']")
    page.wait_for_selector("table.aligned")
    page.evaluate("document.fonts.ready")
    assert page.evaluate("document.fonts.check('16px \"Noto Sans Khmer Web\"', 'ក')")
    assert page.evaluate("[...document.fonts].some(f => f.family.includes('Noto Sans Khmer Web') && "
                         "f.status === 'loaded')")
    page.screenshot(path=str(ARTIFACTS / "article.png"), full_page=True)

    # Correct the first Khmer sentence.
    row = page.locator("table.aligned tbody tr").first
    khmer_cell = row.locator("td[lang=km]")
    khmer_cell.locator("summary").click()
    khmer_cell.locator("textarea").fill("រដ្ឋមន្ត្រីការបរទេស ហោ ណាំហុង នៅប្រទេសចិនសប្តាហ៍នេះ។")
    khmer_cell.get_by_role("button", name="Save").click()
    page.wait_for_selector("text=edited by eddie")
    assert "រដ្ឋមន្ត្រីការបរទេស ហោ ណាំហុង នៅប្រទេសចិនសប្តាហ៍នេះ។" in page.locator(
        "table.aligned tbody tr").first.locator("td[lang=km] .text").inner_text()

    # A script in a correction is shown as text, never run.
    chinese_cell = page.locator("table.aligned tbody tr").nth(1).locator("td[lang=zh-Hans]")
    chinese_cell.locator("summary").click()
    chinese_cell.locator("textarea").fill("<script>alert('xss')</script>")
    chinese_cell.get_by_role("button", name="Save").click()
    page.wait_for_selector("text=<script>alert('xss')</script>")
    chinese_cell = page.locator("table.aligned tbody tr").nth(1).locator("td[lang=zh-Hans]")
    chinese_cell.locator("summary").click()
    chinese_cell.locator("textarea").fill("贺南洪在启程前对记者表示。")
    chinese_cell.get_by_role("button", name="Save").click()
    page.wait_for_selector("text=贺南洪在启程前对记者表示。")

    # The shortened correction is flagged by the checks (far too short for its English): the editor says
    # yes to "approve despite", then approves Khmer with the keyboard shortcut, Chinese with the button.
    assert "⚠ omission" in page.locator("table.aligned tbody tr").nth(1).locator("td[lang=zh-Hans]").inner_text()
    if page.locator("#decide-km input[name=confirm_checks]").count():
        page.check("#decide-km input[name=confirm_checks]")
    page.locator("h1").click()
    page.keyboard.press("1")
    page.wait_for_selector("#decide-km .chip-approved")
    page.check("#decide-zh input[name=confirm_checks]")
    page.click("#decide-zh button.approve")
    page.wait_for_selector("#decide-zh .chip-approved")

    page.set_viewport_size({"width": 820, "height": 1180})  # a tablet
    page.screenshot(path=str(ARTIFACTS / "article-tablet.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    page.click("text=Approved briefs")
    for choice in ("Word (.docx)", "Plain text (.txt)", "the English original of each story"):
        page.get_by_label(choice).uncheck()  # the form says what the .zip holds: here Markdown alone
    with page.expect_download() as download:
        page.click("text=Download .zip")
    data = Path(download.value.path()).read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = sorted(archive.namelist())
        khmer = archive.read(f"briefs/{ARTICLE}.km.md").decode()
        chinese = archive.read(f"briefs/{ARTICLE}.zh.md").decode()
    assert names == [f"briefs/{ARTICLE}.km.md", f"briefs/{ARTICLE}.zh.md", "index.json", "index.md"]
    assert "រដ្ឋមន្ត្រីការបរទេស ហោ ណាំហុង នៅប្រទេសចិនសប្តាហ៍នេះ។" in khmer
    assert "贺南洪在启程前对记者表示。" in chinese and "DEMO" in chinese
    assert page.dialogs == []


_BROKEN_HEADING_WORDS = """() => [...document.querySelectorAll('th')].flatMap(th => {
  const broken = [], walker = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
  for (let node; (node = walker.nextNode());) {
    for (const word of node.data.matchAll(/\\S+/g)) {
      const range = document.createRange();
      range.setStart(node, word.index);
      range.setEnd(node, word.index + word[0].length);
      if (new Set([...range.getClientRects()].map(r => Math.round(r.top))).size > 1) broken.push(word[0]);
    }
  }
  return broken;
})"""


def test_a_laptop_screen_headings_whole_chips_explained_error_page_and_api_docs(server, page):
    page.set_viewport_size({"width": 1366, "height": 768})
    browser_login(page, server, "ada")
    for path in ("/", "/stats", "/glossary", "/admin/users", "/admin/publishing", "/approved", "/docs/api"):
        page.goto(server + path)
        assert page.evaluate(_BROKEN_HEADING_WORDS) == [], path
    # the queue's chips say what they count; a wrong link gets the app's own page and a way back
    page.goto(server + "/")
    assert page.get_by_text("Translations (one per article and language):").is_visible()
    assert "translations new" in page.locator("a.count").first.get_attribute("title")
    response = page.goto(server + "/no/such/page")
    assert response.status == 404 and page.title() == "404 Not Found · Briefdesk"
    page.click("text=Back to the queue")
    page.wait_for_selector("table.queue")
    # the API's page, reached from the admin's menu, offline: every endpoint and schema drawn by the app itself
    page.goto(server + "/")
    page.click("nav >> text=API")
    from web.api import openapi_document

    document = openapi_document()
    operations = sum(len(item) for item in document["paths"].values())
    assert page.locator("section.api-operation").count() == operations >= 4
    assert page.locator("section.api-schema").count() == len(document["components"]["schemas"]) >= 8
    page.screenshot(path=str(ARTIFACTS / "api-docs.png"), full_page=True)


def test_script_in_article_text_never_runs(server, page):
    browser_login(page, server)
    page.goto(server + "/articles/hostile")
    page.wait_for_selector("table.aligned")
    english = page.locator("table.aligned td[lang=en]").all_inner_texts()  # the headline row, then the sentences
    assert any("<script>alert('article')</script>" in text for text in english)
    page.wait_for_timeout(300)
    assert page.dialogs == []


def test_fonts_for_khmer_and_chinese_are_installed():
    """Browsers fall back to system fonts for CJK (and Khmer, before the webfont loads)."""
    if not shutil.which("fc-list"):
        pytest.skip("fontconfig not available")
    for lang in ("zh", "km"):
        assert subprocess.run(["fc-list", f":lang={lang}"], capture_output=True, text=True).stdout.strip(), lang


def test_glossary_terms_show_their_entry_and_approval_asks_first(server, page, reviewed_store):
    """A glossary the demo model disagrees with: terms marked, the entry shown on hover and on keyboard focus,
    the sentences flagged, and approving with open term issues asks for a confirmation first."""
    from workflow.glossary import Entry, Form, edits

    edits.save_entry(reviewed_store, Entry("Hor Namhong", {"zh": Form("贺南宏", ("贺南洪",)), "km": Form("ហោ ណាំហុង")},
                                           note="Foreign minister 1998–2016"), "ada")
    edits.save_entry(reviewed_store, Entry("John Kerry", {"zh": Form("克里国务卿")}), "ada")
    ARTIFACTS.mkdir(exist_ok=True)
    browser_login(page, server)
    page.select_option("#issues", "terms")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**issues=terms**")
    assert page.locator("table.queue tbody tr").count() == 1
    assert page.locator(f"table.queue a[href='/articles/{ARTICLE}']").count() == 1

    page.goto(server + f"/articles/{ARTICLE}")
    page.wait_for_selector("table.aligned")
    page.evaluate("document.fonts.ready")
    row = page.locator("table.aligned tbody tr", has_text="Cambodian Foreign Minister")
    term = row.locator("td[lang=en] mark.term")
    tip = term.locator(".term-tip")
    assert term.inner_text().startswith("Hor Namhong") and tip.is_hidden()
    # Hover shows the entry; moving away hides it.
    term.hover()
    tip.wait_for(state="visible")
    assert "贺南宏" in tip.inner_text() and "贺南洪" in tip.inner_text() and "Foreign minister" in tip.inner_text()
    page.mouse.move(5, 5)
    tip.wait_for(state="hidden")
    # The keyboard reaches it too: Tab from the sentence's star lands on the term, Escape closes it.
    row.locator("td.num button.star-toggle").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.matches('mark.term')")
    tip.wait_for(state="visible")
    assert page.evaluate("document.activeElement.getAttribute('aria-describedby')") == tip.get_attribute("id")
    page.screenshot(path=str(ARTIFACTS / "glossary.png"))
    page.keyboard.press("Escape")
    tip.wait_for(state="hidden")

    chinese = row.locator("td[lang=zh-Hans]")
    assert "⚠ term: forbidden 贺南洪 → 贺南宏" in chinese.inner_text()
    assert chinese.locator("mark.term.forbidden").inner_text().startswith("贺南洪")
    assert row.locator("td[lang=km] mark.term").count() == 1
    count = page.locator("#decide-zh .term-count").inner_text()
    assert count.endswith("term issues") and int(count.split()[0]) >= 7

    # Approving asks first; declining leaves it as it was, ticking the box approves.
    page.click("#decide-zh button.approve")
    page.wait_for_timeout(300)
    assert page.dialogs and page.dialogs[-1].startswith("Approve despite")
    assert page.locator("#decide-zh .chip-new").count() == 1
    page.check("#decide-zh input[name=confirm_terms]")
    if page.locator("#decide-zh input[name=confirm_checks]").count():  # the demo's output has check issues too
        page.check("#decide-zh input[name=confirm_checks]")
    page.click("#decide-zh button.approve")
    page.wait_for_selector("#decide-zh .chip-approved")

    page.click("nav >> text=Glossary")
    page.wait_for_selector("table.glossary")
    assert page.locator("table.glossary tbody tr").count() == 2
    page.screenshot(path=str(ARTIFACTS / "glossary-page.png"), full_page=True)


def test_a_story_pasted_in_the_browser_reaches_the_cms_as_an_approved_brief(server, page, reviewed_store,
                                                                              registry, references):
    """The newsroom loop: paste a story → "translating…" → the worker translates it within seconds → the editor
    stars a sentence into the brief → approves → the CMS's GET /api/v1/briefs returns it with those sentences."""
    import json
    import threading
    import urllib.request

    from workflow import accounts, worker

    ARTIFACTS.mkdir(exist_ok=True)
    stop = threading.Event()
    working = threading.Thread(target=worker.work, args=(reviewed_store, registry),
                               kwargs={"poll": 0.2, "stop": stop, "log": lambda _: None}, daemon=True)
    browser_login(page, server)

    page.click("nav >> text=Add a story")
    # Sentences the demo models know, so the translations are real ones.
    story = [r for r in references if r["id"].startswith("voa-khm-2018-party-FUNCINPEC/")][:4]
    page.fill("#title", "FUNCINPEC, a royalist party")
    page.fill("#text", "\n\n".join(r["en"] for r in story))
    page.screenshot(path=str(ARTIFACTS / "story-form.png"), full_page=True)
    page.click("form.story-form button[type=submit]")
    page.wait_for_selector("text=translating…")
    page.screenshot(path=str(ARTIFACTS / "story-translating.png"))

    working.start()
    try:
        deadline = time.monotonic() + 60
        while "translating…" in page.content():
            assert time.monotonic() < deadline, "the worker did not translate the story within a minute"
            page.wait_for_timeout(500)
            page.reload()
    finally:
        stop.set()
        working.join(timeout=60)
    link = page.locator("table.queue a", has_text="FUNCINPEC, a royalist party")
    external_id = link.get_attribute("href").removeprefix("/articles/")
    link.click()
    page.wait_for_selector("table.aligned")
    assert story[0]["zh"] in page.locator("table.aligned").inner_text()

    # Star a sentence that is not in the brief yet; the briefs are rebuilt with it.
    star = page.locator("button.star-toggle[aria-pressed=false]").first
    star_row = star.locator("xpath=ancestor::tr")
    english = star_row.locator("td[lang=en]").inner_text().strip()
    star.click()
    page.wait_for_selector("text=the briefs were rebuilt")
    for lang in ("km", "zh"):
        page.locator(f"#decide-{lang} button.approve").click()
        page.wait_for_selector(f"#decide-{lang} .chip-approved")
    page.screenshot(path=str(ARTIFACTS / "story-approved.png"), full_page=True)

    token = accounts.create_token(reviewed_store, "rita")  # the CMS reads with a reader's token
    request = urllib.request.Request(server + "/api/v1/briefs?status=approved&lang=zh",
                                     headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        briefs = json.load(response)["briefs"]
    (brief,) = [b for b in briefs if b["id"] == external_id]
    starred = next(r for r in story if r["en"] == english)
    assert starred["zh"] in brief["brief"] and brief["approved_by"] == "eddie"
    assert story.index(starred) in brief["sentences"]


def test_a_changed_number_is_marked_where_it_is_and_dismissed_in_place(server, page, reviewed_store):
    """The check marks the wrong number on its sentence with what is wrong; the panel counts it; dismissing it
    (keyboard reachable, named for screen readers) brings the editor back to the sentence."""
    from workflow import review

    view = review.article_view(reviewed_store, ARTICLE)
    row = next(r for r in view.rows if r.position == 1)
    cell = row.cells["zh"]
    review.save_sentence(reviewed_store, ARTICLE, "zh", row.sentence_id, cell.text.replace("2017", "2016"),
                         cell.revision_id, "erin")
    ARTIFACTS.mkdir(exist_ok=True)
    browser_login(page, server)
    page.goto(f"{server}/articles/{ARTICLE}")
    flagged = page.locator("td.check-issue[lang=zh-Hans]")
    assert flagged.count() == 1
    assert "⚠ numbers: 2016 is not in the English" in flagged.inner_text()
    assert page.locator("#decide-zh .check-count").inner_text() == "2 check issues"
    flagged.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "article-check-issue.png"), full_page=True)
    page.get_by_role("button", name="Dismiss: numbers, 2016 is not in the English").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**#s{row.sentence_id}")
    assert "2016 is not in the English" not in page.locator("td.check-issue[lang=zh-Hans]").inner_text()
    assert page.locator("#decide-zh .check-count").inner_text() == "1 check issue"
    assert page.dialogs == []
