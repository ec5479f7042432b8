"""The newsroom glossary: English terms, the form each language must use, and the check of every translation.

``match``: finding terms in English, checking and fixing a translation (pure). ``stored``: entries in the
database with their history, and the term issues the checks found. ``edits``: one entry added, changed or
removed by an editor, with the affected translations checked again (``glossary.edits``). The rest is importable
from here.
"""

from workflow.glossary.match import (
    ISSUES,
    MAX_TERM,
    Checked,
    Entry,
    Finding,
    Form,
    Glossary,
    GlossaryError,
    Occurrence,
    has_form,
    validate,
)
from workflow.glossary.stored import CheckReport, entries, history, load, recheck, record, remove, save

__all__ = ["ISSUES", "MAX_TERM", "CheckReport", "Checked", "Entry", "Finding", "Form", "Glossary", "GlossaryError",
           "Occurrence", "entries", "has_form", "history", "load", "record", "recheck", "remove", "save", "validate"]
