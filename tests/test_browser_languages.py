"""The desk in Khmer and Chinese, in a real browser, and accessible in every interface language: an editor
switches the language from the menu, and the queue, an article, the glossary, add-a-story, stats and users
pages are in it (screenshots in tests/artifacts/interface-*.png); the choice follows the account into a second
browser and through logout and login; axe-core finds no serious or critical WCAG 2.1 AA violation on any of
those pages in any language; approve, reject, the star and "next" are reached with the keyboard, visibly."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from babel.support import Translations

from tests.web_client import browser_login
from web.catalogs import CATALOGS
from web.i18n import INTERFACE

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).parent / "artifacts"
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
ARTICLE = "hor-namhong-china-visit"
PAGES = {"queue": ("/", "Review queue"), "article": (f"/articles/{ARTICLE}", "History"),
         "glossary": ("/glossary", "Glossary"), "add-a-story": ("/stories/new", "Add a story"),
         "stats": ("/stats", "Post-edit effort"), "users": ("/admin/users", "Add a user")}
"""Each page, and a heading of it to find in the interface language."""
FONTS = {"km": ('16px "Noto Sans Khmer Web"', "ក"), "zh": ('16px "Noto Sans CJK SC"', "审")}
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture
def server(reviewed_store, config, live_server):
    from web import create_app

    return live_server(create_app(config))


@pytest.fixture
def new_context(browser):
    """Browser contexts (each its own cookie jar: a second browser), closed at the end. axe is injected as a
    script, so these pages allow it past the app's Content-Security-Policy."""
    contexts = []

    def make():
        contexts.append(browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True,
                                            locale="en-US"))
        return contexts[-1].new_page()

    yield make
    for context in contexts:
        context.close()


def switch(page, code: str):
    """The menu on every page, as an editor uses it: pick the language, press the button."""
    page.select_option("#interface-language", code)
    page.click("form.interface-language button")
    page.wait_for_load_state()


def axe_violations(page) -> list[dict]:
    if not AXE.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"{AXE} missing: .ci/setup --dev installs it (npm ci --prefix tests)")
        pytest.skip("axe-core not installed: npm ci --prefix tests")
    page.add_script_tag(path=str(AXE))
    return page.evaluate("""async (tags) => {
        const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
        return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                            targets: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
    }""", WCAG_AA)


@pytest.mark.parametrize("code", list(INTERFACE))
def test_every_page_in_the_interface_language_with_no_serious_accessibility_violation(server, new_context, code):
    words = Translations.load(str(CATALOGS), [code])
    page = new_context()
    browser_login(page, server, "ada")
    switch(page, code)
    ARTIFACTS.mkdir(exist_ok=True)
    report, found = [], {}
    for name, (path, heading) in PAGES.items():
        page.goto(server + path)
        assert page.evaluate("document.documentElement.lang") == INTERFACE[code].bcp47, name
        expected = words.gettext(heading)
        assert code == "en" or expected != heading, f"{code}: {heading!r} untranslated"
        assert page.get_by_role("heading", name=expected, exact=True).count() >= 1, (name, expected)
        if code in FONTS:
            page.evaluate("document.fonts.ready")
            assert page.evaluate("([font, text]) => document.fonts.check(font, text)", list(FONTS[code]))
            page.screenshot(path=str(ARTIFACTS / f"interface-{code}-{name}.png"), full_page=name != "article")
        violations = axe_violations(page)
        serious = [v for v in violations if v["impact"] in ("serious", "critical")]
        report.append(f"{name}: {len(serious)} serious/critical, {len(violations) - len(serious)} minor")
        if serious:
            found[name] = serious
    summary = f"axe-core {code} ({', '.join(WCAG_AA)}): " + "; ".join(report)
    print("\n" + summary)  # shown with -s; kept in tests/artifacts for a CI log to show
    (ARTIFACTS / f"axe-{code}.txt").write_text(summary + "\n")
    assert not found, found
    if code == "km":
        assert page.evaluate("[...document.fonts].some(f => f.family.includes('Noto Sans Khmer Web') && "
                             "f.status === 'loaded')"), "the Khmer webfont drew the interface"


def test_the_language_follows_the_account_through_logout_and_into_a_second_browser(server, new_context):
    khmer = Translations.load(str(CATALOGS), ["km"])
    first = new_context()
    browser_login(first, server, "eddie")
    switch(first, "km")
    assert first.locator("h1").inner_text() == khmer.gettext("Review queue")
    first.click("form.logout button")
    first.wait_for_selector("#username")
    assert first.evaluate("document.documentElement.lang") == "km"  # the login page stays in Khmer
    browser_login(first, server, "eddie")
    assert first.locator("h1").inner_text() == khmer.gettext("Review queue")
    second = new_context()  # a browser that has never seen the choice, asking for English
    second.goto(server + "/login")
    assert second.evaluate("document.documentElement.lang") == "en"
    browser_login(second, server, "eddie")
    assert second.evaluate("document.documentElement.lang") == "km"
    assert second.locator("nav[aria-label] a").first.inner_text() == khmer.gettext("Queue")


def test_approve_reject_star_and_next_are_reached_with_the_keyboard_and_show_focus(server, new_context):
    page = new_context()
    browser_login(page, server, "eddie")
    switch(page, "zh")
    page.goto(server + f"/articles/{ARTICLE}")
    page.wait_for_selector("table.aligned")
    wanted = {"approve": "button.approve", "reject": "button.reject", "star": "button.star-toggle",
              "next": "a#next-article", "language menu": "#interface-language"}
    reached: dict[str, dict] = {}
    for _ in range(400):
        page.keyboard.press("Tab")
        for name, selector in wanted.items():
            if name not in reached and page.evaluate(f"document.activeElement.matches({selector!r})"):
                reached[name] = page.evaluate("""() => { const s = getComputedStyle(document.activeElement);
                    return {style: s.outlineStyle, width: parseFloat(s.outlineWidth)}; }""")
        if len(reached) == len(wanted):
            break
    assert set(reached) == set(wanted), f"not reached with Tab: {set(wanted) - set(reached)}"
    assert all(r["style"] != "none" and r["width"] >= 2 for r in reached.values()), reached
