"""Shared fixtures: a private data dir per test, the real demo models, the real corpus."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
SHARED = REPO.parent / "shared"
REFERENCES = CORPUS / "parallel" / "reference-translations.tsv"


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    """A fresh BRIEFDESK_HOME: its own database and model folder."""
    path = tmp_path / "home"
    monkeypatch.setenv("BRIEFDESK_HOME", str(path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    return path


@pytest.fixture
def demo_models(home):
    """The bundled demo models, installed with `models add` into this test's home."""
    from workflow import models

    return {m.to_code: m for m in models.install_demo()}


@pytest.fixture
def store(home):
    from workflow.store import Store

    store = Store()
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
def reviewed_store(demo_models, store):
    """A store with the seed story and two VOA stories translated by the demo models, and three users."""
    import json

    from workflow import accounts, pipeline

    stories = [json.loads(line) for line in (CORPUS / "voa-cambodia-2018.en.jsonl").read_text().splitlines()]
    batch = Path(store.url.removeprefix("sqlite:///")).parent / "batch"
    batch.mkdir()
    (batch / "voa.jsonl").write_text("\n".join(json.dumps(s) for s in stories
                                               if s["id"] in ("voa-khm-2018-party-khmer-rouge",
                                                              "voa-khm-2018-party-FUNCINPEC")))
    shutil.copy(CORPUS / "hor-namhong-china-visit.en.txt", batch)
    report = pipeline.run([batch], store)
    assert not report.errors
    for name, role in (("rita", "reader"), ("eddie", "editor"), ("erin", "editor"), ("ada", "admin")):
        accounts.add_user(store, name, f"{name}-password", role)
    return store
