"""Shared fixtures: a private data dir per test, the real demo models, the real corpus."""

from __future__ import annotations

import csv
import os
import shutil
from pathlib import Path

import pytest

from workflow.corpus import sample_dir

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
    also in DATABASE_URL for the commands the test runs."""
    if getattr(request, "param", "sqlite") == "sqlite":
        home.mkdir(parents=True, exist_ok=True)
        yield f"sqlite:///{home / 'briefdesk.db'}"
        return
    server = request.getfixturevalue("postgres_server")
    url = server.create_database()
    monkeypatch.setenv("DATABASE_URL", url)
    yield url
    server.drop_database(url)


@pytest.fixture
def config(home, database_url):
    from workflow.config import Config

    return Config.at(home, database_url=database_url)


@pytest.fixture
def registry(config):
    """The models installed in this test's data dir."""
    from workflow.models import Registry

    return Registry(config)


@pytest.fixture
def demo_models(registry):
    """The bundled demo models, installed with `models add` into this test's home."""
    return {m.to_code: m for m in registry.install_demo()}


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
def reviewed_store(demo_models, registry, store):
    """A store with the seed story and two VOA stories translated by the demo models, and three users."""
    import json

    from workflow import accounts, pipeline

    stories = [json.loads(line) for line in (CORPUS / "voa-cambodia-2018.en.jsonl").read_text().splitlines()]
    batch = registry.config.home / "batch"
    batch.mkdir()
    (batch / "voa.jsonl").write_text("\n".join(json.dumps(s) for s in stories
                                               if s["id"] in ("voa-khm-2018-party-khmer-rouge",
                                                              "voa-khm-2018-party-FUNCINPEC")))
    shutil.copy(CORPUS / "hor-namhong-china-visit.en.txt", batch)
    report = pipeline.run([batch], store, registry)
    assert not report.errors
    for name, role in (("rita", "reader"), ("eddie", "editor"), ("erin", "editor"), ("ada", "admin")):
        accounts.add_user(store, name, f"{name}-password", role)
    return store


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
