"""Files other translation tools read and write, through translate-toolkit:

* glossaries as CSV or TBX (:mod:`~workflow.interchange.glossaries`),
* the translation memory as TMX (:mod:`~workflow.interchange.memory`),
* one article's sentences as XLIFF for a CAT tool, and the translator's changes back as revisions
  (:mod:`~workflow.interchange.articles`).

Other tools' language tags are matched on their primary subtag (``zh-CN`` and ``zh-Hans`` are ``zh``, ``km-KH``
is ``km``); a script or region that writes Traditional characters (``zh-Hant``, ``zh-TW``) is ``zt``.
"""

from workflow.interchange.articles import ImportReport, XliffConflict, export_xliff, import_xliff
from workflow.interchange.common import InterchangeError, language_of
from workflow.interchange.glossaries import (
    FORMATS,
    GlossaryImport,
    Problem,
    import_glossary,
    read_glossary,
    write_glossary,
)
from workflow.interchange.memory import MemoryImport, export_memory, import_memory

__all__ = ["FORMATS", "GlossaryImport", "ImportReport", "InterchangeError", "MemoryImport", "Problem",
           "XliffConflict", "export_memory", "export_xliff", "import_glossary", "import_memory", "import_xliff",
           "language_of", "read_glossary", "write_glossary"]
