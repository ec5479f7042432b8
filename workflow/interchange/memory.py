"""Translation memory as TMX: one unit per stored correction, out; any CAT tool's units with an English side, in."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow import languages, texts
from workflow.interchange.common import language_of, parse, read_bytes, write
from workflow.store import Memory


def export_memory(session: Session, target: Path | str | TextIO, langs: Iterable[str] | None = None) -> int:
    """Write the translation memory (all languages, or ``langs``) as TMX; returns the number of units."""
    from translate.storage import tmx

    store = tmx.tmxfile(sourcelanguage=languages.SOURCE)
    query = select(Memory).order_by(Memory.lang, Memory.id)
    if langs is not None:
        query = query.where(Memory.lang.in_(list(langs)))
    count = 0
    for row in session.scalars(query):
        unit = store.addsourceunit(row.source, languages.SOURCE)
        unit.settarget(row.text, languages.bcp47(row.lang), append=True)
        unit.xmlelement.set("changeid", row.username)  # TMX's own attributes for who changed it, and when
        unit.xmlelement.set("changedate", row.updated_at.strftime("%Y%m%dT%H%M%SZ"))
        count += 1
    write(bytes(store).decode("utf-8"), target)
    return count


@dataclass
class MemoryImport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    """Why units (or their languages) were left out, and how many."""

    def skip(self, reason: str) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1


def import_memory(session: Session, path: Path | str, username: str) -> MemoryImport:
    """Store each (English, translation) pair of a TMX file as an editor's correction would be remembered."""
    from translate.misc.xml_helpers import getXMLlang
    from translate.storage import tmx

    path = Path(path)
    store = parse(path, read_bytes(path), tmx.tmxfile.parsestring, "a TMX")
    report = MemoryImport()
    for unit in store.units:
        english, sides, unknown = _sides(unit, getXMLlang)
        if english is None:
            report.skip("no English side")
            continue
        for tag in unknown:
            report.skip(f"unknown language {tag!r}")
        if not sides and not unknown:
            report.skip("no translation")
        for lang, text in sides.items():
            known = texts.recall(session, [english], lang).get(english)  # (the session flushes what came before)
            if known == text:
                report.unchanged += 1
                continue
            texts.remember(session, english, lang, text, username)
            if known is None:
                report.added += 1
            else:
                report.updated += 1
    return report


def _sides(unit, xml_lang) -> tuple[str | None, dict[str, str], list[str]]:
    """A unit's English text, its translations by language code, and the language tags Briefdesk does not
    know."""
    sides: dict[str, str] = {}
    unknown = []
    for node in unit.getlanguageNodes():
        tag = xml_lang(node) or node.get("lang") or ""  # (TMX 1.1 wrote a plain lang attribute)
        text = (unit.getNodeText(node) or "").strip()
        code = language_of(tag)
        if code is None:
            unknown.append(tag)
        elif text:
            sides[code] = text
    return sides.pop(languages.SOURCE, None), sides, unknown
