"""The words of the editorial workflow, in one light module (the CLI's ``--help`` reads them without the store).
"""

ROLES = ("reader", "editor", "admin")
"""reader: downloads approved briefs; editor: also reviews; admin: also manages users."""
REVIEWERS = ("editor", "admin")

EVENTS = ("brief.approved", "brief.updated", "brief.withdrawn", "article.failed")
"""What webhooks are told of: a language published, corrected, taken back (edited, re-chosen, translated again,
rejected); a story the worker could not translate."""
