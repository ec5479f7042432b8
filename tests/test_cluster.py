"""Decoding on a real Dask cluster (LocalCluster worker processes): the same rows as a local run, a worker killed
mid-run, the coordinator interrupted, workers with other weights or broken files."""

from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.conftest import CORPUS
from workflow import cluster, pipeline
from workflow.models import Registry
from workflow.store import Article, Run, Sentence, Store, Translation
from workflow.translate import Settings, plan

distributed = pytest.importorskip("distributed")


def _rows(store: Store) -> dict[tuple, tuple]:
    """Every stored translation by (article, sentence position, language): (model tag, text, origin)."""
    with store.read() as session:
        rows = session.execute(
            select(Article.external_id, Sentence.position, Translation.lang, Translation.model, Translation.text,
                   Translation.origin)
            .join(Sentence, Sentence.id == Translation.sentence_id).join(Article, Article.id == Sentence.article_id))
        return {(a, p, lang): (model, text, origin) for a, p, lang, model, text, origin in rows}


def _exactly_once(store: Store) -> None:
    with store.read() as session:
        sentences = session.scalar(select(func.count(Sentence.id)))
        for lang in ("km", "zh"):
            counts = session.execute(select(Translation.sentence_id, func.count()).where(Translation.lang == lang)
                                     .group_by(Translation.sentence_id)).all()
            assert len(counts) == sentences and {n for _, n in counts} == {1}


# Many small batches: plenty of tasks to kill or interrupt in the middle of (batch size is not in the model tag).
SMALL_BATCHES = pipeline.Options(decoding=Settings(max_batch_tokens=96, window_tokens=1024))


def _first_stories(folder: Path, count: int) -> Path:
    folder.mkdir()
    lines = (CORPUS / "voa-cambodia-2018.en.jsonl").read_text(encoding="utf-8").splitlines()[:count]
    (folder / "voa.jsonl").write_text("\n".join(lines), encoding="utf-8")
    return folder


@pytest.fixture
def stories(tmp_path) -> Path:
    """A folder with the first 12 VOA stories: enough chunks to kill or interrupt in the middle of."""
    return _first_stories(tmp_path / "stories", 12)


@pytest.fixture
def local_cluster():
    """A LocalCluster of two one-thread worker processes: ``start(env)`` gives its client; stopped at the end."""
    started = []

    def start(env: dict | None = None):
        local = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                         silence_logs=logging.ERROR, env=env or {})
        client = distributed.Client(local)
        started.append((client, local))
        return client

    yield start
    for client, local in started:
        client.close()
        local.close()


def test_the_plan_covers_every_sentence_once_windows_in_order_batches_sorted_and_bounded():
    sources = [["▁w"] * (n % 17 + 1) for n in range(500)]
    batches = plan(sources, batch_tokens=40, window_tokens=400)
    assert sorted(i for batch in batches for i in batch) == list(range(500))
    assert len(batches) > 10 and all(batch for batch in batches)
    # Windows keep input order: the first batches hold the first sentences, the last ones the last.
    assert max(batches[0]) < 100 and min(batches[-1]) > 300
    # The first window is one batch's worth of tokens (the first 9 sentences), so the first articles commit early.
    assert sorted(batches[0] + batches[1]) == list(range(9))
    for batch in batches:
        lengths = [len(sources[i]) for i in batch]
        assert lengths == sorted(lengths)
        assert len(batch) == 1 or len(batch) * max(lengths) <= 40  # padded size within the budget


@pytest.mark.slow
@pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)
def test_briefdesk_run_on_a_local_cluster_stores_what_a_local_run_stores(demo_models, home, database_url, request,
                                                                        tmp_path):
    # The first 18 VOA stories: 744 distinct sentences, 43k source tokens per language with the demo models, so
    # the default plan has the one-batch first window, two full windows and a partial one (29 batches); all 42
    # stories took twice as long and add only more of the same windows.
    stories = _first_stories(tmp_path / "stories", 18)
    env = {**os.environ, "BRIEFDESK_HOME": str(home), "DATABASE_URL": database_url}
    command = [sys.executable, "-m", "workflow", "run", str(stories), "--to", "km,zh"]
    on_cluster = subprocess.run([*command, "--cluster", "local:2"], env=env, capture_output=True, text=True)
    assert on_cluster.returncode == 0, on_cluster.stderr
    # The same input again, locally, into the same database: nothing is decoded (same rows, same tags).
    again = subprocess.run(command, env=env, capture_output=True, text=True)
    assert again.returncode == 0 and "Nothing to translate" in again.stdout
    if database_url.startswith("sqlite"):
        local_url = f"sqlite:///{home / 'local.db'}"
    else:
        local_url = request.getfixturevalue("postgres_server").create_database()
    local = subprocess.run(command, env={**env, "DATABASE_URL": local_url}, capture_output=True, text=True)
    assert local.returncode == 0, local.stderr
    clustered, plain = _rows(Store(database_url)), _rows(Store(local_url))
    assert len(plain) > 1400 and clustered == plain
    _exactly_once(Store(database_url))


def test_a_worker_killed_mid_run_loses_nothing_and_translates_each_sentence_once(demo_models, config, store, stories,
                                                                                   local_cluster, tmp_path):
    client = local_cluster()
    workers = cluster.Cluster(client, home=str(config.home))
    before = client.run(os.getpid)
    killed = []

    def progress(stage: str, done: int, total: int) -> None:
        if stage.startswith("translate:") and not killed and done > 0:
            victim = sorted(before.values())[0]
            os.kill(victim, signal.SIGKILL)  # mid-run: most chunks are still queued or decoding
            killed.append(victim)

    report = pipeline.run([stories], store, Registry(config), SMALL_BATCHES, progress, workers)
    assert killed and not report.errors
    assert killed[0] not in client.run(os.getpid).values()  # really gone (its nanny started another)
    _exactly_once(store)
    local_store = Store(f"sqlite:///{tmp_path / 'local.db'}")
    pipeline.run([stories], local_store, Registry(config), SMALL_BATCHES)
    assert _rows(store) == _rows(local_store)


def test_an_interrupted_coordinator_resumes_without_redoing_finished_articles(demo_models, config, store, stories,
                                                                                 local_cluster):
    workers = cluster.Cluster(local_cluster(), home=str(config.home))
    committed = []

    def interrupt(stage: str, done: int, total: int) -> None:
        if stage.startswith("translate:"):
            with store.read() as session:  # Ctrl-C once some articles are committed and others are not
                committed.extend(session.execute(select(Translation.id, Translation.text, Translation.created_at)))
            if committed:
                raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        pipeline.run([stories], store, Registry(config), SMALL_BATCHES, interrupt, workers)
    assert committed
    with store.read() as session:
        assert session.scalars(select(Run.status)).one() == "interrupted"
    report = pipeline.run([stories], store, Registry(config), SMALL_BATCHES, cluster=workers)
    with store.read() as session:
        everything = 2 * len(set(session.scalars(select(Sentence.text))))  # what a first run decodes
    assert not report.errors and 0 < sum(report.decoded.values()) < everything
    with store.read() as session:
        for row_id, text, created_at in committed:  # finished work was kept as it was, not redone
            row = session.get(Translation, row_id)
            assert (row.text, row.created_at) == (text, created_at)
    _exactly_once(store)


def _worker_home(config, tmp_path, change) -> str:
    """A data dir for the workers holding a copy of the coordinator's km model, changed by ``change``."""
    home = tmp_path / "worker-home"
    source = Registry(config).find("km").path
    target = home / "argos" / "packages" / source.name
    shutil.copytree(source, target)
    change(target)
    return str(home)


def test_a_worker_with_other_weights_is_refused_by_name_before_any_work(demo_models, config, store, local_cluster,
                                                                          tmp_path):
    other = _worker_home(config, tmp_path, lambda path: (path / ".briefdesk-checksum").write_text("0" * 64))
    client = local_cluster({"BRIEFDESK_HOME": other})
    report = pipeline.run([CORPUS], store, Registry(config), pipeline.Options(targets=["km"]),
                          cluster=cluster.Cluster(client))
    [error] = report.errors
    worker = sorted(client.scheduler_info()["workers"])[0]
    assert error["item"] == "--to km" and worker in error["reason"]
    assert "checksum 000000000000" in error["reason"] and "install the same package" in error["reason"]
    with store.read() as session:
        assert session.scalar(select(func.count(Translation.id))) == 0


def test_a_worker_that_cannot_load_the_model_is_a_clear_error_with_nothing_half_stored(demo_models, config, store,
                                                                                       local_cluster, tmp_path):
    other = _worker_home(config, tmp_path, lambda path: (path / "model" / "model.bin").write_bytes(b"not a model"))
    client = local_cluster({"BRIEFDESK_HOME": other})
    report = pipeline.run([CORPUS], store, Registry(config), cluster=cluster.Cluster(client))
    assert sorted(e["item"] for e in report.errors) == ["--to km", "--to zh"]
    km = next(e for e in report.errors if e["item"] == "--to km")
    assert "cannot load en-km@" in km["reason"] and "worker tcp://" in km["reason"]
    zh = next(e for e in report.errors if e["item"] == "--to zh")
    assert "no en→zh model in this worker's data dir" in zh["reason"]
    with store.read() as session:
        assert session.scalar(select(func.count(Translation.id))) == 0
        assert session.scalar(select(func.count(Article.id))) == 42  # ingest is the coordinator's and went on


def test_cluster_addresses_that_do_not_work_are_clear_errors(config):
    with pytest.raises(cluster.ClusterError, match="expected local:N"):
        with cluster.connect("local:0", config):
            pass
    with pytest.raises(cluster.ClusterError, match=r"cannot reach the Dask scheduler at tcp://127.0.0.1:9 .*dask "
                                                   "scheduler"):
        with cluster.connect("127.0.0.1:9", config, timeout=2):
            pass


def test_a_worker_decoding_on_a_cluster_stores_what_a_local_worker_stores(demo_models, config, store, local_cluster,
                                                                           tmp_path):
    from workflow import corpus, worker

    documents = list(corpus.read([CORPUS / "voa-cambodia-2018.en.jsonl"]))[:3]
    alone = Store(f"sqlite:///{tmp_path / 'alone.db'}")
    for target in (store, alone):
        for document in documents:
            pipeline.submit(document, target, "cms")
    client = local_cluster()
    with distributed.get_task_stream(client) as tasks:
        finished = worker.work(store, Registry(config), until_idle=True, cluster=cluster.Cluster(
            client, home=str(config.home)), log=lambda _: None)
    assert finished == 3 and any("decode_batch" in str(task["key"]) for task in tasks.data)  # decoded out there
    assert worker.work(alone, Registry(config), until_idle=True, log=lambda _: None) == 3
    rows = _rows(store)
    assert {article for article, _, _ in rows} == {d.id for d in documents}
    assert rows == _rows(alone)
    _exactly_once(store)


@pytest.fixture
def mixed_cluster(config):
    """Two one-thread worker processes, the second offering a GPU (``--resources GPU=1``), reading this data
    dir's models."""
    spec = {name: {"cls": distributed.Nanny, "options": {"nthreads": 1, "resources": resources,
                                                          "env": {"BRIEFDESK_HOME": str(config.home)}}}
            for name, resources in (("cpu", {}), ("gpu", {cluster.GPU: 1}))}
    local = distributed.SpecCluster(workers=spec, scheduler={"cls": distributed.Scheduler,
                                                             "options": {"dashboard_address": None}},
                                    silence_logs=logging.ERROR)
    client = distributed.Client(local)
    yield client
    client.close()
    local.close()


def test_gpu_work_goes_to_the_workers_that_offer_a_gpu_and_only_they_are_checked(demo_models, config, mixed_cluster):
    workers = cluster.Cluster(mixed_cluster, home=str(config.home))
    info = mixed_cluster.scheduler_info()["workers"]
    gpu = [address for address, worker in info.items() if worker["resources"].get("GPU")]
    assert workers.gpu_workers == gpu and len(workers.workers) == 2
    assert workers.device("auto") == workers.device("cuda") == "cuda" and workers.device("cpu") == "cpu"
    model = Registry(config).find("km")
    # This machine has no CUDA: loading on the GPU worker fails, and the report names that worker alone.
    with pytest.raises(cluster.ClusterError) as refused:
        workers.check(model, Settings(device="cuda", inter_threads=1, intra_threads=1))
    assert str(refused.value).startswith(f"worker {gpu[0]}: cannot load en-km@")
    # Its batches ask for the GPU: the CPU-only worker never takes one.
    with pytest.raises(cluster.ClusterError, match="decoding a batch on the cluster failed|cannot load"):
        list(workers.decode(model, Settings(device="cuda", inter_threads=1, intra_threads=1), ["Hello."]))
    ran = mixed_cluster.run(lambda: sorted(cluster._translators), workers=[a for a in info if a not in gpu])
    assert ran == {a: [] for a in info if a not in gpu}
    workers.check(model, Settings())  # on the CPUs: every worker, and both can
    assert len(list(workers.decode(model, Settings(), ["Hello.", "Phnom Penh"]))) >= 1


def test_cuda_on_a_cluster_without_gpu_workers_says_how_to_offer_one(config, local_cluster):
    workers = cluster.Cluster(local_cluster())
    assert workers.gpu_workers == [] and workers.device("auto") == "cpu"
    with pytest.raises(cluster.ClusterError, match=r"no worker .* offers a GPU.*--resources GPU=1"):
        workers.device("cuda")


def test_cuda_on_a_cluster_without_gpus_fails_before_any_work(demo_models, config, store, stories):
    from click.testing import CliRunner

    from workflow.cli import main

    result = CliRunner().invoke(main, ["run", str(stories), "--cluster", "local:1", "--device", "cuda"])
    assert result.exit_code == 1 and "offers a GPU" in result.output and "--resources GPU=1" in result.output
    with store.read() as session:
        assert session.scalar(select(func.count(Article.id))) == 0
    worker = CliRunner().invoke(main, ["worker", "--cluster", "local:1", "--device", "cuda", "--until-idle"])
    assert worker.exit_code == 1 and "offers a GPU" in worker.output  # the worker asks the cluster too
