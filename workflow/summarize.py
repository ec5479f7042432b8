"""Extractive briefs: choose sentences of the article, return their positions in article order.

Each method is one small class in the ``SUMMARIZERS`` registry: ``news``, the default (a news-specific
ranking, :class:`NewsSummarizer`), ``lead`` (the first sentences) and every sumy algorithm. The document is
built from the shared segmenter's sentences (``workflow.segment``), never re-split by sumy, so a brief is a set
of article sentences whose translations are already known. The length budget is a sentence count or an English
word budget, and is never exceeded.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from workflow.errors import UsageError
from workflow.segment import count_words

LANGUAGE = "english"
DEFAULT_ALGORITHM = "news"
DEFAULT_SENTENCES = 3


class WordTokenizer:
    """sumy's tokenizer interface without NLTK's punkt data (which cannot be downloaded here).

    Sentences are never split here: the document is built from ``workflow.segment``'s sentences.
    """

    language = LANGUAGE
    _WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")

    def to_sentences(self, paragraph: str) -> tuple[str, ...]:
        return (paragraph,)

    def to_words(self, sentence: str) -> tuple[str, ...]:
        return tuple(self._WORD.findall(sentence))


@dataclass(frozen=True)
class Budget:
    """A length budget: at most ``sentences`` sentences and/or at most ``words`` English words."""

    sentences: int | None = DEFAULT_SENTENCES
    words: int | None = None

    def __post_init__(self) -> None:
        if self.sentences is None and self.words is None:
            raise ValueError("a budget needs a sentence count or a word count")
        for value in (self.sentences, self.words):
            if value is not None and value < 1:
                raise ValueError("a budget must be at least 1")

    def take(self, ranked: Sequence[str]) -> list[int]:
        """Indices (into ``ranked``) of the best-ranked items that fit, best first."""
        chosen: list[int] = []
        used = 0
        for index, text in enumerate(ranked):
            if self.sentences is not None and len(chosen) >= self.sentences:
                break
            words = count_words(text)
            if self.words is not None and used + words > self.words:
                continue  # too long for what is left; a shorter one may still fit
            chosen.append(index)
            used += words
        return chosen


class _BudgetCount:
    """Given to sumy as its ``sentences_count``: sumy calls it with the sentences sorted best first."""

    def __init__(self, budget: Budget):
        self.budget = budget

    def __call__(self, infos: Sequence) -> list:
        return [infos[i] for i in self.budget.take([str(info.sentence) for info in infos])]


@lru_cache(maxsize=1)
def _stemmer():
    from sumy.nlp.stemmers import Stemmer

    return Stemmer(LANGUAGE)


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    from sumy.utils import get_stop_words

    return frozenset(get_stop_words(LANGUAGE))


class Summarizer:
    """A brief method: ``choose`` returns the positions of the brief's sentences, in article order."""

    name = ""
    description = ""
    evaluated = True
    """Whether ``briefdesk eval summaries`` compares it (random and reduction are left out)."""

    def choose(self, sentences: Sequence[str], budget: Budget, paragraphs: Sequence[int] | None = None,
               title: str = "") -> list[int]:
        raise NotImplementedError


class LeadSummarizer(Summarizer):
    name = "lead"
    description = "the first sentences (Lead-3 with the default budget)"

    def choose(self, sentences, budget, paragraphs=None, title=""):
        return sorted(budget.take(list(sentences)))


class SumySummarizer(Summarizer):
    """One of sumy's algorithms, run on Briefdesk's own sentences (never re-split by sumy)."""

    sumy_class = ""
    """``module.Class`` under ``sumy.summarizers``."""

    def configure(self, summarizer) -> None:
        summarizer.stop_words = stop_words()

    def choose(self, sentences, budget, paragraphs=None, title=""):
        import importlib

        from sumy.models.dom import ObjectDocumentModel, Paragraph
        from sumy.models.dom import Sentence as SumySentence

        tokenizer = WordTokenizer()
        objects = [SumySentence(text, tokenizer) for text in sentences]
        position = {id(obj): index for index, obj in enumerate(objects)}
        groups: dict[int, list] = {}
        for index, obj in enumerate(objects):
            groups.setdefault(paragraphs[index] if paragraphs else 0, []).append(obj)
        blocks = [groups[key] for key in sorted(groups)]
        if title:  # Edmundson's title method rates sentences by the words they share with headings
            blocks[0] = [SumySentence(title, tokenizer, is_heading=True), *blocks[0]]
        document = ObjectDocumentModel([Paragraph(block) for block in blocks])
        module, _, class_name = self.sumy_class.rpartition(".")
        summarizer = getattr(importlib.import_module(f"sumy.summarizers.{module}"), class_name)(_stemmer())
        self.configure(summarizer)
        chosen = summarizer(document, _BudgetCount(budget))
        return sorted(position[id(obj)] for obj in chosen)


class LexRankSummarizer(SumySummarizer):
    name, sumy_class, description = "lexrank", "lex_rank.LexRankSummarizer", "sumy's LexRank (graph centrality)"


class TextRankSummarizer(SumySummarizer):
    name, sumy_class, description = "textrank", "text_rank.TextRankSummarizer", "sumy's TextRank"


class LsaSummarizer(SumySummarizer):
    name, sumy_class, description = "lsa", "lsa.LsaSummarizer", "sumy's latent semantic analysis"


class LuhnSummarizer(SumySummarizer):
    name, sumy_class, description = "luhn", "luhn.LuhnSummarizer", "sumy's Luhn (significant words)"


class KLSummarizer(SumySummarizer):
    name, sumy_class, description = "kl", "kl.KLSummarizer", "sumy's KL-Sum"


class SumBasicSummarizer(SumySummarizer):
    name, sumy_class, description = "sumbasic", "sum_basic.SumBasicSummarizer", "sumy's SumBasic"


class EdmundsonSummarizer(SumySummarizer):
    name, sumy_class, description = "edmundson", "edmundson.EdmundsonSummarizer", "sumy's Edmundson"

    def configure(self, summarizer) -> None:
        super().configure(summarizer)
        # Cue words need a newsroom-specific dictionary; with none, rate by key, title and location words.
        summarizer.bonus_words, summarizer.stigma_words = ("said",), ("photo",)
        summarizer.null_words = stop_words()


class ReductionSummarizer(SumySummarizer):
    name, sumy_class, description = "reduction", "reduction.ReductionSummarizer", "sumy's Reduction"
    evaluated = False


class RandomSummarizer(SumySummarizer):
    name, sumy_class, description = "random", "random.RandomSummarizer", "random sentences (a floor)"
    evaluated = False


class NewsSummarizer(Summarizer):
    """The default brief for news: position prior x centrality, with redundancy control.

    News puts the essentials first (the Lead-3 baseline is hard to beat), but a lead sentence can be a
    dateline, a byline, a teaser or a quote. Each sentence is scored by a position prior combined with its
    TF-IDF similarity to the whole article; sentences that read as boilerplate or fragments are held back, and
    a candidate too similar to one already chosen is skipped (maximal marginal relevance).
    """

    position_decay = 0.6
    centrality_weight = 0.8
    redundancy_limit = 0.5
    candidates = 40
    min_words, max_words = 6, 60

    _BOILERPLATE = re.compile(
        r"^(by\s|published:|updated:|last updated|photo|image|click here|follow\s@|share this|read more|"
        r"scroll down|copyright|©)|getty images|\(photo[: ]|reuters/|associated press photo", re.I)

    name = "news"
    description = "position x centrality with redundancy control (the default)"

    def choose(self, sentences, budget, paragraphs=None, title=""):
        words = [self._terms(text) for text in sentences]
        vectors = self._tfidf(words)
        centroid = Counter()
        for vector in vectors:
            centroid.update(vector)
        scores = []
        for index, (text, vector) in enumerate(zip(sentences, vectors)):
            prior = 1.0 / (1 + index) ** self.position_decay
            centrality = _cosine(vector, centroid)
            score = prior * (1 + self.centrality_weight * centrality)
            if not self._looks_like_content(text):
                score *= 0.1
            scores.append(score)
        ranked = sorted(range(len(sentences)), key=lambda i: scores[i], reverse=True)
        # Redundancy: among the best candidates, hold back one that repeats a better-ranked one (they stay
        # usable, last, when the budget asks for many).
        kept: list[int] = []
        held: list[int] = []
        for index in ranked[: self.candidates]:
            if all(_cosine(vectors[index], vectors[other]) < self.redundancy_limit for other in kept):
                kept.append(index)
            else:
                held.append(index)
        kept += held + ranked[self.candidates:]
        picked = budget.take([sentences[i] for i in kept])
        return sorted(kept[i] for i in picked)

    def _looks_like_content(self, text: str) -> bool:
        count = count_words(text)
        return (self.min_words <= count <= self.max_words and not self._BOILERPLATE.search(text)
                and bool(re.search(r"[.!?\"”’)]$", text.strip())))

    @staticmethod
    def _terms(text: str) -> list[str]:
        stem = _stemmer()
        return [stem(w.lower()) for w in WordTokenizer().to_words(text) if w.lower() not in stop_words()]

    @staticmethod
    def _tfidf(documents: list[list[str]]) -> list[dict[str, float]]:
        df = Counter(term for terms in documents for term in set(terms))
        n = len(documents)
        return [{t: c * math.log((1 + n) / (1 + df[t])) + 1e-9 for t, c in Counter(terms).items()}
                for terms in documents]


SUMMARIZERS: dict[str, type[Summarizer]] = {cls.name: cls for cls in (
    NewsSummarizer, LeadSummarizer, LexRankSummarizer, TextRankSummarizer, LsaSummarizer, LuhnSummarizer,
    KLSummarizer, SumBasicSummarizer, EdmundsonSummarizer, ReductionSummarizer, RandomSummarizer)}
"""Every brief method by name: the CLI's choices, the evaluation and the docs are read from here."""
ALGORITHMS = tuple(SUMMARIZERS)


def summarize(sentences: Sequence[str], *, budget: Budget = Budget(), algorithm: str = DEFAULT_ALGORITHM,
              paragraphs: Sequence[int] | None = None, title: str = "") -> list[int]:
    """Positions (into ``sentences``) of the brief's sentences, in article order."""
    if algorithm not in SUMMARIZERS:
        raise UsageError(f"unknown summary algorithm {algorithm!r}; choose one of {', '.join(ALGORITHMS)}")
    if not sentences:
        return []
    return SUMMARIZERS[algorithm]().choose(sentences, budget, paragraphs, title)


def brief_of_text(text: str, *, budget: Budget = Budget(), algorithm: str = DEFAULT_ALGORITHM) -> list[str]:
    """The brief of a raw English text: its chosen sentences, verbatim, in article order."""
    from workflow.corpus import clean_text
    from workflow.segment import split_sentences

    sentences = split_sentences(clean_text(text))
    chosen = summarize([s.text for s in sentences], budget=budget, algorithm=algorithm,
                       paragraphs=[s.paragraph for s in sentences])
    return [sentences[i].text for i in chosen]


def summarize_jsonl(source: Path, target: Path, *, budget: Budget = Budget(),
                    algorithm: str = DEFAULT_ALGORITHM) -> tuple[int, list[str]]:
    """Brief every ``{"id", "text"}`` line of ``source`` into ``{"id", "summary"}`` lines of ``target`` (one
    sentence a line). Returns (written, problems): a bad line is reported as ``FILE:LINE: reason`` and skipped."""
    problems: list[str] = []
    written = 0
    with source.open("rb") as lines, target.open("w", encoding="utf-8") as out:
        for number, raw in enumerate(lines, 1):
            if not raw.strip():
                continue
            try:
                item = json.loads(raw.decode("utf-8"))
                if not isinstance(item, dict) or not isinstance(item.get("text"), str):
                    raise ValueError('expected an object with a string "text"')
                chosen = brief_of_text(item["text"], budget=budget, algorithm=algorithm)
            except (ValueError, UnicodeDecodeError, RecursionError) as error:
                problems.append(f"{source}:{number}: {error}")
                continue
            out.write(json.dumps({"id": item.get("id", number), "summary": "\n".join(chosen)},
                                 ensure_ascii=False) + "\n")
            written += 1
    return written, problems


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if not a or not b:
        return 0.0
    small, large = (a, b) if len(a) < len(b) else (b, a)
    dot = sum(v * large.get(k, 0.0) for k, v in small.items())
    norm = math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values()))
    return dot / norm if norm else 0.0
