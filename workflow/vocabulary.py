"""The words of the editorial workflow, in one light module (the CLI's ``--help`` reads them without the store).
"""

ROLES = ("reader", "editor", "admin")
"""reader: downloads approved briefs; editor: also reviews; admin: also manages users."""
REVIEWERS = ("editor", "admin")

STATUSES = ("new", "in_review", "approved", "rejected")
"""Review state of an (article, language): new from the model, in review after an edit, then decided."""
PENDING = ("new", "in_review")
DECISIONS = ("approved", "rejected")

EVENTS = ("brief.approved", "brief.updated", "brief.withdrawn", "article.failed")
"""What webhooks are told of: a language published, corrected, taken back (edited, re-chosen, translated again,
rejected); a story the worker could not translate."""
