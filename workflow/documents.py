"""Documents for people: one brief (with its full text) as a Markdown, plain-text or Word file.

Each format is one ``Format`` in a registry, as summarizers are: its extension, its name for people, its MIME type
and the function that renders it. The downloads page, the bulk ZIP and ``briefdesk export --format`` all read the
registry, so adding a format is one ``register()`` call here.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone

from workflow import languages
from workflow.errors import N_


@dataclass(frozen=True)
class Record:
    """One article in one language, as exported."""

    article_id: str
    title: str
    """The translated headline (the English title when the article has none translated)."""
    lang: str
    text: str
    """The whole translated article, paragraphs separated by a blank line."""
    brief: str
    status: str
    model: str
    demo: bool
    published_at: datetime | None = field(default=None, compare=False)
    """First approval (UTC, naive as stored); None when never approved."""
    updated_at: datetime | None = field(default=None, compare=False)
    """The latest change of the language: a correction, else its last review change."""

    def to_json(self) -> dict:
        data = asdict(self)
        del data["published_at"], data["updated_at"]
        return data


@dataclass(frozen=True)
class Imprint:
    """Who publishes the documents: Word's author and the byline of feeds."""

    newsroom: str = "Briefdesk"


BRIEFDESK = Imprint()

@dataclass(frozen=True)
class Format:
    ext: str
    """The file extension, also the format's name on the command line and in URLs."""
    label: str
    """The name people know it by: "Word", "Markdown"…"""
    mime: str
    render: Callable[[Record, Imprint], bytes]


_REGISTRY: dict[str, Format] = {}


def register(fmt: Format) -> Format:
    _REGISTRY[fmt.ext] = fmt
    return fmt


def every() -> list[Format]:
    return list(_REGISTRY.values())


def names() -> list[str]:
    return list(_REGISTRY)


def find(ext: str) -> Format:
    found = _REGISTRY.get(ext)
    if found is None:
        raise ValueError(f"unknown format {ext!r}; choose one of {', '.join(_REGISTRY)}")
    return found


def render(item: Record, ext: str, imprint: Imprint = BRIEFDESK) -> bytes:
    return find(ext).render(item, imprint)


def filename(item: Record, ext: str) -> str:
    """A safe file name: article id and language, nothing a path could be built from."""
    return f"{safe_stem(item.article_id)}.{item.lang}.{ext}"


def safe_stem(article_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", article_id).strip(".-")[:100] or "article"


def heading(item: Record) -> str:
    if item.lang == languages.SOURCE:
        return "English original"
    note = " — DEMO model output" if item.demo else ""
    return f"{languages.name(item.lang)} brief{note}"


# --- Markdown ------------------------------------------------------------------------------------------------


def markdown(item: Record, imprint: Imprint = BRIEFDESK) -> bytes:
    title, brief, text = (literal(part) for part in (item.title, item.brief, item.text))
    return (f"# {title}\n\n*{heading(item)} · {item.article_id} · {item.status}*\n\n## Brief\n\n{brief}\n\n"
            f"## Full text\n\n{text}\n").encode()


def literal(text: str) -> str:
    """Markdown that shows ``text`` as it is."""
    # What an editor typed is text, never markup: a CMS rendering the Markdown would otherwise run raw HTML
    # ("<img onerror=…>") and follow links and images ("[here](javascript:…)", "![](http://tracker)"). An entity
    # keeps "<" and a backslash keeps the characters that make links, code and emphasis; so does one before a
    # line's heading, quote or list mark.
    text = _MARKUP.sub(r"\\\g<0>", text).replace("<", "&lt;")
    return _BLOCK_START.sub(_escape_block_start, text)


_MARKUP = re.compile(r"[\\`*_\[\]!]")
_BLOCK_START = re.compile(r"(^|\n)([ \t]*)(?:([#>+\-=|~])|(\d+)([.)]))")


def _escape_block_start(match: re.Match) -> str:
    start, indent, mark, number, dot = match.groups()
    return start + indent + (f"\\{mark}" if mark else f"{number}\\{dot}")


# --- plain text ----------------------------------------------------------------------------------------------


def plain(item: Record, imprint: Imprint = BRIEFDESK) -> bytes:
    return (f"{item.title}\n{heading(item)} ({item.article_id})\n\nBRIEF\n{item.brief}\n\n"
            f"FULL TEXT\n{item.text}\n").encode()


# --- Word ----------------------------------------------------------------------------------------------------


def word(item: Record, imprint: Imprint = BRIEFDESK) -> bytes:
    from docx import Document

    document = Document()
    _fonts(document, item.lang)
    _properties(document, item, imprint)
    document.add_heading(item.title, level=0)
    document.add_paragraph(f"{heading(item)} · {item.article_id} · {item.status}")
    document.add_heading("Brief", level=1)
    for paragraph in item.brief.split("\n\n"):
        _paragraph(document, paragraph, item.lang)
    document.add_heading("Full text", level=1)
    for paragraph in item.text.split("\n\n"):
        _paragraph(document, paragraph, item.lang)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _fonts(document, lang: str) -> None:
    from docx.oxml.ns import qn

    # Word picks a font per script slot (eastAsia for Chinese, cs for Khmer…): the document's own language
    # gets its font, the other slots the first registered language's.
    script = _script(lang)
    slots: dict[str, str] = {}
    for language in languages.every():
        if language.docx_font:
            slots.setdefault(language.docx_font[0], language.docx_font[1])
    if script:
        slots[script[0]] = script[1]
    for style_name in ("Normal", "Title", "Heading 1", "Heading 2"):
        rpr = document.styles[style_name].element.get_or_add_rPr()
        fonts = rpr.get_or_add_rFonts()
        for slot, font in slots.items():
            fonts.set(qn(f"w:{slot}"), font)
        if script:
            tag = rpr.find(qn("w:lang"))
            if tag is None:
                tag = rpr.makeelement(qn("w:lang"), {})
                rpr.append(tag)
            tag.set(qn("w:eastAsia" if script[0] == "eastAsia" else "w:bidi"), script[2])


def _properties(document, item: Record, imprint: Imprint) -> None:
    # python-docx's template says "python-docx" wrote it in 2013: a newsroom's file says who and when.
    now = datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)  # stored times are naive UTC too
    properties = document.core_properties
    properties.title = item.title
    properties.subject = heading(item)
    properties.identifier = item.article_id
    properties.language = languages.bcp47(item.lang)
    properties.author = properties.last_modified_by = imprint.newsroom
    properties.created = item.published_at or now
    properties.modified = item.updated_at or item.published_at or now
    properties.revision = 1
    properties.comments = properties.keywords = properties.category = ""


def _script(lang: str) -> tuple[str, str, str] | None:
    language = languages.find(lang)
    return language.docx_font if language else None


def _paragraph(document, text: str, lang: str) -> None:
    run = document.add_paragraph().add_run(text)
    script = _script(lang)
    if script and script[0] == "cs":  # mark the run as complex script so Word uses the Khmer font
        run._element.get_or_add_rPr().get_or_add_cs()


register(Format("md", N_("Markdown"), "text/markdown; charset=utf-8", markdown))
register(Format("txt", N_("Plain text"), "text/plain; charset=utf-8", plain))
register(Format("docx", N_("Word"), "application/vnd.openxmlformats-officedocument.wordprocessingml.document", word))
