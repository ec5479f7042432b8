"""Glossary files: CSV (one entry a row) and TBX. A bad row is reported with its line and reason and left out, the
good rows are kept; a file that is no glossary at all is an :class:`InterchangeError`.

In TBX, an entry's English spellings and each language's approved and forbidden forms are terms carrying
TBX-Basic's administrative status (``preferredTerm-admn-sts``, ``admittedTerm-admn-sts``,
``deprecatedTerm-admn-sts``), the note a concept ``descrip`` of type ``definition`` and the case rule a
``caseSensitivity`` descrip of the English: what CAT tools read, and all that comes back when read again.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from sqlalchemy.orm import Session

from workflow import glossary, languages
from workflow.glossary import Entry, Form
from workflow.interchange.common import InterchangeError, language_of, parse, read_bytes, write

FORMATS = ("csv", "tbx")
PREFERRED, ADMITTED, DEPRECATED = "preferredTerm-admn-sts", "admittedTerm-admn-sts", "deprecatedTerm-admn-sts"
CASE_NOTE = "caseSensitivity"
_CASE = {"": True, "yes": True, "sensitive": True, "no": False, "insensitive": False}


@dataclass(frozen=True)
class Problem:
    line: int
    """1-based line in the file where the bad row (or TBX entry) starts."""
    reason: str


def read_glossary(path: Path | str) -> tuple[list[Entry], list[Problem]]:
    """The entries of a ``.csv`` or ``.tbx`` glossary, and the rows left out with their line and reason."""
    path = Path(path)
    kind = path.suffix.lower().lstrip(".")
    if kind not in FORMATS:
        raise InterchangeError(f"{path}: not a glossary file (expected .csv or .tbx)")
    data = read_bytes(path)
    rows = _csv_rows(path, data) if kind == "csv" else _tbx_rows(path, data)
    found, problems, seen = [], [], {}
    for line, row in rows:
        try:
            if isinstance(row, str):
                raise glossary.GlossaryError(row)
            entry = glossary.validate(row)
        except glossary.GlossaryError as error:
            problems.append(Problem(line, str(error)))
            continue
        if entry.key in seen:
            problems.append(Problem(line, f"{entry.en!r} is already on line {seen[entry.key]}"))
            continue
        seen[entry.key] = line
        found.append(entry)
    return found, problems


@dataclass
class GlossaryImport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)


def import_glossary(session: Session, path: Path | str, username: str) -> GlossaryImport:
    """Add or update (by English term) every good entry of a glossary file; entries not in it are kept."""
    entries, problems = read_glossary(path)
    report = GlossaryImport(problems=problems)
    for entry in entries:
        action, _ = glossary.save(session, entry, username)
        if action == "add":
            report.added += 1
        elif action == "edit":
            report.updated += 1
        else:
            report.unchanged += 1
    return report


def _csv_rows(path: Path, data: bytes) -> Iterator[tuple[int, Entry | str]]:
    """(line, entry or what is wrong with the row) for each row that is not blank."""
    # Undecodable bytes survive as surrogates, so one bad row is reported without losing the others.
    reader = csv.reader(io.StringIO(data.decode("utf-8-sig", errors="surrogateescape"), newline=""))
    try:
        header = [name.strip().lower() for name in next(reader, [])]
    except csv.Error as error:
        raise InterchangeError(f"{path}: not a CSV file ({error})") from error
    if "en" not in header:
        raise InterchangeError(f"{path}: no 'en' column in the header (the English term); found "
                               f"{', '.join(header) or 'nothing'}")
    targets = [lang for lang in languages.targets() if lang in header or f"forbidden_{lang}" in header]
    line = reader.line_num + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield line, f"unreadable CSV ({error})"
            return
        row = dict(zip(header, (_from_spreadsheet(cell) for cell in cells)))
        if any(cell.strip() for cell in cells):
            yield line, _bad_bytes(row) or _csv_entry(row, targets)
        line = reader.line_num + 1


def _csv_entry(row: dict[str, str], targets: list[str]) -> Entry | str:
    case = row.get("case", "").strip().lower()
    if case not in _CASE:
        return f"case is {case!r}; write yes, no, sensitive or insensitive"
    forms = {lang: Form(row.get(lang, ""), _split(row.get(f"forbidden_{lang}", ""))) for lang in targets}
    return Entry(row.get("en", ""), forms, _split(row.get("en_variants", "")), _CASE[case], row.get("note", ""))


def _bad_bytes(row: dict[str, str]) -> str | None:
    for name, cell in row.items():
        if re.search("[\udc80-\udcff]", cell):
            return f"the {name} column is not UTF-8 text"
    return None


def _split(cell: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in cell.split("|") if part.strip())


def _tbx_rows(path: Path, data: bytes) -> Iterator[tuple[int, Entry | str]]:
    from translate.storage import tbx

    store = parse(path, data, tbx.tbxfile.parsestring, "a TBX")
    for unit in store.units:
        terms: dict[str, list] = {}
        for node in unit.getlanguageNodes():
            tag = node.get("{http://www.w3.org/XML/1998/namespace}lang")
            code = language_of(tag)
            if code is not None:
                terms.setdefault(code, []).extend(unit.get_target_terms(tag))
        yield unit.xmlelement.sourceline or 0, _tbx_entry(terms)


def _tbx_entry(terms: dict[str, list]) -> Entry | str:
    english = [t for t in terms.pop(languages.SOURCE, []) if t.text and not _forbidden(t)]
    if not english:
        return "no English term"
    english.sort(key=lambda t: _status(t) != PREFERRED.lower())  # the preferred spelling first, in file order
    notes = english[0].notes
    case = next((n.text.strip().lower() for n in notes if n.category == CASE_NOTE), "")
    if case not in _CASE:
        return f"{CASE_NOTE} is {case!r}; write sensitive or insensitive"
    forms = {}
    for lang, found in terms.items():
        allowed = sorted((t for t in found if t.text and not _forbidden(t)),
                         key=lambda t: _status(t) != PREFERRED.lower())
        forms[lang] = Form(allowed[0].text if allowed else "", tuple(t.text for t in found if t.text and _forbidden(t)))
    note = " ".join(n.text for n in notes if n.scope == "concept" and n.category in (None, "definition"))
    return Entry(english[0].text, forms, tuple(t.text for t in english[1:]), _CASE[case], note)


def _status(term) -> str:
    return (term.administrative_status or "").strip().lower()


def _forbidden(term) -> bool:
    return "deprecated" in _status(term) or "superseded" in _status(term)


def write_glossary(entries: Iterable[Entry], target: Path | str | TextIO, fmt: str) -> None:
    """Write entries as a ``csv`` or ``tbx`` glossary to a path or a text stream."""
    entries = list(entries)
    if fmt not in FORMATS:
        raise InterchangeError(f"unknown glossary format {fmt!r}; choose {' or '.join(FORMATS)}")
    write(_csv_text(entries) if fmt == "csv" else _tbx_text(entries), target)


def _csv_text(entries: list[Entry]) -> str:
    langs = [lang for lang in languages.targets() if any(lang in e.forms for e in entries)] or ["km", "zh"]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["en", "en_variants", *langs, "note", *(f"forbidden_{lang}" for lang in langs), "case"])
    for e in entries:
        forms = [e.forms.get(lang, Form("")) for lang in langs]
        writer.writerow([_spreadsheet_safe(cell) for cell in (
            e.en, "|".join(e.variants), *(f.approved for f in forms), e.note, *("|".join(f.forbidden) for f in forms),
            "sensitive" if e.case_sensitive else "insensitive")])
    return out.getvalue()


# Editors open exported glossaries in spreadsheets, which run a cell that starts with one of these as a formula
# (=HYPERLINK(…), =cmd|…): such a cell is written behind an apostrophe, as OWASP advises, and reading a CSV takes
# exactly that apostrophe off again. Text that already starts with apostrophes before one of them gets one more,
# so every round trip gives back the same text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _runs_as_formula(cell: str) -> bool:
    return cell.lstrip("'").startswith(_FORMULA_STARTS)


def _spreadsheet_safe(cell: str) -> str:
    return "'" + cell if _runs_as_formula(cell) else cell


def _from_spreadsheet(cell: str) -> str:
    return cell[1:] if cell.startswith("'") and _runs_as_formula(cell[1:]) else cell


def _tbx_text(entries: list[Entry]) -> str:
    from lxml import etree
    from translate.storage import tbx

    store = tbx.tbxfile(sourcelanguage=languages.SOURCE)
    for number, entry in enumerate(entries, 1):
        unit = store.addsourceunit(entry.en)
        unit.setid(f"entry-{entry.id or number}")
        unit.set_source_terms([entry.en, *entry.variants])
        statuses = {languages.SOURCE: [PREFERRED] + [ADMITTED] * len(entry.variants)}
        for lang, form in sorted(entry.forms.items()):
            unit.set_target_terms([form.approved, *form.forbidden], lang=languages.bcp47(lang))
            statuses[lang] = [PREFERRED] + [DEPRECATED] * len(form.forbidden)
        if entry.note:
            unit.set_common_note(entry.note, source=True)
        for lang, status in statuses.items():
            langset = unit.get_target_dom(languages.bcp47(lang))
            if lang == languages.SOURCE:
                case = etree.Element(unit.namespaced("descrip"), type=CASE_NOTE)
                case.text = "sensitive" if entry.case_sensitive else "insensitive"
                langset.insert(0, case)
            for tig, value in zip(langset.findall(unit.namespaced("tig")), status):
                etree.SubElement(tig, unit.namespaced("termNote"), type="administrativeStatus").text = value
    return bytes(store).decode("utf-8")
