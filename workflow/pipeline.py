"""A batch run: ingest → segment → summarize → translate → store, resumable and idempotent.

* Each article is stored (sentences and English brief) in its own short transaction; a broken article is
  reported and skipped, never stopping the batch.
* For each target language the model is loaded once, and every sentence of the batch that has no translation by
  that model yet goes through one streaming, length-sorted decode (``workflow.translation_pass``). Identical
  sentences are decoded once.
* An article's translations, brief and review row are committed together as soon as its last sentence comes
  back, so an interrupted run loses at most the articles in flight, and a rerun redoes nothing finished.
* A rerun on unchanged input with the same models and settings translates nothing; a changed article (content
  hash) or model (checksum) is redone.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from workflow import articles, corpus, interrupts, jobs, queue_counts, summarize
from workflow.articles import ArticleResult
from workflow.cluster import Cluster, ClusterError
from workflow.errors import BriefdeskError
from workflow.models import Model, Registry
from workflow.store import Article, Run, Store, utcnow
from workflow.translate import Settings
from workflow.translation_pass import Counts, TranslationPass, reason

log = logging.getLogger(__name__)


class Interrupted(BriefdeskError):
    """Raised by a progress callback to stop a run (a worker asked to stop): recorded as interrupted."""


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

    def add(self, lang: str, counts: Counts) -> None:
        self.decoded[lang], self.tokens[lang] = counts.decoded, counts.tokens
        self.term_fixes[lang], self.term_issues[lang] = counts.term_fixes, counts.term_issues
        self.waiting_seconds += counts.waiting_seconds
        self.checking_seconds += counts.checking_seconds

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
    """Translate articles that are already stored (what ``briefdesk worker`` does with a submitted story),
    splitting first any that were stored unsplit (see ``articles``)."""
    progress = progress or (lambda *_: None)

    def stored(report: RunReport) -> list[int]:
        ready = []
        for article_id in article_ids:
            with interrupts.deferred(), store.session() as session:
                article = session.get(Article, article_id)
                if article is None:
                    continue
                if not article.sentences:
                    try:
                        articles.segment_article(session, article, options.summary)
                    except ValueError as error:  # refused before anything changed
                        report.errors.append({"item": article.external_id, "stage": "segment",
                                              "reason": str(error)})
                        continue
                body = [s for s in article.sentences if s.position >= 0]  # the headline is not counted
                report.articles.append(ArticleResult(article.external_id, article.title, len(body),
                                                     sum(s.in_brief for s in body)))
                ready.append(article_id)
        return ready

    return _run(stored, store, models, options, progress, cluster)


def submit(document: corpus.Document, store: Store, username: str, options: Options = Options()) -> ArticleResult:
    """Store a story added through the web or the API, with a job for ``briefdesk worker`` to translate it (in
    one transaction: a story is never stored without its job). Nothing is split or decoded here: the worker
    does that."""
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
            language_pass = TranslationPass(lang, model, options.decoding, store,
                                            {r.external_id: r for r in report.articles}, report.errors, progress)
            try:
                language_pass.run(article_ids, cluster)
            except ClusterError as error:  # committed articles stay; the rest of this language waits for a rerun
                report.errors.append({"item": f"--to {lang}", "stage": "translate", "reason": str(error)})
            finally:
                report.add(lang, language_pass.counts)
        status = "failed" if not report.articles and report.errors else "done"
    except (KeyboardInterrupt, Interrupted):
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
    try:  # the batch's count rows, summed now rather than by the first page read after it; best effort
        queue_counts.fold(store, shrink_after=queue_counts.SHRINK_AFTER)
    except SQLAlchemyError as error:  # (the next page read folds them; the run itself is done)
        log.warning("folding the queue counts after the run failed: %s", error)
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
        with interrupts.deferred():  # stored and counted, or neither
            try:
                with store.session() as session:
                    stored = articles.store(item, session, options.summary, options.replace)
            except ValueError as error:  # refused as it is (not English, no sentences…): the reason alone
                report.errors.append({"item": item.source, "stage": "store", "reason": str(error)})
                continue
            except Exception as error:  # noqa: BLE001 - one bad article never stops the batch
                report.errors.append({"item": item.source, "stage": "store", "reason": reason(error)})
                continue
            if stored.result.note:
                report.errors.append({"item": item.source, "stage": "conflict", "reason": stored.result.note})
            ids.append(stored.article_id)
            report.articles.append(stored.result)
    return ids


def _checking(progress: Progress) -> Progress:
    def checked(stage: str, done: int, total: int) -> None:
        interrupts.check()  # a Ctrl-C that Python swallowed stops the run here (see workflow.interrupts)
        progress(stage, done, total)
    return checked
