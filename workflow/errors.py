"""The one root of every expected failure: the CLI turns a ``BriefdeskError`` into one line and an exit code,
the web app into a message on the page. Anything else is a bug and keeps its traceback."""

from __future__ import annotations


def N_(message: str) -> str:
    """Marks ``message`` for the review app's catalogs (``web/translations``); the CLI shows it as it is."""
    return message


class BriefdeskError(Exception):
    """An expected failure, with a message fit to show the person who caused it. Given as a template and its
    values (``AccountError(N_("no user %(name)r"), name=…)``), the message can be said in the review app's
    languages too (``web.words.said``); ``str()`` is the English, for the CLI and the API."""

    exit_code = 1

    def __init__(self, message: str = "", /, **values: object) -> None:
        self.message, self.values = message, values
        super().__init__(message % values if values else message)


class UsageError(BriefdeskError):
    """The command was asked for something it cannot do (unknown language, bad option); nothing was done."""

    exit_code = 2


class ReviewError(BriefdeskError):
    """A review request that cannot be done (unknown article, language without translation...)."""
