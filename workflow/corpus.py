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
import secrets
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from workflow import formats
from workflow.errors import N_


def sample_dir() -> Path:
    """The sample corpus that ships with Briefdesk: package data in an installed wheel (``workflow/sample``),
    the repository's ``corpus/`` folder in a clone."""
    package = Path(__file__).resolve().parent
    installed = package / "sample"
    return installed if installed.is_dir() else package.parent / "corpus"


def starter_glossary() -> Path:
    """The glossary that ships with the sample corpus (names and terms of its stories; see its README)."""
    return sample_dir() / "glossary" / "starter-glossary.csv"


SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm", ".json", ".jsonl", ".docx"}
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
    message: str = ""
    """The reason as a template (marked ``N_``) and its values, for the review app to say in its languages."""
    values: dict = field(default_factory=dict, compare=False)

    @classmethod
    def because(cls, source: str, message: str, **values: object) -> Rejected:
        return cls(source, message % values if values else message, message, values)

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"


def read(paths: Iterable[str | Path]) -> Iterator[Document | Rejected]:
    """Yield a Document or a Rejected for every article found under ``paths``."""
    return _once_each(item for path in paths for item in _read_path(Path(path)))


def _once_each(items: Iterable[Document | Rejected]) -> Iterator[Document | Rejected]:
    """The items, with a story whose id came earlier in the same batch refused instead of stored over it."""
    seen: set[str] = set()
    for item in items:
        if isinstance(item, Document):
            if item.id in seen:
                item = Rejected.because(item.source, N_("duplicate article id %(id)r in this batch"), id=item.id)
            else:
                seen.add(item.id)
        yield item


def _read_path(path: Path) -> Iterator[Document | Rejected]:
    if path.is_dir():
        yield from _walk(path)
    elif path.is_file():
        if path.suffix.lower() not in SUFFIXES:
            yield _unsupported(str(path), path.suffix)
        else:
            yield from _read_file(path, _file_id(Path(path.name)))
    elif path.exists():
        yield Rejected.because(str(path), N_("not a regular file or folder (a FIFO, socket or device); give a file"))
    else:
        yield Rejected.because(str(path), N_("no such file or folder"))


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
    try:
        raw = path.read_bytes()
    except OSError as error:
        yield Rejected(str(path), f"cannot read: {error.strerror or error}")
        return
    yield from _read_bytes(raw, path, default_id)


def read_upload(name: str, raw: bytes, now: datetime | None = None) -> list[Document | Rejected]:
    """The articles in one uploaded file (the web form), read by the same rules as files on disk. A story
    without an id of its own (every format but JSON/JSONL records that name one) gets a new ``web-…`` id, so an
    upload never takes the place of another story that happened to come in a file of the same name."""
    # The name is shown on the article page: no control or bidi characters ("story\u202etxt.exe" displays as
    # "storyexe.txt").
    name = re.sub(r"[\t\n\r]", "", _INVISIBLE.sub("", unicodedata.normalize("NFC", name)))
    path = Path(Path(name.replace("\\", "/")).name or "upload.txt")
    if path.suffix.lower() not in SUFFIXES:
        return [_unsupported(path.name, path.suffix)]
    return list(_once_each(_read_bytes(raw, path, new_id(_file_id(path), now))))


_WEB_PREFIX = re.compile(r"^(?:web-\d{8}-\d{6}(?:-[0-9a-f]{6})?(?:-|$))+")


def new_id(words: str, now: datetime | None = None) -> str:
    """``web-20261128-101500-3fa9c2-hun-sen-visits-beijing``: an id for a story added through the web, from the
    time, six random hex digits (two editors adding ``story.txt`` in the same second get two ids) and a few
    words of its title or file name: punctuation (``$5``) and another web id's prefix (a story downloaded from
    the desk and uploaded again) are left out."""
    words = "-".join([w for w in re.split(r"[\W_]+", _WEB_PREFIX.sub("", words.strip().lower())) if w][:8])
    stamp = f"{now or datetime.now(timezone.utc):%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"
    return article_id(f"web-{stamp}-{words}")[:120].strip("/-.") or f"web-{stamp}"


def _read_bytes(raw: bytes, path: Path, default_id: str) -> Iterator[Document | Rejected]:
    source = str(path)
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        yield from _read_jsonl(raw, path, default_id)
        return
    if suffix == ".docx":
        try:
            title, body = formats.docx(raw)
        except ValueError as error:
            yield Rejected(source, str(error))
            return
        yield _document(default_id, title or _title_from_name(path), body, source)
        return
    refused = _check_bytes(raw, source)
    if refused:
        yield refused
        return
    text = raw.decode("utf-8-sig")
    try:
        if suffix == ".json":
            yield from _from_json(text, path, default_id)
            return
        if suffix in {".html", ".htm"}:
            title, body = formats.html(text)
        elif suffix in {".md", ".markdown"}:
            title, body = formats.markdown(text)
        else:
            title, body = formats.txt(text)
    except RecursionError:
        yield Rejected.because(source, N_("markup nested too deeply to read"))
        return
    yield _document(default_id, title or _title_from_name(path), body, source)


def _check_bytes(raw: bytes, source: str, limit: int = MAX_ARTICLE_BYTES) -> Rejected | None:
    if not raw.strip():
        return Rejected.because(source, N_("empty file"))
    if len(raw) > limit:
        return Rejected.because(source, N_("too large (%(size).1f MB); articles are limited to %(limit).0f MB"),
                                size=len(raw) / 1e6, limit=limit / 1e6)
    if b"\x00" in raw[:8192]:
        return Rejected.because(source, N_("binary file (NUL bytes), not text"))
    try:
        raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return Rejected.because(source, N_("not UTF-8 text (invalid byte 0x%(byte)02x at offset %(offset)d); save it "
                                           "as UTF-8"), byte=raw[error.start], offset=error.start)
    return None


def _unsupported(source: str, suffix: str) -> Rejected:
    return Rejected.because(source, N_("unsupported file type %(suffix)r; use one of %(suffixes)s"),
                            suffix=suffix or "(none)", suffixes=", ".join(sorted(SUFFIXES)))


def _document(doc_id: str, title: str, body: str, source: str) -> Document | Rejected:
    title = clean_text(title).replace("\n", " ").strip()
    body = clean_text(body)
    if not any(ch.isalpha() for ch in body):
        return Rejected.because(source, N_("no text to translate (empty after cleaning)"))
    if len(body.encode()) > MAX_ARTICLE_BYTES:
        return Rejected.because(source, N_("text too large (over %(max).0f MB)"), max=MAX_ARTICLE_BYTES / 1e6)
    return Document(id=doc_id, title=title or doc_id, text=body, source=source)


def _from_json(text: str, path: Path, default_id: str) -> Iterator[Document | Rejected]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        yield Rejected(str(path), f"invalid JSON: {error.msg} (line {error.lineno}, column {error.colno})")
        return
    except RecursionError:
        yield Rejected(str(path), "invalid JSON: nested too deeply")
        return
    items = data if isinstance(data, list) else [data]
    if not items:
        yield Rejected.because(str(path), N_("empty JSON list: no articles"))
    for number, item in enumerate(items, 1):
        label = f"{path}#{number}" if isinstance(data, list) else str(path)
        yield from_record(item, label, f"{default_id}-{number}" if isinstance(data, list) else default_id)


def _read_jsonl(raw: bytes, path: Path, default_id: str) -> Iterator[Document | Rejected]:
    if not raw.strip():
        yield Rejected.because(str(path), N_("empty file"))
        return
    if b"\x00" in raw[:8192]:
        yield Rejected.because(str(path), N_("binary file (NUL bytes), not text"))
        return
    for number, line in enumerate(raw.splitlines(), 1):
        if not line.strip():
            continue
        label = f"{path}:{number}"
        refused = _check_bytes(line, label)
        if refused:
            yield refused
            continue
        try:
            item = json.loads(line.decode("utf-8-sig"))
        except json.JSONDecodeError as error:
            # (json's own message may end in "at": "Unterminated string starting at")
            yield Rejected(label, f"invalid JSON: {error.msg} (column {error.colno})")
            continue
        except RecursionError:  # e.g. "[" x 100,000: this line only, the rest of the file goes on
            yield Rejected(label, "invalid JSON: nested too deeply")
            continue
        yield from_record(item, label, f"{default_id}-{number}")


def from_record(item: object, label: str, default_id: str) -> Document | Rejected:
    """One ``{"id", "title", "text"}`` object (a JSON line, an API request's item) as a Document, or why not."""
    if not isinstance(item, dict):
        return Rejected.because(label, N_("expected a JSON object with 'title' and 'text', got %(type)s"),
                                type=type(item).__name__)
    text, title, doc_id = item.get("text"), item.get("title"), item.get("id", default_id)
    if not isinstance(text, str):
        return (Rejected.because(label, N_("missing 'text' field (a string)")) if text is None else
                Rejected.because(label, N_("'text' must be a string, not %(type)s"), type=type(text).__name__))
    if title is not None and not isinstance(title, str):
        return Rejected.because(label, N_("'title' must be a string, not %(type)s"), type=type(title).__name__)
    if not isinstance(doc_id, (str, int)) or isinstance(doc_id, bool) or not article_id(str(doc_id)):
        return Rejected.because(label, N_("'id' must be a non-empty string or number"))
    if len(text.encode("utf-8", "surrogatepass")) > MAX_ARTICLE_BYTES:
        return Rejected.because(label, N_("text too large (over %(max).0f MB)"), max=MAX_ARTICLE_BYTES / 1e6)
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
    return re.sub(r"[-_]+", " ", _WEB_PREFIX.sub("", _file_id(Path(path.name)))).strip().title()
