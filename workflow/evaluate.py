"""Quality measurement: ROUGE for briefs, chrF++/BLEU for translations, term accuracy against the glossary.

Needs the ``eval`` extra (``pip install 'briefdesk[eval]'``: rouge-score). Scores are F1 x 100, averaged over
items. ROUGE-Lsum gets one sentence a line on both sides, as the rouge-score package expects.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from workflow import glossary, languages, summarize
from workflow.corpus import clean_text
from workflow.errors import BriefdeskError
from workflow.segment import split_sentences

SUMMARY_METHODS = tuple(name for name, method in summarize.SUMMARIZERS.items() if method.evaluated)
"""The brief methods compared by ROUGE: every registered one but random and reduction (``lead`` is Lead-3 at
the default three sentences)."""
ROUGE_TYPES = ("rouge1", "rouge2", "rougeLsum")


class EvalError(BriefdeskError):
    pass


@dataclass(frozen=True)
class Row:
    method: str
    rouge1: float
    rouge2: float
    rougeLsum: float  # noqa: N815 - the metric's own name


def read_jsonl(path: Path, required: Sequence[str]) -> list[dict]:
    items = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as error:
            raise EvalError(f"{path}:{number}: invalid JSON ({error.msg})") from error
        missing = [key for key in required if not isinstance(item, dict) or not isinstance(item.get(key), str)]
        if missing:
            raise EvalError(f"{path}:{number}: missing string field(s) {', '.join(missing)}")
        items.append(item)
    if not items:
        raise EvalError(f"{path}: no items")
    return items


def brief(text: str, method: str, sentences: int) -> list[str]:
    """The sentences a method picks, as the product picks them."""
    segmented = split_sentences(clean_text(text))
    texts = [s.text for s in segmented]
    chosen = summarize.summarize(texts, budget=summarize.Budget(sentences=sentences), algorithm=method,
                                 paragraphs=[s.paragraph for s in segmented])
    return [texts[i] for i in chosen]


def summaries(items: Iterable[dict], *, sentences: int = 3, methods: Sequence[str] = SUMMARY_METHODS) -> list[Row]:
    """ROUGE-1/2/Lsum F1 of each method's briefs against each item's ``summary`` (one highlight a line)."""
    try:
        from rouge_score import rouge_scorer
    except ImportError as error:
        raise EvalError("ROUGE needs the rouge-score package: pip install 'briefdesk[eval]'") from error
    scorer = rouge_scorer.RougeScorer(list(ROUGE_TYPES), use_stemmer=True)
    items = list(items)
    rows = []
    for method in methods:
        totals = dict.fromkeys(ROUGE_TYPES, 0.0)
        for item in items:
            hypothesis = "\n".join(brief(item["text"], method, sentences))
            reference = "\n".join(line.strip() for line in item["summary"].splitlines() if line.strip())
            scores = scorer.score(reference, hypothesis)
            for key in ROUGE_TYPES:
                totals[key] += scores[key].fmeasure
        rows.append(Row(method, *(round(100 * totals[k] / len(items), 2) for k in ROUGE_TYPES)))
    return rows


# --- translations --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TranslationScore:
    lang: str
    sentences: int
    chrf: float
    bleu: float
    bleu_tokenize: str


def score_translations(hypotheses: list[str], references: list[str], lang: str) -> TranslationScore:
    """chrF++ and BLEU of hypotheses against references (one each, aligned)."""
    try:
        from sacrebleu.metrics import BLEU, CHRF
    except ImportError as error:
        raise EvalError("scoring needs sacrebleu: pip install 'briefdesk[eval]'") from error
    if len(hypotheses) != len(references):
        raise EvalError(f"{len(hypotheses)} hypotheses for {len(references)} references")
    tokenize = languages.get(lang).bleu_tokenize
    chrf = CHRF(word_order=2).corpus_score(hypotheses, [references]).score
    bleu = BLEU(tokenize=tokenize).corpus_score(hypotheses, [references]).score
    return TranslationScore(lang, len(hypotheses), round(chrf, 2), round(bleu, 2), tokenize)


def translate_items(items: list[dict], model) -> list[str]:
    """Translate each item's ``en`` field with ``model`` (one batch)."""
    from workflow.translate import Translator

    return [t.text for t in Translator(model).translate(item["en"] for item in items)]


def read_hypotheses(path: Path, items: list[dict]) -> list[str]:
    """The translations in ``path`` (``{"id", "translation"}`` lines), in the order of ``items``."""
    given = {str(h["id"]): h["translation"] for h in read_jsonl(path, ["translation"])}
    missing = [str(i.get("id")) for i in items if str(i.get("id")) not in given]
    if missing:
        raise EvalError(f"{path}: no translation for id(s) {', '.join(missing[:5])}")
    return [given[str(i.get("id"))] for i in items]


# --- glossary terms ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TermScore:
    lang: str
    sentences: int
    occurrences: int
    """Glossary term occurrences in the English that have a form in ``lang``."""
    correct: int
    """Of those, how many have the approved form in the translation as it came."""
    correct_fixed: int
    """…and after the pipeline's automatic fixes (forbidden variants replaced)."""
    misses: tuple[tuple[str, str], ...]
    """(item id, English term) of each occurrence still missing after the fixes."""

    @property
    def accuracy(self) -> float:
        return round(100 * self.correct / self.occurrences, 2) if self.occurrences else 100.0

    @property
    def accuracy_fixed(self) -> float:
        return round(100 * self.correct_fixed / self.occurrences, 2) if self.occurrences else 100.0


def term_accuracy(items: list[dict], outputs: list[str], lang: str, terms: glossary.Glossary) -> TermScore:
    """Share of the glossary term occurrences in each item's ``en`` whose approved ``lang`` form appears in the
    translation, before and after the automatic fixes the pipeline applies."""
    if len(items) != len(outputs):
        raise EvalError(f"{len(outputs)} translations for {len(items)} sentences")
    occurrences = correct = correct_fixed = 0
    misses = []
    for item, output in zip(items, outputs):
        fixed = terms.check(item["en"], output, lang, fix=True).text
        for occurrence in terms.find(item["en"]):
            if lang not in occurrence.entry.forms:
                continue
            occurrences += 1
            correct += glossary.has_form(output, occurrence.entry, lang)
            if glossary.has_form(fixed, occurrence.entry, lang):
                correct_fixed += 1
            else:
                misses.append((str(item.get("id", "")), occurrence.entry.en))
    return TermScore(lang, len(items), occurrences, correct, correct_fixed, tuple(misses))
