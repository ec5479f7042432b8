"""The documentation keeps up with the code: every command and option of ``briefdesk`` is in docs/cli.md, every
docs page is reachable from the README, and no relative link points at nothing.

In the style of sqlite-utils' documentation tests: the Click command tree is walked, and each command and each
option is its own test case, so a missing one fails by name."""

import re
from pathlib import Path

import click
import pytest

from workflow.cli import main

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs"
CLI_DOC = DOCS / "cli.md"
PAGES = sorted(DOCS.glob("*.md"))
HEADING = re.compile(r"^## (briefdesk(?: [\w-]+)*)\s*$", re.M)


def _commands(command: click.Command = main, path: tuple[str, ...] = ()):
    yield path, command
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            yield from _commands(sub, (*path, name))


def _title(path: tuple[str, ...]) -> str:
    return " ".join(("briefdesk", *path))


COMMANDS = {_title(path): command for path, command in _commands()}
OPTIONS = [(title, name) for title, command in COMMANDS.items() for param in command.params
           if isinstance(param, click.Option)
           for name in (*param.opts, *param.secondary_opts) if name.startswith("--") and name != "--help"]


def _sections() -> dict[str, str]:
    """Each ``## briefdesk …`` heading of docs/cli.md with the text up to the next ``##`` heading."""
    text = CLI_DOC.read_text(encoding="utf-8")
    starts = [(m.start(), m.group(1)) for m in HEADING.finditer(text)]
    ends = [m.start() for m in re.finditer(r"^## ", text, re.M)] + [len(text)]
    return {title: text[start:min(end for end in ends if end > start)] for start, title in starts}


@pytest.fixture(scope="module")
def sections() -> dict[str, str]:
    return _sections()


@pytest.mark.parametrize("title", COMMANDS)
def test_command_has_a_section(sections, title):
    assert title in sections, f"docs/cli.md has no '## {title}' heading"


@pytest.mark.parametrize("title,option", OPTIONS, ids=[f"{title[len('briefdesk '):] or 'briefdesk'} {option}"
                                                        for title, option in OPTIONS])
def test_option_is_documented(sections, title, option):
    section = sections.get(title, "")
    assert re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", section), \
        f"'{option}' of '{title}' is not in its section of docs/cli.md"


def test_cli_doc_describes_no_removed_command(sections):
    assert not set(sections) - set(COMMANDS), "docs/cli.md documents commands that do not exist"


@pytest.mark.parametrize("page", [p.name for p in PAGES])
def test_page_is_linked_from_readme(page):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert f"](docs/{page}" in readme, f"README.md does not link to docs/{page}"


LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")


def _anchors(page: Path) -> set[str]:
    """GitHub's heading anchors: lower case, punctuation but hyphens dropped, spaces to hyphens."""
    text = re.sub(r"^```.*?^```", "", page.read_text(encoding="utf-8"), flags=re.M | re.S)
    headings = re.findall(r"^#{1,6} (.+?)\s*$", text, re.M)
    return {re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-") for heading in headings}


def _links():
    for page in [REPO / "README.md", *PAGES]:
        text = re.sub(r"^```.*?^```", "", page.read_text(encoding="utf-8"), flags=re.M | re.S)
        for target in LINK.findall(text):
            if not re.match(r"^[a-z]+:", target):
                yield page.relative_to(REPO).as_posix(), target


@pytest.mark.parametrize("page,target", list(_links()))
def test_relative_link_resolves(page, target):
    path, _, anchor = target.partition("#")
    file = (REPO / page).parent / path if path else REPO / page
    assert file.exists(), f"{page} links to {target}, which does not exist"
    if anchor and file.suffix == ".md":
        assert anchor in _anchors(file), f"{page} links to {target}: no such heading"


def test_docs_exist():
    assert CLI_DOC.exists() and len(PAGES) >= 5


def test_cli_reference_is_generated_from_the_code():
    """docs/cli.md below its introduction is exactly what docs/cli_reference.py prints (run it after a change)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("cli_reference", DOCS / "cli_reference.py")
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    assert CLI_DOC.read_text(encoding="utf-8") == generator.document(), \
        "docs/cli.md is stale: run .venv/bin/python docs/cli_reference.py"
