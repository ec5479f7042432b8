"""One language's pass over a batch of stored articles: plan → decode → commit.

* **plan**: the sentences each article still lacks under this model and settings; an editor's correction of the
  same English is reused (translation memory) instead of decoding it again; identical texts are decoded once.
* **decode**: one streaming, length-sorted decode of the unique texts in article order, here or on a cluster.
* **commit**: an article's translations, brief and review row go in one transaction as soon as the last of its
  texts is back (in order locally, any order on a cluster), so an interrupted run loses only the articles in
  flight. A commit and its count are one step for Ctrl-C too: the run's record always says what was stored.
"""

from __future__ import annotations

import hashlib
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace

from sqlalchemy import select

from workflow import check_issues, events, glossary, interrupts, review_states, texts
from workflow.articles import ArticleResult
from workflow.cluster import Cluster
from workflow.models import Model
from workflow.store import Article, Review, Revision, Sentence, Store, Translation
from workflow.translate import Batch, Settings, Translator
from workflow.translate import Translation as Translated

Progress = Callable[[str, int, int], None]


def model_tag(model: Model, settings: Settings) -> str:
    """What a translation is stored under: the model's checksum and the decoding settings."""
    return f"{model.key}/{settings.key()}"


@dataclass
class Counts:
    """What one pass did, for the run's report."""
    decoded: int = 0
    """Sentences sent to the model (after de-duplication and memory)."""
    tokens: int = 0
    """Target tokens the model produced."""
    term_fixes: int = 0
    term_issues: int = 0
    waiting_seconds: float = 0.0
    """Time spent waiting for decoded sentences."""
    checking_seconds: float = 0.0
    """Time spent checking new translations against the glossary."""


@dataclass
class _Pending:
    article_id: int
    external_id: str
    missing: list[tuple[int, str]]
    """(sentence id, English) without a translation under this tag."""
    waiting: set[int] = field(default_factory=set)
    """Indices of the unique texts still to come back."""


class TranslationPass:
    """Translate ``article_ids`` into ``lang``: ``results`` (by external id) get their counts as each article
    is committed, ``errors`` an entry for each article that could not be stored."""

    def __init__(self, lang: str, model: Model, settings: Settings, store: Store,
                 results: dict[str, ArticleResult], errors: list[dict], progress: Progress):
        self.lang, self.model, self.settings, self.store = lang, model, settings, store
        self.tag = model_tag(model, settings)
        self.results, self.errors, self.progress = results, errors, progress
        self.counts = Counts()
        self.pending: list[_Pending] = []
        self.remembered: dict[str, str] = {}
        self.unique: dict[str, int] = {}
        """Each text to decode, with its index in decoding order."""
        self.outputs: dict[int, Translated] = {}

    def run(self, article_ids: list[int], cluster: Cluster | None = None) -> None:
        self.plan(article_ids)
        if not self.pending:
            return
        with self.store.read() as session:
            self.terms = glossary.load(session)
        for number, item in enumerate(self.pending):
            if not item.waiting:  # everything remembered, or only the brief or review row is missing
                self.commit(number)
        if self.unique:
            self.decode(cluster)

    def plan(self, article_ids: list[int]) -> None:
        with self.store.read() as session:
            found = session.scalars(select(Article).where(Article.id.in_(article_ids))).all() if article_ids else []
            done = _translated_sentence_ids(session, article_ids, self.lang, self.tag)
            order = {article_id: i for i, article_id in enumerate(article_ids)}
            for article in sorted(found, key=lambda a: order[a.id]):
                missing = [(s.id, s.text) for s in article.sentences if s.id not in done]
                state = session.get(Review, (article.id, self.lang))
                if missing or state is None or state.fingerprint != fingerprint(article, self.tag):
                    self.pending.append(_Pending(article.id, article.external_id, missing))
                self.results[article.external_id].translated[self.lang] = 0
            self.remembered = texts.recall(session, list({t for p in self.pending for _, t in p.missing}),
                                           self.lang)
        for item in self.pending:
            for _, text in item.missing:
                if text not in self.remembered:
                    item.waiting.add(self.unique.setdefault(text, len(self.unique)))
        self.counts.decoded = len(self.unique)

    def decode(self, cluster: Cluster | None) -> None:
        needed_by: dict[int, list[int]] = {}
        for number, item in enumerate(self.pending):
            for index in item.waiting:
                needed_by.setdefault(index, []).append(number)
        in_order = list(self.unique)
        if cluster is not None:
            cluster.check(self.model, self.settings)  # every worker has this very model, before anything is decoded
            batches = cluster.decode(self.model, self.settings, in_order)
        else:
            batches = _decode_locally(self.model, self.settings, in_order)
        while True:
            started = time.perf_counter()
            batch = next(batches, None)
            self.counts.waiting_seconds += time.perf_counter() - started
            if batch is None:
                break
            for index, result in batch:
                self.outputs[index] = result
                self.counts.tokens += result.tokens
                for number in needed_by.get(index, ()):
                    self.pending[number].waiting.discard(index)
                    if not self.pending[number].waiting:
                        self.commit(number)
            self.progress(f"translate:{self.lang}", len(self.outputs), len(self.unique))

    def commit(self, number: int) -> None:
        item = self.pending[number]
        results = {sid: self.outputs[self.unique[text]] if text in self.unique
                   else Translated(self.remembered[text], None, 0, "memory") for sid, text in item.missing}
        started = time.perf_counter()
        findings = {}
        for sid, text in item.missing:  # the glossary check: forbidden variants fixed, missing forms recorded
            checked = self.terms.check(text, results[sid].text, self.lang, fix=True)
            if checked.findings:
                results[sid] = replace(results[sid], text=checked.text)
                findings[sid] = checked.findings
        self.counts.checking_seconds += time.perf_counter() - started
        with interrupts.deferred():  # stored and counted, or neither
            try:
                _store(self.store, item.article_id, self.lang, self.model, self.tag, results, findings,
                       dict(item.missing))
            except Exception as error:  # noqa: BLE001 - keep the rest of the batch
                self.errors.append({"item": item.external_id, "stage": f"store {self.lang}",
                                    "reason": reason(error)})
                return
            for found in findings.values():
                self.counts.term_fixes += sum(f.kind == "fixed" for f in found)
                self.counts.term_issues += sum(f.kind in glossary.ISSUES for f in found)
            self.results[item.external_id].translated[self.lang] = len(item.missing)


def fingerprint(article: Article, tag: str) -> str:
    """What a review row was made from: a different text, brief choice or model needs review again."""
    return hashlib.sha256(f"{article.content_hash}|{article.summary_key}|{tag}".encode()).hexdigest()


def reason(error: Exception) -> str:
    """An error as one line for the run's report."""
    first = (str(error).strip().splitlines() or [""])[0]
    return f"{type(error).__name__}: {first}" if first else type(error).__name__


def _translated_sentence_ids(session, article_ids: list[int], lang: str, tag: str) -> set[int]:
    if not article_ids:
        return set()
    rows = session.execute(
        select(Translation.sentence_id).join(Sentence, Sentence.id == Translation.sentence_id)
        .where(Sentence.article_id.in_(article_ids), Translation.lang == lang, Translation.model == tag))
    return {row[0] for row in rows}


def _store(store: Store, article_id: int, lang: str, model: Model, tag: str, results: dict,
           findings: dict[int, list[glossary.Finding]], english: dict[int, str]) -> None:
    with store.session() as session:
        article = session.get(Article, article_id)
        added = False
        if results:
            existing = set(session.scalars(select(Translation.sentence_id).where(
                Translation.sentence_id.in_(list(results)), Translation.lang == lang, Translation.model == tag)))
            session.add_all(Translation(sentence_id=sid, lang=lang, model=tag, text=r.text, score=r.score,
                                        origin=r.origin)
                            for sid, r in results.items() if sid not in existing)
            session.flush()
            added = bool(set(results) - existing)
            edited = {int(item[1:]) for item in session.scalars(select(Revision.item).where(
                Revision.article_id == article_id, Revision.lang == lang, Revision.item != texts.BRIEF_ITEM))}
            fresh = [sid for sid in results if sid not in existing and sid not in edited]  # an editor's text
            for sid in fresh:                                                     # keeps its own checks
                glossary.record(session, article_id, sid, lang, findings.get(sid, ()))
            check_issues.record(session, article_id, lang, [(sid, english[sid], results[sid].text) for sid in fresh])
        texts.write_brief(session, article, lang, model=tag)
        state = session.get(Review, (article_id, lang))
        made_from = fingerprint(article, tag)
        if state is None:
            session.add(Review(article_id=article_id, lang=lang, status=review_states.NEW, model=tag, demo=model.demo,
                               fingerprint=made_from))
        elif state.fingerprint != made_from:
            state.model, state.demo, state.fingerprint = tag, model.demo, made_from
            events.move(session, state, "translated again", "")
        elif added:  # e.g. a headline added to a story translated before headlines were (migration 0011)
            events.move(session, state, "headline added", "")


def _decode_locally(model: Model, settings: Settings, in_order: list[str]) -> Iterator[Batch]:
    yield from _translator(model, settings).batches(in_order)


_LOADED: OrderedDict[tuple[str, str, str], Translator] = OrderedDict()
"""The models this process loaded last: a worker translating one story at a time loads each model once."""


def unload() -> None:
    """Let go of every loaded model, so that CTranslate2's threads end: a process about to fork (gunicorn's
    arbiter in ``briefdesk demo``) must not hand children a copy of them, which crash when they exit."""
    import gc

    _LOADED.clear()
    gc.collect()


def _translator(model: Model, settings: Settings) -> Translator:
    key = (model.key, str(model.path), repr(settings))
    if key in _LOADED:
        _LOADED.move_to_end(key)
    else:
        _LOADED[key] = Translator(model, settings)
        while len(_LOADED) > 4:
            _LOADED.popitem(last=False)
    return _LOADED[key]
