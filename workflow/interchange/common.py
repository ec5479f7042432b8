"""What every interchange format shares: the error for a file that is not what it should be, reading and parsing
a file through translate-toolkit, writing to a path or a stream, and other tools' language tags."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from workflow import languages
from workflow.errors import BriefdeskError


class InterchangeError(BriefdeskError):
    """A file that is not what it should be (not a glossary, broken XML, another article's XLIFF…)."""


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise InterchangeError(f"{path}: cannot read it ({error.strerror})") from error


def parse(path: Path, data: bytes, parser, kind: str):
    """``parser(data)``, or an InterchangeError naming the file and what is wrong with it (``kind``: "a TMX")."""
    try:
        return parser(data)
    except Exception as error:  # noqa: BLE001 - lxml and the toolkit fail in many ways on a foreign file
        detail = str(error) or "another root element"  # (the toolkit asserts the root element, saying nothing)
        raise InterchangeError(f"{path}: not {kind} file ({detail})"[:400]) from error


def write(text: str, target: Path | str | TextIO) -> None:
    """Write ``text`` to a file (UTF-8, newlines as they are) or to an open text stream."""
    if isinstance(target, (str, Path)):
        Path(target).write_text(text, encoding="utf-8", newline="")
    else:
        target.write(text)


_TRADITIONAL_REGIONS = {"tw", "hk", "mo"}


def language_of(tag: str | None) -> str | None:
    """The Briefdesk code of another tool's language tag (``zh-CN``, ``zh_Hans``, ``km-KH``), or None."""
    tag = (tag or "").strip().replace("_", "-").lower()
    if not tag:
        return None
    known = languages.every()
    for language in known:
        if tag in (language.code.lower(), language.bcp47.lower()):
            return language.code
    primary, *rest = tag.split("-")
    script = next((part for part in rest if len(part) == 4), None)
    if script is None and primary == "zh" and _TRADITIONAL_REGIONS & set(rest):
        script = "hant"  # Taiwan, Hong Kong and Macao write Traditional characters
    candidates = [lang for lang in known if lang.bcp47.lower().split("-")[0] == primary]
    for language in candidates:
        if script and language.bcp47.lower().endswith("-" + script):
            return language.code
    return next((lang.code for lang in candidates if lang.code == primary), None)
