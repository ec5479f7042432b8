"""One article's sentences in one language as XLIFF 1.x, for a CAT tool, and the translator's changes back.

Each unit is a sentence (id ``s<sentence id>``) with a context group holding the revision its text was based on
and a digest of the text exported. An import saves only the targets the translator changed, each through
``review.save_sentence`` under the importing user's name: a sentence someone saved since the export is a conflict
and keeps their text, as in the review app.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TextIO

from workflow import languages, review, texts
from workflow.interchange.common import InterchangeError, language_of, parse, read_bytes, write
from workflow.review_states import APPROVED
from workflow.store import Store

CONTEXT = "briefdesk"
BASE, DIGEST = "x-briefdesk-base-revision", "x-briefdesk-exported-sha256"


def export_xliff(store: Store, external_id: str, lang: str, target: Path | str | TextIO) -> int:
    """Write an article's sentences in ``lang`` (corrections included) as XLIFF; returns the number of units."""
    from translate.storage import xliff

    view = review.article_view(store, external_id)
    panel = view.languages.get(lang)
    if panel is None:
        raise InterchangeError(f"{external_id} has no {lang} translation")
    out = xliff.xlifffile(sourcelanguage=languages.SOURCE)
    out.switchfile(external_id, createifmissing=True)
    out.settargetlanguage(languages.bcp47(lang))
    count = 0
    for row in view.rows:
        cell = row.cells.get(lang)
        if cell is None:
            continue
        unit = out.addsourceunit(row.english, filename=external_id)
        unit.setid(texts.sentence_item(row.sentence_id))
        unit.settarget(cell.text)
        state = "final" if panel.status == APPROVED else "translated" if cell.edited_by else \
            "needs-review-translation"
        unit.set_state_n(unit.statemap[state])
        unit.createcontextgroup(CONTEXT, [(BASE, str(cell.revision_id)), (DIGEST, _digest(cell.text))],
                                purpose="information")
        if cell.edited_by:
            unit.addnote(f"corrected by {cell.edited_by}", origin=CONTEXT)
        count += 1
    write(bytes(out).decode("utf-8"), target)
    return count


@dataclass(frozen=True)
class XliffConflict:
    sentence_id: int
    username: str
    """Who saved the sentence after the export."""
    saved_at: datetime
    text: str
    """The file's text, not saved."""


@dataclass
class ImportReport:
    article: str = ""
    lang: str = ""
    saved: int = 0
    unchanged: int = 0
    conflicts: list[XliffConflict] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def import_xliff(store: Store, path: Path | str, username: str) -> ImportReport:
    """Save each target of an exported article that the translator changed, as ``username``'s revision. A
    sentence someone saved since the export is a conflict, left as it is."""
    from translate.storage import xliff

    path = Path(path)
    parsed = parse(path, read_bytes(path), xliff.xlifffile.parsestring, "an XLIFF")
    names = parsed.getfilenames()
    if len(names) != 1:
        raise InterchangeError(f"{path}: holds {len(names)} files; Briefdesk exports one article per XLIFF file")
    lang = language_of(parsed.gettargetlanguage())
    if lang is None or lang == languages.SOURCE:
        raise InterchangeError(f"{path}: target-language {parsed.gettargetlanguage()!r} is not one Briefdesk "
                               f"translates into ({', '.join(languages.targets())})")
    report = ImportReport(names[0], lang)
    try:
        view = review.article_view(store, report.article)
    except review.ReviewError as error:
        raise InterchangeError(f"{path}: {error}") from error
    current = {row.sentence_id: row.cells.get(lang) for row in view.rows}
    if lang not in view.languages:
        raise InterchangeError(f"{path}: {report.article} has no {lang} translation")
    units = [(unit, re.fullmatch(r"s(\d+)", unit.getid().rsplit("\x04", 1)[-1])) for unit in parsed.units]
    strangers = [unit.getid().rsplit("\x04", 1)[-1] for unit, match in units
                 if match is None or int(match.group(1)) not in current]
    if strangers:
        raise InterchangeError(f"{path}: units {', '.join(strangers[:5])} are not sentences of {report.article} "
                               "(exported before the article was run again?)")
    for unit, match in units:
        _import_unit(store, path, report, unit, int(match.group(1)), current[int(match.group(1))], username)
    return report


def _import_unit(store: Store, path: Path, report: ImportReport, unit, sentence_id: int, cell: review.Cell | None,
                 username: str) -> None:
    """Save one unit's target if the translator changed it; counted in ``report``."""
    text = (unit.target or "").replace("\r\n", "\n").strip()
    context = dict(next(iter(unit.getcontextgroups(CONTEXT)), []))
    stored = _digest(cell.text if cell else "")
    # Unchanged by the translator, or already what the store holds (the same file imported again).
    if not text or _digest(text) in (context.get(DIGEST, stored), stored):
        report.unchanged += 1
        return
    base = int(context[BASE]) if context.get(BASE, "").isdigit() else (cell.revision_id if cell else 0)
    try:
        revision = review.save_sentence(store, report.article, report.lang, sentence_id, text, base, username)
    except review.Conflict as conflict:
        report.conflicts.append(XliffConflict(sentence_id, conflict.theirs.username, conflict.theirs.created_at,
                                              text))
        return
    except review.ReviewError as error:
        report.errors.append(f"{path}: s{sentence_id}: {error}")
        return
    if revision == base:
        report.unchanged += 1
    else:
        report.saved += 1


def _digest(text: str) -> str:
    return hashlib.sha256(text.replace("\r\n", "\n").strip().encode()).hexdigest()
