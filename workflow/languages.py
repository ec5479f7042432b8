"""Every fact about a language, in one record: adding a language is one ``Language`` here plus a model.

Light on purpose (no imports beyond the standard library): the CLI's ``--help`` and the templates read it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from workflow.errors import UsageError

SOURCE = "en"
"""Briefdesk translates from English."""


@dataclass(frozen=True)
class Language:
    code: str
    """Argos Translate's code, also the store's: ``km``, ``zh``…"""
    name: str
    """Full English name, for downloads and documents."""
    bcp47: str
    """The tag for ``lang=`` in HTML and Word (``zh-Hans`` tells browsers which glyphs to use)."""
    short_name: str = ""
    """Column headings in the review app (defaults to ``name``)."""
    sentence_separator: str = " "
    """Between two sentences: a space, or nothing for Chinese."""
    full_stop: str = ""
    """Added to a sentence that ends without one of ``sentence_ends`` (Khmer ends sentences with ។)."""
    sentence_ends: tuple[str, ...] = ()
    bleu_tokenize: str = "13a"
    """sacrebleu's tokenizer for BLEU: ``zh`` for Chinese, ``char`` for scripts without spaces."""
    docx_font: tuple[str, str, str] | None = None
    """Word's font slot (``eastAsia`` or ``cs``), font name and Word language tag; None: Word's defaults."""
    model_tokens: dict[str, str] = field(default_factory=dict)
    """The language's token in multilingual models, per architecture (nllb, m2m100, madlad, marian)."""

    @property
    def label(self) -> str:
        return self.short_name or self.name

    def join(self, sentences: Iterable[str]) -> str:
        """Translated sentences joined as the language writes them."""
        parts = [s.strip() for s in sentences if s.strip()]
        if self.full_stop:
            parts = [p if p.endswith(self.sentence_ends) else re.sub(r"[.\s]+$", "", p) + self.full_stop
                     for p in parts]
        return self.sentence_separator.join(parts)


_REGISTRY: dict[str, Language] = {}


def register(language: Language) -> Language:
    """Make a language known to every part of Briefdesk (CLI choices, models, UI, export, evaluation)."""
    _REGISTRY[language.code] = language
    return language


def unregister(code: str) -> None:
    _REGISTRY.pop(code, None)


def get(code: str) -> Language:
    """The language with this code, or a UsageError listing the known ones."""
    try:
        return _REGISTRY[code]
    except KeyError:
        raise UsageError(f"unknown language {code!r}; Briefdesk translates into {', '.join(targets())}") from None


def every() -> list[Language]:
    return list(_REGISTRY.values())


def targets() -> list[str]:
    """Codes Briefdesk can translate into (every language but the source)."""
    return [code for code in _REGISTRY if code != SOURCE]


def parse_targets(value: str) -> list[str]:
    """``"km,zh"`` → ``["km", "zh"]``, each checked; an empty list is refused."""
    codes = list(dict.fromkeys(code.strip() for code in value.split(",") if code.strip()))
    if not codes:
        raise UsageError(f"no target language given; choose from {', '.join(targets())}")
    for code in codes:
        if code == SOURCE:
            raise UsageError(f"{SOURCE} is the source language; choose targets from {', '.join(targets())}")
        get(code)
    return codes


def find(code: str) -> Language | None:
    return _REGISTRY.get(code)


def name(code: str) -> str:
    return _REGISTRY[code].name if code in _REGISTRY else code


def label(code: str) -> str:
    return _REGISTRY[code].label if code in _REGISTRY else code


def bcp47(code: str) -> str:
    return _REGISTRY[code].bcp47 if code in _REGISTRY else code


def join(code: str, sentences: Iterable[str]) -> str:
    return _REGISTRY[code].join(sentences) if code in _REGISTRY else " ".join(s.strip() for s in sentences)


_KHMER_ENDS = ("។", "៕", "?", "!", "»", "”", "\"", ")")

register(Language("en", "English", "en", model_tokens={"nllb": "eng_Latn", "m2m100": "__en__"}))
register(Language(
    "km", "Khmer", "km", full_stop="។", sentence_ends=_KHMER_ENDS,
    bleu_tokenize="char",  # no spaces between words; flores200's SentencePiece cannot be downloaded offline
    docx_font=("cs", "Khmer OS", "km-KH"),
    model_tokens={"nllb": "khm_Khmr", "m2m100": "__km__", "madlad": "<2km>", "marian": ">>khm<<"}))
register(Language(
    "zh", "Chinese (Simplified)", "zh-Hans", short_name="Chinese", sentence_separator="", bleu_tokenize="zh",
    docx_font=("eastAsia", "Noto Sans CJK SC", "zh-CN"),
    model_tokens={"nllb": "zho_Hans", "m2m100": "__zh__", "madlad": "<2zh>", "marian": ">>cmn_Hans<<"}))
register(Language(
    "zt", "Chinese (Traditional)", "zh-Hant", short_name="Chinese (Trad.)", sentence_separator="",
    bleu_tokenize="zh", docx_font=("eastAsia", "Noto Sans CJK TC", "zh-TW"),
    model_tokens={"nllb": "zho_Hant", "madlad": "<2zh_Hant>", "marian": ">>cmn_Hant<<"}))
