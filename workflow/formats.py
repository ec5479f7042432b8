"""Article formats: each turns one file's content into a title (may be empty) and a plain-text body with
paragraphs separated by blank lines. Cleaning and the rules for what is refused live in ``workflow.corpus``.
"""

from __future__ import annotations

import io
import re

from workflow import archives


def txt(text: str) -> tuple[str, str]:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    title = ""
    first = lines[0].strip() if lines else ""
    if (len(lines) > 2 and first and not lines[1].strip() and len(first.split()) <= 20
            and not re.search(r"[.!?:;,\"”’]$", first)):
        title, lines = first, lines[2:]
    body = "\n".join(lines)
    if not re.search(r"\n\s*\n", body.strip()):
        body = "\n\n".join(line for line in lines if line.strip())
    return title, body


_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.S)
_MD_TITLE = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.M)


def markdown(text: str) -> tuple[str, str]:
    text = text.replace("\r\n", "\n")
    title = ""
    front = _FRONT_MATTER.match(text)
    if front:
        text = text[front.end():]
        found = re.search(r"^title:\s*[\"']?(.*?)[\"']?\s*$", front.group(1), re.M)
        title = found.group(1) if found else ""
    if not title:
        heading = _MD_TITLE.search(text)
        if heading:
            title = heading.group(1)
            text = text[: heading.start()] + text[heading.end():]
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", text)  # images
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)  # links keep their text
    text = re.sub(r"(\*\*|__|\*|`)(?=\S)(.+?)(?<=\S)\1", r"\2", text)  # emphasis, code
    text = re.sub(r"<[^>\n]+>", "", text)  # inline HTML tags
    text = re.sub(r"^\s*(?:[-*+]|\d+\.)\s+", "", text, flags=re.M)  # list markers
    text = re.sub(r"^>\s?", "", text, flags=re.M)  # block quotes
    return title, text


_SKIPPED_HTML = ["script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form",
                 "iframe", "svg", "button", "figure"]
_BLOCKS = ["p", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "td"]


def html(text: str) -> tuple[str, str]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(text, "html.parser")
    for tag in soup(_SKIPPED_HTML):
        tag.decompose()
    heading = soup.find("h1")
    title_tag = soup.find("title")
    title = (heading or title_tag).get_text(" ", strip=True) if (heading or title_tag) else ""
    if heading:
        heading.decompose()
    root = soup.find("article") or soup.find("main") or soup.body or soup
    blocks = [b.get_text(" ", strip=True) for b in root.find_all(_BLOCKS) if not b.find(_BLOCKS)]
    if not any(blocks):
        blocks = [root.get_text("\n", strip=True)]
    return title, "\n\n".join(b for b in blocks if b)


MAX_DOCX_BYTES = 20_000_000
"""A Word file carries images and styles besides the text: it may be larger than a text file."""
MAX_PARAGRAPHS = 5_000
"""Paragraphs with text (a story may have 1,000 sentences: see ``articles.MAX_SENTENCES``)."""


def docx(raw: bytes) -> tuple[str, str]:
    """A Word document: the title is the document's first Title or Heading 1 paragraph, else its Title
    property; the body is every other paragraph (and table cell) in order. ValueError says what is wrong."""
    import zipfile

    from docx import Document as WordDocument
    from docx.opc.exceptions import PackageNotFoundError
    from lxml.etree import LxmlError

    if len(raw) > MAX_DOCX_BYTES:
        raise ValueError(f"too large ({len(raw) / 1e6:.1f} MB); Word files are limited to "
                         f"{MAX_DOCX_BYTES / 1e6:.0f} MB")
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            archives.check(archive, archives.WORD)  # before python-docx unpacks anything
        document = WordDocument(io.BytesIO(raw))
    except archives.ArchiveError as error:
        raise ValueError(f"refused: {error}") from error
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, LxmlError) as error:
        raise ValueError(f"not a Word document (.docx): {error or type(error).__name__}") from error
    # Style names looked up once: python-docx's ``paragraph.style`` searches every style for each paragraph (40,000
    # one-word paragraphs took 44 s). A paragraph names its style by id; one without names none (Normal).
    headings = {style.style_id for style in document.styles if (style.name or "").lower() in ("title", "heading 1")}
    title, blocks = "", []
    for block in document.iter_inner_content():  # paragraphs and tables, in document order
        if hasattr(block, "rows"):
            blocks += [cell.text.strip() for row in block.rows for cell in row.cells if cell.text.strip()]
        elif text := block.text.strip():
            if not title and block._p.style in headings:
                title = text
            else:
                blocks.append(text)
        if len(blocks) > MAX_PARAGRAPHS:
            raise ValueError(f"more than {MAX_PARAGRAPHS:,} paragraphs: a book, not a story")
    return title or (document.core_properties.title or "").strip(), "\n\n".join(blocks)
