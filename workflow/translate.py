"""Decoding: English sentences to a target language with CTranslate2, in large length-sorted batches.

The model is loaded once per run and the pending sentences of the whole run are decoded together in chunks of
about 8k source tokens, each one ``translate_batch`` call with token-based batches sorted by length, so short
and long sentences of many articles share batches while results still arrive steadily for commits.
``argostranslate.translate`` (spaCy, stanza, torch: seconds and hundreds of MB) is never imported:
tokenization uses the package's SentencePiece model directly.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from workflow import languages
from workflow.models import Model

BEAM_SIZE = 4  # argostranslate's default
LENGTH_PENALTY = 0.2  # argostranslate's setting, so outputs match it
MAX_BATCH_TOKENS = 2048
MAX_DECODING_LENGTH = 256


def split_threads(total: int = 0) -> tuple[int, int]:
    """(workers, threads per worker) for ``total`` threads (0: all cores). Two one-thread workers beat one
    two-thread worker on 2 cores (85 s vs 99 s for the 41 VOA stories in an earlier measurement); more cores go
    to each worker."""
    total = total or os.cpu_count() or 1
    workers = min(2, total)
    return workers, max(1, total // workers)


_WORKERS, _THREADS = split_threads()


@dataclass(frozen=True)
class Settings:
    beam_size: int = BEAM_SIZE
    compute_type: str = "auto"
    inter_threads: int = _WORKERS
    intra_threads: int = _THREADS
    max_batch_tokens: int = MAX_BATCH_TOKENS
    chunk_tokens: int = 8_192

    def key(self) -> str:
        """What changes the output (threads and batch sizes do not)."""
        return f"beam{self.beam_size}/{self.compute_type}"


@dataclass(frozen=True)
class Translation:
    text: str
    score: float | None
    """Mean log-probability per target token (0 is certain; below about -1 deserves a look)."""
    tokens: int
    origin: str = "model"


class Translator:
    """One loaded model. ``translate`` streams results in input order."""

    def __init__(self, model: Model, settings: Settings = Settings()):
        import ctranslate2
        import sentencepiece

        self.model = model
        self.settings = settings
        self._sp = sentencepiece.SentencePieceProcessor(model_file=str(model.path / "sentencepiece.model"))
        # Marian models with separate vocabularies ship the target side's SentencePiece model too.
        target_spm = model.path / "target.spm"
        self._target_sp = (sentencepiece.SentencePieceProcessor(model_file=str(target_spm)) if target_spm.exists()
                           else self._sp)
        self._ct2 = ctranslate2.Translator(
            str(model.path / "model"), device="cpu", compute_type=settings.compute_type,
            inter_threads=settings.inter_threads, intra_threads=settings.intra_threads,
        )

    def encode(self, sentence: str) -> list[str]:
        pieces = self._sp.encode(sentence, out_type=str)
        prefix, suffix = self.model.source_prefix, self.model.source_suffix
        if self.model.max_positions:  # a longer source would run past the position table: cut it to fit
            pieces = pieces[: max(1, self.model.max_positions - len(prefix) - len(suffix))]
        return prefix + pieces + suffix

    @property
    def max_decoding_length(self) -> int:
        """MAX_DECODING_LENGTH, or less for a model whose position table is shorter (target prefix and the
        start token take positions too)."""
        limit = self.model.max_positions
        if not limit:
            return MAX_DECODING_LENGTH
        return max(1, min(MAX_DECODING_LENGTH, limit - len(self.model.target_prefix) - 1))

    def translate(self, sentences: Iterable[str]) -> Iterator[Translation]:
        """Translations in input order, produced chunk by chunk (each chunk one length-sorted decode).

        Every chunk is queued at once (asynchronously), so the translation workers never wait between chunks,
        while results still come back in order, chunk after chunk, for steady commits."""
        prefix = self.model.target_prefix
        queued = [
            self._ct2.translate_batch(
                chunk, target_prefix=[prefix] * len(chunk) if prefix else None,
                max_batch_size=self.settings.max_batch_tokens, batch_type="tokens",
                beam_size=self.settings.beam_size, length_penalty=LENGTH_PENALTY, replace_unknowns=True,
                max_decoding_length=self.max_decoding_length, return_scores=True, asynchronous=True,
            )
            for chunk in _chunks([self.encode(s) for s in sentences], self.settings.chunk_tokens)
        ]
        for chunk in queued:
            for pending in chunk:
                result = pending.result()
                pieces = [p for p in result.hypotheses[0][len(prefix):] if not _LANGUAGE_TOKEN.match(p)]
                # Decode with SentencePiece itself: argos's decode() also turns "_" into spaces.
                text = self._target_sp.decode_pieces(pieces).strip()
                length = len(result.hypotheses[0]) + 1  # scored tokens include </s>
                yield Translation(text=text, score=_per_token(result.scores[0], length), tokens=len(pieces))


# Language tokens of multilingual models (>>khm<<, __km__, khm_Khmr, <2km>) are never text.
_LANGUAGE_TOKEN = re.compile(r"^(>>\w+<<|__[a-z]{2,3}__|[a-z]{3}_[A-Z][a-z]{3}|<2[\w-]+>|</s>)$")


def _chunks(sources: list[list[str]], max_tokens: int) -> Iterator[list[list[str]]]:
    """Consecutive groups of about ``max_tokens`` source tokens: large enough for good length-sorted batches,
    small enough that a run's results (and commits) arrive steadily."""
    chunk: list[list[str]] = []
    size = 0
    for source in sources:
        if chunk and size + len(source) > max_tokens:
            yield chunk
            chunk, size = [], 0
        chunk.append(source)
        size += len(source)
    if chunk:
        yield chunk


def _per_token(score: float, length: int) -> float:
    # CTranslate2 returns the sum of log-probs divided by length**length_penalty; make it a per-token mean.
    return score * length**LENGTH_PENALTY / length


def translate_text(translator: Translator, text: str) -> str:
    """A whole English text in the target language: sentences split, translated in one batch, and joined back
    into the text's paragraphs as the target language writes them."""
    from workflow.segment import split_sentences

    sentences = split_sentences(text)
    paragraphs: dict[int, list[str]] = {}
    for sentence, output in zip(sentences, translator.translate(s.text for s in sentences)):
        paragraphs.setdefault(sentence.paragraph, []).append(output.text)
    lang = translator.model.to_code
    return "\n\n".join(languages.join(lang, group) for _, group in sorted(paragraphs.items()))
