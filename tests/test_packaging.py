"""Installed, not only cloned: the built wheel alone (no repository beside it) carries the demo models, the
sample corpus, the migrations and the compiled interface catalogs, and its commands work from anywhere."""

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The wheel built from this checkout, unpacked into a folder that shadows the editable install."""
    folder = tmp_path_factory.mktemp("wheel")
    # Built from a copy: setuptools writes build/ and briefdesk.egg-info/ beside the sources it builds. The
    # compiled catalogs are left out: the build itself must make them.
    source = folder / "source"
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "*.egg-info", "__pycache__", ".*_cache", ".hypothesis", "artifacts", "*.mo",
        "node_modules"))
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                            str(source), "-w", str(folder / "dist")], capture_output=True, text=True)
    assert built.returncode == 0, built.stdout + built.stderr
    wheel = next((folder / "dist").glob("briefdesk-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(folder / "site")
    return folder / "site"


def _briefdesk(installed: Path, home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(installed), "BRIEFDESK_HOME": str(home)}
    env.pop("DATABASE_URL", None)
    return subprocess.run([sys.executable, "-m", "workflow", *args], cwd=home.parent, env=env,
                          capture_output=True, text=True, timeout=300)


def test_the_wheel_carries_sample_corpus_models_and_migrations(installed):
    names = {p.relative_to(installed).as_posix() for p in installed.rglob("*") if p.is_file()}
    assert {"workflow/sample/voa-cambodia-2018.en.jsonl", "workflow/sample/hor-namhong-china-visit.en.txt",
            "workflow/sample/README.md", "workflow/sample/parallel/reference-translations.tsv",
            "workflow/demo/translate-en_km-demo.argosmodel", "web/templates/article.html",
            "workflow/migrations/versions/0005_login_failures.py", "workflow/migrations/script.py.mako",
            "web/translations/km/LC_MESSAGES/messages.mo", "web/translations/zh/LC_MESSAGES/messages.mo"} <= names


def test_installed_commands_work_outside_the_clone(installed, tmp_path):
    home = tmp_path / "home"
    where = _briefdesk(installed, home, "--version")
    assert where.returncode == 0, where.stderr
    probe = subprocess.run([sys.executable, "-c", "import workflow.corpus as c; print(c.__file__, c.sample_dir())"],
                           env={**os.environ, "PYTHONPATH": str(installed)}, capture_output=True, text=True,
                           cwd=tmp_path, check=True)
    module, sample = probe.stdout.split()
    assert module.startswith(str(installed)) and sample == str(installed / "workflow" / "sample")
    assert _briefdesk(installed, home, "models", "install", "demo").returncode == 0
    story = installed / "workflow" / "sample" / "hor-namhong-china-visit.en.txt"
    run = _briefdesk(installed, home, "run", str(story), "--to", "zh")
    assert run.returncode == 0, run.stdout + run.stderr
    exported = _briefdesk(installed, home, "export", "--lang", "zh")
    record = json.loads(exported.stdout.splitlines()[0])
    assert record["article_id"] == "hor-namhong-china-visit" and "贺南洪" in record["text"]
