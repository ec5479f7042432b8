"""Ingest: turn files into clean English documents, one bad item never stopping the rest.

What is read and how (file types, titles, cleaning, what is refused) is documented once, for users, in
``docs/operations.md`` ("What ingest accepts"); keep it in step with this module.

Every document or problem is yielded in order: a :class:`Document` or an :class:`Rejected` naming the item.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path


def sample_dir() -> Path:
    """The sample corpus that ships with Briefdesk: package data in an installed wheel (``workflow/sample``),
    the repository's ``corpus/`` folder in a clone."""
    package = Path(__file__).resolve().parent
    installed = package / "sample"
    return installed if installed.is_dir() else package.parent / "corpus"


SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm", ".json", ".jsonl"}
MAX_ARTICLE_BYTES = 2_000_000
"""Largest article accepted (2 MB of text is a book, not a story); JSONL archives may be larger."""


@dataclass(frozen=True)
class Document:
    id: str
    title: str
    text: str
    """Clean plain text, paragraphs separated by one blank line."""
    source: str

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(f"{self.title}\n\n{self.text}".encode()).hexdigest()


@dataclass(frozen=True)
class Rejected:
    """An input that could not be read as an article: where it is, and why (a record, not an exception: the
    batch goes on)."""

    source: str
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"


def read(paths: Iterable[str | Path]) -> Iterator[Document | Rejected]:
    """Yield a Document or a Rejected for every article found under ``paths``."""
    seen: set[str] = set()
    for path in paths:
        for item in _read_path(Path(path)):
            if isinstance(item, Document):
                if item.id in seen:
                    item = Rejected(item.source, f"duplicate article id {item.id!r} in this batch")
                else:
                    seen.add(item.id)
            yield item


def _read_path(path: Path) -> Iterator[Document | Rejected]:
    if path.is_dir():
        yield from _walk(path)
    elif path.is_file():
        if path.suffix.lower() not in SUFFIXES:
            yield Rejected(str(path), f"unsupported file type {path.suffix or '(none)'!r}; "
                                      f"use one of {', '.join(sorted(SUFFIXES))}")
        else:
            yield from _read_file(path, _file_id(Path(path.name)))
    elif path.exists():
        yield Rejected(str(path), "not a regular file or folder (a FIFO, socket or device); give a file")
    else:
        yield Rejected(str(path), "no such file or folder")


def _walk(root: Path) -> Iterator[Document | Rejected]:
    """Files under ``root`` in name order; an article's default id is its path below ``root`` (``2024/index``),
    so files of the same name in different folders never collide. A folder that cannot be read is reported."""
    unreadable: list[OSError] = []
    found: list[Path] = []
    for folder, folders, files in os.walk(root, onerror=unreadable.append):
        folders[:] = sorted(f for f in folders if not f.startswith((".", "_")))
        found += [Path(folder) / f for f in files if not f.startswith((".", "_")) and _wanted(Path(f))]
    for error in unreadable:
        yield Rejected(error.filename or str(root), f"cannot read folder: {error.strerror or error}")
    for child in sorted(found):
        relative = child.relative_to(root)
        yield from _read_file(child, _file_id(relative.parent / relative.name))


def _wanted(path: Path) -> bool:
    return path.suffix.lower() in SUFFIXES and not path.name.upper().startswith(("README", "LICENSE"))


def _read_file(path: Path, default_id: str) -> Iterator[Document | Rejected]:
    source = str(path)
    suffix = path.suffix.lower()
    try:
        raw = path.read_bytes()
    except OSError as error:
        yield Rejected(source, f"cannot read: {error.strerror or error}")
        return
    if suffix == ".jsonl":
        yield from _read_jsonl(raw, path, default_id)
        return
    problem = _check_bytes(raw)
    if problem:
        yield Rejected(source, problem)
        return
    text = raw.decode("utf-8-sig")
    try:
        if suffix == ".json":
            yield from _from_json(text, path, default_id)
            return
        if suffix in {".html", ".htm"}:
            title, body = _parse_html(text)
        elif suffix in {".md", ".markdown"}:
            title, body = _parse_markdown(text)
        else:
            title, body = _parse_txt(text)
    except RecursionError:
        yield Rejected(source, "markup nested too deeply to read")
        return
    yield _document(default_id, title or _title_from_name(path), body, source)


def _check_bytes(raw: bytes, limit: int = MAX_ARTICLE_BYTES) -> str | None:
    if not raw.strip():
        return "empty file"
    if len(raw) > limit:
        return f"too large ({len(raw) / 1e6:.1f} MB); articles are limited to {limit / 1e6:.0f} MB"
    if b"\x00" in raw[:8192]:
        return "binary file (NUL bytes), not text"
    try:
        raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return f"not UTF-8 text (invalid byte 0x{raw[error.start]:02x} at offset {error.start}); save it as UTF-8"
    return None


def _document(doc_id: str, title: str, body: str, source: str) -> Document | Rejected:
    title = clean_text(title).replace("\n", " ").strip()
    body = clean_text(body)
    if not any(ch.isalpha() for ch in body):
        return Rejected(source, "no text to translate (empty after cleaning)")
    if len(body.encode()) > MAX_ARTICLE_BYTES:
        return Rejected(source, f"text too large (over {MAX_ARTICLE_BYTES / 1e6:.0f} MB)")
    return Document(id=doc_id, title=title or doc_id, text=body, source=source)


# --- formats -------------------------------------------------------------------------------------------------


def _parse_txt(text: str) -> tuple[str, str]:
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


def _parse_markdown(text: str) -> tuple[str, str]:
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


def _parse_html(text: str) -> tuple[str, str]:
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


def _from_json(text: str, path: Path, default_id: str) -> Iterator[Document | Rejected]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        yield Rejected(str(path), f"invalid JSON: {error.msg} at line {error.lineno} column {error.colno}")
        return
    except RecursionError:
        yield Rejected(str(path), "invalid JSON: nested too deeply")
        return
    items = data if isinstance(data, list) else [data]
    if not items:
        yield Rejected(str(path), "empty JSON list: no articles")
    for number, item in enumerate(items, 1):
        label = f"{path}#{number}" if isinstance(data, list) else str(path)
        yield _from_record(item, label, f"{default_id}-{number}" if isinstance(data, list) else default_id)


def _read_jsonl(raw: bytes, path: Path, default_id: str) -> Iterator[Document | Rejected]:
    if not raw.strip():
        yield Rejected(str(path), "empty file")
        return
    if b"\x00" in raw[:8192]:
        yield Rejected(str(path), "binary file (NUL bytes), not text")
        return
    for number, line in enumerate(raw.splitlines(), 1):
        if not line.strip():
            continue
        label = f"{path}:{number}"
        problem = _check_bytes(line)
        if problem:
            yield Rejected(label, problem)
            continue
        try:
            item = json.loads(line.decode("utf-8-sig"))
        except json.JSONDecodeError as error:
            yield Rejected(label, f"invalid JSON: {error.msg} at column {error.colno}")
            continue
        except RecursionError:  # e.g. "[" x 100,000: this line only, the rest of the file goes on
            yield Rejected(label, "invalid JSON: nested too deeply")
            continue
        yield _from_record(item, label, f"{default_id}-{number}")


def _from_record(item: object, label: str, default_id: str) -> Document | Rejected:
    if not isinstance(item, dict):
        return Rejected(label, f"expected a JSON object with 'title' and 'text', got {type(item).__name__}")
    text, title, doc_id = item.get("text"), item.get("title"), item.get("id", default_id)
    if not isinstance(text, str):
        return Rejected(label, "missing 'text' field (a string)" if text is None
                           else f"'text' must be a string, not {type(text).__name__}")
    if title is not None and not isinstance(title, str):
        return Rejected(label, f"'title' must be a string, not {type(title).__name__}")
    if not isinstance(doc_id, (str, int)) or isinstance(doc_id, bool) or not article_id(str(doc_id)):
        return Rejected(label, "'id' must be a non-empty string or number")
    if len(text.encode("utf-8", "surrogatepass")) > MAX_ARTICLE_BYTES:
        return Rejected(label, f"text too large (over {MAX_ARTICLE_BYTES / 1e6:.0f} MB)")
    return _document(article_id(str(doc_id)), title or "", text, label)


# --- cleaning ------------------------------------------------------------------------------------------------

_INVISIBLE = re.compile(
    "[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb"
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]"
)
_ATTRIBUTE_LINE = re.compile(r"^\{:[^}\n]*\}\s*$")
_SOURCES_HEADING = re.compile(r"^#+\s*Sources\s*#*\s*$", re.I)


def clean_text(text: str) -> str:
    """Normalize Unicode, drop invisible/control characters and leftover site markup; keep paragraphs."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _INVISIBLE.sub("", text).replace("\t", " ").replace("\u00a0", " ")
    paragraphs: list[str] = []
    skip_next = False
    for block in re.split(r"\n\s*\n", text):
        lines = []
        for line in block.split("\n"):
            if _SOURCES_HEADING.match(line.strip()):
                return _join(paragraphs + [" ".join(lines)])  # the reference list ends the story
            if _ATTRIBUTE_LINE.match(line.strip()):
                # A pull-quote repeats a quote of the story: drop the block it marks.
                skip_next = skip_next or "pullquote" in line
                continue
            lines.append(re.sub(r"^#+\s*|\s*#+$", "", line.strip()))
        if skip_next and any(lines):
            skip_next = False
            continue
        paragraphs.append(" ".join(part for part in lines if part))
    return _join(paragraphs)


def _join(paragraphs: list[str]) -> str:
    return "\n\n".join(re.sub(r" {2,}", " ", p).strip() for p in paragraphs if p.strip())


def article_id(raw: str) -> str:
    """An id that is safe everywhere it goes (URLs, file names, logs): letters, digits, ``.``, ``_``, ``-`` and
    ``/`` between parts; control and invisible characters removed, anything else a ``-``, no ``.``/``..``
    parts, at most 200 characters. Empty if nothing is left."""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", raw)).strip()
    parts = (re.sub(r"[^\w.-]+", "-", part).strip("-.") for part in re.split(r"[/\\]+", text))
    return "/".join(part for part in parts if part)[:200].strip("/-.")


def _file_id(path: Path) -> str:
    """``2024/index.en.html`` → ``2024/index``."""
    name = path.name.split(".")[0] if path.name.count(".") > 1 else path.stem
    return article_id(str(path.parent / name) if str(path.parent) != "." else name) or "article"


def _title_from_name(path: Path) -> str:
    return re.sub(r"[-_]+", " ", _file_id(Path(path.name))).strip().title()
