"""The one root of every expected failure: the CLI turns a ``BriefdeskError`` into one line and an exit code,
the web app into a message on the page. Anything else is a bug and keeps its traceback."""

from __future__ import annotations


class BriefdeskError(Exception):
    """An expected failure, with a message fit to show the person who caused it."""

    exit_code = 1


class UsageError(BriefdeskError):
    """The command was asked for something it cannot do (unknown language, bad option); nothing was done."""

    exit_code = 2


class ReviewError(BriefdeskError):
    """A review request that cannot be done (unknown article, language without translation...)."""
