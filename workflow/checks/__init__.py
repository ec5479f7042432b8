"""Translation checks: what machine translation gets wrong that an editor's eye misses, found before approval.

One small class per check, registered by name like the summarizers. Each looks at one English sentence and its
translation and returns what is wrong, as details an editor can read ("20 is not in the English"). They are
calibrated on professional translations (TICO-19, NTREX): a correct translation should almost never be flagged,
so each check flags only what a principle says is wrong, never what merely looks unusual.

Use ``check(en, text, lang)`` for every registered check; ``CHECKS`` lists them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Issue:
    check: str
    detail: str

    def data(self) -> dict:
        return {"check": self.check, "detail": self.detail}


class Check:
    name = ""
    reason = ""
    """One line for editors: what the check catches."""

    def find(self, en: str, text: str, lang: str) -> list[str]:
        """What is wrong with ``text`` as the ``lang`` translation of ``en``, one detail each."""
        raise NotImplementedError


CHECKS: dict[str, Check] = {}


def register(check: type[Check]) -> type[Check]:
    CHECKS[check.name] = check()
    return check


def check(en: str, text: str, lang: str, names: tuple[str, ...] | None = None) -> list[Issue]:
    """Every issue the checks (all, or ``names``) find in ``text``, in the order of ``CHECKS``."""
    if not text.strip():
        return [Issue("omission", "the translation is empty")] if en.strip() else []
    return [Issue(name, detail) for name, rule in CHECKS.items() if names is None or name in names
            for detail in rule.find(en, text, lang)]


from workflow.checks import rules  # noqa: E402,F401 - registers the checks
