"""One offline sentence splitter, shared by the summarizer and the translator.

Because both sides use the same sentences, every brief sentence is a sentence of the article and its
translation is already known. pysbd (rule-based, no downloads) does the splitting; sentences longer than
``MAX_WORDS`` are cut at clause boundaries (or, failing that, between words) so decoding stays bounded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

MAX_WORDS = 80
"""Longest piece sent to the model; news sentences rarely pass 60 words."""
MAX_CHARS = 600
"""Also cap characters, for 'words' without spaces (URLs, scripts without spaces)."""


@dataclass(frozen=True)
class Sentence:
    paragraph: int
    text: str


@lru_cache(maxsize=1)
def _segmenter():
    import pysbd

    return pysbd.Segmenter(language="en", clean=False)


def split_sentences(text: str) -> list[Sentence]:
    """Split clean text (paragraphs separated by blank lines) into sentences, in article order."""
    sentences: list[Sentence] = []
    for paragraph, block in enumerate(p for p in re.split(r"\n\s*\n", text) if p.strip()):
        block = " ".join(block.split())
        for piece in _segmenter().segment(block):
            for part in (p for long in _resplit(piece.strip()) for p in cap_length(long)):
                if part:
                    sentences.append(Sentence(paragraph, part))
    return sentences


_BOUNDARY = re.compile(r"(?<=[a-z0-9%][.!?])\s+(?=[A-Z“\"‘])|(?<=[a-z0-9][.!?][\"”’])\s+(?=[A-Z“\"‘])")


def _resplit(sentence: str) -> list[str]:
    """pysbd sometimes leaves several sentences in one piece; split an over-long piece at clear boundaries."""
    if len(sentence.split()) <= MAX_WORDS:
        return [sentence]
    return [part for part in _BOUNDARY.split(sentence) if part.strip()]


def cap_length(sentence: str, max_words: int = MAX_WORDS, max_chars: int = MAX_CHARS) -> list[str]:
    """Cut an over-long sentence into pieces of at most ``max_words`` words and ``max_chars`` characters."""
    pieces: list[str] = []
    rest = sentence.strip()
    while len(rest.split()) > max_words or len(rest) > max_chars:
        # Prefer the last clause boundary (; : , dash) in the allowed window, else cut between words.
        window = " ".join(rest.split()[:max_words])[:max_chars]
        window = rest[: len(window)] if rest.startswith(window) else window
        cut = max(window.rfind(mark) for mark in ("; ", ": ", ", ", " – ", " — ", " - "))
        if cut > len(window) // 3:
            cut += 1
        elif rest[len(window):len(window) + 1] == " ":
            cut = len(window)  # the window ends between two words
        else:
            space = window.rfind(" ")
            cut = space if space > 0 else len(window)
        pieces.append(rest[:cut].strip())
        rest = rest[cut:].strip()
    if rest:
        pieces.append(rest)
    return pieces


def count_words(text: str) -> int:
    """English words as a budget counts them."""
    return len(re.findall(r"[^\W_]+(?:['’][^\W_]+)*", text))
