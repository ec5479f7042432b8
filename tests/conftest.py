"""Shared fixtures: a private data dir per test, the real demo models, the real corpus."""

from __future__ import annotations

import csv
import os
import shutil
import signal
from pathlib import Path

import pytest

from workflow.corpus import sample_dir

# A shell without job control starts background jobs with SIGINT ignored, and children inherit that: the Ctrl-C
# tests (here and in the runs they start) need Python's own handler, as in a terminal.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

CORPUS = sample_dir()
REFERENCES = CORPUS / "parallel" / "reference-translations.tsv"


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    """A fresh data dir, also in BRIEFDESK_HOME for the commands the tests run: its own database and models."""
    path = tmp_path / "home"
    monkeypatch.setenv("BRIEFDESK_HOME", str(path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    return path


# The modules whose tests run on both back-ends: every test in them that uses a database (the ``database_url``
# fixture, directly or through ``config``/``store``) runs once on SQLite and once on PostgreSQL.
BOTH_BACKENDS = {"test_store", "test_pipeline", "test_review", "test_review_library", "test_accounts",
                 "test_export", "test_faults", "test_web", "test_sessions", "test_glossary_web"}


def pytest_collection_modifyitems(items):
    # The slow tests first (a stable sort keeps the order otherwise): the workers start on them together and the
    # many quick tests fill in around them, instead of one slow test running alone at the end.
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


def pytest_generate_tests(metafunc):
    if "database_url" in metafunc.fixturenames and metafunc.module.__name__.rsplit(".", 1)[-1] in BOTH_BACKENDS:
        metafunc.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture(scope="session")
def postgres_server():
    """One throwaway PostgreSQL server for the whole run (started on first use, stopped at the end)."""
    from tests.postgres import PostgresServer, binaries

    bindir = binaries()
    if bindir is None:
        message = "PostgreSQL is not installed (Debian: apt install postgresql; .ci/setup --dev does it)"
        if os.environ.get("CI"):
            pytest.fail(message)  # CI installs it: a missing server there is a failure, not a skip
        pytest.skip(message)
    server = PostgresServer(bindir).start()
    try:
        server.prepare_template()
        yield server
    finally:
        server.stop()


@pytest.fixture
def database_url(request, home, monkeypatch) -> str:
    """This test's database: SQLite in its data dir, or (parametrized) a fresh database on the test server,
    also in DATABASE_URL for the commands the test runs. Either is a copy of a template built once per session:
    migrated to head, or, for a test that uses ``reviewed_store``, holding the reviewed stories too."""
    kind = getattr(request, "param", "sqlite")
    template = request.getfixturevalue(f"{'reviewed' if 'reviewed_store' in request.fixturenames else 'migrated'}"
                                       f"_{kind}")
    if kind == "sqlite":
        home.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(template, home / "briefdesk.db")
        yield f"sqlite:///{home / 'briefdesk.db'}"
        return
    server = request.getfixturevalue("postgres_server")
    url = server.create_database(template=template)
    monkeypatch.setenv("DATABASE_URL", url)
    yield url
    server.drop_database(url)


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory) -> Path:
    """A SQLite file migrated to head, copied for each test (a copy costs a millisecond, a migration far more)."""
    from workflow.store import Store

    path = tmp_path_factory.mktemp("migrated") / "briefdesk.db"
    Store(f"sqlite:///{path}").close()
    return _closed_sqlite(path)


@pytest.fixture(scope="session")
def migrated_postgresql(postgres_server) -> str:
    from tests.postgres import TEMPLATE

    return TEMPLATE  # built with the server


def _closed_sqlite(path: Path) -> Path:
    # A copy must be the whole database: every pooled connection closed, so nothing is left in a -wal file.
    assert not path.with_name(path.name + "-wal").exists(), "the template still has a write-ahead log"
    return path


@pytest.fixture
def config(home, database_url):
    from workflow.config import Config

    return Config.at(home, database_url=database_url)


@pytest.fixture
def registry(config):
    """The models installed in this test's data dir."""
    from workflow.models import Registry

    return Registry(config)


@pytest.fixture(scope="session")
def demo_packages(tmp_path_factory) -> Path:
    """The bundled demo models installed once per session, by the real ``models add`` (unpacked, checked,
    test-translated): each test's data dir gets a copy of the result."""
    from workflow.config import Config
    from workflow.models import Registry

    registry = Registry(Config.at(tmp_path_factory.mktemp("demo-packages")))
    registry.install_demo()
    return registry.packages_dir


@pytest.fixture
def demo_models(registry, demo_packages):
    """The bundled demo models, installed in this test's data dir (a copy of the session's installation)."""
    shutil.copytree(demo_packages, registry.packages_dir, dirs_exist_ok=True)
    return {m.to_code: m for m in registry.installed() if m.demo}


@pytest.fixture
def store(config):
    from workflow.store import Store

    store = Store(config.database_url)
    yield store
    store.close()


@pytest.fixture
def references() -> list[dict]:
    with REFERENCES.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


@pytest.fixture
def corpus_copy(tmp_path) -> Path:
    """A writable copy of corpus/ (tests change articles in it)."""
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target


@pytest.fixture
def no_network(monkeypatch) -> list:
    """Block sockets as an offline machine would; the list records every attempt (tests assert on it)."""
    import socket

    attempts: list = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network blocked by the test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


@pytest.fixture
def reviewed_store(demo_models, registry, store, reviewed_batch):
    """A store with the seed story and two VOA stories translated by the demo models, and three users: a copy
    of a template built once per session and back-end (see ``database_url``), with the batch folder it was
    translated from in this test's data dir (``home/batch``)."""
    shutil.copytree(reviewed_batch, registry.config.home / "batch")
    return store


REVIEWED_STORIES = ("voa-khm-2018-party-khmer-rouge", "voa-khm-2018-party-FUNCINPEC")
REVIEWED_USERS = (("rita", "reader"), ("eddie", "editor"), ("erin", "editor"), ("ada", "admin"))


@pytest.fixture(scope="session")
def reviewed_batch(tmp_path_factory) -> Path:
    """The folder the reviewed store is translated from: two VOA stories and the seed story."""
    import json

    batch = tmp_path_factory.mktemp("reviewed") / "batch"
    batch.mkdir()
    stories = [json.loads(line) for line in (CORPUS / "voa-cambodia-2018.en.jsonl").read_text().splitlines()]
    (batch / "voa.jsonl").write_text("\n".join(json.dumps(s) for s in stories if s["id"] in REVIEWED_STORIES))
    shutil.copy(CORPUS / "hor-namhong-china-visit.en.txt", batch)
    return batch


def _review(url: str, demo_packages: Path, batch: Path, home: Path) -> None:
    """Translate ``batch`` into the database at ``url`` with the demo models, and add the users."""
    from workflow import accounts, pipeline
    from workflow.config import Config
    from workflow.models import Registry
    from workflow.store import Store

    registry = Registry(Config.at(home, database_url=url))
    shutil.copytree(demo_packages, registry.packages_dir, dirs_exist_ok=True)
    store = Store(url)
    try:
        report = pipeline.run([batch], store, registry)
        assert not report.errors
        for name, role in REVIEWED_USERS:
            accounts.add_user(store, name, f"{name}-password", role)
    finally:
        store.close()


@pytest.fixture(scope="session")
def reviewed_sqlite(tmp_path_factory, migrated_sqlite, demo_packages, reviewed_batch) -> Path:
    home = tmp_path_factory.mktemp("reviewed-sqlite")
    path = home / "briefdesk.db"
    shutil.copyfile(migrated_sqlite, path)
    _review(f"sqlite:///{path}", demo_packages, reviewed_batch, home)
    return _closed_sqlite(path)


@pytest.fixture(scope="session")
def reviewed_postgresql(tmp_path_factory, postgres_server, demo_packages, reviewed_batch) -> str:
    from tests.postgres import REVIEWED, TEMPLATE

    postgres_server.execute(f"CREATE DATABASE {REVIEWED} TEMPLATE {TEMPLATE}")
    _review(postgres_server.url(REVIEWED), demo_packages, reviewed_batch, tmp_path_factory.mktemp("reviewed-pg"))
    return REVIEWED


@pytest.fixture
def live_server():
    """Start the real app on a real waitress server on loopback: ``base_url = live_server(app)``; all servers
    stop when the test ends."""
    import threading

    from web.serve import waitress_server

    servers = []

    def start(app) -> str:
        server = waitress_server(app, threads=4)

        def serve() -> None:
            try:
                server.run()
            except OSError:  # the socket closed under the loop at shutdown
                pass

        threading.Thread(target=serve, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.effective_port}"

    yield start
    for server in servers:
        server.close()


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium under Playwright, one per test file (starting one takes a second); each test opens
    fresh contexts of its own. Skips where Playwright or Chromium is missing."""
    sync_api = pytest.importorskip("playwright.sync_api")
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if not executable:
        pytest.skip("Debian chromium not installed")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=executable, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        yield chromium
        chromium.close()
