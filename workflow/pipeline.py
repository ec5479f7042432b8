"""A batch run: ingest → segment → summarize → translate → store, resumable and idempotent.

* Each article is stored (sentences and English brief) in its own short transaction; a broken article is
  reported and skipped, never stopping the batch.
* For each target language the model is loaded once, and every sentence of the batch that has no translation by
  that model yet goes through one streaming, length-sorted decode. Identical sentences are decoded once.
* An article's translations, brief and review row are committed together as soon as its last sentence comes
  back, so an interrupted run loses at most the articles in flight, and a rerun redoes nothing finished.
* A rerun on unchanged input with the same models and settings translates nothing; a changed article (content
  hash) or model (checksum) is redone.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from sqlalchemy import select

from workflow import articles, corpus, glossary, interrupts, jobs, summarize, texts
from workflow.articles import ArticleResult
from workflow.cluster import Cluster, ClusterError
from workflow.errors import BriefdeskError
from workflow.models import Model, Registry
from workflow.store import Article, Review, Revision, Run, Sentence, Store, Translation, utcnow
from workflow.translate import Batch, Settings, Translator
from workflow.translate import Translation as Translated

Progress = Callable[[str, int, int], None]
"""Called as ``progress(stage, done, total)``; stages: ``ingest``, ``translate:<lang>``."""


@dataclass
class RunReport:
    run_id: int
    articles: list[ArticleResult] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    """``{"item", "stage", "reason"}`` for every input or language that failed."""
    models: dict[str, Model] = field(default_factory=dict)
    decoded: dict[str, int] = field(default_factory=dict)
    """Sentences sent to the model per language (after de-duplication)."""
    tokens: dict[str, int] = field(default_factory=dict)
    """Target tokens the model produced per language."""
    waiting_seconds: float = 0.0
    """Time spent waiting for decoded sentences (the rest is ingest, summaries and commits)."""
    term_fixes: dict[str, int] = field(default_factory=dict)
    """Forbidden glossary variants replaced by the approved form, per language."""
    term_issues: dict[str, int] = field(default_factory=dict)
    """Glossary terms whose approved form is missing from a new translation, per language."""
    checking_seconds: float = 0.0
    """Time spent checking new translations against the glossary."""

    @property
    def translated_nothing(self) -> bool:
        return not any(self.decoded.values())


@dataclass(frozen=True)
class Options:
    targets: Sequence[str] = ("km", "zh")
    budget: summarize.Budget = summarize.Budget()
    algorithm: str = summarize.DEFAULT_ALGORITHM
    decoding: Settings = Settings()
    replace: bool = False
    """Let a different story replace an article that editors corrected or decided on (its work is lost)."""

    @property
    def summary(self) -> articles.Summary:
        return articles.Summary(self.budget, self.algorithm)

    @property
    def summary_key(self) -> str:
        return self.summary.key


def run(paths: Iterable[str | Path], store: Store, models: Registry, options: Options = Options(),
        progress: Progress | None = None, cluster: Cluster | None = None) -> RunReport:
    """Run the whole pipeline over ``paths``; returns what happened, errors included. With ``cluster``, the
    decoding runs on its workers (see ``workflow.cluster``); everything else, commits included, stays here."""
    progress = progress or (lambda *_: None)
    return _run(lambda report: _ingest(paths, store, options, report, progress), store, models, options, progress,
                cluster)


def translate(article_ids: list[int], store: Store, models: Registry, options: Options = Options(),
              progress: Progress | None = None, cluster: Cluster | None = None) -> RunReport:
    """Translate articles that are already stored (what ``briefdesk worker`` does with a submitted story)."""
    progress = progress or (lambda *_: None)

    def stored(report: RunReport) -> list[int]:
        with store.read() as session:
            for article in session.scalars(select(Article).where(Article.id.in_(article_ids))):
                body = [s for s in article.sentences if s.position >= 0]  # the headline is not counted
                report.articles.append(ArticleResult(article.external_id, article.title, len(body),
                                                     sum(s.in_brief for s in body)))
        return list(article_ids)

    return _run(stored, store, models, options, progress, cluster)


def submit(document: corpus.Document, store: Store, username: str, options: Options = Options()) -> ArticleResult:
    """Store a story added through the web or the API, with a job for ``briefdesk worker`` to translate it (in
    one transaction: a story is never stored without its job). Nothing is decoded here."""
    with store.session() as session:
        try:
            stored = articles.store(document, session, options.summary, options.replace, submitted=True)
        except ValueError as error:
            raise BriefdeskError(f"{document.source}: {error}") from error
        jobs.enqueue(session, stored.article_id, list(options.targets), username)
    return stored.result


def _run(articles: Callable[[RunReport], list[int]], store: Store, models: Registry, options: Options,
         progress: Progress, cluster: Cluster | None) -> RunReport:
    with store.session() as session:
        record = Run(settings=json.dumps({"targets": list(options.targets), "summary": options.summary_key,
                                          "decoding": options.decoding.key()}))
        session.add(record)
    report = RunReport(run_id=record.id)
    status = "failed"
    progress = _checking(progress)
    try:
        article_ids = articles(report)
        for lang in dict.fromkeys(options.targets):
            try:
                model = models.find(lang)
            except BriefdeskError as error:  # unknown language or no model: the other languages go on
                report.errors.append({"item": f"--to {lang}", "stage": "translate", "reason": str(error)})
                continue
            report.models[lang] = model
            try:
                _translate(article_ids, lang, model, store, options, report, progress, cluster)
            except ClusterError as error:  # committed articles stay; the rest of this language waits for a rerun
                report.errors.append({"item": f"--to {lang}", "stage": "translate", "reason": str(error)})
        status = "failed" if not report.articles and report.errors else "done"
    except KeyboardInterrupt:
        status = "interrupted"  # what was committed stays; a rerun goes on from there
        raise
    finally:
        with store.session() as session:  # what really happened, also after Ctrl-C or a crash
            record = session.get(Run, report.run_id)
            record.finished_at = utcnow()
            record.status = status
            record.articles = len(report.articles)
            record.sentences_translated = sum(sum(a.translated.values()) for a in report.articles)
            record.errors = json.dumps(report.errors, ensure_ascii=False)
    return report


# --- ingest, segment, summarize ------------------------------------------------------------------------------


def _ingest(paths, store: Store, options: Options, report: RunReport, progress: Progress) -> list[int]:
    ids: list[int] = []
    items = list(corpus.read(paths))
    for done, item in enumerate(items, 1):
        progress("ingest", done, len(items))
        if isinstance(item, corpus.Rejected):
            report.errors.append({"item": item.source, "stage": "ingest", "reason": item.reason})
            continue
        try:
            with store.session() as session:
                stored = articles.store(item, session, options.summary, options.replace)
        except Exception as error:  # noqa: BLE001 - one bad article never stops the batch
            report.errors.append({"item": item.source, "stage": "store", "reason": _reason(error)})
            continue
        if stored.result.note:
            report.errors.append({"item": item.source, "stage": "conflict", "reason": stored.result.note})
        ids.append(stored.article_id)
        report.articles.append(stored.result)
    return ids


# --- translate -----------------------------------------------------------------------------------------------


def model_tag(model: Model, settings: Settings) -> str:
    return f"{model.key}/{settings.key()}"


def _translate(article_ids: list[int], lang: str, model: Model, store: Store, options: Options,
               report: RunReport, progress: Progress, cluster: Cluster | None) -> None:
    tag = model_tag(model, options.decoding)
    by_id = {r.external_id: r for r in report.articles}
    pending: list[tuple[int, str, list[tuple[int, str]]]] = []  # (article, external id, missing sentences)
    with store.read() as session:
        articles = session.scalars(select(Article).where(Article.id.in_(article_ids))).all() if article_ids else []
        done = _translated_sentence_ids(session, article_ids, lang, tag)
        order = {article_id: i for i, article_id in enumerate(article_ids)}
        for article in sorted(articles, key=lambda a: order[a.id]):
            missing = [(s.id, s.text) for s in article.sentences if s.id not in done]
            state = session.get(Review, (article.id, lang))
            if missing or state is None or state.fingerprint != _fingerprint(article, tag):
                pending.append((article.id, article.external_id, missing))
            by_id[article.external_id].translated[lang] = 0

    # Editors' corrections of the same English sentence are reused instead of decoding it again.
    with store.read() as session:
        remembered = texts.recall(session, list({t for _, _, m in pending for _, t in m}), lang)
    # One decode for the whole batch: unique texts in article order, each decoded once.
    unique: dict[str, int] = {}
    for _, _, missing in pending:
        for _, text in missing:
            if text not in remembered:
                unique.setdefault(text, len(unique))
    report.decoded[lang] = len(unique)
    report.tokens[lang] = 0
    report.term_fixes[lang] = report.term_issues[lang] = 0
    if not pending:
        return
    with store.read() as session:
        terms = glossary.load(session)
    # An article is committed as soon as the last of its texts is back (in order locally, any order on a
    # cluster), so an interrupted run loses only the articles in flight.
    waiting = [{unique[t] for _, t in missing if t in unique} for _, _, missing in pending]
    needed_by: dict[int, list[int]] = {}
    for number, indices in enumerate(waiting):
        for index in indices:
            needed_by.setdefault(index, []).append(number)
    outputs: dict[int, Translated] = {}

    def commit(number: int) -> None:
        article_id, external_id, missing = pending[number]
        results = {sid: outputs[unique[text]] if text in unique
                   else Translated(remembered[text], None, 0, "memory") for sid, text in missing}
        started = time.perf_counter()
        findings = {}
        for sid, text in missing:  # the glossary check: forbidden variants fixed, missing forms recorded
            checked = terms.check(text, results[sid].text, lang, fix=True)
            if checked.findings:
                results[sid] = replace(results[sid], text=checked.text)
                findings[sid] = checked.findings
        report.checking_seconds += time.perf_counter() - started
        try:
            _store_translations(store, article_id, lang, model, tag, results, findings)
            for found in findings.values():
                report.term_fixes[lang] += sum(f.kind == "fixed" for f in found)
                report.term_issues[lang] += sum(f.kind in glossary.ISSUES for f in found)
            by_id[external_id].translated[lang] = len(missing)
        except Exception as error:  # noqa: BLE001 - keep the rest of the batch
            report.errors.append({"item": external_id, "stage": f"store {lang}", "reason": _reason(error)})

    for number, indices in enumerate(waiting):
        if not indices:  # everything remembered, or only the brief or review row is missing
            commit(number)
    if not unique:
        return
    texts_in_order = list(unique)
    if cluster is not None:
        cluster.check(model, options.decoding)  # every worker has this very model, before anything is decoded
        decoded = cluster.decode(model, options.decoding, texts_in_order)
    else:
        decoded = _decode_locally(model, options.decoding, texts_in_order)
    while True:
        started = time.perf_counter()
        batch = next(decoded, None)
        report.waiting_seconds += time.perf_counter() - started
        if batch is None:
            break
        for index, result in batch:
            outputs[index] = result
            report.tokens[lang] += result.tokens
            for number in needed_by.get(index, ()):
                waiting[number].discard(index)
                if not waiting[number]:
                    commit(number)
        progress(f"translate:{lang}", len(outputs), len(unique))


def _checking(progress: Progress) -> Progress:
    def checked(stage: str, done: int, total: int) -> None:
        interrupts.check()  # a Ctrl-C that Python swallowed stops the run here (see workflow.interrupts)
        progress(stage, done, total)
    return checked


def _decode_locally(model: Model, settings: Settings, texts: list[str]) -> Iterator[Batch]:
    yield from _translator(model, settings).batches(texts)


_LOADED: OrderedDict[tuple[str, str, str], Translator] = OrderedDict()
"""The models this process loaded last: a worker translating one story at a time loads each model once."""


def _translator(model: Model, settings: Settings) -> Translator:
    key = (model.key, str(model.path), repr(settings))
    if key in _LOADED:
        _LOADED.move_to_end(key)
    else:
        _LOADED[key] = Translator(model, settings)
        while len(_LOADED) > 4:
            _LOADED.popitem(last=False)
    return _LOADED[key]


def _translated_sentence_ids(session, article_ids: list[int], lang: str, tag: str) -> set[int]:
    if not article_ids:
        return set()
    rows = session.execute(
        select(Translation.sentence_id).join(Sentence, Sentence.id == Translation.sentence_id)
        .where(Sentence.article_id.in_(article_ids), Translation.lang == lang, Translation.model == tag))
    return {row[0] for row in rows}


def _store_translations(store: Store, article_id: int, lang: str, model: Model, tag: str, results: dict,
                        findings: dict[int, list[glossary.Finding]]) -> None:
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
            for sid in results:
                if sid not in existing and sid not in edited:  # an editor's text keeps its own check
                    glossary.record(session, article_id, sid, lang, findings.get(sid, ()))
        texts.write_brief(session, article, lang, model=tag)
        state = session.get(Review, (article_id, lang))
        fingerprint = _fingerprint(article, tag)
        if state is None:
            session.add(Review(article_id=article_id, lang=lang, status="new", model=tag, demo=model.demo,
                               fingerprint=fingerprint))
        elif state.fingerprint != fingerprint:
            state.model, state.demo, state.fingerprint = tag, model.demo, fingerprint
            state.status = "new"  # new text or a new model: it needs review again
        elif added and state.status == "approved":  # e.g. a headline added to an approved story (migration 0011)
            state.status = "in_review"


def _fingerprint(article: Article, tag: str) -> str:
    return hashlib.sha256(f"{article.content_hash}|{article.summary_key}|{tag}".encode()).hexdigest()


def _reason(error: Exception) -> str:
    first = (str(error).strip().splitlines() or [""])[0]
    return f"{type(error).__name__}: {first}" if first else type(error).__name__
