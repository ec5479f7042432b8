"""One offline sentence splitter, shared by the summarizer and the translator.

Because both sides use the same sentences, every brief sentence is a sentence of the article and its
translation is already known. pysbd (rule-based, no downloads) does the splitting; sentences longer than
``MAX_WORDS`` are cut at clause boundaries (or, failing that, between words) so decoding stays bounded.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

MAX_WORDS = 80
"""Longest piece sent to the model; news sentences rarely pass 60 words."""
MAX_CHARS = 600
"""Also cap characters, for 'words' without spaces (URLs, scripts without spaces)."""
MAX_PARAGRAPH_CHARS = 4_000
"""pysbd's time grows with the square of what it is given (8,000 sentences in one paragraph took 53 s), so a
longer paragraph is handed over in stretches of at most this much, each cut at a clear sentence end where there
is one. The corpus's longest paragraph has 2,130 characters: real paragraphs are never cut."""


@dataclass(frozen=True)
class Sentence:
    paragraph: int
    text: str


@lru_cache(maxsize=1)
def _segmenter():
    import pysbd

    return pysbd.Segmenter(language="en", clean=False)


def split_sentences(text: str, max_sentences: int | None = None) -> list[Sentence]:
    """Split clean text (paragraphs separated by blank lines) into sentences, in article order. With
    ``max_sentences``, a text with more is refused (ValueError) as soon as that many are found."""
    sentences: list[Sentence] = []
    for paragraph, block in enumerate(p for p in re.split(r"\n\s*\n", text) if p.strip()):
        block = " ".join(block.split())
        for piece in (p for stretch in _stretches(block) for p in _segmenter().segment(stretch)):
            for part in (p for long in _resplit(piece.strip()) for p in cap_length(long)):
                if part:
                    sentences.append(Sentence(paragraph, part))
                if max_sentences is not None and len(sentences) > max_sentences:
                    raise ValueError(f"more than {max_sentences:,} sentences: too long for one story (split it "
                                     "into several)")
    return sentences


_BOUNDARY = re.compile(r"(?<=[a-z0-9%][.!?])\s+(?=[A-Z“\"‘])|(?<=[a-z0-9][.!?][\"”’])\s+(?=[A-Z“\"‘])")


def _stretches(block: str) -> list[str]:
    """``block`` in pieces of at most ``MAX_PARAGRAPH_CHARS`` characters, each ending at its last clear sentence
    end (else at its last space): linear in the block's length."""
    limit = MAX_PARAGRAPH_CHARS
    stretches: list[str] = []
    start = 0
    while len(block) - start > limit:
        window = block[start:start + limit]
        ends = [match.start() for match in _BOUNDARY.finditer(window)]
        cut = ends[-1] if ends else window.rfind(" ")
        if cut <= 0:
            cut = limit  # one word this long: cap_length cuts it further
        stretches.append(window[:cut])
        start += cut
        while start < len(block) and block[start] == " ":
            start += 1
    stretches.append(block[start:])
    return stretches


def _resplit(sentence: str) -> list[str]:
    """pysbd sometimes leaves several sentences in one piece; split an over-long piece at clear boundaries."""
    if len(sentence.split()) <= MAX_WORDS:
        return [sentence]
    return [part for part in _BOUNDARY.split(sentence) if part.strip()]


def cap_length(sentence: str, max_words: int = MAX_WORDS, max_chars: int = MAX_CHARS) -> list[str]:
    """Cut an over-long sentence into pieces of at most ``max_words`` words and ``max_chars`` characters, in
    time linear in its length (a 60,000-word run without punctuation is one 'sentence')."""
    text = " ".join(sentence.split())
    ends = [match.end() for match in re.finditer(r"\S+", text)]  # found once: each cut looks at its window only
    pieces: list[str] = []
    start = first = 0  # where the rest begins, and the first word (or part of one) it holds
    while len(ends) - first > max_words or len(text) - start > max_chars:
        # Prefer the last clause boundary (; : , dash) in the allowed window, else cut between words.
        end = ends[first + max_words - 1] if len(ends) - first >= max_words else len(text)
        window = text[start:min(end, start + max_chars)]
        cut = max(window.rfind(mark) for mark in ("; ", ": ", ", ", " – ", " — ", " - "))
        if cut > len(window) // 3:
            cut += 1
        elif text[start + len(window):start + len(window) + 1] == " ":
            cut = len(window)  # the window ends between two words
        else:
            space = window.rfind(" ")
            cut = space if space > 0 else len(window)
        pieces.append(window[:cut].strip())
        start += cut
        while start < len(text) and text[start] == " ":
            start += 1
        first = bisect_right(ends, start)
    if start < len(text):
        pieces.append(text[start:])
    return pieces


def count_words(text: str) -> int:
    """English words as a budget counts them."""
    return len(re.findall(r"[^\W_]+(?:['’][^\W_]+)*", text))
