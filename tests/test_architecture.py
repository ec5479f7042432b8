"""The layout's rules, checked: the import contracts in pyproject.toml (cli → web → workflow core; the batch
path and the editorial modules independent), small modules and short functions (their complexity is ruff's
C901, in pyproject.toml)."""

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
MAX_LINES = 350
MAX_FUNCTION_LINES = 60


def _lint(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=root, capture_output=True, text=True)


def test_import_contracts_hold():
    result = _lint(REPO)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "0 broken" in result.stdout


@pytest.mark.parametrize("module,line,contract", [
    ("workflow/pipeline.py", "from workflow import review", "each core layer"),  # batch path → editorial
    ("workflow/store.py", "from web import create_app", "never imports the web app"),  # core → web
    ("workflow/texts.py", "import flask", "never imports the web app"),
])
def test_a_broken_rule_is_caught(tmp_path, module, line, contract):
    copy = tmp_path / "repo"
    copy.mkdir()
    for name in ("workflow", "web"):
        shutil.copytree(REPO / name, copy / name, ignore=shutil.ignore_patterns("*.argosmodel", "__pycache__"))
    shutil.copy(REPO / "pyproject.toml", copy)
    with (copy / module).open("a") as handle:
        handle.write(f"\n{line}  # noqa\n")
    result = _lint(copy)
    assert result.returncode != 0 and contract in result.stdout, result.stdout[-2000:]


MODULES = sorted(p.relative_to(REPO).as_posix() for folder in ("workflow", "web")
                 for p in (REPO / folder).rglob("*.py") if "migrations/versions" not in str(p))


@pytest.mark.parametrize("path", MODULES)
def test_modules_stay_small_enough_to_read_at_once(path):
    lines = len((REPO / path).read_text().splitlines())
    assert lines <= MAX_LINES, f"{path} has {lines} lines; split it by concept"


def long_functions(source: str) -> list[tuple[str, int]]:
    """(name, lines) of each function or method longer than MAX_FUNCTION_LINES, docstring and all."""
    return [(node.name, node.end_lineno - node.lineno + 1) for node in ast.walk(ast.parse(source))
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES]


def test_functions_stay_short():
    found = {path: long for path in MODULES if (long := long_functions((REPO / path).read_text()))}
    assert not found, f"functions over {MAX_FUNCTION_LINES} lines (split them: plan, do, report): {found}"


def test_a_long_function_is_caught():
    body = "".join(f"        x{i} = {i}\n" for i in range(MAX_FUNCTION_LINES))
    assert long_functions(f"def short():\n    pass\n\n\nclass A:\n    def long(self):\n{body}") == [
        ("long", MAX_FUNCTION_LINES + 1)]
