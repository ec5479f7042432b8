"""Decoding: English sentences to a target language with CTranslate2, in large length-sorted batches.

The model is loaded once per run and the pending sentences of the whole run are decoded together: in windows of
about 16k source tokens in input order, sorted by length inside and cut into batches of about 2k padded
tokens (``plan``), so sentences of similar length from many articles share a batch while whole articles still
come back early for commits (the first window is one batch, and batches stream back as they finish). A cluster
run decodes exactly the same batches on its workers.
``argostranslate.translate`` (spaCy, stanza, torch: seconds and hundreds of MB) is never imported:
tokenization uses the package's SentencePiece model directly.
"""

from __future__ import annotations

import itertools
import os
import re
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from workflow import languages
from workflow.models import Model

BEAM_SIZE = 4  # argostranslate's default
LENGTH_PENALTY = 0.2  # argostranslate's setting, so outputs match it
MAX_BATCH_TOKENS = 2048
MAX_DECODING_LENGTH = 256
WINDOW_TOKENS = 16_384
QUEUED_PER_WORKER = 4  # CTranslate2's own queue size per translation worker (max_queued_batches=0)


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
    window_tokens: int = WINDOW_TOKENS
    device: str = "cpu"
    """``cpu`` or ``cuda`` (``workflow.devices`` resolves ``auto``)."""

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


class Tokenizer:
    """A model's SentencePiece side: what a sentence becomes before decoding (no CTranslate2 model loaded, so
    a cluster's coordinator can plan batches cheaply)."""

    def __init__(self, model: Model):
        import sentencepiece

        self.model = model
        self.processor = sentencepiece.SentencePieceProcessor(model_file=str(model.path / "sentencepiece.model"))

    def encode(self, sentence: str) -> list[str]:
        pieces = self.processor.encode(sentence, out_type=str)
        prefix, suffix = self.model.source_prefix, self.model.source_suffix
        if self.model.max_positions:  # a longer source would run past the position table: cut it to fit
            pieces = pieces[: max(1, self.model.max_positions - len(prefix) - len(suffix))]
        return prefix + pieces + suffix


def plan(sources: list[list[str]], batch_tokens: int, window_tokens: int = WINDOW_TOKENS) -> list[list[int]]:
    """The decoding batches, as lists of indices into ``sources``: windows of about ``window_tokens`` tokens
    in input order (so whole articles finish early, for commits), sorted by length inside, cut into batches
    whose padded size (sentences × longest) stays within ``batch_tokens``. The first window holds only about
    one batch's worth, so a run commits its first articles after one batch rather than after a whole window
    (seconds instead of a minute on a slow machine; an interrupted run has finished work behind it early).
    Local and cluster runs decode the same batches, hence the same text."""
    batches: list[list[int]] = []
    window: list[int] = []
    total = 0
    limit = min(batch_tokens, window_tokens)
    for index in range(len(sources) + 1):
        if index < len(sources):
            window.append(index)
            total += len(sources[index])
        if window and (index == len(sources) or total >= limit):
            batch: list[int] = []
            for member in sorted(window, key=lambda i: len(sources[i])):
                if batch and (len(batch) + 1) * len(sources[member]) > batch_tokens:
                    batches.append(batch)
                    batch = []
                batch.append(member)
            batches.append(batch)
            window, total, limit = [], 0, window_tokens
    return batches


Batch = list[tuple[int, "Translation"]]
"""Decoded sentences of one batch: (index in the input, translation)."""


class Translator:
    """One loaded model. ``translate`` streams results in input order; ``decode`` batch by batch."""

    def __init__(self, model: Model, settings: Settings = Settings()):
        import ctranslate2
        import sentencepiece

        self.model = model
        self.settings = settings
        self.tokenizer = Tokenizer(model)
        # Marian models with separate vocabularies ship the target side's SentencePiece model too.
        target_spm = model.path / "target.spm"
        self._target_sp = (sentencepiece.SentencePieceProcessor(model_file=str(target_spm)) if target_spm.exists()
                           else self.tokenizer.processor)
        self._ct2 = ctranslate2.Translator(
            str(model.path / "model"), device=settings.device, compute_type=settings.compute_type,
            inter_threads=settings.inter_threads, intra_threads=settings.intra_threads,
        )

    def encode(self, sentence: str) -> list[str]:
        return self.tokenizer.encode(sentence)

    @property
    def max_decoding_length(self) -> int:
        """MAX_DECODING_LENGTH, or less for a model whose position table is shorter (target prefix and the
        start token take positions too)."""
        limit = self.model.max_positions
        if not limit:
            return MAX_DECODING_LENGTH
        return max(1, min(MAX_DECODING_LENGTH, limit - len(self.model.target_prefix) - 1))

    def decode(self, sources: list[list[str]], batches: Iterable[list[int]]) -> Iterator[Batch]:
        """Each planned batch as one CTranslate2 batch, submitted asynchronously a few batches ahead of the
        results, so the translation workers never wait between batches; results come back batch after batch,
        in plan order, each as soon as it is done.

        CTranslate2's queue holds four batches per worker and blocks a submission beyond that: queueing every
        batch at once held the first results back until nearly all were decoded (no article was committed before
        then, and an interrupted run lost them all). So no more than that many are ever in flight."""
        prefix = self.model.target_prefix

        def submit(batch: list[int]):
            return batch, self._ct2.translate_batch(
                [sources[i] for i in batch], target_prefix=[prefix] * len(batch) if prefix else None,
                beam_size=self.settings.beam_size, length_penalty=LENGTH_PENALTY, replace_unknowns=True,
                max_decoding_length=self.max_decoding_length, return_scores=True, asynchronous=True)

        upcoming = iter(batches)
        in_flight = deque(submit(batch) for batch in itertools.islice(upcoming, QUEUED_PER_WORKER
                                                                      * self.settings.inter_threads))
        while in_flight:
            batch, pending = in_flight.popleft()
            results = [result.result() for result in pending]
            following = next(upcoming, None)
            if following is not None:
                in_flight.append(submit(following))
            yield [(index, self._translation(result)) for index, result in zip(batch, results)]

    def _translation(self, result) -> Translation:
        prefix = self.model.target_prefix
        pieces = [p for p in result.hypotheses[0][len(prefix):] if not _LANGUAGE_TOKEN.match(p)]
        # Decode with SentencePiece itself: argos's decode() also turns "_" into spaces.
        text = self._target_sp.decode_pieces(pieces).strip()
        length = len(result.hypotheses[0]) + 1  # scored tokens include </s>
        return Translation(text=text, score=_per_token(result.scores[0], length), tokens=len(pieces))

    def batches(self, sentences: Iterable[str]) -> Iterator[Batch]:
        """Translations batch by batch, as planned by ``plan``: (input index, translation) pairs."""
        sources = [self.encode(s) for s in sentences]
        return self.decode(sources, plan(sources, self.settings.max_batch_tokens, self.settings.window_tokens))

    def translate(self, sentences: Iterable[str]) -> Iterator[Translation]:
        """Translations in input order (each as soon as it and every one before it are back)."""
        done: dict[int, Translation] = {}
        following = 0
        for batch in self.batches(sentences):
            done.update(batch)
            while following in done:
                yield done.pop(following)
                following += 1


# Language tokens of multilingual models (>>khm<<, __km__, khm_Khmr, <2km>) are never text.
_LANGUAGE_TOKEN = re.compile(r"^(>>\w+<<|__[a-z]{2,3}__|[a-z]{3}_[A-Z][a-z]{3}|<2[\w-]+>|</s>)$")


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
