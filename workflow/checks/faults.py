"""How well the checks work: how often they flag correct (professional) translations, and how often they catch
the faults machine translation makes, injected here into those same translations.

The faults, each made where the sentence allows it (a number fault needs a number written with digits):
``changed number`` (one digit changed), ``dropped number``, ``english tail`` (the last third of the translation
replaced by the last third of the English: the model gave up and copied), ``loop`` (the last phrase repeated, as
a decoder stuck in a loop writes it), ``truncation`` (the translation cut between a third and two thirds in).
Seeded by the record's id: the same file gives the same faults.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from workflow import checks
from workflow.checks.numbers import english as english_numbers
from workflow.checks.numbers import translation as translation_numbers

FAULTS = ("changed number", "dropped number", "english tail", "loop", "truncation")
_NUMBER = re.compile(r"[0-9០-៩]+(?:[.,][0-9០-៩]+)*")
_KHMER = "០១២៣៤៥៦៧៨៩"


def _values(form: str) -> list[float]:
    return [v for n in translation_numbers(form, "km") for v in n.values]


def inject(record_id: str, en: str, text: str, kind: str) -> str | None:
    """``text`` with one fault of ``kind``; None where this sentence cannot have it."""
    rng = random.Random(f"{record_id}/{kind}")
    body = text.rstrip("。.!?！？។៕ ”\"’)）")
    if kind in ("changed number", "dropped number"):
        # A number the English has, written once in the translation: dropping it loses it, changing it
        # changes it (a second mention, or a year the translator added, would be no fault to drop).
        required = {v for n in english_numbers(en)[0] for v in n.values}
        found = [(m, set(_values(m.group(0)))) for m in _NUMBER.finditer(text)]
        numbers = [m for m, values in found if values & required
                   and sum(bool(values & other) for _, other in found) == 1]
        if not numbers:
            return None
        number = rng.choice(numbers)
        if kind == "dropped number":
            return (text[:number.start()].rstrip() + " " + text[number.end():].lstrip()).strip()
        digits = [i for i, c in enumerate(number.group(0)) if c.isdigit()]
        at = rng.choice(digits)
        old = number.group(0)[at]
        khmer = old in _KHMER
        value = _KHMER.index(old) if khmer else int(old)
        new = rng.choice([d for d in range(10) if d != value and not (d == 0 and at == 0)])
        changed = number.group(0)[:at] + (_KHMER[new] if khmer else str(new)) + number.group(0)[at + 1:]
        return text[:number.start()] + changed + text[number.end():]
    if kind == "english tail":
        words = en.split()
        if len(words) < 6 or len(body) < 6:
            return None
        tail = " ".join(words[-max(3, len(words) // 3):])
        return body[:len(body) * 2 // 3].rstrip() + " " + tail
    if kind == "loop":
        unit = re.search(r"(\S{2,6}|\w{2,6})\W*$", body)
        if not unit:
            return None
        phrase = unit.group(1)
        return body + "".join((" " if " " in body else "") + phrase for _ in range(rng.randint(3, 6)))
    if kind == "truncation":
        if len(body) < 12:
            return None
        return body[:int(len(body) * rng.uniform(1 / 3, 2 / 3))]
    raise ValueError(f"unknown fault {kind!r}")


@dataclass
class Evaluation:
    lang: str
    sentences: int = 0
    flagged: int = 0
    """Correct translations with any issue."""
    flagged_by: dict[str, int] = field(default_factory=dict)
    injected: dict[str, int] = field(default_factory=dict)
    caught: dict[str, int] = field(default_factory=dict)
    """Faults of each kind that some check flagged with an issue the correct translation did not have."""
    caught_by: dict[str, dict[str, int]] = field(default_factory=dict)
    examples: list[dict] = field(default_factory=list)
    """The flagged correct translations, for a reader to judge."""

    def data(self) -> dict:
        def rate(count: int, total: int) -> float | None:
            return round(100 * count / total, 2) if total else None

        return {"lang": self.lang, "sentences": self.sentences, "flagged": self.flagged,
                "flagged_percent": rate(self.flagged, self.sentences),
                "flagged_by": dict(sorted(self.flagged_by.items())),
                "faults": {kind: {"injected": self.injected.get(kind, 0), "caught": self.caught.get(kind, 0),
                                  "caught_percent": rate(self.caught.get(kind, 0), self.injected.get(kind, 0)),
                                  "by": dict(sorted(self.caught_by.get(kind, {}).items()))} for kind in FAULTS}}


def evaluate(records: Iterable[tuple[str, str, str]], lang: str) -> Evaluation:
    """``records``: (id, English, correct translation)."""
    result = Evaluation(lang)
    for record_id, en, text in records:
        result.sentences += 1
        found = checks.check(en, text, lang)
        if found:
            result.flagged += 1
            for name in {i.check for i in found}:
                result.flagged_by[name] = result.flagged_by.get(name, 0) + 1
            result.examples.append({"id": record_id, "en": en, lang: text, "checks": [i.data() for i in found]})
        for kind in FAULTS:
            faulty = inject(record_id, en, text, kind)
            if faulty is None or faulty == text:
                continue
            result.injected[kind] = result.injected.get(kind, 0) + 1
            # Caught: an issue the correct translation did not have (a false alarm there catches nothing).
            caught = {i.check for i in set(checks.check(en, faulty, lang)) - set(found)}
            if caught:
                result.caught[kind] = result.caught.get(kind, 0) + 1
                by = result.caught_by.setdefault(kind, {})
                for name in caught:
                    by[name] = by.get(name, 0) + 1
    return result
