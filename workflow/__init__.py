"""Briefdesk's pipeline: ingest → segment → summarize → translate → store → review → export.

This package knows nothing of the web; `web/` is a thin Flask layer over it. Importing it is cheap:
heavy libraries (CTranslate2, SQLAlchemy, sumy) load only in the modules that need them.
"""

__version__ = "0.1.0"
