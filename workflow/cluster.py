"""Decoding on a Dask cluster: the coordinator (``briefdesk run --cluster``) sends batches, workers translate.

The coordinator ingests, segments, summarizes and stores as in a local run; only decoding moves. The pending
sentences are planned into batches exactly as a local run plans them (``translate.plan``: windows in article
order, sorted by length inside), and each batch is one task, so workers decode the same batches and produce the
same text. Tasks are submitted at once with earlier windows first; a task lost with a worker is rescheduled by
Dask.

Workers that own a GPU are started with ``dask worker ADDRESS --resources GPU=1``; with ``--device cuda`` (or
``auto`` when the cluster has such workers) every batch asks for that resource, so only they decode, one batch
at a time each, and only they are checked.

Each worker finds models in its own data dir (``BRIEFDESK_HOME``, or the coordinator's for ``local:N``) and keeps
one loaded translator per model per process. Before any work every worker must report the coordinator's package
checksum for the model (the same tag with other weights would store other text), and every batch checks it again
(a worker that joins later).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict

from workflow.config import Config
from workflow.errors import BriefdeskError
from workflow.models import Model, Registry
from workflow.translate import Batch, Settings, Tokenizer, Translation, Translator, plan

CONNECT_TIMEOUT_S = 15
GPU = "GPU"
"""The Dask worker resource a GPU worker offers (``--resources GPU=1``)."""
_NO_GPU = (f"--device cuda: no worker of the Dask cluster at {{address}} offers a GPU; start the workers of "
           f"machines with one as `dask worker ADDRESS --resources {GPU}=1`, or use --device auto or cpu")


class ClusterError(BriefdeskError):
    """The cluster cannot be reached, or a worker cannot translate with the coordinator's model."""


class Cluster:
    """A connection to a Dask scheduler, with what workers need to find the coordinator's models."""

    def __init__(self, client, *, home: str | None = None):
        self.client = client
        self.home = home
        """The data dir workers read models from (``local:N``), or None: each worker's own."""

    @property
    def workers(self) -> list[str]:
        return sorted(self.client.scheduler_info(n_workers=-1)["workers"])

    @property
    def gpu_workers(self) -> list[str]:
        """The workers that offer the ``GPU`` resource."""
        found = self.client.scheduler_info(n_workers=-1)["workers"]
        return sorted(address for address, worker in found.items() if worker.get("resources", {}).get(GPU, 0) >= 1)

    def device(self, requested: str) -> str:
        """Where this cluster decodes for ``--device requested``: ``cuda`` on its GPU workers (asked for, or
        ``auto`` when it has some), else ``cpu`` on every worker."""
        if requested == "cpu":
            return "cpu"
        if self.gpu_workers:
            return "cuda"
        if requested == "cuda":
            raise ClusterError(_NO_GPU.format(address=self.client.scheduler.address))
        return "cpu"

    def check(self, model: Model, settings: Settings) -> None:
        """Every worker has ``model`` with the same checksum and can load it; otherwise a ClusterError naming
        the worker. Nothing is decoded before this passes."""
        if not self.workers:
            raise ClusterError(f"the Dask cluster at {self.client.scheduler.address} has no workers")
        targets = self.gpu_workers if settings.device == "cuda" else None  # (None: every worker)
        if targets == []:
            raise ClusterError(_NO_GPU.format(address=self.client.scheduler.address))
        reports = self.client.run(load_model, model.to_code, model.checksum, asdict(settings), self.home,
                                  workers=targets)
        for address, problem in sorted(reports.items()):
            if problem:
                raise ClusterError(f"worker {address}: {problem}")

    def decode(self, model: Model, settings: Settings, texts: list[str]) -> Iterator[Batch]:
        """Translations of ``texts`` as batches finish (any order): lists of (index in ``texts``, translation)."""
        from distributed import as_completed

        tokenizer = Tokenizer(model)
        batches = plan([tokenizer.encode(text) for text in texts], settings.max_batch_tokens, settings.window_tokens)
        needs = {GPU: 1} if settings.device == "cuda" else None
        futures = {self.client.submit(decode_batch, model.to_code, model.checksum, asdict(settings),
                                      [texts[i] for i in batch], self.home, pure=False, priority=-number,
                                      resources=needs): batch
                   for number, batch in enumerate(batches)}
        try:
            for future in as_completed(futures):
                try:
                    outputs = future.result()
                except BriefdeskError:
                    raise
                except Exception as error:  # noqa: BLE001 - a worker's failure, told with what it was
                    raise ClusterError(f"decoding a batch on the cluster failed: {type(error).__name__}: "
                                       f"{error}") from error
                yield list(zip(futures[future], outputs))
        finally:
            self.client.cancel(list(futures))


@contextmanager
def connect(spec: str, config: Config, *, timeout: float = CONNECT_TIMEOUT_S) -> Iterator[Cluster]:
    """``local:N`` (a LocalCluster of N one-thread worker processes for this run, reading this data dir's
    models) or the address of a running scheduler (``tcp://HOST:8786``)."""
    try:
        from distributed import Client, LocalCluster
    except ImportError as error:
        raise ClusterError("--cluster needs Dask distributed: pip install 'briefdesk[cluster]' on this machine "
                           "and on every worker") from error
    if spec.startswith("local:"):
        count = spec.removeprefix("local:")
        if not count.isdigit() or int(count) < 1:
            raise ClusterError(f"--cluster {spec!r}: expected local:N with N ≥ 1 worker processes")
        with LocalCluster(n_workers=int(count), threads_per_worker=1, processes=True, dashboard_address=None,
                          silence_logs=logging.ERROR, env={"BRIEFDESK_HOME": str(config.home)}) as local, \
                Client(local) as client:
            yield Cluster(client, home=str(config.home))
        return
    address = spec if "://" in spec else f"tcp://{spec}"
    try:
        client = Client(address, timeout=timeout)
    except OSError as error:
        raise ClusterError(f"cannot reach the Dask scheduler at {address} ({error}); start one with "
                           "`dask scheduler` and workers with `dask worker ADDRESS`") from error
    with client:
        yield Cluster(client)


# --- on the workers ---------------------------------------------------------------------------------------------

_translators: dict[tuple, Translator] = {}


def _translator(to_code: str, checksum: str, settings: dict, home: str | None) -> Translator:
    """This process's translator for the model (loaded once), after checking it is the coordinator's."""
    cache_key = (to_code, checksum, tuple(sorted(settings.items())), home)
    if cache_key in _translators:
        return _translators[cache_key]
    if not _translators:
        _restore_malloc_thresholds()
    config = Config.at(home) if home else Config.from_env()
    try:
        model = Registry(config).find(to_code)
    except BriefdeskError as error:
        raise ClusterError(f"no en→{to_code} model in this worker's data dir {config.home}: {error}") from error
    if model.checksum != checksum:
        raise ClusterError(f"its en→{to_code} model {model.key} in {config.home} has checksum "
                           f"{model.checksum[:12]}, the coordinator's has {checksum[:12]}: install the same "
                           "package on every machine (briefdesk models add FILE)")
    # Dask's convention: a worker's nthreads is the cores it may use; each runs its own batches on one. A GPU
    # worker runs its batches one at a time on the GPU, as the coordinator's settings say.
    local = Settings(**settings) if settings.get("device") == "cuda" else \
        Settings(**{**settings, "inter_threads": _worker_threads(), "intra_threads": 1})
    try:
        translator = Translator(model, local)
    except Exception as error:  # noqa: BLE001 - CTranslate2's own message says what is wrong with the files
        raise ClusterError(f"cannot load {model.key} from {model.path}: {error}") from error
    _translators[cache_key] = translator
    return translator


def _restore_malloc_thresholds() -> None:
    """Dask's nanny starts workers with ``MALLOC_TRIM_THRESHOLD_=65536``, which also pins glibc's mmap
    threshold at 128 KiB: every large CTranslate2 buffer is then mmapped and unmapped, and decoding ran 2.4-4×
    slower (measured). Give large allocations back to the heap, as in a normal process."""
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
        if libc is not None and hasattr(libc, "mallopt"):
            libc.mallopt(_M_MMAP_THRESHOLD, 32 * 2**20)
            libc.mallopt(_M_TRIM_THRESHOLD, 128 * 2**20)
    except OSError:  # not glibc: nothing to restore
        pass


_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # glibc's mallopt parameters


def _worker_threads() -> int:
    try:
        from distributed import get_worker

        return max(1, get_worker().state.nthreads)
    except (ImportError, ValueError, AttributeError):
        return 1


def load_model(to_code: str, checksum: str, settings: dict, home: str | None) -> str | None:
    """Run on every worker before any work: None when ready, else what is wrong."""
    try:
        _translator(to_code, checksum, settings, home)
    except BriefdeskError as error:
        return str(error)
    return None


def decode_batch(to_code: str, checksum: str, settings: dict, texts: list[str],
                 home: str | None) -> list[Translation]:
    """One planned batch, decoded as one CTranslate2 batch (as the coordinator planned it, not re-cut)."""
    translator = _translator(to_code, checksum, settings, home)
    [batch] = translator.decode([translator.encode(text) for text in texts], [list(range(len(texts)))])
    return [translation for _, translation in batch]
